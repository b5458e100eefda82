#!/usr/bin/python3
"""linuxpeer.py -- the Linux end of tests/net: Linux's own TCP moving
checked bytes to and from sluice-netpeer (the unikernel's stack, hosted).

  linuxpeer.py listen ADDR PORT SEND RECV TIMEOUT
  linuxpeer.py connect ADDR PORT SEND RECV TIMEOUT

Sends SEND bytes and receives RECV bytes at the same time, byte i being
(i % 251) ^ ((i // 251) & 255) both ways (as netpeer.c), checks every byte,
then shuts down its side and waits for the peer's FIN.  Prints
"linuxpeer: ok sent=N recv=M" or "linuxpeer: FAIL ..." and exits 0/1.
Every wait is bounded by TIMEOUT seconds."""
import selectors
import socket
import sys
import time

PERIOD = 251 * 256
PAT = bytes((i % 251) ^ ((i // 251) & 255) for i in range(PERIOD)) * 4
CHUNK = 65536


def run(sock, send, recv, deadline):
    sock.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
    sent = got = 0
    shut = False
    eof = False
    while not (eof and shut):
        if time.monotonic() > deadline:
            return "timeout sent=%d/%d recv=%d/%d" % (sent, send, got, recv)
        if sent >= send and not shut:
            sock.shutdown(socket.SHUT_WR)
            shut = True
            sel.modify(sock, selectors.EVENT_READ)
        for key, ev in sel.select(0.5):
            if ev & selectors.EVENT_WRITE and sent < send:
                o = sent % PERIOD
                n = min(CHUNK, send - sent)
                try:
                    sent += sock.send(PAT[o:o + n])
                except BlockingIOError:
                    pass
            if ev & selectors.EVENT_READ:
                try:
                    data = sock.recv(CHUNK)
                except BlockingIOError:
                    continue
                if not data:
                    eof = True
                    continue
                o = got % PERIOD
                if data != PAT[o:o + len(data)]:
                    for i, b in enumerate(data):
                        if b != PAT[o + i]:
                            return "byte %d differs (got %d want %d)" % (got + i, b, PAT[o + i])
                got += len(data)
    if got != recv:
        return "received %d bytes, want %d" % (got, recv)
    return None


def main():
    mode, addr, port, send, recv, timeout = sys.argv[1:7]
    port, send, recv = int(port), int(send), int(recv)
    deadline = time.monotonic() + float(timeout)
    if mode == "listen":
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((addr, port))
        ls.listen(1)
        ls.settimeout(float(timeout))
        print("linuxpeer: listening", flush=True)
        sock, _ = ls.accept()
    else:
        sock = socket.create_connection((addr, port), timeout=float(timeout))
    err = run(sock, send, recv, deadline)
    sock.close()
    if err:
        print("linuxpeer: FAIL", err)
        return 1
    print("linuxpeer: ok sent=%d recv=%d" % (send, recv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
