#!/bin/bash
# Fuzzes every parser of untrusted input with clang's libFuzzer (+ ASan,
# UBSan and LeakSanitizer).  One target per file, tests/fuzz/fuzz_NAME.c:
#
#   ofp_decode    OpenFlow 1.0 wire messages -> openflow/ decoder, encoder,
#                 printer (decode/encode/decode must be stable)
#   dp_key        Ethernet frames -> datapath/dp_key.c key extraction, then
#                 dp_execute with fixed rewrite lists (dl/nw/tp/VLAN, several
#                 outputs); checksums, slot bounds and poison checked; plus
#                 controller/ctl_pkt.c (packet_in frames)
#   ofp_parse     ovs-ofctl flow text -> openflow/ofp_parse*.c; what parses is
#                 printed (ofp_print) and parsed again: same flow, same text
#   ctl_firewall  firewall rules files -> controller/ctl_firewall_rules.c
#   ctl_pkt       Ethernet frames (dp_key seeds) -> controller/ctl_pkt.c against
#                 datapath/dp_key.c: same 12-tuple, the flow matches the frame,
#                 a packet_in cut short still gives a matching flow
#   net           Ethernet frames -> the unikernel's TCP/IP stack (libos/net):
#                 ARP, IPv4, ICMP, UDP/DHCP, TCP in every state, with the
#                 clock and the application's reads/writes/closes driven
#                 by the input; pool balance and memory bounds checked
#   sw_config     command lines -> switch/sw_config.c and the --controller /
#                 --listen specs (switch/sw_connmgr_spec.c); kernel command
#                 lines -> libos/pvh/cmdline.c (word splitter, virtio-mmio hints)
#   sw_conn       a peer's byte stream -> switch/sw_conn*.c (framing, HELLO,
#                 echo, flow control, the send budget, timeouts) over a
#                 scripted transport: messages whole, in order, none skipped
#   xen_xs        a hostile xenstored's byte stream -> the xen target's
#                 xenstore client (libos/xen/xs_client.c, xs_ring.c)
#   netfront      a hostile netback's responses, frames and ring indexes ->
#                 netfront/netfront.c (with libos/xen/gnttab_core.c and the
#                 checksum-blank completion of libos/common/offload.c)
#
# Sources in portable folders are compiled with the portable flags
# (-ffreestanding -nostdinc against libos/include and libos/libc/include,
# -DSLUICE_DEBUG as in the ASan build); the hosted pieces they need (os/mem.h,
# os_console_write) come from tests/fuzz/fuzz_support.c.  Seeds are in
# tests/fuzz/corpus/NAME/ (small, committed; ctl_pkt reuses dp_key's); each
# run works on a scratch copy.  The targets run in parallel, FUZZ_SECONDS each.
#
# Output: per target "ok NAME (N execs, cov: C ft: F)" or "FAIL NAME: <first
# line of the report>", then one line "fuzz: N passed, M failed" (a target
# passes when it ran without a crash, a leak, a timeout or an out-of-memory).
# Crash inputs and logs are kept in BUILD_DIR/fuzz/NAME/.  Reproduce one with
#   BUILD_DIR/fuzz/fuzz_NAME BUILD_DIR/fuzz/NAME/crash-...
#
# Usage: tests/fuzz/run.sh BUILD_DIR [NAME...]   (default: every target)
#        FUZZ_SECONDS=N   time per target (default 8, capped at 30; 0 = only
#                         run the seeds); FUZZ_LONG=1 lifts the cap (for
#                         long runs during development)
set -u
build=${1:?usage: run.sh BUILD_DIR [NAME...]}
shift
cd "$(dirname "$0")/../.."
mkdir -p "$build" && build=$(cd "$build" && pwd) || exit 1
secs=${FUZZ_SECONDS:-8}
[ "${FUZZ_LONG:-0}" = 1 ] || { [ "$secs" -gt 30 ] && secs=30; }
out=$build/fuzz
all_targets=(ofp_decode dp_key ofp_parse ctl_firewall ctl_pkt sw_config net sw_conn xen_xs netfront)
targets=("${@:-${all_targets[@]}}")

# Sources per target (besides tests/fuzz/fuzz_NAME.c and fuzz_support.c).
declare -A srcs=(
    [ofp_decode]="openflow/*.c"
    [dp_key]="datapath/dp_key.c datapath/dp_execute.c datapath/dp_csum.c
              libos/common/pkt.c libos/common/log.c controller/ctl_pkt.c openflow/ofp_match.c"
    [ofp_parse]="openflow/*.c"
    [ctl_firewall]="controller/ctl_firewall_rules.c controller/ctl_pkt.c openflow/*.c"
    [ctl_pkt]="controller/ctl_pkt.c datapath/dp_key.c switch/sw_flowconv.c openflow/*.c"
    [net]="$(ls libos/net/net_*.c | grep -v net_stream.c | tr '\n' ' ')
           libos/common/pkt.c libos/common/log.c libos/common/netdev.c libos/common/rand.c
           libos/common/offload.c"
    [sw_config]="switch/sw_config.c switch/sw_connmgr_spec.c libos/common/log.c
                 libos/pvh/cmdline.c"
    [sw_conn]="switch/sw_conn.c switch/sw_conn_tx.c libos/common/log.c"
    [xen_xs]="libos/xen/xs_client.c libos/xen/xs_ring.c libos/common/log.c"
    [netfront]="netfront/netfront.c netfront/netfront_xs.c libos/xen/gnttab_core.c
                libos/xen/xs_client.c libos/xen/xs_ring.c tests/unit/xen/plat_fake.c
                libos/common/pkt.c libos/common/offload.c libos/common/netdev.c
                libos/common/log.c"
)

# Targets that reuse another target's seeds.
declare -A corpus_of=([ctl_pkt]=dp_key)

fail_all() { echo "$1"; echo "fuzz: 0 passed, ${#targets[@]} failed"; exit 1; }
command -v clang >/dev/null || fail_all "clang not found"
rm -rf "$out"; mkdir -p "$out/obj"
inc=$(clang -print-file-name=include)
san=(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined)
pflags=(-g -O1 -std=gnu11 "${san[@]}" -DSLUICE_DEBUG -ffreestanding -nostdinc
        -isystem "$inc" -Ilibos/include -Ilibos/libc/include -I.)
hflags=(-g -O1 -std=gnu11 "${san[@]}" -D_GNU_SOURCE -Ilibos/include -I.)

# Compiles one source into $out/obj (always from scratch: headers change).
obj_of() { local s=${1//\//_}; echo "$out/obj/${s%.c}.o"; }
compile() {
    if [ "$1" = tests/fuzz/fuzz_support.c ]; then
        clang "${hflags[@]}" -c "$1" -o "$(obj_of "$1")"
    else
        clang "${pflags[@]}" -c "$1" -o "$(obj_of "$1")"
    fi
}

declare -A tsrc
all_src=(tests/fuzz/fuzz_support.c)
for t in "${targets[@]}"; do
    [ -n "${srcs[$t]+x}" ] || fail_all "unknown target $t"
    # shellcheck disable=SC2086
    tsrc[$t]="$(echo tests/fuzz/fuzz_$t.c ${srcs[$t]})"
    all_src+=(${tsrc[$t]})
done
mapfile -t uniq < <(printf '%s\n' "${all_src[@]}" | sort -u)
jobs=$(nproc 2>/dev/null || echo 2)
pids=() failed_src=()
for src in "${uniq[@]}"; do
    compile "$src" >"$(obj_of "$src").log" 2>&1 &
    pids+=($!)
    if [ ${#pids[@]} -ge "$jobs" ]; then wait "${pids[0]}" || true; pids=("${pids[@]:1}"); fi
done
wait
for src in "${uniq[@]}"; do
    [ -f "$(obj_of "$src")" ] || failed_src+=("$src")
done

pass=0 fail=0
declare -A rcfile
for t in "${targets[@]}"; do
    d=$out/$t
    rm -rf "$d"; mkdir -p "$d/corpus"
    objs=("$(obj_of tests/fuzz/fuzz_support.c)") bad=""
    for src in ${tsrc[$t]}; do
        for f in "${failed_src[@]+"${failed_src[@]}"}"; do [ "$f" = "$src" ] && bad=$src; done
        objs+=("$(obj_of "$src")")
    done
    if [ -n "$bad" ]; then
        echo "FAIL $t: compile failed: $bad"; sed 's/^/    /' "$(obj_of "$bad").log" | head -20
        fail=$((fail + 1)); continue
    fi
    if ! clang -fsanitize=fuzzer,address,undefined "${objs[@]}" -o "$out/fuzz_$t" \
            >"$d/link.log" 2>&1; then
        echo "FAIL $t: link failed"; sed 's/^/    /' "$d/link.log" | head -20
        fail=$((fail + 1)); continue
    fi
    cp tests/fuzz/corpus/"${corpus_of[$t]:-$t}"/* "$d/corpus/" 2>/dev/null
    # -max_total_time=0 would mean "forever": 0 s runs the seeds only.
    if [ "$secs" = 0 ]; then time_opt=(-runs=0); else time_opt=(-max_total_time="$secs"); fi
    (
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            "$out/fuzz_$t" "${time_opt[@]}" -max_len=4096 -timeout=5 -rss_limit_mb=1024 \
            -print_final_stats=1 -artifact_prefix="$d/" "$d/corpus" >"$d/fuzz.log" 2>&1
        echo $? >"$d/rc"
    ) &
    rcfile[$t]=$d/rc
done
wait

for t in "${targets[@]}"; do
    [ -n "${rcfile[$t]+x}" ] || continue
    d=$out/$t
    rc=$(cat "$d/rc" 2>/dev/null || echo 1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/fuzz.log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$d/fuzz.log" | tail -1)
    if [ "$rc" = 0 ]; then
        echo "ok $t (${execs:-?} execs, ${cov:-cov: ?})"
        pass=$((pass + 1))
    else
        first=$(grep -m1 '^fuzz: ' "$d/fuzz.log" ||
                grep -m1 -E '^==[0-9]+== ?ERROR|runtime error|deadly signal|Timeout|out-of-memory' \
                    "$d/fuzz.log")
        echo "FAIL $t: ${first:-exit code $rc} (log: $d/fuzz.log)"
        tail -30 "$d/fuzz.log" | sed 's/^/    /'
        ls "$d"/crash-* "$d"/leak-* "$d"/timeout-* "$d"/oom-* 2>/dev/null | sed 's/^/    artifact: /'
        fail=$((fail + 1))
    fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" = 0 ]
