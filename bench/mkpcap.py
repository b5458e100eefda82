#!/usr/bin/env python3
"""Writes a pcap of N Ethernet/IPv4/UDP frames (64 bytes on the wire, 60 in
the file: no FCS) for forwarding benchmarks.  Plain Python, no scapy, so a
million frames take about a second.

usage: mkpcap.py OUT.pcap N [--flows K]
  --flows K   cycle through K distinct UDP source ports (default 1)
"""
import struct
import sys


def csum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(sport):
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    payload = b"\x00" * 18
    udp_len = 8 + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    udp = struct.pack("!HHHH", sport, 5001, udp_len, 0) + payload
    return eth + ip + udp


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    out, n = args[0], int(args[1])
    k = int(args[args.index("--flows") + 1]) if "--flows" in args else 1
    frames = [frame(1024 + i) for i in range(min(k, n))]
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            fr = frames[i % len(frames)]
            f.write(struct.pack("<IIII", i // 1000000, i % 1000000, len(fr), len(fr)))
            f.write(fr)


if __name__ == "__main__":
    main()
