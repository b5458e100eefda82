#!/usr/bin/env python3
"""Forwarding test of the unikernel image: two virtio-net NICs on QEMU UDP
socket netdevs (loopback only, no root), flows given inline on the kernel
command line.

usage: fwd.py KERNEL MACHINE(q35|microvm) LOGFILE

Port 1 -> port 2 for everything, port 2 -> port 1 for IPv4 only (secure
fail mode drops the rest).  Checks that every frame injected on NIC 0 comes
out of NIC 1 byte for byte, that IPv4 frames go back, that non-IPv4 frames
from NIC 1 are dropped, and that the guest exits 0.  Prints one line per
check and exits 0 when all pass.  Stdlib only."""
import socket
import struct
import subprocess
import sys
import time

KERNEL, MACHINE, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
N = 20
MEM = "8M"


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(0.2)
    return s, s.getsockname()[1]


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(src, dst, etype, payload):
    return bytes.fromhex(dst.replace(":", "")) + bytes.fromhex(src.replace(":", "")) + \
        struct.pack("!H", etype) + payload


def ipv4_udp(i):
    data = b"sluice-kvm-%04d" % i
    udp = struct.pack("!HHHH", 1000 + i, 2000, 8 + len(data), 0) + data
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                      bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1]))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return eth("02:00:00:00:00:02", "02:00:00:00:00:01", 0x0800, hdr + udp)


def collect(sock, want, deadline):
    got = []
    while len(got) < want and time.time() < deadline:
        try:
            got.append(sock.recv(4096))
        except socket.timeout:
            pass
    return got


def main():
    a, c = free_port(), free_port()           # QEMU's receiving ends
    rx0, b = listener()                       # what NIC 0 transmits
    rx1, d = listener()                       # what NIC 1 transmits
    if MACHINE == "q35":
        nics = ["-device", "virtio-net-pci,netdev=n0,romfile=",
                "-device", "virtio-net-pci,netdev=n1,romfile="]
    else:
        nics = ["-global", "virtio-mmio.force-legacy=false",
                "-device", "virtio-net-device,netdev=n0",
                "-device", "virtio-net-device,netdev=n1"]
    flows = "in_port=1,actions=output:2;in_port=2,dl_type=0x0800,actions=output:1"
    cmd = ["qemu-system-x86_64", "-M", MACHINE, "-m", MEM, "-nographic", "-nodefaults",
           "-no-reboot", "-serial", "stdio", "-kernel", KERNEL,
           "-append", "--run-ms 4000 --flows " + flows,
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-netdev", "socket,id=n0,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (b, a),
           "-netdev", "socket,id=n1,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (d, c)] + nics
    t0 = time.time()
    log = open(LOG, "wb")
    q = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ready = False
    while time.time() - t0 < 15:
        line = q.stdout.readline()
        if not line:
            break
        log.write(line)
        log.flush()
        if b"ready in" in line:
            ready = True
            break
    t_ready = time.time() - t0
    ok = True

    def check(cond, what):
        nonlocal ok
        print("%s %s %s" % ("ok  " if cond else "FAIL", MACHINE, what))
        ok = ok and cond

    check(ready, "guest ready (host wall clock from QEMU start: %.3f s)" % t_ready)
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if ready:
        frames = [eth("02:00:00:00:00:01", "02:00:00:00:00:02", 0x88B5, b"L2-%04d" % i + bytes(50))
                  for i in range(N)]
        t_first = None
        for f in frames:
            tx.sendto(f, ("127.0.0.1", a))
        got = collect(rx1, N, time.time() + 3)
        if got:
            t_first = time.time() - t0
        check(got == frames, "port 1 -> port 2: %d/%d frames forwarded byte-exact" % (len(got), N))
        for i in range(N):
            tx.sendto(eth("02:00:00:00:00:02", "02:00:00:00:00:01", 0x88B5, bytes(60)), ("127.0.0.1", c))
        ip = [ipv4_udp(i) for i in range(N)]
        for f in ip:
            tx.sendto(f, ("127.0.0.1", c))
        got = collect(rx0, N + 1, time.time() + 2)
        check(got == ip, "port 2 -> port 1: %d/%d IPv4 frames forwarded, non-IPv4 dropped" %
              (len(got), N))
        if t_first is not None:
            print("info %s first forwarded frame %.3f s after QEMU start" % (MACHINE, t_first))
    try:
        out, _ = q.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        q.kill()
        out, _ = q.communicate()
    log.write(out)
    log.close()
    text = open(LOG, "rb").read().decode(errors="replace")
    check(q.returncode == 1, "guest exited with code 0 (QEMU status %s)" % q.returncode)
    check("rx pkts=%d" % N in text and "tx pkts=%d" % N in text and "drop=0" in text,
          "guest counters: port 1 rx %d, port 2 tx %d" % (N, N))
    return 0 if ok else 1


sys.exit(main())
