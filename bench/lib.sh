# bench/lib.sh — helpers shared by the benchmark scripts (sourced, never run).
#
# median: reads numbers on stdin, prints "MEDIAN MIN MAX".
# plot_bars CSV PNG TITLE YLABEL: a bar chart with min..max error bars from
#   a CSV whose columns are label,median,min,max (header line skipped), with
#   gnuplot (pngcairo, else png).  Prints a note and returns 0 when gnuplot
#   is missing: plots are a convenience, the CSV is the record.
# RESULTS: bench/results (created).

RESULTS=${RESULTS:-$(cd "$(dirname "$0")" && pwd)/results}
mkdir -p "$RESULTS"

median() {
    sort -g | awk '{a[NR] = $1} END {
        if (NR == 0) { print "nan nan nan"; exit }
        m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        print m, a[1], a[NR] }'
}

plot_bars() {
    local csv=$1 png=$2 title=$3 ylabel=$4 term=png
    if ! command -v gnuplot >/dev/null; then
        echo "# no gnuplot: $png not drawn"
        return 0
    fi
    gnuplot -e "set terminal pngcairo" >/dev/null 2>&1 && term=pngcairo
    gnuplot <<GP 2>/dev/null || echo "# gnuplot failed: $png not drawn"
set terminal $term size 1000,500 noenhanced
set output "$png"
set datafile separator ","
set title "$title"
set ylabel "$ylabel"
set style fill solid 0.6
set boxwidth 0.6
set xtics rotate by -30
set grid ytics
set yrange [0:*]
plot "$csv" every ::1 using 0:2:xtic(1) with boxes notitle, \
     "" every ::1 using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 notitle
GP
}
