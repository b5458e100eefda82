# tests/xen/dom0/lib.sh — helpers for the scripts that run INSIDE the Xen
# rig's dom0 (tests/xen/dom0/suite.sh, bench.sh).  Sourced by bash, never
# run.  dom0 is a fresh initramfs per boot (nothing persists), with xl,
# xenstore-*, iproute2, iputils ping, iperf3, netcat-openbsd and busybox.
#
# Files: the host shares one folder into dom0 at /rig (the scripts, the
# image, and $OUT = /rig/out, where results and logs go back to the host).
#
# Results: result NAME STATUS DETAIL appends "ok NAME: DETAIL" or
# "FAIL NAME: DETAIL" to $OUT/results (STATUS 0 = pass), and echoes it on
# the console; a script first writes its plan (plan NAME...), so the host
# counts every planned name that never reported as a failure.
#
# Topology (net_up N): bridges xs-b1..N, each with one host behind it: a
# network namespace xs-hI whose eth0 (MAC 02:00:00:00:09:0I, 10.9.0.I/24)
# is a veth to the bridge (xs-vI).  The switch domU gets one vif per bridge
# (vif devid I-1 = switch port I).  Names start with "xs-": dom0 is the
# suite's own machine, so they cannot collide with another suite's.
# Every wait is bounded (wait_until).
export PATH=/usr/lib/xen-4.17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
OUT=${OUT:-/rig/out}
mkdir -p "$OUT/logs"
CONSOLE_DIR=/var/log/xen/console

# Console lines of the image (switch/unikernel/uk_main.c and the netfront
# port-state messages); extended regular expressions.
RE_READY='sluice: ready in '
RE_LINK_DOWN() { echo "port $1 .*link down"; }
RE_LINK_UP() { echo "port $1 .*link up"; }

# plan NAME...: the names this script will report, in order.
plan() { printf '%s\n' "$@" >"$OUT/plan"; }

# step NAME: says on the console (and in $OUT/steps) that scenario NAME
# starts, so the host can name the step during which dom0 stopped.
step() { echo "$1" >>"$OUT/steps"; echo "XR: step $1 ($(now_ms) ms)"; }

# result NAME STATUS DETAIL: records one result.  Returns STATUS.
result() {
    local name=$1 st=$2 word=ok
    shift 2
    [ "$st" = 0 ] || word=FAIL
    echo "$word $name: $*" | tee -a "$OUT/results" | sed 's/^/XR: /'
    return "$st"
}

# info TEXT: a figure or remark the host prints beside the results.
info() { echo "info $*" | tee -a "$OUT/results" | sed 's/^/XR: /'; }

# now_ms: milliseconds since dom0 booted (monotonic enough for intervals).
now_ms() { awk '{printf "%d\n", $1 * 1000}' /proc/uptime; }

# wait_until SECONDS CMD...: runs CMD every 0.1 s until it succeeds or
# SECONDS pass.  Returns 0 when it succeeded.
wait_until() {
    local limit=$(( $(now_ms) + $1 * 1000 ))
    shift
    while ! "$@" >/dev/null 2>&1; do
        [ "$(now_ms)" -lt $limit ] || return 1
        sleep 0.1
    done
}

# net_up N: N bridges and N hosts (see the header).  Returns non-zero on
# the first failing command.
# dom0's own interfaces (bridges, veth ends, vifs) stay silent: no IPv6, so
# no router solicitations or MLD reports from dom0 go through the switch,
# and each bridge has a MAC of its own (else it takes its vif's
# fe:ff:ff:ff:ff:ff, and the switch shows every bridge the others' frames
# as its own address).
net_up() {
    local i
    sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || return 1
    for i in $(seq "$1"); do
        ip link add "xs-b$i" address "$(printf '02:00:00:bb:00:%02x' "$i")" type bridge &&
        ip link set "xs-b$i" up &&
        ip netns add "xs-h$i" &&
        ip link add "xs-v$i" type veth peer name eth0 netns "xs-h$i" &&
        ip link set "xs-v$i" master "xs-b$i" up &&
        ip -n "xs-h$i" link set eth0 address "$(host_mac "$i")" &&
        ip -n "xs-h$i" addr add "$(host_ip "$i")/24" dev eth0 &&
        ip -n "xs-h$i" link set eth0 up &&
        ip -n "xs-h$i" link set lo up || return 1
    done
}

host_ip() { echo "10.9.0.$1"; }
host_mac() { printf '02:00:00:00:09:%02x\n' "$1"; }
# vif_mac I: the switch's own MAC on its port I.
vif_mac() { printf '02:00:00:aa:00:%02x\n' "$1"; }
# in_host I CMD...: runs CMD in host I's namespace.  A function: to start
# CMD in the background with its pid in $!, write
# `ip netns exec "$(ns I)" CMD &` instead (ip execs CMD, so $! is CMD's pid).
in_host() { local i=$1; shift; ip netns exec "xs-h$i" "$@"; }
ns() { echo "xs-h$1"; }

# domu_config FILE NAME IMAGE MEMORY_MIB EXTRA NVIFS: writes an xl
# configuration (domu_create expects it in /tmp/NAME.cfg): PVH, one vCPU, NVIFS vifs on xs-b1.., preserved after
# poweroff and crash (so the test can look at its state; the caller
# destroys it).
domu_config() {
    local file=$1 name=$2 image=$3 mem=$4 extra=$5 n=$6 i vifs=""
    for i in $(seq "$n"); do
        vifs="$vifs${vifs:+, }'bridge=xs-b$i,mac=$(vif_mac "$i")'"
    done
    cat >"$file" <<EOF
name = "$name"
type = "pvh"
kernel = "$image"
memory = $mem
vcpus = 1
extra = "$extra"
on_poweroff = "preserve"
on_crash = "preserve"
on_reboot = "destroy"
vif = [ $vifs ]
EOF
}

# domu_create NAME LOG: xl create of /tmp/NAME.cfg (bounded), its output
# in LOG.  Removes NAME's old console and xl logs first (xenconsoled and
# xl append to them), so they describe this domain only.  Returns xl's
# status.
domu_create() {
    rm -f "$CONSOLE_DIR/guest-$1.log" "/var/log/xen/xl-$1.log"
    timeout 60 xl create "/tmp/$1.cfg" >"$2" 2>&1
}

# domid NAME: prints the domain's id (nothing when it does not exist).
domid() { xl domid "$1" 2>/dev/null; }

# dom_state NAME: prints xl list's state column (e.g. "-b----", "---s--").
dom_state() { xl list "$1" 2>/dev/null | awk 'NR == 2 {print $5}'; }

# console NAME: the domU's console log so far (xenconsoled).
console() { cat "$CONSOLE_DIR/guest-$1.log" 2>/dev/null; }

# console_has NAME REGEX: succeeds when the console log has a matching line.
console_has() { console "$1" | grep -qE "$2"; }

# console_wait NAME REGEX SECONDS: waits (bounded) for a matching console
# line and sets CONSOLE_LINE to the last one ("" when none came).  Returns 0
# when one came.
console_wait() {
    CONSOLE_LINE=
    wait_until "$3" console_has "$1" "$2" || return 1
    CONSOLE_LINE=$(console "$1" | grep -E "$2" | tail -1)
    [ -n "$CONSOLE_LINE" ] || CONSOLE_LINE="(matched '$2', then gone from the log)"
}

# xl_log_has NAME REGEX: the same for xl's per-domain log (shutdown reasons).
xl_log_has() { grep -qE "$2" "/var/log/xen/xl-$1.log" 2>/dev/null; }

# be_path DOMID DEVID / fe_path DOMID DEVID: a vif's xenstore directories.
be_path() { echo "/local/domain/0/backend/vif/$1/$2"; }
fe_path() { echo "/local/domain/$1/device/vif/$2"; }

# xs KEY: the xenstore value (nothing when absent).
xs() { xenstore-read "$1" 2>/dev/null; }

# vif_state DOMID DEVID: "BACKEND_STATE/FRONTEND_STATE" (xenbus states: 1
# Initialising, 2 InitWait, 3 Initialised, 4 Connected, 5 Closing, 6 Closed).
vif_state() { echo "$(xs "$(be_path "$1" "$2")/state")/$(xs "$(fe_path "$1" "$2")/state")"; }

# vif_is DOMID DEVID STATE: succeeds when backend and frontend are in STATE.
vif_is() { [ "$(vif_state "$1" "$2")" = "$3/$3" ]; }

# ping_ok FROM TO [COUNT]: host FROM pings host TO (COUNT echo requests,
# 0.2 s apart, 2 s for the last reply).  Returns ping's status (0 when
# at least one reply came back).
ping_ok() { in_host "$1" timeout 20 ping -q -c "${3:-3}" -i 0.2 -W 2 "$(host_ip "$2")"; }

# save_logs NAME: copies what explains a domain's run to $OUT/logs.
save_logs() {
    local n=$1
    console "$n" >"$OUT/logs/console-$n.log"
    cp "/var/log/xen/xl-$n.log" "$OUT/logs/" 2>/dev/null
    xenstore-ls -f >"$OUT/logs/xenstore-$n.txt" 2>&1
    xl list >"$OUT/logs/xl-list-$n.txt" 2>&1
    dmesg | tail -80 >"$OUT/logs/dmesg-$n.txt"
    xl dmesg | tail -40 >"$OUT/logs/xl-dmesg-$n.txt" 2>&1
}
