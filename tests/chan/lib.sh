# lib.sh — shared state and helpers of the chan suite (sourced by run.sh
# and the t_*.sh files; never run on its own).
#
# The generic helpers (pass/fail/skip/note, track_pid, wait_grep, run_test,
# expect_grep) are the integration suite's: tests/integration/lib.sh is
# sourced first, and what this suite does differently is defined after it.
#
# What it owns: one temp directory ($TMPD); network namespaces $SW (the
# switch), $H1 $H2 (hosts 10.78.0.1/24, 10.78.0.2/24 on veths whose other
# ends $A1 $A2 are switch ports 1 and 2 inside $SW) and $DNS (a DNS
# "server" at 10.79.53.53 that never answers, reached from $SW over a veth);
# every switch or helper process it starts (track_pid).  Every name starts
# with $PFX ("slch<pid>"), so parallel runs never collide; cleanup() removes
# all of it and is the EXIT trap of run.sh (it runs on failure too).

PFX=${PFX:-slch$$}
# shellcheck source=../integration/lib.sh
. "$ROOT/tests/integration/lib.sh"
SW=$PFX-sw H1=$PFX-h1 H2=$PFX-h2 DNS=$PFX-dns
A1=$PFX-a1 A2=$PFX-a2 DV=$PFX-d0
IP1=10.78.0.1 IP2=10.78.0.2 DNSIP=10.79.53.53
OFPORT=6653
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# --- namespaces ------------------------------------------------------------

# Makes $SW, $H1, $H2, $DNS and their veths.  Returns non-zero on failure.
topo_up() {
    local ns
    for ns in "$SW" "$H1" "$H2" "$DNS"; do
        ip netns add "$ns" || return 1
        nsx "$ns" ip link set lo up || return 1
    done
    ip link add "$A1" netns "$SW" type veth peer name eth0 netns "$H1" &&
    ip link add "$A2" netns "$SW" type veth peer name eth0 netns "$H2" &&
    ip link add "$DV" netns "$SW" type veth peer name eth0 netns "$DNS" || return 1
    nsx "$H1" ip addr add $IP1/24 dev eth0 && nsx "$H1" ip link set eth0 up &&
    nsx "$H2" ip addr add $IP2/24 dev eth0 && nsx "$H2" ip link set eth0 up &&
    nsx "$SW" ip link set "$A1" up && nsx "$SW" ip link set "$A2" up &&
    nsx "$SW" ip addr add 10.79.53.1/24 dev "$DV" && nsx "$SW" ip link set "$DV" up &&
    nsx "$DNS" ip addr add $DNSIP/24 dev eth0 && nsx "$DNS" ip link set eth0 up || return 1
    local h
    for h in "$H1" "$H2"; do     # no IPv6 chatter through the switch
        nsx "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null
    done
}

topo_down() {
    local ns
    for ns in "$SW" "$H1" "$H2" "$DNS"; do
        ip netns del "$ns" 2>/dev/null
    done
}

# --- the switch --------------------------------------------------------------

# sw_start LOG [--resolv FILE] [--nofile N] ARGS...: starts the switch in
# $SW with ports afpacket:$A1 and afpacket:$A2 and ARGS; LOG gets its output.
# --resolv makes FILE its /etc/resolv.conf (a private mount namespace).
# Its pid is SLUICE_PID, so the integration lib's sluice_stop stops it.
sw_start() {
    local log=$1 resolv= nofile=4096
    shift
    [ "${1:-}" = --resolv ] && { resolv=$2; shift 2; }
    [ "${1:-}" = --nofile ] && { nofile=$2; shift 2; }
    sluice_stop
    local cmd='ulimit -n "$0"; exec "$@"'
    [ -n "$resolv" ] && cmd='mount --bind "$RESOLV" /etc/resolv.conf && '$cmd
    RESOLV=$resolv ASAN_OPTIONS=$ASAN_OPTIONS${SW_ASAN:+:$SW_ASAN} \
        ip netns exec "$SW" unshare -m sh -c "$cmd" "$nofile" \
        "$SLUICE" --port "afpacket:$A1" --port "afpacket:$A2" "$@" >"$log" 2>&1 &
    SLUICE_PID=$!
}

# Waits for the switch's OpenFlow listener on 127.0.0.1:$OFPORT in $SW.
sw_wait_listen() {
    local i
    for ((i = 0; i < 100; i++)); do
        nsx "$SW" ss -Hltn "sport = :$OFPORT" | grep -q . && return 0
        kill -0 "$SLUICE_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# Prints the CPU time (user + system, in clock ticks) of process $1.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }

# Prints the resident set of process $1 in KiB.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# Prints the percentage of one core process $1 used over $2 seconds.
cpu_percent() {
    local t0 t1 hz
    hz=$(getconf CLK_TCK)
    t0=$(cpu_ticks "$1")
    sleep "$2"
    t1=$(cpu_ticks "$1")
    awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$2" 'BEGIN {printf "%.1f", (b - a) * 100 / hz / s}'
}

# ping_stats COUNT INTERVAL: pings $IP2 from $H1; prints "LOSS% MEDIAN_MS MAX_MS".
ping_stats() {
    nsx "$H1" ping -n -c "$1" -i "$2" -W 1 $IP2 2>/dev/null |
        sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | sort -n |
        awk -v n="$1" '{ t[++k] = $1 }
            END { med = k ? (k % 2 ? t[(k + 1) / 2] : (t[k / 2] + t[k / 2 + 1]) / 2) : 0
                  printf "%d %.3f %.3f\n", (n - k) * 100 / n, med, k ? t[k] : 0 }'
}

# Returns 0 when the switch log $1 has no sanitizer report.
no_sanitizer_report() {
    ! grep -Eq 'ERROR: (Address|Undefined|Leak)Sanitizer|runtime error:' "$1"
}

cleanup() {
    local p
    sluice_stop
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null
    done
    for p in "${PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    topo_down
    if [ -n "${KEEP_LOGS:-}" ]; then
        echo "# logs kept in $TMPD"
    else
        rm -rf "$TMPD"
    fi
}
