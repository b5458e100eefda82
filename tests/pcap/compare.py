#!/usr/bin/python3
"""Compares a case's expected pcaps with what the switch wrote.

Usage: compare.py CASE_DIR OUT_DIR
  For every CASE_DIR/expect<N>.pcap, reads OUT_DIR/out<N>.pcap and checks
  packet count, bytes and timestamps (compared in nanoseconds, so a
  microsecond and a nanosecond pcap can be compared).  Exit status 0 when
  every port matches; 1 with a readable report of the first mismatch
  (port, packet number, a field-by-field diff when scapy is available, and
  a hex diff) otherwise; 2 on a usage error.

Reads classic pcap files only (either byte order, usec or nsec magic).
Needs only the standard library; scapy (/usr/bin/python3) adds decoding.
"""

import glob
import os
import re
import struct
import sys

MAGICS = {0xA1B2C3D4: 1000, 0xA1B23C4D: 1}   # magic -> ns per sub-second unit


class PcapError(Exception):
    pass


def read_pcap(path):
    """Returns (linktype, [(ts_ns, bytes), ...]) or raises PcapError."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        raise PcapError("cannot read %s: %s" % (path, e.strerror))
    if len(data) < 24:
        raise PcapError("%s: %d bytes, shorter than a pcap header" % (path, len(data)))
    for endian in "<>":
        magic = struct.unpack(endian + "I", data[:4])[0]
        if magic in MAGICS:
            break
    else:
        raise PcapError("%s: not a classic pcap file (magic %s)" % (path, data[:4].hex()))
    unit = MAGICS[magic]
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    pkts, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            raise PcapError("%s: truncated record header at byte %d" % (path, off))
        sec, sub, caplen, _wirelen = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        if off + caplen > len(data):
            raise PcapError("%s: truncated record at byte %d" % (path, off))
        pkts.append((sec * 1_000_000_000 + sub * unit, data[off:off + caplen]))
        off += caplen
    return linktype, pkts


def fmt_ts(ns):
    return "%d.%09d" % divmod(ns, 1_000_000_000)


def hex_rows(data):
    return [data[i:i + 16] for i in range(0, len(data), 16)]


def hex_diff(exp, got):
    """Side-by-side hex of the 16-byte rows that differ (with one row of
    context); bytes that differ are marked with '^'."""
    out = []
    er, gr = hex_rows(exp), hex_rows(got)
    n = max(len(er), len(gr))
    differing = [i for i in range(n) if (er[i] if i < len(er) else None) !=
                 (gr[i] if i < len(gr) else None)]
    show = sorted({j for i in differing for j in (i - 1, i, i + 1) if 0 <= j < n})
    last = None
    for i in show:
        if last is not None and i != last + 1:
            out.append("      ...")
        last = i
        e = er[i] if i < len(er) else b""
        g = gr[i] if i < len(gr) else b""
        out.append("  %04x exp %-47s" % (i * 16, e.hex(" ")))
        out.append("       got %-47s" % g.hex(" "))
        if i in differing:
            marks = "".join("^^ " if (k >= len(e) or k >= len(g) or e[k] != g[k]) else "   "
                            for k in range(max(len(e), len(g))))
            out.append("           %s" % marks.rstrip())
    return out


def scapy_view(exp, got):
    """Returns lines describing both frames with scapy (summaries and the
    fields that differ), or [] when scapy is not installed."""
    try:
        from scapy.all import Ether, conf  # noqa: F401
        conf.verb = 0
    except Exception:
        return []
    lines = []
    try:
        pe, pg = Ether(exp), Ether(got)
        lines.append("  expected: %s" % pe.summary())
        lines.append("  got:      %s" % pg.summary())
        le, lg = pe, pg
        while le and lg and le.__class__.__name__ != "NoPayload":
            if le.__class__ != lg.__class__:
                lines.append("  layer %s expected, got %s" % (le.__class__.__name__,
                                                              lg.__class__.__name__))
                break
            for f in le.fields_desc:
                ve, vg = le.getfieldval(f.name), lg.getfieldval(f.name)
                if ve != vg and f.name != "load":
                    lines.append("  %s.%s: expected %s, got %s" % (
                        le.__class__.__name__, f.name, f.i2repr(le, ve), f.i2repr(lg, vg)))
            le, lg = le.payload, lg.payload
    except Exception as e:   # a malformed frame must not stop the report
        lines.append("  (scapy could not decode: %s)" % e)
    return lines


def describe_one(label, data):
    try:
        from scapy.all import Ether
        return "  %s: %s (%d bytes)" % (label, Ether(data).summary(), len(data))
    except Exception:
        return "  %s: %d bytes %s" % (label, len(data), data[:32].hex(" "))


def compare_port(port, exp_pkts, got_pkts):
    """Returns [] when equal, else report lines about the first mismatch."""
    for i in range(max(len(exp_pkts), len(got_pkts))):
        if i >= len(got_pkts):
            return ["port %d: expected %d packets, got %d; first missing is #%d:" % (
                port, len(exp_pkts), len(got_pkts), i + 1),
                describe_one("expected", exp_pkts[i][1])]
        if i >= len(exp_pkts):
            return ["port %d: expected %d packets, got %d; first extra is #%d:" % (
                port, len(exp_pkts), len(got_pkts), i + 1),
                describe_one("got", got_pkts[i][1])]
        (te, de), (tg, dg) = exp_pkts[i], got_pkts[i]
        if de == dg and te == tg:
            continue
        out = ["port %d packet #%d (of %d expected, %d got) differs:" % (
            port, i + 1, len(exp_pkts), len(got_pkts))]
        if te != tg:
            out.append("  timestamp: expected %s, got %s" % (fmt_ts(te), fmt_ts(tg)))
        if de != dg:
            if len(de) != len(dg):
                out.append("  length: expected %d, got %d" % (len(de), len(dg)))
            first = next((k for k in range(min(len(de), len(dg))) if de[k] != dg[k]),
                         min(len(de), len(dg)))
            out.append("  first differing byte at offset %d" % first)
            out += scapy_view(de, dg)
            out += hex_diff(de, dg)
        return out
    return []


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    case_dir, out_dir = argv
    expects = sorted(glob.glob(os.path.join(case_dir, "expect*.pcap")),
                     key=lambda p: int(re.findall(r"(\d+)\.pcap$", p)[0]))
    if not expects:
        print("no expect<N>.pcap in %s" % case_dir)
        return 2
    reports, summary = [], []
    for path in expects:
        port = int(re.findall(r"(\d+)\.pcap$", path)[0])
        _, exp = read_pcap(path)
        try:
            linktype, got = read_pcap(os.path.join(out_dir, "out%d.pcap" % port))
        except PcapError as e:
            reports.append(["port %d: %s" % (port, e)])
            summary.append("port %d: no usable output" % port)
            continue
        if linktype != 1:
            reports.append(["port %d: link type %d, expected 1 (Ethernet)" % (port, linktype)])
        r = compare_port(port, exp, got)
        if r:
            reports.append(r)
        summary.append("port %d: %d/%d%s" % (port, len(got), len(exp), " *" if r else ""))
    if not reports:
        return 0
    print("  packets got/expected: " + ", ".join(summary))
    for line in reports[0]:
        print("  " + line)
    if len(reports) > 1:
        print("  (%d more port(s) differ)" % (len(reports) - 1))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
