#!/usr/bin/python3
"""ofpeer.py — OpenFlow 1.0 peers that load the switch's channel (tests/chan).

Usage: ofpeer.py CASE HOST PORT [ARGS...]

  pairs N WAIT         sends N (flow stats request, barrier) pairs at once,
                       reads nothing for WAIT seconds, then reads every reply;
                       exit 0 when each stats reply came complete (its last
                       part without REPLY_MORE, all parts of one flow count)
                       and before its barrier, in order
  idle N SECONDS       opens N sessions (HELLO, then answering echo
                       requests, nothing else); prints "idle: K up" every
                       2 s until "idle: N sessions" (all up), then holds
                       them; exits after SECONDS
  nonreading N REQS SECONDS
                       N sessions each send REQS flow stats requests and
                       read nothing for SECONDS; then they read, and it
                       prints how many the switch had closed
                       ("nonreading: the switch had closed K of N")
  slowloris LIMIT      HELLO, then one byte of a 64-byte message every 0.8 s;
                       prints "slowloris: closed after S s" (exit 0) or
                       "slowloris: still open after LIMIT s" (exit 1)
  limit N              opens N connections at once; prints "limit: H hello,
                       E closed"
  conform              flow durations against the client's own clock,
                       packet_out with in_port 0, emergency flows in flow /
                       aggregate / table statistics; exit 0 when all hold

Prints one line per finding; exit status 0 when the case holds.
"""
import selectors
import socket
import struct
import sys
import time

HELLO, ERROR, ECHO_REQUEST, ECHO_REPLY = 0, 1, 2, 3
PACKET_OUT, FLOW_MOD, STATS_REQUEST, STATS_REPLY = 13, 14, 16, 17
BARRIER_REQUEST, BARRIER_REPLY = 18, 19
OFPST_FLOW, OFPST_AGGREGATE, OFPST_TABLE = 1, 2, 3
OFPSF_REPLY_MORE = 1
OFPFF_EMERG = 4
OFPP_NONE = 0xffff
OFPFW_ALL = (1 << 22) - 1
FLOW_ENTRY = 88          # a flow stats entry without actions
TCP_INFO = 11


def msg(mtype, body=b"", xid=0):
    return struct.pack("!BBHI", 1, mtype, 8 + len(body), xid) + body


def match(in_port=None):
    wc = OFPFW_ALL & ~1 if in_port is not None else OFPFW_ALL
    return struct.pack("!IH6s6sHBxHBB2xIIHH", wc, in_port or 0, b"\0" * 6, b"\0" * 6,
                       0, 0, 0, 0, 0, 0, 0, 0, 0)


def flow_mod(m, command=0, priority=0x8000, flags=0, actions=b""):
    return msg(FLOW_MOD, m + struct.pack("!QHHHHIHH", 0, command, 0, 0, priority,
                                         0xffffffff, OFPP_NONE, flags) + actions)


def stats_req(stype, body, xid):
    return msg(STATS_REQUEST, struct.pack("!HH", stype, 0) + body, xid)


def flow_stats_req(xid, table=0xff, aggregate=False):
    body = match() + struct.pack("!BxH", table, OFPP_NONE)
    return stats_req(OFPST_AGGREGATE if aggregate else OFPST_FLOW, body, xid)


def connect(host, port, timeout=10, rcvbuf=0):
    """A TCP connection (rcvbuf > 0: that receive buffer, set before the
    handshake so the window stays small)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(timeout)
    s.connect((host, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


class Reader:
    """Whole messages from a socket, without quadratic copying."""

    def __init__(self, sock):
        self.sock, self.buf, self.off = sock, bytearray(), 0

    def next(self, deadline):
        """Returns (type, xid, body) or None at the deadline; raises EOFError
        when the switch closed the connection."""
        while True:
            avail = len(self.buf) - self.off
            if avail >= 8:
                _, mtype, length, xid = struct.unpack_from("!BBHI", self.buf, self.off)
                if avail >= length:
                    body = bytes(self.buf[self.off + 8:self.off + length])
                    self.off += length
                    if self.off > (1 << 20):
                        del self.buf[:self.off]
                        self.off = 0
                    return mtype, xid, body
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(1 << 20)
            except socket.timeout:
                return None
            except ConnectionResetError:
                raise EOFError
            if not chunk:
                raise EOFError
            self.buf += chunk

    def until(self, want, wait=10):
        """Reads (answering echo requests) until want(type, xid, body)."""
        deadline = time.monotonic() + wait
        while True:
            m = self.next(deadline)
            if m is None or want(*m):
                return m
            if m[0] == ECHO_REQUEST:
                self.sock.sendall(msg(ECHO_REPLY, m[2], m[1]))


def session(host, port):
    s = connect(host, port)
    s.sendall(msg(HELLO, xid=1))
    r = Reader(s)
    if r.until(lambda t, x, b: t == HELLO) is None:
        raise SystemExit("no HELLO from the switch")
    return s, r


# --- pairs ---------------------------------------------------------------

def case_pairs(host, port, n, wait):
    n, wait = int(n), float(wait)
    s, r = session(host, port)
    s.sendall(b"".join(flow_stats_req(2 * i) + msg(BARRIER_REQUEST, xid=2 * i + 1)
                       for i in range(n)))
    time.sleep(wait)
    entries, done, order_ok = {}, set(), True
    barriers, expect = 0, 0          # expect: the xid of the next reply in order
    deadline = time.monotonic() + 120
    closed = False
    while barriers < n:
        try:
            m = r.next(deadline)
        except EOFError:
            closed = True
            break
        if m is None:
            break
        mtype, xid, body = m
        if mtype == STATS_REPLY:
            if xid != expect:
                order_ok = False
            _, flags = struct.unpack("!HH", body[:4])
            entries[xid] = entries.get(xid, 0) + (len(body) - 4) // FLOW_ENTRY
            if not flags & OFPSF_REPLY_MORE:
                done.add(xid)
                expect = xid + 1
        elif mtype == BARRIER_REPLY:
            if xid != expect:
                order_ok = False     # a barrier overtook (or replaced) its stats reply
            barriers += 1
            expect = xid + 1
        elif mtype == ECHO_REQUEST:
            s.sendall(msg(ECHO_REPLY, body, xid))
    counts = set(entries.values())
    complete = len(done)
    partial = len(set(entries) - done)
    print("pairs: %d stats replies complete, %d partial, %d missing; %d barrier replies; "
          "entries per reply %s; order %s%s" % (complete, partial, n - complete - partial,
                                               barriers, sorted(counts)[:3],
                                               "kept" if order_ok else "BROKEN",
                                               "; closed by the switch" if closed else ""))
    ok = complete == n and barriers == n and order_ok and len(counts) == 1
    sys.exit(0 if ok else 1)


# --- idle ----------------------------------------------------------------

class Idle:
    """Sessions that did HELLO and then only answer echo requests.  Connects
    are nonblocking, so sessions already up are served while others wait
    in the switch's accept backlog."""

    def __init__(self):
        self.sel = selectors.DefaultSelector()
        self.up = 0

    def open(self, host, port):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((host, port))
        self.sel.register(s, selectors.EVENT_WRITE, {"buf": bytearray(), "hello": False})

    def _close(self, s):
        self.sel.unregister(s)
        s.close()

    def serve(self, timeout):
        """Handles what happened within timeout seconds."""
        for key, ev in self.sel.select(timeout=timeout):
            s, st = key.fileobj, key.data
            if ev & selectors.EVENT_WRITE:   # the connect finished
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    self._close(s)
                    continue
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.send(msg(HELLO, xid=1))
                self.sel.modify(s, selectors.EVENT_READ, st)
                continue
            try:
                chunk = s.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                chunk = b""
            if not chunk:
                self._close(s)
                continue
            st["buf"] += chunk
            while len(st["buf"]) >= 8:
                _, mtype, length, xid = struct.unpack_from("!BBHI", st["buf"])
                if len(st["buf"]) < length:
                    break
                body = bytes(st["buf"][8:length])
                del st["buf"][:length]
                if mtype == HELLO and not st["hello"]:
                    st["hello"] = True
                    self.up += 1
                elif mtype == ECHO_REQUEST:
                    s.send(msg(ECHO_REPLY, body, xid))


def case_idle(host, port, n, seconds):
    """Opens the sessions (100 connects at a time in flight), then holds
    them."""
    n, seconds = int(n), float(seconds)
    idle = Idle()
    end = time.monotonic() + seconds
    opened, announced, progress = 0, False, time.monotonic() + 2
    while time.monotonic() < end:
        while opened < n and opened - idle.up < 100:
            idle.open(host, port)
            opened += 1
        idle.serve(0.1)
        if idle.up == n and not announced:
            print("idle: %d sessions" % n, flush=True)
            announced = True
        if not announced and time.monotonic() >= progress:
            print("idle: %d up" % idle.up, flush=True)
            progress += 2
    print("idle: %d of %d sessions came up, %d still open at the end"
          % (idle.up, n, len(idle.sel.get_map())), flush=True)


# --- nonreading ----------------------------------------------------------

def tcp_state(s):
    """Returns the kernel's TCP state number (1 established; 7 close, 8
    close-wait: the switch closed)."""
    return s.getsockopt(socket.IPPROTO_TCP, TCP_INFO, 1)[0]


def closed_by_switch(s, wait):
    """Reads and discards what the switch sent; returns True when the
    stream ends (the switch closed it: its FIN waits behind the data a peer
    that does not read leaves in the buffers) within `wait` seconds."""
    deadline = time.monotonic() + wait
    s.settimeout(0.1)
    while time.monotonic() < deadline:
        try:
            if not s.recv(1 << 20):
                return True
        except socket.timeout:
            continue
        except OSError:
            return True
    return False


def case_nonreading(host, port, n, reqs, seconds):
    n, reqs, seconds = int(n), int(reqs), float(seconds)
    socks = []
    for i in range(n):
        s = connect(host, port, rcvbuf=32 * 1024)
        s.sendall(msg(HELLO, xid=1) + b"".join(flow_stats_req(100 + k) for k in range(reqs)))
        socks.append(s)
    print("nonreading: %d peers sent %d requests each" % (n, reqs), flush=True)
    time.sleep(seconds)
    # Now read: a peer the switch disconnected finds the end of its stream
    # after what was in flight; the others get served and stay open.
    closed = sum(closed_by_switch(s, 0.3) for s in socks)
    print("nonreading: the switch had closed %d of %d" % (closed, n), flush=True)
    for s in socks:
        s.close()


# --- slowloris -----------------------------------------------------------

def case_slowloris(host, port, limit):
    limit = float(limit)
    s, r = session(host, port)
    m = msg(ECHO_REQUEST, b"x" * 56, 7)
    start = time.monotonic()
    for i, b in enumerate(m[:-1]):
        try:
            s.send(bytes([b]))
        except OSError:
            pass
        time.sleep(0.8)
        if tcp_state(s) != 1 or time.monotonic() - start > limit:
            break
    took = time.monotonic() - start
    if tcp_state(s) != 1:
        print("slowloris: closed after %.1f s" % took)
        sys.exit(0)
    print("slowloris: still open after %.1f s (%d bytes dribbled)" % (took, i + 1))
    sys.exit(1)


# --- limit ---------------------------------------------------------------

def case_limit(host, port, n):
    socks = [connect(host, port) for _ in range(int(n))]
    hello = closed = 0
    for s in socks:
        s.sendall(msg(HELLO, xid=1))
    for s in socks:
        try:
            m = Reader(s).until(lambda t, x, b: t == HELLO, wait=5)
            hello += m is not None
        except (EOFError, OSError):
            closed += 1
    print("limit: %d hello, %d closed" % (hello, closed))


# --- conform -------------------------------------------------------------

def barrier(s, r, xid):
    t0 = time.monotonic()
    s.sendall(msg(BARRIER_REQUEST, xid=xid))
    m = r.until(lambda t, x, b: t in (BARRIER_REPLY, ERROR) and x == xid)
    if m is None or m[0] != BARRIER_REPLY:
        raise AssertionError("barrier %#x: %r" % (xid, m))
    return t0, time.monotonic()


def flow_durations(s, r):
    """[(sec, nsec)] of the flows in a flow stats reply for table 0."""
    s.sendall(flow_stats_req(0xd0, table=0))
    out = []
    while True:
        m = r.until(lambda t, x, b: t == STATS_REPLY and x == 0xd0)
        if m is None:
            raise AssertionError("no flow stats reply")
        body = m[2][4:]
        while len(body) >= FLOW_ENTRY:
            length = struct.unpack("!H", body[:2])[0]
            out.append(struct.unpack("!II", body[44:52]))
            body = body[length:]
        if not struct.unpack("!HH", m[2][:4])[1] & OFPSF_REPLY_MORE:
            return out


def check_durations(s, r):
    """A flow's duration lies between what the client saw: at least the time
    from the barrier that confirmed it to the stats request, at most the
    time from the flow_mod to the reply.  The switch sleeps between the
    messages (it is idle), so a stale clock shows."""
    bad = []
    for i in range(8):
        s.sendall(flow_mod(match(), command=3))          # delete all
        time.sleep(0.23 + 0.037 * i)
        t_mod = time.monotonic()
        s.sendall(flow_mod(match(1)))
        _, t_conf = barrier(s, r, 0xb0 + i)
        time.sleep(0.41 + 0.013 * i)
        t_req = time.monotonic()
        d = flow_durations(s, r)
        t_rep = time.monotonic()
        if len(d) != 1:
            raise AssertionError("%d flows, want 1" % len(d))
        dur = d[0][0] + d[0][1] / 1e9
        lo, hi = t_req - t_conf, t_rep - t_mod
        if not lo - 0.002 <= dur <= hi + 0.002:
            bad.append("%.4f not in [%.4f, %.4f]" % (dur, lo, hi))
    if bad:
        raise AssertionError("durations off the client's clock: " + "; ".join(bad))
    print("ok durations: 8 flows reported within the client's bounds")


def check_packet_out_in_port_0(s, r):
    frame = bytes.fromhex("ffffffffffff02000000000188b5") + b"sluice-chan".ljust(46, b"\0")
    act = struct.pack("!HHHH", 0, 8, 1, 0)               # output:1
    s.sendall(msg(PACKET_OUT, struct.pack("!IHH", 0xffffffff, 0, len(act)) + act + frame, 0x90))
    s.sendall(msg(BARRIER_REQUEST, xid=0x91))
    m = r.until(lambda t, x, b: (t == ERROR and x == 0x90) or (t == BARRIER_REPLY and x == 0x91))
    if m is None or m[0] == ERROR:
        raise AssertionError("packet_out with in_port 0 refused: %r" % (m,))
    print("ok packet_out_in_port_0: accepted")


def aggregate(s, r, table, xid):
    s.sendall(flow_stats_req(xid, table=table, aggregate=True))
    m = r.until(lambda t, x, b: t == STATS_REPLY and x == xid)
    return struct.unpack("!I", m[2][4 + 16:4 + 20])[0]


def table_active(s, r, xid):
    s.sendall(stats_req(OFPST_TABLE, b"", xid))
    m = r.until(lambda t, x, b: t == STATS_REPLY and x == xid)
    return struct.unpack("!I", m[2][4 + 44:4 + 48])[0]


def check_emergency(s, r):
    s.sendall(flow_mod(match(), command=3) + flow_mod(match(), command=3, flags=OFPFF_EMERG))
    s.sendall(flow_mod(match(2), flags=OFPFF_EMERG))
    s.sendall(flow_mod(match(1)))
    barrier(s, r, 0xe0)
    got = (aggregate(s, r, 0xff, 0xe1), aggregate(s, r, 0, 0xe2), table_active(s, r, 0xe3),
           aggregate(s, r, 0xfe, 0xe4))
    if got != (1, 1, 1, 1):
        raise AssertionError("aggregate 0xff/0/table active/aggregate 0xfe = %r, want "
                             "(1, 1, 1, 1)" % (got,))
    s.sendall(flow_mod(match(), command=3))                # delete all, no EMERG
    barrier(s, r, 0xe5)
    left = aggregate(s, r, 0xfe, 0xe6)
    if left:
        raise AssertionError("%d emergency flow(s) left after a delete-all" % left)
    print("ok emergency: flow, aggregate and table statistics agree; deletes reach them")


def case_conform(host, port):
    s, r = session(host, port)
    failed = 0
    for check in (check_durations, check_packet_out_in_port_0, check_emergency):
        try:
            check(s, r)
        except (AssertionError, EOFError) as e:
            print("FAIL %s: %s" % (check.__name__[6:], e))
            failed += 1
    sys.exit(1 if failed else 0)


CASES = {"pairs": case_pairs, "idle": case_idle, "nonreading": case_nonreading,
         "slowloris": case_slowloris, "limit": case_limit, "conform": case_conform}

if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] not in CASES:
        sys.exit(__doc__)
    CASES[sys.argv[1]](sys.argv[2], int(sys.argv[3]), *sys.argv[4:])
