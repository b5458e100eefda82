# shellcheck shell=bash
# bench/vm_report.sh — bench/vm.sh's summary (sourced after bench/lib.sh;
# never run on its own).
#
# vm_report CSV PEER...: reads every run from CSV (peer,run,metric,value),
# prints one table (a row per metric, a column per peer: median (min..max),
# "TCG" in the title), each Sluice image's ratios to the Linux peers
# measured (pps and TCP: Sluice / Linux; CPU per packet: Sluice / Linux;
# first packet and memory: how many times faster / smaller Sluice is), and
# writes $RESULTS/vm_summary.csv (peer,metric,median,min,max),
# $RESULTS/vm_pps.png and $RESULTS/vm_first.png.  Returns 0.

VM_METRICS="pps cpu_ns_per_pkt tcp_mbps first_pkt_s min_mem_mib idle_cpu_pct"

# vm_stat CSV PEER METRIC: "MEDIAN MIN MAX" ("nan nan nan" when none).
vm_stat() {
    awk -F, -v p="$2" -v m="$3" '$1 == p && $3 == m {print $4}' "$1" | median
}

# vm_ratio A B HOW: A/B ("/"), or B/A ("x"), to 2 decimals ("-" when either
# is missing or zero).
vm_ratio() {
    awk -v a="$1" -v b="$2" -v h="$3" 'BEGIN {
        if (a == "nan" || b == "nan" || a + 0 == 0 || b + 0 == 0) { print "-"; exit }
        printf "%.2f\n", h == "/" ? a / b : b / a }'
}

vm_report() {
    local csv=$1 sum=$RESULTS/vm_summary.csv p m s t l
    shift
    echo "peer,metric,median,min,max" >"$sum"
    printf '\n%-16s' "metric (TCG)"
    printf ' %24s' "$@"
    echo
    for m in $VM_METRICS; do
        printf '%-16s' "$m"
        for p in "$@"; do
            s=$(vm_stat "$csv" "$p" "$m")
            echo "$p,$m,${s// /,}" >>"$sum"
            read -r med lo hi <<<"$s"
            if [ "$med" = nan ]; then printf ' %24s' -; else printf ' %24s' "$med ($lo..$hi)"; fi
        done
        echo
    done
    for t in "$@"; do
        case $t in sluice:*) ;; *) continue ;; esac
        for l in "$@"; do
            case $l in linux-*) ;; *) continue ;; esac
            med() { vm_stat "$csv" "$1" "$2" | awk '{print $1}'; }
            echo "$t vs $l (TCG): pps $(vm_ratio "$(med "$t" pps)" "$(med "$l" pps)" /)x," \
                "CPU per packet $(vm_ratio "$(med "$t" cpu_ns_per_pkt)" "$(med "$l" cpu_ns_per_pkt)" /)x," \
                "TCP $(vm_ratio "$(med "$t" tcp_mbps)" "$(med "$l" tcp_mbps)" /)x," \
                "first packet $(vm_ratio "$(med "$t" first_pkt_s)" "$(med "$l" first_pkt_s)" x)x sooner," \
                "memory $(vm_ratio "$(med "$t" min_mem_mib)" "$(med "$l" min_mem_mib)" x)x smaller"
        done
    done
    for m in pps first_pkt_s; do
        echo "label,median,min,max" >"$TMPD/plot.csv"
        grep ",$m," "$sum" | grep -v ',nan,' | awk -F, '{print $1 "," $3 "," $4 "," $5}' >>"$TMPD/plot.csv"
        case $m in
        pps) plot_bars "$TMPD/plot.csv" "$RESULTS/vm_pps.png" "forwarded 64-byte frames per second (QEMU TCG)" "pps" ;;
        *) plot_bars "$TMPD/plot.csv" "$RESULTS/vm_first.png" "QEMU start to first forwarded frame (QEMU TCG)" "s" ;;
        esac
    done
    return 0
}
