#!/usr/bin/python3
"""Generates the pcap-driven datapath cases in tests/pcap/cases/.

Every case is defined in code below: a name, a one-line description, the
flows file (ovs-ofctl add-flows syntax), the input frames per port with
explicit timestamps, and the frames EXPECTED on each port.  Expected frames
are computed here, independently of the switch: a rewrite is expressed by
building the rewritten packet with scapy and letting scapy compute every
checksum from scratch, which checks the switch's incremental updates.

Output, per case: cases/<name>/{flows.txt, in<N>.pcap (ports with input),
expect<N>.pcap (every port), README}.  Classic pcap, microsecond timestamps,
LINKTYPE_ETHERNET, written by this file (not by scapy) so that two runs give
identical bytes.

Usage:  /usr/bin/python3 tests/pcap/gen_cases.py [--check-flows] [--list]
  --check-flows  also run `ovs-ofctl -O OpenFlow10 parse-flows` on every
                 flows file (needs openvswitch-common)
  --list         print the case names and descriptions and exit
"""

import os
import shutil
import struct
import subprocess
import sys

from scapy.all import (ARP, ICMP, IP, LLC, SNAP, TCP, UDP, Dot1Q, Dot3, Ether,
                       Raw, fragment)

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")

T0_US = 1_700_000_000 * 1_000_000   # first packet of every case
STEP_US = 1_000                     # default spacing of packets: 1 ms

MAC_A = "00:00:00:00:00:0a"
MAC_B = "00:00:00:00:00:0b"
MAC_C = "00:00:00:00:00:0c"
MAC_D = "00:00:00:00:00:0d"
MAC_X = "02:11:22:33:44:55"
BCAST = "ff:ff:ff:ff:ff:ff"


# --------------------------------------------------------------------------
# Cases

class Case:
    """One case: flows, inputs per port, expected outputs per port."""

    def __init__(self, name, desc, nports, flows):
        self.name = name
        self.desc = desc
        self.nports = nports
        self.flows = list(flows)
        self.inputs = {p: [] for p in range(1, nports + 1)}
        self.expect = {p: [] for p in range(1, nports + 1)}
        self.clock_us = T0_US - STEP_US

    def send(self, port, frame, out=None, at=None):
        """Feeds `frame` on `port` and expects out = {port: frame, ...}
        (a list of frames: that port gets several, in order).

        `at` is the time in seconds after T0 (equal to the previous one is
        allowed: ties are broken by the lower port); by default 1 ms after
        the previous packet.  Expected frames carry the input's timestamp."""
        if at is None:
            ts = self.clock_us + STEP_US
        else:
            ts = T0_US + int(round(at * 1_000_000))
        assert ts >= self.clock_us, "%s: timestamps must not decrease" % self.name
        self.clock_us = ts
        self.inputs[port].append((ts, raw(frame)))
        for oport, oframes in (out or {}).items():
            if not isinstance(oframes, list):
                oframes = [oframes]
            for oframe in oframes:
                self.expect[oport].append((ts, raw(oframe)))


CASES = []


def case(name, desc, nports, flows):
    """Decorator: registers a function that fills a Case."""
    def reg(fn):
        CASES.append((name, desc, nports, flows, fn))
        return fn
    return reg


def raw(frame):
    return frame if isinstance(frame, bytes) else bytes(frame)


# --------------------------------------------------------------------------
# Packet builders (all fields fixed: deterministic bytes)

def l2(l3, smac=MAC_A, dmac=MAC_B, vlan=None, pcp=0):
    if vlan is None:
        return Ether(src=smac, dst=dmac) / l3
    return Ether(src=smac, dst=dmac) / Dot1Q(vlan=vlan, prio=pcp) / l3


def ip(src, dst, tos, proto_layer, **kw):
    return IP(src=src, dst=dst, tos=tos, id=0x1234, ttl=64, **kw) / proto_layer


def tcp(src="10.0.0.1", dst="10.0.0.2", sport=1234, dport=80, tos=0, load=b"sluice-tcp",
        **l2kw):
    return l2(ip(src, dst, tos, TCP(sport=sport, dport=dport, seq=1000, ack=0,
                                    flags="S", window=8192) / Raw(load)), **l2kw)


def udp(src="10.0.0.1", dst="10.0.0.2", sport=5000, dport=53, tos=0, csum=True,
        load=b"sluice-udp", **l2kw):
    u = UDP(sport=sport, dport=dport) if csum else UDP(sport=sport, dport=dport, chksum=0)
    return l2(ip(src, dst, tos, u / Raw(load)), **l2kw)


def icmp(src="10.0.0.1", dst="10.0.0.2", type=8, code=0, tos=0, load=b"sluice-icmp",
         **l2kw):
    return l2(ip(src, dst, tos, ICMP(type=type, code=code, id=7, seq=1) / Raw(load)),
              **l2kw)


def arp(op=1, spa="10.0.0.1", tpa="10.0.0.2", smac=MAC_A, dmac=BCAST, **l2kw):
    return l2(ARP(op=op, hwsrc=smac, psrc=spa,
                  hwdst="00:00:00:00:00:00" if op == 1 else dmac, pdst=tpa),
              smac=smac, dmac=dmac, **l2kw)


def four_kinds(**kw):
    """The four packets every set action is tried on: TCP, UDP with a
    checksum, UDP with checksum 0, ICMP echo.  ECN bits set on some, to
    check mod_nw_tos keeps them."""
    return [tcp(tos=0x02, **kw), udp(tos=0x03, **kw), udp(csum=False, tos=0x01, **kw),
            icmp(**kw)]


# --------------------------------------------------------------------------
# Expected-frame builders: reparse, change, recompute checksums from scratch

def reparse(frame):
    return Ether(raw(frame))


def recsum(p):
    """Deletes every checksum (except a UDP checksum of 0, which must stay 0)
    so scapy recomputes them over the packet as it now is.  Returns bytes."""
    if IP in p:
        del p[IP].chksum
    if TCP in p:
        del p[TCP].chksum
    if UDP in p and p[UDP].chksum != 0:
        del p[UDP].chksum
    if ICMP in p:
        del p[ICMP].chksum
    return raw(p)


def set_ip(frame, **fields):
    """Sets IPv4 fields (src, dst, tos) and, if present, L4 fields given as
    sport/dport.  A field the frame lacks is left alone (returns it
    unchanged)."""
    p = reparse(frame)
    if IP not in p:
        return raw(frame)
    for k in ("src", "dst", "tos"):
        if k in fields:
            setattr(p[IP], k, fields[k])
    l4 = p[TCP] if TCP in p else p[UDP] if UDP in p else None
    for k in ("sport", "dport"):
        if k in fields and l4 is not None:
            setattr(l4, k, fields[k])
    return recsum(p)


def set_tos(frame, dscp):
    """mod_nw_tos: DSCP bits replaced, the frame's ECN bits kept."""
    p = reparse(frame)
    return set_ip(frame, tos=dscp | (p[IP].tos & 3))


def set_mac(frame, src=None, dst=None):
    p = reparse(frame)
    if src:
        p.src = src
    if dst:
        p.dst = dst
    return raw(p)


def push_vlan(frame, vid, pcp):
    p = reparse(frame)
    return raw(Ether(src=p.src, dst=p.dst) / Dot1Q(vlan=vid, prio=pcp, type=p.type) /
               p.payload)


def strip_vlan(frame):
    p = reparse(frame)
    if Dot1Q not in p:
        return raw(frame)
    return raw(Ether(src=p.src, dst=p.dst, type=p[Dot1Q].type) / p[Dot1Q].payload)


def set_vlan(frame, vid=None, pcp=None):
    """mod_vlan_vid / mod_vlan_pcp: modify the tag, or push one (other field 0)."""
    p = reparse(frame)
    if Dot1Q not in p:
        return push_vlan(frame, vid or 0, pcp or 0)
    if vid is not None:
        p[Dot1Q].vlan = vid
    if pcp is not None:
        p[Dot1Q].prio = pcp
    return raw(p)


# --------------------------------------------------------------------------
# Match fields: one flow to port 2, a catch-all to port 3 (so a miss is
# visible as output on port 3, not just as silence).

def field_case(name, match, hits, misses, desc=None):
    flows = ["priority=0,actions=output:3", "%s,actions=output:2" % match]

    def fill(c):
        # Alternate hits and misses, so a stale cache entry would show.
        n = max(len(hits), len(misses))
        for i in range(n):
            for frames, port in ((hits, 2), (misses, 3)):
                if i < len(frames):
                    c.send(1, frames[i], {port: frames[i]})
    d = desc or "match %s: hits go to port 2, misses to the priority-0 catch-all (port 3)" \
        % match
    case(name, d, 3, flows)(fill)


field_case("m_dl_src", "dl_src=%s" % MAC_X,
           [tcp(smac=MAC_X), arp(smac=MAC_X)], [tcp(smac=MAC_A), tcp(smac="02:11:22:33:44:56")])
field_case("m_dl_dst", "dl_dst=%s" % MAC_X,
           [udp(dmac=MAC_X)], [udp(dmac=MAC_B), udp(dmac="12:11:22:33:44:55")])
field_case("m_dl_type", "dl_type=0x88b5",
           [Ether(src=MAC_A, dst=MAC_B, type=0x88b5) / Raw(b"local experimental" * 3),
            Ether(src=MAC_A, dst=MAC_B) / Dot1Q(vlan=3, type=0x88b5) /
            Raw(b"tagged experimental" * 3)],
           [tcp(), arp(), Ether(src=MAC_A, dst=MAC_B, type=0x88b6) / Raw(b"x" * 46)])
field_case("m_dl_vlan", "dl_vlan=10",
           [tcp(vlan=10), udp(vlan=10, pcp=7)],
           [tcp(vlan=11), tcp(), tcp(vlan=0)])
field_case("m_dl_vlan_none", "dl_vlan=0xffff",
           [tcp(), arp()], [tcp(vlan=10), tcp(vlan=0)],
           "match dl_vlan=0xffff: untagged frames only (a priority-tagged VID 0 frame is tagged)")
field_case("m_dl_vlan_pcp", "dl_vlan_pcp=5",
           [tcp(vlan=10, pcp=5), udp(vlan=20, pcp=5)],
           [tcp(vlan=10, pcp=3), udp(vlan=20, pcp=4)])
field_case("m_nw_src", "ip,nw_src=192.168.7.9",
           [tcp(src="192.168.7.9"), icmp(src="192.168.7.9")],
           [tcp(src="192.168.7.8"), arp(spa="192.168.7.9")])
field_case("m_nw_dst", "ip,nw_dst=192.168.7.9",
           [udp(dst="192.168.7.9")], [udp(dst="192.168.7.10"), arp(tpa="192.168.7.9")])
field_case("m_nw_proto", "ip,nw_proto=17",
           [udp(), udp(csum=False)], [tcp(), icmp()])
field_case("m_nw_tos", "ip,nw_tos=40",
           [tcp(tos=40), udp(tos=41), icmp(tos=43)], [tcp(tos=44), tcp(tos=0)],
           "match ip,nw_tos=40 (DSCP 10): the ECN bits of the frame are not compared")
field_case("m_tp_src", "tcp,tp_src=4321",
           [tcp(sport=4321)], [tcp(sport=4322), udp(sport=4321), tcp(dport=4321)])
field_case("m_tp_dst", "udp,tp_dst=5353",
           [udp(dport=5353), udp(dport=5353, csum=False)], [udp(dport=53), tcp(dport=5353)])
field_case("m_icmp_type", "icmp,icmp_type=0",
           [icmp(type=0)], [icmp(type=8), icmp(type=3, code=0), udp(sport=0, dport=0)])
field_case("m_icmp_code", "icmp,icmp_type=3,icmp_code=3",
           [icmp(type=3, code=3)], [icmp(type=3, code=1), icmp(type=4, code=3)])
field_case("m_arp_op", "arp,arp_op=2",
           [arp(op=2, dmac=MAC_B)], [arp(op=1), udp()])
field_case("m_arp_spa", "arp,arp_spa=10.9.8.7",
           [arp(spa="10.9.8.7")], [arp(spa="10.9.8.6"), arp(tpa="10.9.8.7"), tcp(src="10.9.8.7")])
field_case("m_arp_tpa", "arp,arp_tpa=10.9.8.0/24",
           [arp(tpa="10.9.8.1"), arp(op=2, tpa="10.9.8.254", dmac=MAC_B)],
           [arp(tpa="10.9.9.1"), arp(spa="10.9.8.1", tpa="10.0.0.1")])

# Prefixes
field_case("p_nw_src_8", "ip,nw_src=10.0.0.0/8",
           [tcp(src="10.255.1.2"), udp(src="10.0.0.1")], [tcp(src="11.0.0.1"), tcp(src="9.255.255.255")])
field_case("p_nw_src_24", "ip,nw_src=172.16.5.0/24",
           [tcp(src="172.16.5.0"), tcp(src="172.16.5.255")], [tcp(src="172.16.4.255"), tcp(src="172.16.6.0")])
field_case("p_nw_src_32", "ip,nw_src=172.16.5.77/32",
           [udp(src="172.16.5.77")], [udp(src="172.16.5.76"), udp(src="172.16.5.78")])
field_case("p_nw_src_0", "ip,nw_src=0.0.0.0/0",
           [udp(src="1.2.3.4"), tcp(src="255.255.255.255")], [arp(spa="1.2.3.4")],
           "match ip,nw_src=0.0.0.0/0: every IPv4 frame hits, non-IP frames miss")
field_case("p_nw_dst_24_hostbits", "ip,nw_dst=192.168.1.77/24",
           [icmp(dst="192.168.1.1"), icmp(dst="192.168.1.77")], [icmp(dst="192.168.2.77")],
           "match ip,nw_dst=192.168.1.77/24: host bits in the flow are ignored (= 192.168.1.0/24)")
field_case("p_nw_dst_8", "ip,nw_dst=10.0.0.0/8",
           [udp(dst="10.1.2.3")], [udp(dst="100.1.2.3")])
field_case("p_nw_dst_0", "ip,nw_dst=0.0.0.0/0",
           [udp(dst="8.8.8.8")], [arp(tpa="8.8.8.8")])
field_case("p_nw_dst_31", "ip,nw_dst=192.168.1.2/31",
           [udp(dst="192.168.1.2"), udp(dst="192.168.1.3")], [udp(dst="192.168.1.4"), udp(dst="192.168.1.1")])


@case("m_in_port", "match in_port=2: frames from port 2 go to port 3, others to the "
      "catch-all (port 4)", 4,
      ["priority=0,actions=output:4", "in_port=2,actions=output:3"])
def _(c):
    for port in (1, 2, 3, 2):
        f = tcp(sport=1000 + port)
        c.send(port, f, {3: f} if port == 2 else {4: f})


@case("m_vlan_l3l4", "fields after a VLAN tag: dl_vlan=10,tcp,nw_dst,tp_dst on a tagged "
      "frame", 3,
      ["priority=0,actions=output:3",
       "dl_vlan=10,tcp,nw_dst=10.0.0.2,tp_dst=80,actions=output:2"])
def _(c):
    for f, hit in ((tcp(vlan=10), True), (tcp(vlan=10, dport=81), False),
                   (tcp(vlan=10, dst="10.0.0.3"), False), (tcp(), False)):
        c.send(1, f, {2 if hit else 3: f})


@case("m_ip_options", "IPv4 with options (IHL 6): ports are read after the options, and "
      "mod_tp_dst / mod_nw_dst update checksums", 3,
      ["priority=0,actions=output:3",
       "udp,tp_dst=53,actions=mod_nw_dst:10.7.7.7,mod_tp_dst:54,output:2"])
def _(c):
    opt = b"\x94\x04\x00\x00"   # router alert
    f = l2(IP(src="10.0.0.1", dst="10.0.0.2", id=1, options=opt) /
           UDP(sport=999, dport=53) / Raw(b"with options"))
    c.send(1, f, {2: set_ip(f, dst="10.7.7.7", dport=54)})
    g = l2(IP(src="10.0.0.1", dst="10.0.0.2", id=1, options=opt) /
           UDP(sport=53, dport=999) / Raw(b"with options"))
    c.send(1, g, {3: g})


@case("exact_beats_wildcard", "an exact-match flow (all 12 fields, priority 1) beats a "
      "priority-65535 wildcarded flow", 3,
      ["priority=65535,tcp,actions=output:2",
       "priority=1,in_port=1,dl_vlan=10,dl_vlan_pcp=3,dl_src=%s,dl_dst=%s,dl_type=0x0800,"
       "nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_proto=6,nw_tos=0,tp_src=1234,tp_dst=80,"
       "actions=output:3" % (MAC_A, MAC_B)])
def _(c):
    exact = tcp(vlan=10, pcp=3)
    c.send(1, exact, {3: exact})
    for f in (tcp(vlan=10, pcp=2), tcp(vlan=10, pcp=3, sport=1235), tcp(vlan=10, pcp=3, tos=4)):
        c.send(1, f, {2: f})
    c.send(1, exact, {3: exact})


@case("prio_overlap", "overlapping wildcarded flows: the highest priority that matches wins",
      6,
      ["priority=100,ip,actions=output:2",
       "priority=300,tcp,nw_dst=10.0.0.0/8,tp_dst=80,actions=output:4",
       "priority=150,tcp,actions=output:5",
       "priority=200,ip,nw_dst=10.0.0.0/8,actions=output:3",
       "priority=250,ip,nw_src=192.168.0.0/16,nw_dst=10.1.0.0/16,actions=output:6"])
def _(c):
    for f, port in ((udp(dst="192.168.1.1"), 2), (udp(dst="10.1.1.1"), 3),
                    (tcp(dst="10.1.1.1", dport=80), 4), (tcp(dst="10.1.1.1", dport=22), 3),
                    (tcp(dst="192.168.1.1", dport=80), 5),
                    (udp(src="192.168.3.3", dst="10.1.9.9"), 6),
                    (tcp(src="192.168.3.3", dst="10.1.9.9", dport=80), 4),
                    (udp(src="192.168.3.3", dst="10.2.9.9"), 3)):
        c.send(1, f, {port: f})


@case("add_replaces_identical", "adding a flow with the same match and priority replaces "
      "the earlier one's actions", 3,
      ["udp,actions=output:2", "udp,actions=output:3"])
def _(c):
    f = udp()
    c.send(1, f, {3: f})


@case("table_miss", "no flow matches: the frame is dropped, nothing is output", 3,
      ["tcp,tp_dst=80,actions=output:2"])
def _(c):
    for f in (udp(), arp(), tcp(dport=81), icmp()):
        c.send(1, f)
    f = tcp()
    c.send(1, f, {2: f})


@case("act_drop", "empty action list and actions=drop both drop (a catch-all to port 3 "
      "proves the flows were hit)", 3,
      ["priority=0,actions=output:3", "udp,actions=", "tcp,actions=drop"])
def _(c):
    c.send(1, udp())
    c.send(1, tcp())
    f = icmp()
    c.send(1, f, {3: f})


@case("idle_timeout", "idle_timeout=2: hits at 0, 1.5, 3.0, 4.5, 6.0 s keep the flow; "
      "after 2.5 s idle it is gone (later frames fall to the catch-all)", 3,
      ["priority=0,actions=output:3", "priority=100,idle_timeout=2,udp,actions=output:2"])
def _(c):
    for t in (0, 1.5, 3.0, 4.5, 6.0):
        f = udp(sport=int(t * 10) + 1)
        c.send(1, f, {2: f}, at=t)
    for t in (8.5, 9.0):
        f = udp(sport=int(t * 10) + 1)
        c.send(1, f, {3: f}, at=t)


@case("idle_timeout_unused", "idle_timeout=1 on a flow never hit: created at the first "
      "packet's time, gone 1.5 s later", 3,
      ["priority=0,actions=output:3", "priority=100,idle_timeout=1,udp,actions=output:2"])
def _(c):
    a = arp()
    c.send(1, a, {3: a}, at=0)
    f = udp()
    c.send(1, f, {3: f}, at=1.5)


@case("hard_timeout", "hard_timeout=2: the flow matches frames before start+2 s even while "
      "hit, and none from start+2 s on", 3,
      ["priority=0,actions=output:3", "priority=100,hard_timeout=2,tcp,actions=output:2"])
def _(c):
    for t in (0, 0.5, 1.0, 1.9, 1.999999):
        f = tcp(sport=1000 + int(t * 1000))
        c.send(1, f, {2: f}, at=t)
    for t in (2.0, 2.5, 4.0):
        f = tcp(sport=1000 + int(t * 1000))
        c.send(1, f, {3: f}, at=t)


@case("timeout_cached_key", "idle_timeout=1 with one identical frame repeated: a "
      "lookup cache must not outlive the flow", 3,
      ["priority=0,actions=output:3", "priority=100,idle_timeout=1,udp,actions=output:2"])
def _(c):
    f = udp()
    for t in (0, 0.5, 0.9, 1.8):
        c.send(1, f, {2: f}, at=t)
    for t in (3.0, 3.1):
        c.send(1, f, {3: f}, at=t)


@case("replay_merge_order", "replay merges inputs by timestamp, ties to the lower port "
      "(visible through normal's MAC learning)", 3, ["actions=normal"])
def _(c):
    ab = tcp(smac=MAC_A, dmac=MAC_B)
    ba = tcp(smac=MAC_B, dmac=MAC_A)
    c.send(1, ab, {2: ab, 3: ab}, at=0)      # same time as the next: port 1 first
    c.send(2, ba, {1: ba}, at=0)             # so A is already learned on port 1
    ad, da = udp(smac=MAC_A, dmac=MAC_D), udp(smac=MAC_D, dmac=MAC_A)
    c.send(1, ad, {2: ad, 3: ad}, at=0.005)  # D unknown: flood
    c.send(2, da, {1: da}, at=0.010)         # D learned on 2
    c.send(1, ad, {2: ad}, at=0.015)         # a file-order replay would flood this


# --------------------------------------------------------------------------
# Output actions

@case("act_output", "output:N and the bare N form, several ports in one list", 4,
      ["in_port=1,actions=output:2", "in_port=2,actions=3,4", "in_port=3,actions=output:4,1"])
def _(c):
    f, g, h = tcp(), udp(), icmp()
    c.send(1, f, {2: f})
    c.send(2, g, {3: g, 4: g})
    c.send(3, h, {4: h, 1: h})


@case("act_output_twice", "the same port twice in one list, with a rewrite between: "
      "two frames, unmodified then modified", 2,
      ["actions=output:2,mod_vlan_vid:5,output:2"])
def _(c):
    f = tcp()
    c.send(1, f, {2: [f, push_vlan(f, 5, 0)]})


@case("act_flood_rewrite", "outputs, a rewrite, then flood: the earlier copies stay "
      "unmodified (copy-on-write of a shared frame)", 4,
      ["in_port=1,actions=output:2,output:3,mod_nw_dst:10.3.3.3,mod_dl_src:%s,flood" % MAC_X])
def _(c):
    for f in (tcp(), udp(), icmp()):
        g = set_mac(set_ip(f, dst="10.3.3.3"), src=MAC_X)
        c.send(1, f, {2: [f, g], 3: [f, g], 4: g})


@case("large_frame_push", "full-size frames: pushing a tag onto a 1514-byte frame gives "
      "1518 bytes; a rewrite of a 1518-byte tagged frame", 2,
      ["in_port=1,dl_vlan=0xffff,actions=mod_vlan_vid:42,output:2",
       "in_port=1,dl_vlan=42,actions=mod_tp_dst:1,output:2"])
def _(c):
    f = udp(load=bytes(range(256)) * 5 + bytes(1472 - 1280))
    assert len(raw(f)) == 1514
    c.send(1, f, {2: push_vlan(f, 42, 0)})
    g = udp(vlan=42, load=bytes(1472))
    assert len(raw(g)) == 1518
    c.send(1, g, {2: set_ip(g, dport=1)})


@case("act_in_port", "actions=in_port sends the frame back out of its ingress port", 3,
      ["actions=in_port"])
def _(c):
    f, g = tcp(), udp()
    c.send(1, f, {1: f})
    c.send(3, g, {3: g})


@case("act_output_ingress_dropped", "output:N to the ingress port is dropped; the other "
      "outputs of the list still happen", 3,
      ["actions=output:1,output:2"])
def _(c):
    f, g, h = tcp(), udp(), icmp()
    c.send(1, f, {2: f})
    c.send(2, g, {1: g})
    c.send(3, h, {1: h, 2: h})


def flood_case(name, action):
    @case(name, "actions=%s on 7 ports: every port but the ingress" % action, 7,
          ["actions=%s" % action])
    def _(c):
        for port, f in ((3, tcp()), (7, arp()), (1, udp(vlan=5))):
            c.send(port, f, {p: f for p in range(1, 8) if p != port})


flood_case("act_flood", "flood")
flood_case("act_all", "all")


@case("act_normal", "actions=normal: a MAC-learning switch (unknown destination floods, "
      "a learned one goes to its port only, nothing goes back out the ingress)", 4,
      ["actions=normal"])
def _(c):
    ab = tcp(smac=MAC_A, dmac=MAC_B)
    ba = tcp(smac=MAC_B, dmac=MAC_A, sport=80, dport=1234)
    c.send(1, ab, {2: ab, 3: ab, 4: ab})           # B unknown: flood
    c.send(2, ba, {1: ba})                          # A learned on 1
    c.send(1, ab, {2: ab})                          # B learned on 2
    cb = arp(smac=MAC_C, dmac=BCAST)
    c.send(3, cb, {1: cb, 2: cb, 4: cb})            # broadcast floods; C learned on 3
    ac = udp(smac=MAC_A, dmac=MAC_C)
    c.send(1, ac, {3: ac})
    db = udp(smac=MAC_D, dmac=MAC_B)
    c.send(2, db)                                   # B lives on the ingress port: dropped
    ad = udp(smac=MAC_A, dmac=MAC_D)
    c.send(1, ad, {2: ad})                          # D learned on 2


@case("act_controller_local", "controller, controller:N and local send nothing to a "
      "data port (no controller, no local port); the list's other outputs still happen", 3,
      ["tcp,actions=controller,local,output:2", "udp,actions=controller:128",
       "icmp,actions=local"])
def _(c):
    f = tcp()
    c.send(1, f, {2: f})
    c.send(1, udp())
    c.send(1, icmp())


@case("act_enqueue", "enqueue:P:Q outputs to port P (queue 0, the default queue)", 3,
      ["in_port=1,actions=enqueue:3:0", "in_port=2,actions=enqueue:3:0,enqueue:1:0"])
def _(c):
    f, g = tcp(), udp()
    c.send(1, f, {3: f})
    c.send(2, g, {3: g, 1: g})


@case("act_multi_output_rewrite", "several outputs with rewrites between them: each output "
      "sees the frame as modified so far (the first is unmodified)", 5,
      ["in_port=1,actions=output:2,mod_nw_dst:10.9.9.9,mod_tp_dst:8080,output:3,"
       "mod_vlan_vid:7,output:4,strip_vlan,mod_dl_dst:%s,output:5" % MAC_X])
def _(c):
    for f in (tcp(), udp(), udp(csum=False)):
        s3 = set_ip(f, dst="10.9.9.9", dport=8080)
        s4 = push_vlan(s3, 7, 0)
        s5 = set_mac(s3, dst=MAC_X)
        c.send(1, f, {2: f, 3: s3, 4: s4, 5: s5})


# --------------------------------------------------------------------------
# Set actions: each on TCP, UDP, UDP with checksum 0, ICMP (and a tagged
# frame where VLAN matters).

def set_case(name, action, expect_fn, frames, desc=None):
    """One flow `in_port=1,actions=ACTION,output:2`; every frame in `frames`
    is expected on port 2 as expect_fn(frame)."""
    d = desc or "%s on TCP, UDP, UDP with checksum 0 and ICMP" % action

    @case(name, d, 2, ["in_port=1,actions=%s,output:2" % action])
    def _(c):
        for f in frames:
            c.send(1, f, {2: expect_fn(f)})


def unchanged(f):
    return f


FOUR = four_kinds()
TAGGED = [tcp(vlan=10, pcp=5, tos=0x02), udp(vlan=10, pcp=5, tos=0x03),
          udp(vlan=10, pcp=5, csum=False), icmp(vlan=10, pcp=5), arp(vlan=4094, pcp=1)]
DOT3 = Dot3(src=MAC_A, dst=MAC_B) / LLC(dsap=0x42, ssap=0x42, ctrl=3) / Raw(b"stp-ish" * 6)
EXPERIMENTAL = Ether(src=MAC_A, dst=MAC_B, type=0x88b5) / Raw(b"z" * 50)

set_case("act_mod_dl_src", "mod_dl_src:%s" % MAC_X, lambda f: set_mac(f, src=MAC_X),
         FOUR + [tcp(vlan=9), arp()])
set_case("act_mod_dl_dst", "mod_dl_dst:%s" % MAC_X, lambda f: set_mac(f, dst=MAC_X),
         FOUR + [arp(), DOT3])
set_case("act_mod_nw_src", "mod_nw_src:192.0.2.77",
         lambda f: set_ip(f, src="192.0.2.77"), FOUR + [udp(vlan=9)])
set_case("act_mod_nw_dst", "mod_nw_dst:198.51.100.200",
         lambda f: set_ip(f, dst="198.51.100.200"), FOUR + [tcp(vlan=9, pcp=2)])
set_case("act_mod_nw_tos", "mod_nw_tos:184", lambda f: set_tos(f, 184), FOUR + TAGGED[:1],
         "mod_nw_tos:184 on TCP, UDP, UDP checksum 0, ICMP: DSCP set, ECN bits kept")
set_case("act_mod_tp_src", "mod_tp_src:4242", lambda f: set_ip(f, sport=4242),
         FOUR + TAGGED[1:2],
         "mod_tp_src:4242 on TCP, UDP, UDP checksum 0; ICMP is left unchanged")
set_case("act_mod_tp_dst", "mod_tp_dst:8443", lambda f: set_ip(f, dport=8443),
         FOUR + TAGGED[2:3],
         "mod_tp_dst:8443 on TCP, UDP, UDP checksum 0; ICMP is left unchanged")
set_case("act_mod_vlan_vid_push", "mod_vlan_vid:100", lambda f: push_vlan(f, 100, 0),
         FOUR + [arp()], "mod_vlan_vid:100 on untagged frames pushes a tag with pcp 0")
set_case("act_mod_vlan_vid_modify", "mod_vlan_vid:100", lambda f: set_vlan(f, vid=100),
         TAGGED, "mod_vlan_vid:100 on tagged frames changes the VID and keeps the pcp")
set_case("act_mod_vlan_pcp_push", "mod_vlan_pcp:6", lambda f: push_vlan(f, 0, 6),
         FOUR, "mod_vlan_pcp:6 on untagged frames pushes a tag with VID 0")
set_case("act_mod_vlan_pcp_modify", "mod_vlan_pcp:6", lambda f: set_vlan(f, pcp=6),
         TAGGED, "mod_vlan_pcp:6 on tagged frames changes the pcp and keeps the VID")
set_case("act_strip_vlan", "strip_vlan", strip_vlan, TAGGED,
         "strip_vlan removes the tag of tagged frames")
set_case("act_strip_vlan_untagged", "strip_vlan", unchanged, FOUR + [arp(), DOT3],
         "strip_vlan on untagged frames is a no-op")
set_case("act_mod_tp_src_arp", "mod_tp_src:4242", unchanged,
         [arp(), arp(op=2, dmac=MAC_B), icmp(), DOT3],
         "mod_tp_src on frames without a TCP/UDP header (ARP, ICMP, 802.3) leaves them "
         "unchanged")
set_case("act_mod_nw_src_arp", "mod_nw_src:192.0.2.77,mod_nw_tos:184", unchanged,
         [arp(), arp(vlan=3), DOT3, EXPERIMENTAL],
         "mod_nw_src and mod_nw_tos on ARP and non-IP frames leave them unchanged")


@case("udp_csum_wraps_to_ffff", "a rewrite whose UDP checksum computes to 0 must send "
      "0xffff (0 means 'no checksum')", 2,
      ["in_port=1,actions=mod_tp_dst:1,output:2"])
def _(c):
    # The payload's first word (16-bit aligned in the datagram) is chosen so
    # the rewritten datagram's ones'-complement sum is 0xffff: with word 0
    # the checksum is c0 = ~sum0, and adding c0 to the sum gives 0xffff.
    c0 = reparse(set_ip(udp(dport=53, load=b"\0\0wrap"), dport=1))[UDP].chksum
    f = udp(dport=53, load=struct.pack("!H", c0) + b"wrap")
    e = set_ip(f, dport=1)
    assert reparse(e)[UDP].chksum == 0xffff
    c.send(1, f, {2: e})
    g = udp(dport=53, load=b"plain")
    c.send(1, g, {2: set_ip(g, dport=1)})


@case("eth_padding_kept", "a short UDP frame with Ethernet padding: rewrites checksum the "
      "datagram only, the padding bytes are kept", 2,
      ["in_port=1,actions=mod_nw_src:10.1.1.1,mod_tp_src:7,output:2"])
def _(c):
    pad = b"\xee" * 16
    for csum in (True, False):
        f = raw(udp(load=b"ab", csum=csum))
        c.send(1, f + pad, {2: set_ip(f, src="10.1.1.1", sport=7) + pad})


# --------------------------------------------------------------------------
# Fragments

def udp_datagram(dport, payload):
    return IP(src="10.0.0.1", dst="10.0.0.2", id=0x4242) / UDP(sport=5000, dport=dport) / \
        Raw(payload)


# The payload repeats "port 53 twice" so a later fragment whose first bytes
# were taken for a UDP header would look like sport=dport=53.
FRAG_PAYLOAD = b"\x00\x35\x00\x35\x00\x18\x00\x00" * 12


@case("frag_match", "fragments: the first carries the ports (tp_dst=53 matches); later "
      "fragments match tp_src=0,tp_dst=0 (their bytes look like port 53)", 4,
      ["priority=0,actions=output:4", "udp,tp_dst=53,actions=output:2",
       "udp,tp_src=0,tp_dst=0,actions=output:3"])
def _(c):
    frags = [Ether(src=MAC_A, dst=MAC_B) / fr
             for fr in fragment(udp_datagram(53, FRAG_PAYLOAD), fragsize=32)]
    assert len(frags) >= 3
    c.send(1, frags[0], {2: frags[0]})
    for fr in frags[1:]:
        c.send(1, fr, {3: fr})
    whole = Ether(src=MAC_A, dst=MAC_B) / udp_datagram(53, b"unfragmented")
    c.send(1, whole, {2: whole})


@case("frag_rewrite", "mod_tp_dst on fragments: the first fragment's port and checksum "
      "change (checksum of the whole datagram), later fragments are unchanged", 2,
      ["udp,actions=mod_tp_dst:99,output:2"])
def _(c):
    orig = fragment(udp_datagram(53, FRAG_PAYLOAD), fragsize=32)
    new = fragment(udp_datagram(99, FRAG_PAYLOAD), fragsize=32)
    for i, (fo, fn) in enumerate(zip(orig, new)):
        fo = Ether(src=MAC_A, dst=MAC_B) / fo
        fn = Ether(src=MAC_A, dst=MAC_B) / fn
        c.send(1, fo, {2: fn if i == 0 else fo})


# --------------------------------------------------------------------------
# 802.3

@case("llc_8023", "802.3/LLC frames have dl_type 0x05ff; LLC/SNAP (OUI 0) frames have the "
      "SNAP type", 4,
      ["priority=0,actions=output:4", "dl_type=0x05ff,actions=output:2",
       "dl_type=0x88b5,actions=output:3"])
def _(c):
    c.send(1, DOT3, {2: DOT3})
    short = Dot3(src=MAC_A, dst=MAC_B) / LLC(dsap=0xe0, ssap=0xe0, ctrl=3) / Raw(b"ipx" * 3)
    c.send(1, short, {2: short})
    snap = Dot3(src=MAC_A, dst=MAC_B) / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / \
        SNAP(OUI=0, code=0x88b5) / Raw(b"snap payload" * 3)
    c.send(1, snap, {3: snap})
    eth2 = Ether(src=MAC_A, dst=MAC_B, type=0x88b5) / Raw(b"ethernet II" * 4)
    c.send(1, eth2, {3: eth2})
    t = tcp()
    c.send(1, t, {4: t})


# --------------------------------------------------------------------------
# Truncated and malformed frames

def cut(frame, n):
    return raw(frame)[:n]


@case("trunc_ipv4", "IPv4 header cut short: dl_type 0x0800 with every nw_ field zero "
      "(ip matches, ip,nw_proto=6 does not); forwarded unchanged", 4,
      ["priority=0,actions=output:4", "priority=10,ip,actions=output:2",
       "priority=20,ip,nw_proto=6,actions=output:3",
       "priority=30,ip,nw_src=10.0.0.1,actions=output:3"])
def _(c):
    t = tcp()
    for n in (14, 15, 24, 33):
        f = cut(t, n)
        c.send(1, f, {2: f})
    c.send(1, t, {3: t})


@case("trunc_tcp", "TCP header cut short (2 and 10 bytes): nw_ fields set, tp_src/tp_dst "
      "zero", 4,
      ["priority=0,actions=output:4", "priority=10,tcp,tp_src=0,tp_dst=0,actions=output:2",
       "priority=20,tcp,tp_dst=80,actions=output:3"])
def _(c):
    for n in (2, 10):
        p = reparse(tcp())
        data = raw(p[IP])[:20]
        hdr = IP(data)
        hdr.len = 20 + n
        del hdr.chksum
        f = raw(Ether(src=MAC_A, dst=MAC_B) / hdr) + raw(p[TCP])[:n]
        c.send(1, f, {2: f})
    # IP header says 40 bytes, the frame ends after 8 bytes of TCP.
    f = cut(tcp(), 14 + 20 + 8)
    c.send(1, f, {2: f})
    t = tcp()
    c.send(1, t, {3: t})


@case("runt", "runt frames (1, 6, 13 bytes: shorter than an Ethernet header) do not "
      "crash and are dropped at the port (os/netdev.h: drivers hand up complete Ethernet "
      "frames) even though a catch-all would forward them; a 14-byte header-only frame "
      "is forwarded with its type", 4,
      ["priority=0,actions=output:4", "priority=100,dl_type=0,actions=output:2",
       "priority=100,dl_type=0x0800,actions=output:3"])
def _(c):
    t = tcp()
    for n in (1, 6, 13):
        c.send(1, cut(t, n))
    h = cut(t, 14)
    c.send(1, h, {3: h})
    c.send(1, t, {3: t})


@case("bogus_ihl", "IPv4 with IHL < 5, or IHL past the frame's end: no valid IPv4 header, "
      "so nw_ and tp_ fields are zero (ip matches, udp does not)", 4,
      ["priority=0,actions=output:4", "priority=10,ip,actions=output:2",
       "priority=20,udp,actions=output:3", "priority=30,ip,nw_src=10.0.0.1,actions=output:3"])
def _(c):
    for ihl in (0, 3, 4, 15):
        b = bytearray(raw(udp()))
        b[14] = 0x40 | ihl
        f = bytes(b)
        c.send(1, f, {2: f})
    u = udp()
    c.send(1, u, {3: u})


@case("trunc_rewrite", "set actions on truncated and malformed frames do not touch them", 2,
      ["in_port=1,actions=mod_nw_src:10.9.9.9,mod_nw_tos:184,mod_tp_src:1,mod_tp_dst:2,"
       "mod_dl_src:%s,output:2" % MAC_X])
def _(c):
    # Only the Ethernet source changes; every frame has a complete Ethernet header.
    t = tcp()
    frames = [cut(t, 14), cut(t, 30)]
    b = bytearray(raw(udp()))
    b[14] = 0x43
    frames.append(bytes(b))
    for f in frames:
        c.send(1, f, {2: bytes.fromhex(MAC_X.replace(":", "")).join([f[:6], f[12:]])})


# --------------------------------------------------------------------------
# Writing

def pcap_bytes(records):
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for ts, data in records:
        out.append(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(data), len(data)))
        out.append(data)
    return b"".join(out)


def write_file(path, data):
    with open(path, "wb") as fh:
        fh.write(data)


def build(entry):
    name, desc, nports, flows, fill = entry
    c = Case(name, desc, nports, flows)
    fill(c)
    return c


def write_case(c):
    d = os.path.join(CASES_DIR, c.name)
    os.makedirs(d)
    write_file(os.path.join(d, "flows.txt"), ("\n".join(c.flows) + "\n").encode())
    write_file(os.path.join(d, "README"), (c.desc + "\n").encode())
    for p in range(1, c.nports + 1):
        if c.inputs[p]:
            write_file(os.path.join(d, "in%d.pcap" % p), pcap_bytes(c.inputs[p]))
        write_file(os.path.join(d, "expect%d.pcap" % p), pcap_bytes(c.expect[p]))


def check_flows(c):
    path = os.path.join(CASES_DIR, c.name, "flows.txt")
    r = subprocess.run(["ovs-ofctl", "-O", "OpenFlow10", "parse-flows", path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("%s: ovs-ofctl rejects flows.txt:\n%s" % (c.name, r.stderr), file=sys.stderr)
        return False
    return True


def main(argv):
    names = [e[0] for e in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    cases = [build(e) for e in CASES]
    if "--list" in argv:
        for c in cases:
            print("%-28s %s" % (c.name, c.desc))
        return 0
    if os.path.isdir(CASES_DIR):
        shutil.rmtree(CASES_DIR)
    os.makedirs(CASES_DIR)
    ok = True
    for c in cases:
        write_case(c)
        if "--check-flows" in argv:
            ok = check_flows(c) and ok
    print("wrote %d cases to %s" % (len(cases), os.path.relpath(CASES_DIR)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
