#!/usr/bin/python3
"""tcpcheck.py — a tiny TCP reachability probe for the integration suite.

  tcpcheck.py serve IP PORT SECONDS   accept connections for SECONDS, answer "ok"
  tcpcheck.py connect IP PORT         print "ok" and exit 0 when the server
                                      answers within 2 s; else "fail ..." and exit 1
"""
import socket
import sys


def serve(host, port, seconds):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(8)
    s.settimeout(seconds)
    try:
        while True:
            c, _ = s.accept()
            c.sendall(b"ok\n")
            c.close()
    except socket.timeout:
        pass
    finally:
        s.close()


def connect(host, port):
    try:
        c = socket.create_connection((host, port), timeout=2)
        c.settimeout(2)
        print(c.recv(3).decode().strip())
        c.close()
        return 0
    except Exception as e:  # timeout, refused: both mean "not through"
        print("fail", type(e).__name__)
        return 1


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit(connect(sys.argv[2], int(sys.argv[3])))
