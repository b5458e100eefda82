#!/usr/bin/env python3
"""Forwarding test of the unikernel image: two virtio-net NICs on QEMU UDP
socket netdevs (loopback only, no root), flows given inline on the kernel
command line.

usage: fwd.py KERNEL MACHINE(q35|microvm|microvm-legacy) LOGFILE

MACHINE q35: virtio-net-pci (modern, MSI-X wake-ups); microvm: virtio-mmio
version 2 (-global virtio-mmio.force-legacy=false); microvm-legacy: QEMU's
default legacy virtio-mmio (version 1), as a user starts microvm.  Port 1 ->
port 2 for everything, port 2 -> port 1 for IPv4 only (secure fail mode
drops the rest).  Checks that every frame injected on NIC 0 comes out of
NIC 1 byte for byte, that IPv4 frames go back, that non-IPv4 frames from
NIC 1 are dropped, and that the guest exits 0.  Then idle-then-burst: after
1.5 s without traffic (the guest halts) one frame must come through
promptly (within IDLE_MAX_MS, printed beside the latency of a frame sent
while the guest is busy), and the guest's exit report must show device
wake-ups (one per burst that found it halted) and no periodic tick (at most
TICK_MAX_PER_S timer wake-ups a second).  Then a paced burst of BURST
frames (batches of 50, 5 ms apart): all must come through, and the virtio
driver's exit counters must show batching and no busy-polling between
batches: TX kicks (notifications) at most one per 4 frames sent, and at most
EMPTY_PER_HALT empty RX polls per wake-up arm (the 1 ms of polling before
halting that the guest did before issue 14 made hundreds).  Prints one line
per check and exits 0 when all pass.  Stdlib only."""
import re
import socket
import struct
import subprocess
import sys
import time

KERNEL, MACHINE, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
N = 20
MEM = "8M"
RUN_MS = 6000
IDLE_MAX_MS = 50      # generous: a working wake-up takes ~1 ms under TCG
TICK_MAX_PER_S = 20   # the old periodic tick woke the guest 2000 times a second
BURST = 1000
EMPTY_PER_HALT = 100  # 20 us of polling before a halt is a few polls under TCG


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


def fmt(ms):
    return "-" if ms is None else "%.2f" % ms


def latency(tx, port, rx, stream):
    """Sends frames into NIC 0 and returns the ms from sending the last
    one to its copy coming out of NIC 1, or None.  stream=True: 20 frames
    1 ms apart first (the guest is busy polling), the last one timed;
    False: one frame into an idle guest."""
    def frame(i):
        return eth("02:00:00:00:00:01", "02:00:00:00:00:02", 0x88B5, b"LAT-%04d" % i + bytes(50))
    rx.settimeout(0.001)
    while True:  # drain
        try:
            rx.recv(4096)
        except socket.timeout:
            break
    for i in range(20 if stream else 0):
        tx.sendto(frame(i), ("127.0.0.1", port))
        time.sleep(0.001)
    last = frame(999)
    t0 = time.time()
    tx.sendto(last, ("127.0.0.1", port))
    rx.settimeout(0.2)
    while time.time() - t0 < 1:
        try:
            if rx.recv(4096) == last:
                return (time.time() - t0) * 1000
        except socket.timeout:
            pass
    return None


def main():
    a, c = free_port(), free_port()           # QEMU's receiving ends
    rx0, b = listener()                       # what NIC 0 transmits
    rx1, d = listener()                       # what NIC 1 transmits
    machine = MACHINE
    if MACHINE == "q35":
        nics = ["-device", "virtio-net-pci,netdev=n0,romfile=",
                "-device", "virtio-net-pci,netdev=n1,romfile="]
    else:
        machine = "microvm"
        nics = ["-device", "virtio-net-device,netdev=n0",
                "-device", "virtio-net-device,netdev=n1"]
        if MACHINE == "microvm":
            nics = ["-global", "virtio-mmio.force-legacy=false"] + nics
    flows = "in_port=1,actions=output:2;in_port=2,dl_type=0x0800,actions=output:1"
    cmd = ["qemu-system-x86_64", "-M", machine, "-accel", "tcg", "-m", MEM, "-nographic",
           "-nodefaults", "-no-reboot", "-serial", "stdio", "-kernel", KERNEL,
           "-append", "--run-ms %d --flows %s" % (RUN_MS, flows),
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
        busy = latency(tx, a, rx1, stream=True)
        time.sleep(1.5)
        idle = latency(tx, a, rx1, stream=False)
        check(idle is not None and idle < IDLE_MAX_MS,
              "idle-then-burst: first frame after 1.5 s idle forwarded in %s ms (busy: %s ms; "
              "limit %d ms)" % (fmt(idle), fmt(busy), IDLE_MAX_MS))
        rx1.settimeout(0.001)
        n_burst = 0
        for i in range(BURST):
            tx.sendto(eth("02:00:00:00:00:01", "02:00:00:00:00:02", 0x88B5,
                          b"BURST-%05d" % i + bytes(48)), ("127.0.0.1", a))
            if i % 50 == 49:
                time.sleep(0.005)
                n_burst += len(collect(rx1, BURST, time.time() + 0.001))
        rx1.settimeout(0.2)
        n_burst += len(collect(rx1, BURST - n_burst, time.time() + 2))
        check(n_burst == BURST, "paced burst: %d/%d frames forwarded" % (n_burst, BURST))
    try:
        out, _ = q.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        q.kill()
        out, _ = q.communicate()
    log.write(out)
    log.close()
    text = open(LOG, "rb").read().decode(errors="replace")
    check(q.returncode == 1, "guest exited with code 0 (QEMU status %s)" % q.returncode)
    check("rx pkts=%d" % (N + 22 + BURST) in text and "tx pkts=%d" % (N + 22 + BURST) in text
          and "drop=0" in text, "guest counters: port 1 rx %d, port 2 tx %d" %
          (N + 22 + BURST, N + 22 + BURST))
    v = re.search(r"virtio1: closed; packets per queue pair: rx \d+, tx (\d+);.*armed for wake-up (\d+) times; "
                  r"rx polls \d+ \((\d+) empty\);.*kicks: rx \d+, tx (\d+)", text)
    sent, arms, empty, kicks = (int(g) for g in v.groups()) if v else (0, 0, 0, 0)
    check(v is not None and 0 < kicks <= sent / 4,
          "TX notifications batched: %d kicks for %d frames sent on port 2" % (kicks, sent))
    check(v is not None and arms > 0 and empty <= EMPTY_PER_HALT * arms,
          "no busy-polling between bursts: %d empty RX polls for %d wake-up arms on port 2 "
          "(limit %d each)" % (empty, arms, EMPTY_PER_HALT))
    m = re.search(r"idle: (\d+) halts, (\d+) timer and (\d+) device wake-ups", text)
    halts, timer, device = (int(g) for g in m.groups()) if m else (0, 0, 0)
    check(m is not None and device >= 3 and timer <= TICK_MAX_PER_S * RUN_MS / 1000,
          "interrupt-driven idle: %d halts, %d timer wake-ups in %d ms (no periodic tick), "
          "%d device wake-ups (>= 3 bursts found it halted)" % (halts, timer, RUN_MS, device))
    return 0 if ok else 1


sys.exit(main())
