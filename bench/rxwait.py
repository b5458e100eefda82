#!/usr/bin/env python3
"""bench/rxwait.py — waits for the first benchmark frame on an interface
(run inside the receiving host's network namespace; needs root).

usage: rxwait.py IFACE TIMEOUT_S

Opens an AF_PACKET socket on IFACE, prints "listening" (so the caller
knows frames from now on are seen), then waits for the first IPv4 UDP
frame to port 5001 (bench/lib.sh trafgen_conf's frames) and prints the
host's wall clock (seconds since the epoch, from the kernel's receive
timestamp) on a second line.  Exits 0, or 1 when TIMEOUT_S passes first.
Stdlib only."""
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35


def main():
    iface, timeout = sys.argv[1], float(sys.argv[2])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    print("listening", flush=True)
    until = time.time() + timeout
    while time.time() < until:
        s.settimeout(max(0.01, until - time.time()))
        try:
            data, anc, _, addr = s.recvmsg(2048, socket.CMSG_SPACE(16))
        except socket.timeout:
            break
        if addr[2] == socket.PACKET_OUTGOING or len(data) < 38:
            continue
        ihl = (data[14] & 0xF) * 4
        if data[12:14] != b"\x08\x00" or data[23] != 17 or len(data) < 14 + ihl + 4:
            continue
        if struct.unpack("!H", data[14 + ihl + 2:14 + ihl + 4])[0] != 5001:
            continue
        t = time.time()
        for level, kind, val in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", val[:16])
                t = sec + nsec / 1e9
        print("%.6f" % t, flush=True)
        return 0
    return 1


sys.exit(main())
