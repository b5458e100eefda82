#!/usr/bin/env python3
"""bench/ukprobe.py — one measurement of the unikernel image under QEMU (TCG),
no root needed: the NICs are QEMU UDP socket netdevs on loopback.

usage: ukprobe.py boot KERNEL MACHINE [QEMU_ARG...]
       ukprobe.py idle KERNEL MACHINE SECONDS [QEMU_ARG...]

boot: starts QEMU with two NICs and the flow in_port=1,actions=output:2,
  and sends a 60-byte frame into NIC 0 every 2 ms from the moment QEMU
  starts until the first one comes out of NIC 1 (15 s at most).  Prints
  "first_frame_s ready_s entry_to_ready_ms memory_kib trace" on one line:
  host wall clock from QEMU start to the first forwarded frame and to the
  guest's ready line, the guest's own "ready in X ms since the PVH entry",
  the memory it reports, and the --boot-trace phases (name=ms,...; "-"
  when the image prints none).
idle: starts QEMU with two NICs and --app learning, waits for the ready
  line and 2 s more, then prints the QEMU process's CPU time over SECONDS
  (utime + stime of all its threads, /proc/PID/stat) as a percentage of
  one host core.
UKPROBE_TRACE="" leaves --boot-trace off (for an image without it).
Extra QEMU arguments (e.g. -global virtio-mmio.force-legacy=false) are
appended.  Exits 1 when the guest never got ready or no frame came
through.  Stdlib only; QEMU is always killed on exit."""
import os
import re
import select
import socket
import subprocess
import sys
import time

MODE, KERNEL, MACHINE = sys.argv[1], sys.argv[2], sys.argv[3]
READY = re.compile(rb"ready in [0-9.]+ ms since the PVH entry.*memory used [0-9]+ KiB")
TRACE_END = re.compile(rb"boot-trace: ready .*\)")


def udp_sock():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return s, s.getsockname()[1]


def qemu(append, extra):
    """Starts QEMU with two socket NICs.  Returns (proc, tx socket, nic0 port,
    socket receiving what NIC 1 sends, t0)."""
    a_sock, a = udp_sock()   # QEMU's receiving ends: reserve, then free
    c_sock, c = udp_sock()
    a_sock.close()
    c_sock.close()
    rx0, b = udp_sock()      # what NIC 0 transmits
    rx1, d = udp_sock()      # what NIC 1 transmits
    if MACHINE == "q35":
        nics = ["-device", "virtio-net-pci,netdev=n0,romfile=",
                "-device", "virtio-net-pci,netdev=n1,romfile="]
    else:
        nics = ["-device", "virtio-net-device,netdev=n0",
                "-device", "virtio-net-device,netdev=n1"]
    cmd = ["qemu-system-x86_64", "-M", MACHINE, "-accel", "tcg", "-m", "8M", "-nographic",
           "-nodefaults", "-no-reboot", "-serial", "stdio", "-kernel", KERNEL,
           "-append", append, "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-netdev", "socket,id=n0,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (b, a),
           "-netdev", "socket,id=n1,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (d, c)]
    cmd += nics + extra
    t0 = time.time()
    q = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.set_blocking(q.stdout.fileno(), False)
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    return q, tx, a, rx1, rx0, t0


class Console:
    """Collects QEMU's serial output without blocking."""

    def __init__(self, q):
        self.q, self.text, self.ready_at = q, b"", None

    def pump(self, t0):
        try:
            chunk = self.q.stdout.read()
        except (BlockingIOError, ValueError):
            chunk = None
        if chunk:
            self.text += chunk
            if self.ready_at is None and READY.search(self.text):
                self.ready_at = time.time() - t0


def stop(q):
    q.kill()
    q.wait()


def boot(extra):
    append = "--flows in_port=1,actions=output:2 " + os.environ.get("UKPROBE_TRACE", "--boot-trace")
    q, tx, a, rx1, _, t0 = qemu(append.strip(), extra)
    con = Console(q)
    frame = bytes.fromhex("020000000002020000000001" "88b5") + b"ukprobe" + bytes(46)
    first = None
    next_send = 0.0
    try:
        while time.time() - t0 < 15 and (first is None or con.ready_at is None):
            now = time.time()
            if first is None and now >= next_send:
                tx.sendto(frame, ("127.0.0.1", a))
                next_send = now + 0.002
            r, _, _ = select.select([rx1, q.stdout], [], [], 0.001)
            if rx1 in r and first is None:
                rx1.recv(4096)
                first = time.time() - t0
            con.pump(t0)
            if q.poll() is not None:
                break
        until = time.time() + 2  # the trace follows the ready line
        while "--boot-trace" in append and not TRACE_END.search(con.text) and \
                time.time() < until and q.poll() is None:
            select.select([q.stdout], [], [], 0.05)
            con.pump(t0)
        con.pump(t0)
    finally:
        stop(q)
    text = con.text.decode(errors="replace")
    m = re.search(r"ready in ([0-9.]+) ms since the PVH entry.*memory used ([0-9]+) KiB", text)
    trace = re.findall(r"boot-trace: +([a-z0-9-]+) +([0-9.]+) ms", text)
    if first is None or m is None:
        sys.stderr.write(text[-2000:])
        return 1
    print("%.4f %.4f %s %s %s" % (first, con.ready_at, m.group(1), m.group(2),
                                 ",".join("%s=%s" % t for t in trace) or "-"))
    return 0


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def idle(secs, extra):
    q, _, _, _, _, t0 = qemu("--app learning", extra)
    con = Console(q)
    try:
        while con.ready_at is None and time.time() - t0 < 15 and q.poll() is None:
            select.select([q.stdout], [], [], 0.05)
            con.pump(t0)
        if con.ready_at is None:
            sys.stderr.write(con.text.decode(errors="replace")[-2000:])
            return 1
        time.sleep(2)
        hz = os.sysconf("SC_CLK_TCK")
        c0, w0 = cpu_ticks(q.pid), time.time()
        time.sleep(secs)
        c1, w1 = cpu_ticks(q.pid), time.time()
        con.pump(t0)
    finally:
        stop(q)
    print("%.2f" % (100.0 * (c1 - c0) / hz / (w1 - w0)))
    return 0


if MODE == "boot":
    sys.exit(boot(sys.argv[4:]))
elif MODE == "idle":
    sys.exit(idle(float(sys.argv[4]), sys.argv[5:]))
sys.exit("usage: ukprobe.py boot|idle KERNEL MACHINE ...")
