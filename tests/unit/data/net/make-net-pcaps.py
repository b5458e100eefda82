#!/usr/bin/python3
"""Writes the pcap-driven cases of tests/unit/test_net_pcap.c: for each case
CASE.pcap (what a peer at 10.0.0.1 sends to the stack at 10.0.0.2, made with
scapy, options as Linux sends them: MSS, SACK-permitted, timestamps, window
scale) and CASE.expect (what the stack must answer, one segment a line, from
RFC 793/5961 by hand, not from the stack).

Expect lines: "FLAGS seq=S ack=A len=N" with FLAGS among P R S F A (in that
order), seq relative to the stack's initial sequence number once it sent its
SYN-ACK (raw before), ack relative to the peer's (only with A).  The test's
application accepts on port 80, echoes what it reads and closes at the peer's
FIN (or after an error).  Frames are 1 ms apart."""
import os

from scapy.all import IP, TCP, Ether, wrpcap

PEER, US = "02:00:00:00:00:01", "02:00:00:00:00:02"
IRS = 1000  # the peer's initial sequence number
LINUX_OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None),
              ("WScale", 7)]


def seg(flags, seq, ack=0, data=b"", dport=80, opts=None):
    return (Ether(src=PEER, dst=US) / IP(src="10.0.0.1", dst="10.0.0.2")
            / TCP(sport=40000, dport=dport, flags=flags, seq=IRS + seq, ack=ack, window=502,
                  options=opts or []) / data)


# The stack's ISN is unknown to the peer's script: frames that acknowledge
# the stack's data carry ack = ISS + n; the test rewrites the ack field of
# every frame with the A flag as (stack ISN + ack) and fixes the checksum.
CASES = {
    "echo_close": (
        [seg("S", 0, opts=LINUX_OPTS), seg("A", 1, 1), seg("PA", 1, 1, b"hello"),
         seg("A", 6, 6), seg("FA", 6, 6), seg("A", 7, 7)],
        ["SA seq=0 ack=1 len=0",
         "A seq=1 ack=6 len=0",
         "PA seq=1 ack=6 len=5",
         "A seq=6 ack=7 len=0",
         "FA seq=6 ack=7 len=0"]),
    "rst_in_window_then_exact": (
        [seg("S", 0, opts=LINUX_OPTS), seg("A", 1, 1), seg("R", 100), seg("R", 1),
         seg("A", 1, 1)],
        ["SA seq=0 ack=1 len=0",
         "A seq=1 ack=1 len=0",       # challenge ACK (RFC 5961 3.2)
         "R seq=1 len=0"]),           # the connection is gone: RST at its ack
    "syn_to_closed_port": (
        [seg("S", 0, dport=81, opts=LINUX_OPTS)],
        ["RA seq=0 ack=1 len=0"]),
    "syn_retransmitted_in_syn_rcvd": (
        [seg("S", 0, opts=LINUX_OPTS), seg("S", 0, opts=LINUX_OPTS), seg("A", 1, 1)],
        ["SA seq=0 ack=1 len=0",
         "SA seq=0 ack=1 len=0"]),
    "out_of_order_then_hole": (
        [seg("S", 0, opts=LINUX_OPTS), seg("A", 1, 1), seg("PA", 6, 1, b"world"),
         seg("PA", 1, 1, b"hello"), seg("A", 11, 11)],
        ["SA seq=0 ack=1 len=0",
         "A seq=1 ack=1 len=0",       # duplicate ACK (with a SACK block)
         "A seq=1 ack=11 len=0",
         "PA seq=1 ack=11 len=10"]),
    "syn_on_established": (
        [seg("S", 0, opts=LINUX_OPTS), seg("A", 1, 1), seg("S", 1, opts=LINUX_OPTS)],
        ["SA seq=0 ack=1 len=0",
         "A seq=1 ack=1 len=0"]),     # challenge ACK (RFC 5961 4.2)
}

here = os.path.dirname(os.path.abspath(__file__))
for name, (frames, expect) in CASES.items():
    for i, f in enumerate(frames):
        f.time = 1 + i * 0.001
    wrpcap(os.path.join(here, name + ".pcap"), frames)
    with open(os.path.join(here, name + ".expect"), "w") as fh:
        fh.write("\n".join(expect) + "\n")
print("wrote %d cases" % len(CASES))
