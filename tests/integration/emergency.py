#!/usr/bin/python3
"""emergency.py — a controller that installs emergency flows, then goes away.

Usage: emergency.py HOST PORT

Listens on HOST:PORT for the switch's active connection (--controller),
answers HELLO, installs:
  - emergency flows (OFPFF_EMERG, no timeouts): in_port=1 -> output:2 and
    in_port=2 -> output:1;
  - one normal flow: everything dropped (priority 1, no actions);
confirms them with a barrier and prints "installed".  It then waits for a
line on stdin and closes the connection and the listener ("gone"), so the
switch loses its controller: an OpenFlow 1.0 switch must then forward with
its emergency flows.  Exit status 0 when all of that happened.
"""
import socket
import struct
import sys

import malformed as M


def flow(in_port, out_port=None, flags=0, priority=0x8000):
    wc = M.OFPFW_ALL & ~1 if in_port else M.OFPFW_ALL
    match = struct.pack("!IH6s6sHBxHBB2xIIHH", wc, in_port, b"\0" * 6, b"\0" * 6, 0, 0,
                        0, 0, 0, 0, 0, 0, 0)
    acts = M.action_output(out_port) if out_port else b""
    body = match + struct.pack("!QHHHHIHH", 0, 0, 0, 0, priority, M.OFP_NO_BUFFER,
                               M.OFPP_NONE, flags) + acts
    return M.msg(M.FLOW_MOD, body)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((host, port))
    lsock.listen(1)
    lsock.settimeout(15)
    sock, _ = lsock.accept()
    c = M.Conn.__new__(M.Conn)           # the switch connected to us
    c.sock, c.buf = sock, b""
    c.send(M.msg(M.HELLO, xid=1))
    if c.recv_until(lambda t, x, b: t == M.HELLO) is None:
        sys.exit("no HELLO from the switch")
    c.send(flow(1, 2, M.OFPFF_EMERG))
    c.send(flow(2, 1, M.OFPFF_EMERG))
    c.send(flow(0, None, 0, priority=1))
    c.send(M.msg(M.BARRIER_REQUEST, xid=0xb0))
    m = c.recv_until(lambda t, x, b: t in (M.BARRIER_REPLY, M.ERROR))
    if m is None or m[0] != M.BARRIER_REPLY:
        sys.exit("flows not confirmed: %r" % (m,))
    print("installed", flush=True)
    sys.stdin.readline()
    c.close()
    lsock.close()
    print("gone", flush=True)


if __name__ == "__main__":
    main()
