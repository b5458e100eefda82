# shellcheck shell=bash
# bench/e2e_report.sh — bench/e2e.sh's summary (sourced after bench/lib.sh;
# never run on its own).
#
# e2e_report CSV: reads every run from CSV (switch,run,fwd_mpps,
# offered_mpps,switch_cpu_ns_per_pkt,machine_cpu_ns_per_pkt,note; a row with
# run 0 is a switch that was skipped or failed), prints the table (medians,
# forwarded Mpps with min..max), Sluice's ratios to every peer measured,
# and writes $RESULTS/e2e_summary.csv, $RESULTS/e2e.png (forwarded Mpps)
# and $RESULTS/e2e_cpu.png (CPU ns per forwarded packet, log scale).

# e2e_col CSV SWITCH COLUMN: "MEDIAN MIN MAX" of a column over the measured
# runs of SWITCH ("nan nan nan" when none has a value).
e2e_col() {
    awk -F, -v s="$2" -v c="$3" '$1 == s && $2 > 0 && $c != "" {print $c}' "$1" | median
}

# e2e_med CSV SWITCH COLUMN FORMAT: the median alone, printf-formatted
# ("" when no run has a value).
e2e_med() {
    e2e_col "$1" "$2" "$3" | awk -v f="$4" '$1 != "nan" {printf f, $1}'
}

# e2e_summary CSV SUM: one line per switch, in CSV order.
e2e_summary() {
    local csv=$1 sum=$2 sw m o c k note
    echo "switch,fwd_mpps_median,fwd_mpps_min,fwd_mpps_max,offered_mpps_median,switch_cpu_ns_per_pkt,machine_cpu_ns_per_pkt,note" >"$sum"
    # shellcheck disable=SC2013  # switch names are single words
    for sw in $(awk -F, 'NR > 1 && !seen[$1]++ {print $1}' "$csv"); do
        note=$(awk -F, -v s="$sw" '$1 == s {n = $7} END {print n}' "$csv")
        m=$(e2e_col "$csv" "$sw" 3)
        if [ "$m" = "nan nan nan" ]; then
            echo "$sw,,,,,,,$note" >>"$sum"
            continue
        fi
        o=$(e2e_med "$csv" "$sw" 4 %.4f)
        c=$(e2e_med "$csv" "$sw" 5 %.0f)
        k=$(e2e_med "$csv" "$sw" 6 %.0f)
        echo "$sw,${m// /,},$o,$c,$k,$note" >>"$sum"
    done
}

# e2e_table SUM: the table, skipped switches with their reason.
e2e_table() {
    awk -F, 'NR == 1 {
        printf "%-13s %-32s %8s %14s %15s\n", "switch", "forwarded Mpps median [min..max]", "offered", "switch ns/pkt", "machine ns/pkt"
        next }
    $2 == "" { printf "%-13s %s\n", $1, $8; next }
    { printf "%-13s %-32s %8.3f %14s %15s%s\n", $1, sprintf("%8.4f [%.4f..%.4f]", $2, $3, $4), $5,
        ($6 == "" ? "n/a" : $6), ($7 == "" ? "n/a" : $7), ($8 == "" ? "" : "   (" $8 ")") }' "$1"
}

# e2e_ratios SUM: for each Sluice target measured, its ratio to every other
# switch measured: forwarded Mpps (>1: Sluice forwards more) and CPU ns per
# packet, switch and machine (<1: Sluice spends less).
e2e_ratios() {
    awk -F, 'NR > 1 && $2 != "" { n++; name[n] = $1; mpps[n] = $2; sw[n] = $6; mc[n] = $7 }
    function r(a, b) { return (a != "" && b != "" && b > 0) ? sprintf("%.2fx", a / b) : "n/a" }
    END {
        print "Sluice / peer (Mpps >1: Sluice forwards more; CPU/pkt <1: Sluice spends less per packet):"
        for (i = 1; i <= n; i++) {
            if (name[i] !~ /^sluice-/) continue
            for (j = 1; j <= n; j++) {
                if (name[j] ~ /^sluice-/) continue
                printf "  %-11s / %-12s Mpps %7s   switch CPU/pkt %7s   machine CPU/pkt %7s\n",
                    name[i], name[j], r(mpps[i], mpps[j]), r(sw[i], sw[j]), r(mc[i], mc[j])
            }
        }
    }' "$1"
}

# E2E_LABEL: awk function e2e_label(name, note), a plot label: the name,
# with "(TCG)" when the note says the guest ran under TCG (one word: the
# CPU plot's data file is space-separated).
E2E_LABEL='function e2e_label(n, note) { return note ~ /TCG/ ? n "(TCG)" : n } '

# e2e_plot_cpu SUM PNG: clustered bars, switch and machine CPU ns/packet.
e2e_plot_cpu() {
    local data=$TMPD/e2e_cpu.dat term=png
    command -v gnuplot >/dev/null || { echo "# no gnuplot: $2 not drawn"; return 0; }
    awk -F, "$E2E_LABEL"'NR > 1 && $2 != "" { printf "%s %s %s\n", e2e_label($1, $8), ($6 == "" ? "?" : $6), ($7 == "" ? "?" : $7) }' "$1" >"$data"
    gnuplot -e "set terminal pngcairo" >/dev/null 2>&1 && term=pngcairo
    gnuplot <<GP 2>/dev/null || echo "# gnuplot failed: $2 not drawn"
set terminal $term size 1000,500 noenhanced
set output "$2"
set title "e2e: CPU time per forwarded packet (median; log scale; bridge runs in softirq: machine only)"
set ylabel "ns per packet"
set logscale y
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.6
set datafile missing "?"
set xtics rotate by -30
set grid ytics
plot "$data" using 2:xtic(1) title "switch process", "" using 3 title "whole machine"
GP
}

e2e_report() {
    local csv=$1 sum=$RESULTS/e2e_summary.csv
    e2e_summary "$csv" "$sum"
    echo
    e2e_table "$sum"
    echo
    e2e_ratios "$sum"
    awk -F, "$E2E_LABEL"'NR > 1 && $2 != "" {print e2e_label($1, $8) "," $2 "," $3 "," $4}' "$sum" >"$TMPD/e2e_mpps.csv.body"
    { echo "switch,median,min,max"; cat "$TMPD/e2e_mpps.csv.body"; } >"$TMPD/e2e_mpps.csv"
    plot_bars "$TMPD/e2e_mpps.csv" "$RESULTS/e2e.png" \
        "e2e: forwarded Mpps, 64-byte UDP, rig topologies (median, min..max)" "Mpps"
    e2e_plot_cpu "$sum" "$RESULTS/e2e_cpu.png"
    echo "wrote $csv $sum $RESULTS/e2e.png $RESULTS/e2e_cpu.png"
}
