# demo-lib.sh — shared by the `make run` demos (mk/run-demo.sh for the unix
# target, libos/kvm/run-demo.sh for the unikernel); sourced, not run.

# demo_ping_pairs PREFIX: pings between the rig's hosts PREFIX-h1..h3
# (10.0.0.1-3) in every direction the demo shows, printing the summaries.
demo_ping_pairs() {
    local pfx=$1 pair
    for pair in "1 2" "1 3" "2 3" "3 1"; do
        set -- $pair
        echo "-- h$1 -> h$2 (10.0.0.$2):"
        ip netns exec "$pfx-h$1" ping -c 3 -i 0.2 -W 1 "10.0.0.$2" |
            grep -E 'packets transmitted|^rtt' | sed 's/^/   /'
    done
}

# demo_follow_counters LOG PID: prints the per-port counter lines the
# switch writes to LOG (a blank line before each round) until PID exits.
# Runs in the background; sets TAIL_PID.
demo_follow_counters() {
    tail -n 0 -f --pid="$2" "$1" |
        while IFS= read -r line; do
            [[ $line =~ ^port\ +1\  ]] && echo
            [[ $line == port* ]] && echo "$line"
        done &
    TAIL_PID=$!
}
