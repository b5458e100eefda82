#!/usr/bin/python3
"""Malformed OpenFlow 1.0 messages over a live connection.

Usage: malformed.py [--peer sluice|ovs] HOST PORT

Connects to the switch's passive listener, exchanges HELLO, then sends each
malformed shape in CASES and checks, per the OpenFlow 1.0.0 specification:
  - the OFPT_ERROR reply's type and code,
  - that it carries the offending message's xid,
  - that its data holds the first bytes of the offending message (at least
    min(64, its length) bytes, as the spec asks),
and after every case that the switch still answers ECHO_REQUEST on the same
connection.  A message whose length field is below 8 cannot be framed: the
switch may close the connection; then the test checks that a new
connection is accepted and negotiates HELLO.

Prints "ok NAME", "FAIL NAME: REASON" or "skip NAME: REASON" per case (case
names are prefixed "malformed_").  With --peer ovs, cases where Open vSwitch
knowingly answers differently from the spec (it accepts some things the spec
refuses, or answers with Nicira extension errors) are skipped with a note;
with --peer sluice every case must match the spec.  Exit status 0 when no
case failed.  Plain sockets only; every wait is bounded.
"""
import argparse
import socket
import struct
import sys
import time

OFP_VERSION = 1
# message types
HELLO, ERROR, ECHO_REQUEST, ECHO_REPLY, VENDOR = 0, 1, 2, 3, 4
FEATURES_REQUEST, FEATURES_REPLY, GET_CONFIG_REQUEST, GET_CONFIG_REPLY = 5, 6, 7, 8
SET_CONFIG, PACKET_IN, FLOW_REMOVED, PORT_STATUS = 9, 10, 11, 12
PACKET_OUT, FLOW_MOD, PORT_MOD, STATS_REQUEST, STATS_REPLY = 13, 14, 15, 16, 17
BARRIER_REQUEST, BARRIER_REPLY = 18, 19
QUEUE_GET_CONFIG_REQUEST, QUEUE_GET_CONFIG_REPLY = 20, 21
# error types and codes
HELLO_FAILED, BAD_REQUEST, BAD_ACTION, FLOW_MOD_FAILED = 0, 1, 2, 3
PORT_MOD_FAILED, QUEUE_OP_FAILED = 4, 5
BRC_BAD_VERSION, BRC_BAD_TYPE, BRC_BAD_STAT, BRC_BAD_VENDOR = 0, 1, 2, 3
BRC_BAD_LEN, BRC_BUFFER_UNKNOWN = 6, 8
BAC_BAD_TYPE, BAC_BAD_LEN, BAC_BAD_VENDOR, BAC_BAD_OUT_PORT = 0, 1, 2, 4
BAC_BAD_ARGUMENT = 5
FMFC_BAD_EMERG_TIMEOUT, FMFC_BAD_COMMAND = 3, 4
PMFC_BAD_PORT, PMFC_BAD_HW_ADDR = 0, 1
QOFC_BAD_PORT = 0
NXET_VENDOR = 0xb0c2           # Open vSwitch's extension error type

ERR_NAMES = {
    (BAD_REQUEST, BRC_BAD_VERSION): "BAD_REQUEST/BAD_VERSION",
    (BAD_REQUEST, BRC_BAD_TYPE): "BAD_REQUEST/BAD_TYPE",
    (BAD_REQUEST, BRC_BAD_STAT): "BAD_REQUEST/BAD_STAT",
    (BAD_REQUEST, BRC_BAD_VENDOR): "BAD_REQUEST/BAD_VENDOR",
    (BAD_REQUEST, BRC_BAD_LEN): "BAD_REQUEST/BAD_LEN",
    (BAD_REQUEST, BRC_BUFFER_UNKNOWN): "BAD_REQUEST/BUFFER_UNKNOWN",
    (BAD_ACTION, BAC_BAD_TYPE): "BAD_ACTION/BAD_TYPE",
    (BAD_ACTION, BAC_BAD_LEN): "BAD_ACTION/BAD_LEN",
    (BAD_ACTION, BAC_BAD_VENDOR): "BAD_ACTION/BAD_VENDOR",
    (BAD_ACTION, BAC_BAD_OUT_PORT): "BAD_ACTION/BAD_OUT_PORT",
    (BAD_ACTION, BAC_BAD_ARGUMENT): "BAD_ACTION/BAD_ARGUMENT",
    (FLOW_MOD_FAILED, FMFC_BAD_EMERG_TIMEOUT): "FLOW_MOD_FAILED/BAD_EMERG_TIMEOUT",
    (FLOW_MOD_FAILED, FMFC_BAD_COMMAND): "FLOW_MOD_FAILED/BAD_COMMAND",
    (PORT_MOD_FAILED, PMFC_BAD_PORT): "PORT_MOD_FAILED/BAD_PORT",
    (PORT_MOD_FAILED, PMFC_BAD_HW_ADDR): "PORT_MOD_FAILED/BAD_HW_ADDR",
    (QUEUE_OP_FAILED, QOFC_BAD_PORT): "QUEUE_OP_FAILED/BAD_PORT",
}

OFPFW_ALL = (1 << 22) - 1
OFP_NO_BUFFER = 0xffffffff
OFPP_NONE = 0xffff
OFPP_CONTROLLER = 0xfffd
OFPFF_EMERG = 4
OFPST_DESC, OFPST_FLOW, OFPST_PORT, OFPST_QUEUE, OFPST_VENDOR = 0, 1, 4, 5, 0xffff
UNKNOWN_VENDOR = 0x00abcdef
WAIT = 2.0                      # seconds to wait for any one reply


def ename(tc):
    return ERR_NAMES.get(tc, "type=%#x code=%d" % tc)


# --- message builders ------------------------------------------------------

def msg(mtype, body=b"", xid=0, length=None, version=OFP_VERSION):
    """Returns header+body; length defaults to the real length."""
    if length is None:
        length = 8 + len(body)
    return struct.pack("!BBHI", version, mtype, length, xid) + body


def match_all():
    return struct.pack("!IH6s6sHBxHBB2xIIHH", OFPFW_ALL, 0, b"\0" * 6, b"\0" * 6,
                       0, 0, 0, 0, 0, 0, 0, 0, 0)


def action_output(port, max_len=0, length=8):
    return struct.pack("!HHHH", 0, length, port, max_len)


def flow_mod_body(actions=b"", command=0, idle=0, hard=0, priority=0x8000,
                  buffer_id=OFP_NO_BUFFER, out_port=OFPP_NONE, flags=0):
    return (match_all() + struct.pack("!QHHHHIHH", 0, command, idle, hard,
                                      priority, buffer_id, out_port, flags)
            + actions)


def packet_out_body(actions, data=b"", buffer_id=OFP_NO_BUFFER, in_port=OFPP_NONE,
                    actions_len=None):
    if actions_len is None:
        actions_len = len(actions)
    return struct.pack("!IHH", buffer_id, in_port, actions_len) + actions + data


FRAME = bytes.fromhex("ffffffffffff02000000000188b5") + b"sluice-malformed".ljust(46, b"\0")


def port_mod_body(port, hw_addr, config=0, mask=0, advertise=0):
    return struct.pack("!H6sIII4x", port, hw_addr, config, mask, advertise)


def stats_request(stype, body=b""):
    return struct.pack("!HH", stype, 0) + body


def flow_stats_body():
    return match_all() + struct.pack("!BxH", 0xff, OFPP_NONE)


# --- the connection --------------------------------------------------------

class Closed(Exception):
    pass


class Conn:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=WAIT)
        self.buf = b""
        self.sock.sendall(msg(HELLO, xid=1))
        m = self.recv_until(lambda t, x, b: t == HELLO)
        if m is None:
            raise Closed("no HELLO from the switch")
        self.hello_version = m[3]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise Closed("send: %s" % e)

    def _read_one(self, deadline):
        """Returns (type, xid, body, version) of the next message, None on
        timeout; raises Closed when the peer closed the connection."""
        while True:
            if len(self.buf) >= 8:
                ver, mtype, length, xid = struct.unpack("!BBHI", self.buf[:8])
                if length < 8:
                    raise Closed("switch sent a message with length %d" % length)
                if len(self.buf) >= length:
                    body = self.buf[8:length]
                    self.buf = self.buf[length:]
                    return mtype, xid, body, ver
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            except OSError as e:
                raise Closed("recv: %s" % e)
            if not chunk:
                raise Closed("connection closed by the switch")
            self.buf += chunk

    def recv_until(self, want, wait=WAIT):
        """Reads messages (answering ECHO_REQUEST) until want(type, xid,
        body) holds; returns (type, xid, body, version) or None on timeout."""
        deadline = time.monotonic() + wait
        while True:
            m = self._read_one(deadline)
            if m is None:
                return None
            mtype, xid, body, _ = m
            if want(mtype, xid, body):
                return m
            if mtype == ECHO_REQUEST:
                self.send(msg(ECHO_REPLY, body, xid))

    def echo_ok(self, xid=0x7e57):
        payload = b"alive?"
        self.send(msg(ECHO_REQUEST, payload, xid))
        m = self.recv_until(lambda t, x, b: t == ECHO_REPLY and x == xid)
        return m is not None and m[2] == payload

    def error_for(self, xid, wait=WAIT):
        """Returns (type, code, data) of the ERROR with this xid, or None."""
        m = self.recv_until(lambda t, x, b: t == ERROR and x == xid, wait)
        if m is None:
            return None
        etype, code = struct.unpack("!HH", m[2][:4])
        return etype, code, m[2][4:]


# --- the cases -------------------------------------------------------------
# Each case: (name, message bytes with xid XID, expected (type, code) or a
# list of accepted ones (None in the list: no reply is fine too); ovs: None
# = same as the spec, or a string = skip reason when OVS answers
# differently).
XID = 0x51ce0000


def cases():
    c = []

    def add(name, data, expect, ovs=None):
        c.append((name, data, expect if isinstance(expect, list) else [expect], ovs))

    add("bad_version", msg(ECHO_REQUEST, xid=XID, version=0x04),
        (BAD_REQUEST, BRC_BAD_VERSION),
        ovs="OVS drops the connection on a version change")
    add("unknown_type", msg(0x30, b"\0" * 8, xid=XID), (BAD_REQUEST, BRC_BAD_TYPE))
    add("vendor_message", msg(VENDOR, struct.pack("!I", UNKNOWN_VENDOR) + b"\0" * 4, xid=XID),
        (BAD_REQUEST, BRC_BAD_VENDOR))
    add("stats_unknown_type", msg(STATS_REQUEST, stats_request(9), xid=XID),
        (BAD_REQUEST, BRC_BAD_STAT))
    add("stats_vendor", msg(STATS_REQUEST, stats_request(
        OFPST_VENDOR, struct.pack("!I", UNKNOWN_VENDOR)), xid=XID),
        (BAD_REQUEST, BRC_BAD_VENDOR))
    # Fixed-size messages with extra bytes: framing holds, the message is refused.
    add("features_request_too_long", msg(FEATURES_REQUEST, b"\0" * 8, xid=XID),
        (BAD_REQUEST, BRC_BAD_LEN))
    add("barrier_request_too_long", msg(BARRIER_REQUEST, b"\0" * 8, xid=XID),
        (BAD_REQUEST, BRC_BAD_LEN))
    add("get_config_request_too_long", msg(GET_CONFIG_REQUEST, b"\0" * 4, xid=XID),
        (BAD_REQUEST, BRC_BAD_LEN))
    # Every controller-to-switch type cut below its fixed size.
    for name, mtype, size in (("set_config", SET_CONFIG, 12),
                              ("packet_out", PACKET_OUT, 16),
                              ("flow_mod", FLOW_MOD, 72),
                              ("port_mod", PORT_MOD, 32),
                              ("stats_request", STATS_REQUEST, 12),
                              ("queue_get_config_request", QUEUE_GET_CONFIG_REQUEST, 12),
                              ("vendor", VENDOR, 12)):
        add(name + "_short", msg(mtype, b"\0" * (size - 8 - 2), xid=XID),
            (BAD_REQUEST, BRC_BAD_LEN))
    # Switch-to-controller types sent to the switch, cut short.
    for name, mtype in (("features_reply", FEATURES_REPLY),
                        ("get_config_reply", GET_CONFIG_REPLY),
                        ("packet_in", PACKET_IN), ("flow_removed", FLOW_REMOVED),
                        ("port_status", PORT_STATUS), ("stats_reply", STATS_REPLY),
                        ("queue_get_config_reply", QUEUE_GET_CONFIG_REPLY)):
        add(name + "_to_switch_short", msg(mtype, b"\0" * 2, xid=XID),
            [(BAD_REQUEST, BRC_BAD_LEN), (BAD_REQUEST, BRC_BAD_TYPE)])
    for name, st, size in (("flow", OFPST_FLOW, 44), ("aggregate", 2, 44),
                           ("port", OFPST_PORT, 8), ("queue", OFPST_QUEUE, 8)):
        add("stats_%s_short" % name,
            msg(STATS_REQUEST, stats_request(st, b"\0" * (size - 4)), xid=XID),
            (BAD_REQUEST, BRC_BAD_LEN))
    # flow_mod actions
    add("action_len_zero", msg(FLOW_MOD, flow_mod_body(action_output(1, length=0)), xid=XID),
        (BAD_ACTION, BAC_BAD_LEN))
    add("action_len_not_multiple_of_8",
        msg(FLOW_MOD, flow_mod_body(action_output(1, length=12) + b"\0" * 4), xid=XID),
        (BAD_ACTION, BAC_BAD_LEN),
        ovs="OVS checks the actions area before the action (BAD_REQUEST/BAD_LEN)")
    add("action_len_past_end",
        msg(FLOW_MOD, flow_mod_body(action_output(1, length=16)), xid=XID),
        (BAD_ACTION, BAC_BAD_LEN))
    add("action_unknown_type",
        msg(FLOW_MOD, flow_mod_body(struct.pack("!HH4x", 0x00ee, 8)), xid=XID),
        (BAD_ACTION, BAC_BAD_TYPE))
    add("action_vendor",
        msg(FLOW_MOD, flow_mod_body(struct.pack("!HHI", 0xffff, 8, UNKNOWN_VENDOR)), xid=XID),
        (BAD_ACTION, BAC_BAD_VENDOR))
    add("action_output_bad_port",
        msg(FLOW_MOD, flow_mod_body(action_output(99)), xid=XID),
        (BAD_ACTION, BAC_BAD_OUT_PORT),
        ovs="OVS accepts output to a port that does not exist")
    add("action_set_vlan_vid_too_big",
        msg(FLOW_MOD, flow_mod_body(struct.pack("!HHH2x", 1, 8, 0x1fff)), xid=XID),
        (BAD_ACTION, BAC_BAD_ARGUMENT))
    add("flow_mod_bad_command", msg(FLOW_MOD, flow_mod_body(command=9), xid=XID),
        (FLOW_MOD_FAILED, FMFC_BAD_COMMAND))
    add("flow_mod_emerg_with_timeout",
        msg(FLOW_MOD, flow_mod_body(idle=10, flags=OFPFF_EMERG), xid=XID),
        (FLOW_MOD_FAILED, FMFC_BAD_EMERG_TIMEOUT),
        ovs="OVS does not implement emergency flows")
    add("flow_mod_unknown_buffer",
        msg(FLOW_MOD, flow_mod_body(action_output(2), priority=1, buffer_id=0x00abcdef),
            xid=XID),
        (BAD_REQUEST, BRC_BUFFER_UNKNOWN))
    # packet_out
    add("packet_out_actions_past_end",
        msg(PACKET_OUT, packet_out_body(action_output(2), actions_len=64), xid=XID),
        [(BAD_REQUEST, BRC_BAD_LEN), (BAD_ACTION, BAC_BAD_LEN)])
    add("packet_out_unknown_buffer",
        msg(PACKET_OUT, packet_out_body(action_output(2), buffer_id=0x00abcdef,
                                        in_port=1), xid=XID),
        (BAD_REQUEST, BRC_BUFFER_UNKNOWN))
    add("packet_out_action_len_zero",
        msg(PACKET_OUT, packet_out_body(action_output(2, length=0), FRAME), xid=XID),
        (BAD_ACTION, BAC_BAD_LEN))
    # port_mod
    add("port_mod_no_such_port",
        msg(PORT_MOD, port_mod_body(42, b"\x02\0\0\0\0\x42", 1, 1), xid=XID),
        (PORT_MOD_FAILED, PMFC_BAD_PORT))
    add("port_mod_bad_hw_addr",
        msg(PORT_MOD, port_mod_body(1, b"\x02\xde\xad\xbe\xef\x01", 0, 0), xid=XID),
        (PORT_MOD_FAILED, PMFC_BAD_HW_ADDR))
    add("queue_get_config_no_such_port",
        msg(QUEUE_GET_CONFIG_REQUEST, struct.pack("!H2x", 42), xid=XID),
        (QUEUE_OP_FAILED, QOFC_BAD_PORT))
    # A long bad message: the error data must carry at least its first 64 bytes.
    add("long_message_error_data",
        msg(FLOW_MOD, flow_mod_body(action_output(1) * 8 + struct.pack("!HH4x", 0x00ee, 8)),
            xid=XID),
        (BAD_ACTION, BAC_BAD_TYPE))
    # An ERROR from the controller: ignored, or refused as BAD_TYPE (OVS);
    # either way the connection lives on.
    add("error_from_controller", msg(ERROR, struct.pack("!HH", 1, 1), xid=XID),
        [None, (BAD_REQUEST, BRC_BAD_TYPE)])
    return c


class Runner:
    def __init__(self, host, port, peer):
        self.host, self.port, self.peer = host, port, peer
        self.n_fail = 0
        self.conn = None

    def report(self, status, name, reason=""):
        name = "malformed_" + name
        if status == "ok":
            print("ok " + name, flush=True)
        else:
            print("%s %s: %s" % (status, name, reason), flush=True)
            if status == "FAIL":
                self.n_fail += 1

    def connect(self):
        if self.conn is None:
            self.conn = Conn(self.host, self.port)
        return self.conn

    def drop(self):
        if self.conn:
            self.conn.close()
        self.conn = None

    def check_error(self, data, expect, err):
        """Returns None when the error reply is right, else the reason."""
        if err is None:
            return "no OFPT_ERROR with xid %#x within %.0f s" % (XID, WAIT)
        etype, code, edata = err
        if (etype, code) not in expect:
            return "got %s, want %s" % (ename((etype, code)),
                                        " or ".join(ename(e) for e in expect))
        need = min(64, len(data))
        if len(edata) < need or edata != data[:len(edata)]:
            return ("error data (%d bytes) is not the first %d bytes of the "
                    "offending message" % (len(edata), need))
        return None

    def run_case(self, name, data, expect, ovs_note):
        try:
            conn = self.connect()
            conn.send(data)
            if None in expect:
                err = conn.error_for(XID, wait=0.5)
                reason = None if err is None else self.check_error(
                    data, [e for e in expect if e is not None], err)
            else:
                err = conn.error_for(XID)
                reason = self.check_error(data, expect, err)
                if reason and err and err[0] == NXET_VENDOR and self.peer == "ovs":
                    ovs_note = ovs_note or "OVS answers with a Nicira extension error"
            if not conn.echo_ok():
                reason = reason or "no ECHO_REPLY afterwards"
        except (Closed, OSError) as e:
            reason = "connection lost: %s" % e
            self.drop()
        if reason and self.peer == "ovs" and ovs_note:
            self.report("skip", name, "%s (%s)" % (ovs_note, reason))
        elif reason:
            self.report("FAIL", name, reason)
        else:
            self.report("ok", name)

    def run_unframeable(self):
        """length < 8: an error or a closed connection are both fine, but
        the switch must accept a new connection afterwards."""
        name = "length_below_8"
        try:
            conn = self.connect()
            conn.send(msg(ECHO_REQUEST, xid=XID, length=4))
            try:
                err = conn.error_for(XID, wait=1.0)
                if err is not None and err[:2] != (BAD_REQUEST, BRC_BAD_LEN):
                    self.report("FAIL", name, "got %s, want BAD_REQUEST/BAD_LEN or "
                                "a closed connection" % ename(err[:2]))
                    return
            except Closed:
                pass
            self.drop()
            self.connect()
            if not self.conn.echo_ok():
                self.report("FAIL", name, "new connection does not answer ECHO")
                return
        except (Closed, OSError) as e:
            self.drop()
            self.report("FAIL", name, "no new connection accepted: %s" % e)
            return
        self.report("ok", name)

    def run_split_length(self):
        """A header whose length runs over the next message: the switch
        frames by the length field, so the next message is swallowed as the
        first one's body and refused with it; the connection stays usable."""
        name = "length_covers_next_message"
        try:
            conn = self.connect()
            conn.send(msg(BARRIER_REQUEST, xid=XID, length=16) + msg(ECHO_REQUEST, xid=XID + 1))
            err = conn.error_for(XID)
            reason = self.check_error(msg(BARRIER_REQUEST, xid=XID, length=16)
                                      + msg(ECHO_REQUEST, xid=XID + 1),
                                      [(BAD_REQUEST, BRC_BAD_LEN)], err)
            if not conn.echo_ok():
                reason = reason or "no ECHO_REPLY afterwards"
        except (Closed, OSError) as e:
            reason = "connection lost: %s" % e
            self.drop()
        if reason and self.peer == "ovs":
            self.report("skip", name, "OVS accepts trailing bytes in a barrier (%s)" % reason)
        elif reason:
            self.report("FAIL", name, reason)
        else:
            self.report("ok", name)

    def run(self):
        try:
            self.connect()
            self.report("ok", "hello")
        except (Closed, OSError) as e:
            self.report("FAIL", "hello", str(e))
            return 1
        for name, data, expect, ovs_note in cases():
            self.run_case(name, data, expect, ovs_note)
        self.run_split_length()
        self.run_unframeable()
        self.drop()
        return 1 if self.n_fail else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--peer", choices=("sluice", "ovs"), default="sluice")
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    args = ap.parse_args()
    return Runner(args.host, args.port, args.peer).run()


if __name__ == "__main__":
    sys.exit(main())
