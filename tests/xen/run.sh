#!/bin/bash
# tests/xen/run.sh — the Xen suite: the switch image on a real Xen.
#
# Usage: tests/xen/run.sh BUILD_DIR       (tests/run-all.sh passes e.g.
#        build/unix-asan; its parent is the BUILDROOT)
#
# 1. rig      tests/xen/build-rig.sh BUILDROOT/xenrig: Xen 4.17 + a Debian
#             dom0, built once from the machine's Debian mirror and cached
#             (about 70 s the first time, a second when cached).  When it
#             cannot be built here (no mirror, no disk) the suite prints
#             that in one line and counts it as skipped, never as passed.
# 2. image    make TARGET=xen SAN= BUILDROOT=BUILDROOT -> BUILDROOT/xen/sluice.xen
# 3. boot     ONE boot of the rig under QEMU TCG (tests/xen/boot-rig.sh,
#             bounded by XEN_TIMEOUT, default 420 s) runs every scenario of
#             tests/xen/dom0/suite.sh in dom0 (see its header: xl create with
#             three vifs, Connected and 2 queues per vif, pings between every
#             pair of hosts, TCP, detach/attach, shutdown, crash).  dom0
#             writes its plan and one result line per scenario into the
#             shared folder; a planned scenario without a result (dom0 hung,
#             QEMU timed out) counts as failed.
# Prints "ok NAME: detail" / "FAIL NAME: detail", "info" lines with the
# figures seen (emulated machine: TCG), and last "xen: N passed, M failed"
# (", 1 skipped" when the rig cannot be built).  Exit status 0 unless
# something failed.
# Environment: XEN_IMAGE=FILE boots FILE instead of building sluice.xen
#   (e.g. the kvm image, to try the rig itself); XEN_MEM (domU MiB, 16);
#   XEN_TIMEOUT; XEN_KEEP=1 keeps the temp folder (console and dom0 logs).
# Needs root (debootstrap).  QEMU is always stopped (timeout, and the EXIT
# trap); nothing of dom0 persists (it is an initramfs).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:?usage: run.sh BUILD_DIR}
case $build in /*) ;; *) build=$root/$build ;; esac
buildroot=$(dirname "$build")
rig=$buildroot/xenrig
XEN_TIMEOUT=${XEN_TIMEOUT:-420}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sluice-xen.XXXXXX") || exit 1
qpid=
cleanup() {
    if [ -n "$qpid" ]; then
        kill "$qpid" 2>/dev/null
        wait "$qpid" 2>/dev/null
    fi
    if [ -n "${XEN_KEEP:-}" ]; then echo "# logs kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pass=0 fail=0

# result NAME STATUS DETAIL [LOG]: prints and counts one result.
result() {
    local name=$1 st=$2 detail=$3 log=${4:-}
    if [ "$st" = 0 ]; then
        echo "ok   $name: $detail"; pass=$((pass + 1))
    else
        echo "FAIL $name: $detail"; fail=$((fail + 1))
        [ -n "$log" ] && [ -f "$log" ] && tail -25 "$log" | sed 's/^/    | /'
    fi
}
finish() {
    echo "xen: $pass passed, $fail failed${1:+, $1}"
    [ $fail = 0 ]
    exit
}

# 1. the rig
t0=$(date +%s)
"$here/build-rig.sh" "$rig" >"$tmp/rig.log" 2>&1
rc=$?
if [ $rc = 77 ]; then
    echo "skip xen: $(grep 'xenrig: cannot build' "$tmp/rig.log" | tail -1)"
    finish "1 skipped"
fi
result rig-build $rc "$(tail -1 "$tmp/rig.log" | sed 's/^\[xenrig [0-9:]*\] //') ($(( $(date +%s) - t0 )) s)" "$tmp/rig.log"
[ $rc = 0 ] || finish

# 2. the image
image=${XEN_IMAGE:-$buildroot/xen/sluice.xen}
if [ -z "${XEN_IMAGE:-}" ]; then
    (cd "$root" && make --no-print-directory TARGET=xen SAN= BUILDROOT="$buildroot") >"$tmp/make.log" 2>&1
    rc=$?
    [ $rc = 0 ] && [ -s "$image" ]
    result image-build $? "make TARGET=xen: $( [ -s "$image" ] && echo "$(stat -c %s "$image") bytes" || echo "no $image")" "$tmp/make.log"
    [ $rc = 0 ] && [ -s "$image" ] || finish
fi

# 3. one boot running every scenario
share=$tmp/share
mkdir -p "$share/out"
cp "$here/dom0/suite.sh" "$share/test.sh"
cp "$here/dom0/lib.sh" "$share/"
cp "$image" "$share/sluice.xen"
printf 'IMAGE=/rig/sluice.xen\nMEM=%s\n' "${XEN_MEM:-16}" >"$share/env"
t0=$(date +%s)
TIMEOUT=$XEN_TIMEOUT "$here/boot-rig.sh" "$rig" "$share" >"$tmp/console.log" 2>&1 &
qpid=$!
wait $qpid
rc=$?
qpid=
secs=$(( $(date +%s) - t0 ))
ready=$(grep -m1 'RIG: dom0 ready' "$tmp/console.log" | sed 's/^RIG: //')
[ -n "$ready" ]
result rig-boot $? "${ready:-dom0 never got ready} (QEMU exit $rc after $secs s)" "$tmp/console.log"
if [ $rc = 124 ]; then
    echo "# QEMU stopped after $XEN_TIMEOUT s; dom0's last lines:"
    grep -v '^(XEN)' "$tmp/console.log" | tail -15 | sed 's/^/    | /'
fi

# dom0's results, in the order of its plan
out=$share/out
if [ ! -s "$out/plan" ]; then
    result scenarios 1 "dom0 ran no scenario" "$tmp/console.log"
    finish
fi
# the step dom0 last started (its console says "XR: step NAME"; the shared
# file may lag behind when dom0 stops)
last=$(sed -n 's/^XR: step \([^ ]*\).*/\1/p' "$tmp/console.log" | tail -1)
while read -r name; do
    line=$(grep -E "^(ok|FAIL) $name: " "$out/results" 2>/dev/null | tail -1)
    case $line in
    ok*) result "$name" 0 "${line#ok "$name": }" ;;
    FAIL*) result "$name" 1 "${line#FAIL "$name": }" ;;
    *) if [ "$name" = "$last" ]; then
           result "$name" 1 "no result: it never finished (dom0 stalled, or the run hit its bound; QEMU exit $rc after $secs s)"
       else
           result "$name" 1 "not reached (the run ended before it)"
       fi ;;
    esac
done <"$out/plan"
grep '^info ' "$out/results" 2>/dev/null
if [ $fail != 0 ]; then
    for f in "$out"/logs/console-*.log; do
        [ -s "$f" ] || continue
        echo "# $(basename "$f") (last lines):"
        tail -20 "$f" | sed 's/^/    | /'
    done
    [ -n "${XEN_KEEP:-}" ] || echo "# XEN_KEEP=1 keeps every dom0 log (xenstore, xl, dmesg)"
fi
finish
