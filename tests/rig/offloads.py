#!/usr/bin/python3 -IS
"""Prints the offloads of each named interface as one line
"IFNAME tx=B rx=B sg=B tso=B gso=B gro=B" (B = 0/1), read with the legacy
SIOCETHTOOL get commands: an independent check of what sluice-rig set
(ethtool(8) may not be installed).  Run it inside the namespace that owns
the interfaces.  Exits 1 when an interface cannot be read."""
import array
import fcntl
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
# ETHTOOL_G* (linux/ethtool.h)
GETS = (("tx", 0x16), ("rx", 0x14), ("sg", 0x18), ("tso", 0x1e), ("gso", 0x23),
        ("gro", 0x2b))


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rc = 0
    for name in sys.argv[1:]:
        out = [name]
        try:
            for key, cmd in GETS:
                # struct ethtool_value { u32 cmd, data; } (array: no ctypes,
                # which costs a slow import), pointed to by struct ifreq.
                val = array.array("I", [cmd, 0])
                ifreq = struct.pack("16sP", name.encode(), val.buffer_info()[0])
                fcntl.ioctl(sock, SIOCETHTOOL, ifreq)
                out.append("%s=%d" % (key, 1 if val[1] else 0))
        except OSError as e:
            print("offloads: %s: %s" % (name, e), file=sys.stderr)
            rc = 1
            continue
        print(" ".join(out))
    return rc


if __name__ == "__main__":
    sys.exit(main())
