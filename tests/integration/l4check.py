#!/usr/bin/python3
"""l4check.py — tiny TCP and UDP reachability probes for the integration suite.

  l4check.py serve IP PORT SECONDS    accept TCP connections for SECONDS, answer "ok"
  l4check.py connect IP PORT          print "ok" and exit 0 when the server
                                      answers within 2 s; else "fail ..." and exit 1
  l4check.py udprecv IP PORT SECONDS  count UDP datagrams for SECONDS (ends early
                                      on a datagram "end"); print the count
  l4check.py udpsend IP PORT N        send N datagrams "probe", 20 ms apart
"""
import socket
import sys
import time


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


def udprecv(host, port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, port))
    s.settimeout(seconds)
    n = 0
    try:
        while True:
            data, _ = s.recvfrom(2048)
            if data == b"end":
                break
            n += 1
    except socket.timeout:
        pass
    finally:
        s.close()
    print(n)


def udpsend(host, port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(n):
        s.sendto(b"probe", (host, port))
        time.sleep(0.02)
    s.close()


if __name__ == "__main__":
    cmd, ip, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if cmd == "serve":
        serve(ip, port, float(sys.argv[4]))
    elif cmd == "connect":
        sys.exit(connect(ip, port))
    elif cmd == "udprecv":
        udprecv(ip, port, float(sys.argv[4]))
    elif cmd == "udpsend":
        udpsend(ip, port, int(sys.argv[4]))
    else:
        sys.exit("l4check.py: unknown command " + cmd)
