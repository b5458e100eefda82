#!/usr/bin/python3
"""Turns off TX checksum offload, scatter-gather, TSO and GSO on the named
interfaces (what `ethtool -K IF tx off sg off tso off gso off` does), with the
legacy SIOCETHTOOL ioctls, because ethtool(8) may not be installed.

A veth whose peer is a switch port read through AF_PACKET would otherwise
hand the switch TCP segments with partial checksums or larger than the MTU.
Usage (inside the namespace that owns the interfaces):
    nooffload.py IFNAME...
Exits 0 when every interface was set, 1 otherwise."""
import ctypes
import fcntl
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
# ETHTOOL_S* commands: TXCSUM, SG, TSO, GSO (linux/ethtool.h)
SET_CMDS = (0x00000017, 0x00000019, 0x0000001f, 0x00000024)


def set_off(sock, ifname):
    """Returns True when every offload of ifname was turned off."""
    for cmd in SET_CMDS:
        # struct ethtool_value { u32 cmd; u32 data; }, pointed to by
        # struct ifreq { char name[16]; void *data; }
        val = ctypes.create_string_buffer(struct.pack("II", cmd, 0))
        ifreq = struct.pack("16sP", ifname.encode(), ctypes.addressof(val))
        try:
            fcntl.ioctl(sock, SIOCETHTOOL, ifreq)
        except OSError as e:
            print("nooffload: %s cmd %#x: %s" % (ifname, cmd, e), file=sys.stderr)
            return False
    return True


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ok = all([set_off(sock, name) for name in sys.argv[1:]])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
