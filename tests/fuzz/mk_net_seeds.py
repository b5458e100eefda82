#!/usr/bin/python3
"""Writes the seed corpus of tests/fuzz/fuzz_net.c (tests/fuzz/corpus/net/):
frames a peer at 10.0.0.1 (02:00:00:00:00:01) sends to the stack at
10.0.0.2 (02:00:00:00:00:02), in fuzz_net's record format.  Made with scapy,
independently of the stack's own code."""
import hashlib
import os
import struct
import sys

from scapy.all import ARP, BOOTP, DHCP, ICMP, IP, TCP, UDP, Ether, Raw

PEER, US = "02:00:00:00:00:01", "02:00:00:00:00:02"
E = Ether(src=PEER, dst=US)
EB = Ether(src=PEER, dst="ff:ff:ff:ff:ff:ff")


def rec(frame, ctl=0):
    b = bytes(frame)
    return struct.pack(">BH", ctl, len(b)) + b


def arp():
    return rec(EB / ARP(op=1, hwsrc=PEER, psrc="10.0.0.1", pdst="10.0.0.2"))


def tcp(flags, seq, ack=0, dport=80, sport=40000, data=b"", ctl=0, opts=None):
    t = TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=65535,
            options=opts or [])
    return rec(E / IP(src="10.0.0.1", dst="10.0.0.2") / t / Raw(data), ctl)


seeds = {
    "arp_ping": b"\0" + arp() + rec(E / IP(src="10.0.0.1", dst="10.0.0.2") / ICMP() / b"ping"),
    "handshake_data_fin": b"\0" + arp()
        + tcp("S", 1000, opts=[("MSS", 1460), ("WScale", 7)])
        + tcp("A", 1001, 0, ctl=0x20)
        + tcp("PA", 1001, 0, data=b"hello", ctl=0x60)
        + tcp("FA", 1006, 0, ctl=0xa0),
    "rst_syn_edges": b"\0" + arp() + tcp("S", 5, dport=6653)
        + tcp("R", 6, dport=6653) + tcp("SA", 9, 1, dport=81) + tcp("S", 7, dport=6653, ctl=5),
    "ooo_and_dup": b"\0" + arp() + tcp("S", 1000) + tcp("A", 1001, 0, ctl=0x20)
        + tcp("A", 1011, 0, data=b"x" * 10) + tcp("A", 1001, 0, data=b"y" * 10)
        + tcp("A", 1001, 0, data=b"y" * 10, ctl=0x20),
    "timers": b"\0" + arp() + tcp("S", 1000) + rec(b"", 0x1f) + rec(b"", 0x1f) + rec(b"", 0x1f),
    "dhcp_offer": b"\1" + rec(EB / IP(src="10.0.0.1", dst="255.255.255.255")
        / UDP(sport=67, dport=68)
        / BOOTP(op=2, yiaddr="10.0.0.9", chaddr=bytes.fromhex("020000000002"))
        / DHCP(options=[("message-type", "offer"), ("server_id", "10.0.0.1"),
                        ("subnet_mask", "255.255.255.0"), ("lease_time", 60), "end"]), 3),
    "fragment": b"\0" + arp() + rec(E / IP(src="10.0.0.1", dst="10.0.0.2", flags="MF")
                                    / ICMP() / b"frag"),
}
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus/net")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)
print("wrote %d seeds to %s" % (len(seeds), out))
