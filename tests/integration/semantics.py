#!/usr/bin/python3
"""OpenFlow 1.0 switch semantics over a live connection.

Usage: semantics.py [--peer sluice|ovs] HOST PORT

Checks behaviour the spec asks for that ovs-ofctl cannot show directly,
using packet_out with output to OFPP_TABLE (the packet goes through the flow
table as if it had arrived on its in_port), so no traffic generator is
needed:
  - barrier: a flow_mod followed by a barrier is in effect for the very
    next packet;
  - packet_in on a table miss carries a buffer_id and miss_send_len bytes;
    packet_out by that buffer_id sends the packet; the id is single-use;
  - miss_send_len 0 gives a buffered packet_in with no data;
  - an exact-match flow beats a wildcarded one of higher priority, and its
    priority is reported back exactly as sent;
  - long flow-stats replies are split with OFPSF_REPLY_MORE;
  - emergency flows are listed by flow stats for table 0xfe (not 0xff, nor
    table statistics), and deleted by deletes with or without OFPFF_EMERG,
    as the OpenFlow 1.0 reference switch does.
Ports 1 and 2 must exist.  Prints "ok NAME" / "FAIL NAME: REASON" /
"skip NAME: REASON" (names prefixed "semantics_"); exit 0 when none failed.
"""
import argparse
import struct
import sys

import malformed as M

OFPP_TABLE = 0xfff9
OFPR_NO_MATCH, OFPR_ACTION = 0, 1
OFPFC_ADD, OFPFC_DELETE = 0, 3
OFPSF_REPLY_MORE = 1
FRAME = M.FRAME                      # broadcast, 02:00:00:00:00:01, 0x88b5
DL_SRC, DL_DST, DL_TYPE = FRAME[6:12], FRAME[0:6], 0x88b5


def exact_match(in_port):
    """The OF1.0 match with no wildcard for FRAME arriving on in_port."""
    return struct.pack("!IH6s6sHBxHBB2xIIHH", 0, in_port, DL_SRC, DL_DST, 0xffff, 0,
                       DL_TYPE, 0, 0, 0, 0, 0, 0)


def in_port_match(in_port, tp_dst=None):
    wc = M.OFPFW_ALL & ~1
    dl_type = proto = dst = 0
    if tp_dst is not None:  # udp,tp_dst=N
        wc &= ~((1 << 4) | (1 << 5) | (1 << 7))
        dl_type, proto, dst = 0x0800, 17, tp_dst
    return struct.pack("!IH6s6sHBxHBB2xIIHH", wc, in_port, b"\0" * 6, b"\0" * 6, 0, 0,
                       dl_type, 0, proto, 0, 0, 0, dst)


def flow_mod(match, actions=b"", command=OFPFC_ADD, priority=0x8000, flags=0, xid=0):
    body = match + struct.pack("!QHHHHIHH", 0, command, 0, 0, priority,
                               M.OFP_NO_BUFFER, M.OFPP_NONE, flags) + actions
    return M.msg(M.FLOW_MOD, body, xid)


def table_out(xid, in_port=1):
    """packet_out of FRAME through the flow table, as if from in_port."""
    return M.msg(M.PACKET_OUT, M.packet_out_body(M.action_output(OFPP_TABLE), FRAME,
                                                 in_port=in_port), xid)


def delete_all(c, emerg=False):
    c.send(flow_mod(M.match_all(), command=OFPFC_DELETE, flags=M.OFPFF_EMERG if emerg else 0))
    barrier(c, 0xde1e)


def barrier(c, xid):
    c.send(M.msg(M.BARRIER_REQUEST, xid=xid))
    if c.recv_until(lambda t, x, b: t == M.BARRIER_REPLY and x == xid) is None:
        raise AssertionError("no BARRIER_REPLY")


def packet_in(c, wait=M.WAIT):
    """Returns (buffer_id, total_len, in_port, reason, data) or None."""
    m = c.recv_until(lambda t, x, b: t == M.PACKET_IN, wait)
    if m is None:
        return None
    buf, total, port, reason = struct.unpack("!IHHB", m[2][:9])
    return buf, total, port, reason, m[2][10:]


def flow_stats(c, xid, table_id=0xff):
    """Returns ([(priority, packet_count)], number of reply messages, flags list)."""
    body = M.match_all() + struct.pack("!BxH", table_id, M.OFPP_NONE)
    c.send(M.msg(M.STATS_REQUEST, M.stats_request(M.OFPST_FLOW, body), xid))
    entries, flags_seen = [], []
    while True:
        m = c.recv_until(lambda t, x, b: t == M.STATS_REPLY and x == xid)
        if m is None:
            raise AssertionError("flow stats reply missing")
        _, flags = struct.unpack("!HH", m[2][:4])
        flags_seen.append(flags)
        body = m[2][4:]
        while len(body) >= 88:
            length = struct.unpack("!H", body[:2])[0]
            priority = struct.unpack("!H", body[52:54])[0]
            packets = struct.unpack("!Q", body[72:80])[0]
            entries.append((priority, packets))
            body = body[length:]
        if not flags & OFPSF_REPLY_MORE:
            return entries, len(flags_seen), flags_seen


def port_tx(c, port, xid):
    c.send(M.msg(M.STATS_REQUEST, M.stats_request(4, struct.pack("!H6x", port)), xid))
    m = c.recv_until(lambda t, x, b: t == M.STATS_REPLY and x == xid)
    if m is None or len(m[2]) < 4 + 24:
        raise AssertionError("port stats reply missing")
    return struct.unpack("!Q", m[2][4 + 16:4 + 24])[0]


def set_miss_send_len(c, n):
    c.send(M.msg(M.SET_CONFIG, struct.pack("!HH", 0, n)))


# --- the cases ---------------------------------------------------------------

def case_barrier_makes_flow_visible(c):
    delete_all(c)
    c.send(flow_mod(in_port_match(1), M.action_output(M.OFPP_CONTROLLER, 128)))
    barrier(c, 0xb001)
    c.send(table_out(0xb002))
    pi = packet_in(c)
    assert pi is not None, "no packet_in after flow_mod + barrier + packet_out(TABLE)"
    assert pi[3] == OFPR_ACTION, "packet_in reason %d, want ACTION (the new flow)" % pi[3]


def case_miss_is_buffered_and_redeemed(c):
    delete_all(c)
    set_miss_send_len(c, 20)
    c.send(table_out(0xb101))
    pi = packet_in(c)
    assert pi is not None, "no packet_in for a table miss"
    buf, total, port, reason, data = pi
    assert reason == OFPR_NO_MATCH, "reason %d, want NO_MATCH" % reason
    assert buf != M.OFP_NO_BUFFER, "miss was not buffered"
    assert total == len(FRAME) and len(data) == 20, \
        "total_len %d data %d, want %d and miss_send_len 20" % (total, len(data), len(FRAME))
    before = port_tx(c, 2, 0xb102)
    c.send(M.msg(M.PACKET_OUT, M.packet_out_body(M.action_output(2), buffer_id=buf,
                                                 in_port=1), 0xb103))
    err = c.error_for(0xb103, wait=0.5)
    assert err is None, "packet_out by buffer_id refused: %r" % (err[:2],)
    after = port_tx(c, 2, 0xb104)
    assert after == before + 1, "port 2 tx went %d -> %d, want +1" % (before, after)
    c.send(M.msg(M.PACKET_OUT, M.packet_out_body(M.action_output(2), buffer_id=buf,
                                                 in_port=1), 0xb105))
    err = c.error_for(0xb105)
    assert err and err[:2] == (M.BAD_REQUEST, M.BRC_BUFFER_UNKNOWN), \
        "reused buffer_id: got %r, want BAD_REQUEST/BUFFER_UNKNOWN" % (err and err[:2],)
    set_miss_send_len(c, 128)


def case_miss_send_len_zero(c):
    delete_all(c)
    set_miss_send_len(c, 0)
    c.send(table_out(0xb201))
    pi = packet_in(c)
    set_miss_send_len(c, 128)
    assert pi is not None, "no packet_in with miss_send_len 0"
    assert pi[0] != M.OFP_NO_BUFFER and len(pi[4]) == 0, \
        "buffer %#x data %d bytes, want a buffer and no data" % (pi[0], len(pi[4]))


def case_exact_beats_wildcard(c):
    delete_all(c)
    c.send(flow_mod(in_port_match(1), M.action_output(2), priority=0xffff))
    c.send(flow_mod(exact_match(1), M.action_output(M.OFPP_CONTROLLER, 128), priority=7))
    barrier(c, 0xb301)
    c.send(table_out(0xb302))
    pi = packet_in(c)
    assert pi is not None and pi[3] == OFPR_ACTION, \
        "the exact-match flow (priority 7) did not win over the wildcard (65535)"
    prios = sorted(p for p, _ in flow_stats(c, 0xb303)[0])
    assert prios == [7, 0xffff], "priorities reported %r, want [7, 65535]" % prios


def case_flow_stats_reply_more(c):
    delete_all(c)
    n = 1500
    c.send(b"".join(flow_mod(in_port_match(1, tp_dst=i), M.action_output(2))
                    for i in range(1, n + 1)))
    barrier(c, 0xb401)
    entries, n_msgs, flags = flow_stats(c, 0xb402)
    delete_all(c)
    assert len(entries) == n, "%d flows reported, want %d" % (len(entries), n)
    assert n_msgs > 1, "a %d-flow reply came in one message" % n
    assert all(f & OFPSF_REPLY_MORE for f in flags[:-1]) and not flags[-1] & 1, \
        "REPLY_MORE flags %r" % flags


def table_active(c, xid):
    """Returns table 0's active_count from table statistics."""
    c.send(M.msg(M.STATS_REQUEST, M.stats_request(3), xid))
    m = c.recv_until(lambda t, x, b: t == M.STATS_REPLY and x == xid)
    if m is None or len(m[2]) < 4 + 64:
        raise AssertionError("table stats reply missing")
    return struct.unpack("!I", m[2][4 + 44:4 + 48])[0]


def case_emergency_flows(c):
    delete_all(c)
    delete_all(c, emerg=True)
    c.send(flow_mod(in_port_match(2), M.action_output(1), flags=M.OFPFF_EMERG))
    barrier(c, 0xb501)
    assert len(flow_stats(c, 0xb502, 0xfe)[0]) == 1, "emergency flow not in table 0xfe"
    assert len(flow_stats(c, 0xb505)[0]) == 0, "emergency flow counted in table 0xff"
    assert table_active(c, 0xb506) == 0, "emergency flow counted by table stats"
    delete_all(c, emerg=True)
    assert len(flow_stats(c, 0xb504, 0xfe)[0]) == 0, "a delete with EMERG did not remove it"
    c.send(flow_mod(in_port_match(2), M.action_output(1), flags=M.OFPFF_EMERG))
    c.send(flow_mod(in_port_match(1), M.action_output(2)))
    barrier(c, 0xb507)
    assert table_active(c, 0xb508) == 1, "table stats do not count the normal flow"
    delete_all(c)
    assert len(flow_stats(c, 0xb503, 0xfe)[0]) == 0, "a delete without EMERG left it"


CASES = [
    ("barrier_makes_flow_visible", case_barrier_makes_flow_visible, None),
    ("miss_is_buffered_and_redeemed", case_miss_is_buffered_and_redeemed,
     "Open vSwitch buffers no packets (n_buffers 0)"),
    ("miss_send_len_zero", case_miss_send_len_zero,
     "Open vSwitch buffers no packets (n_buffers 0)"),
    ("exact_beats_wildcard", case_exact_beats_wildcard,
     "Open vSwitch stores OF1.0 exact-match flows at priority 65535, so they tie"),
    ("flow_stats_reply_more", case_flow_stats_reply_more, None),
    ("emergency_flows", case_emergency_flows, "Open vSwitch refuses emergency flows"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", default="sluice", choices=["sluice", "ovs"])
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    args = ap.parse_args()
    failed = 0
    for name, fn, ovs_note in CASES:
        if args.peer == "ovs" and ovs_note:
            print("skip semantics_%s: %s" % (name, ovs_note))
            continue
        c = None
        try:
            c = M.Conn(args.host, args.port)
            set_miss_send_len(c, 128)  # Open vSwitch sends packet_in to a
            fn(c)                      # service connection only after SET_CONFIG
            print("ok semantics_%s" % name)
        except (AssertionError, M.Closed, OSError) as e:
            print("FAIL semantics_%s: %s" % (name, e))
            failed += 1
        finally:
            if c:
                c.close()
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
