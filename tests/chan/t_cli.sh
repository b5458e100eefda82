# t_cli.sh — input files and the switch's own messages (issue 13 items 7,
# 8; sourced by run.sh).  Replay mode with pcap ports: nothing to clean up
# but the temp directory.

CASE_IN=$ROOT/tests/pcap/cases/act_output/in1.pcap   # one frame on port 1

# Runs the switch (bounded, in $SW: its ports and listeners are private)
# with ARGS; output in $TMPD/cli.out.  Returns
# the switch's exit status.
cli() {
    nsx "$SW" timeout 60 "$SLUICE" "$@" >"$TMPD/cli.out" 2>&1
}

# --flows /dev/zero stops at the 64 MiB cap instead of eating memory.
test_flows_file_size_capped() {
    local t0=$SECONDS
    cli --port pcap:-,/dev/null --flows /dev/zero
    local rc=$?
    [ $rc = 1 ] || { cat "$TMPD/cli.out"; echo "exit status $rc, want 1"; return 1; }
    expect_grep 'flows /dev/zero: File too large \(limit 64 MiB\)' "$TMPD/cli.out" || return 1
    note "--flows /dev/zero refused after $((SECONDS - t0)) s"
}

# A NUL byte in a flows file is a bad line (it used to end the file there:
# 1 flow loaded, exit 0).
test_flows_file_nul_byte_is_a_bad_line() {
    printf 'in_port=1,actions=drop\n\000in_port=2,actions=drop\nin_port=3,actions=drop\n' \
        >"$TMPD/nul.flows"
    cli --port pcap:-,/dev/null --flows "$TMPD/nul.flows"
    local rc=$?
    [ $rc = 1 ] || { cat "$TMPD/cli.out"; echo "exit status $rc, want 1"; return 1; }
    expect_grep "nul.flows:2: NUL byte" "$TMPD/cli.out" || return 1
}

# Frames a pcap output cannot write are tx errors, and the log says why.
test_pcap_write_errors_counted() {
    printf 'in_port=1,actions=output:2\n' >"$TMPD/out2.flows"
    cli --port "pcap:$CASE_IN" --port pcap:-,/dev/full --flows "$TMPD/out2.flows" ||
        { cat "$TMPD/cli.out"; echo "the switch failed"; return 1; }
    expect_grep 'port  2 full .*\| tx pkts=0 bytes=0 drop=0 errs=1' "$TMPD/cli.out" "port 2's counters" ||
        return 1
    expect_grep 'cannot write /dev/full: No space left on device' "$TMPD/cli.out" "the log" || return 1
}

# Errors name their reason instead of printing a number.
test_errors_are_named() {
    printf 'in_port=1,actions=drop\nin_port=2,actions=drop\n' >"$TMPD/two.flows"
    cli --port pcap:-,/dev/null --max-flows 1 --flows "$TMPD/two.flows"
    expect_grep 'two.flows:2: flow table full' "$TMPD/cli.out" "a full table" || return 1
    cli --port pcap:-,/dev/null --listen ptcp:16653:127.0.0.1 --listen ptcp:16653:127.0.0.1
    expect_grep 'cannot listen: Address already in use' "$TMPD/cli.out" "a port in use" || return 1
    cli --port pcap:-,/dev/null --bogus
    expect_grep "unknown option '--bogus'" "$TMPD/cli.out" "an unknown option last" || return 1
    cli --port pcap:-,/dev/null --flows
    expect_grep "--flows needs a value" "$TMPD/cli.out" "a known option last" || return 1
}

# --listen ptcp:0 says which port it bound.
test_listen_port_0_is_logged() {
    cli --port pcap:-,/dev/null --listen ptcp:0:127.0.0.1
    expect_grep 'listening on ptcp:[1-9][0-9]*:127.0.0.1' "$TMPD/cli.out" || return 1
    grep -o 'listening on ptcp:[0-9]*' "$TMPD/cli.out" | sed 's/^/# /'
}

# The same interface cannot be two ports (every frame would arrive twice).
test_same_interface_twice_refused() {
    nsx "$SW" timeout 30 "$SLUICE" --port "afpacket:$A1" --port "afpacket:$A1" \
        >"$TMPD/cli.out" 2>&1
    local rc=$?
    [ $rc = 1 ] || { cat "$TMPD/cli.out"; echo "exit status $rc, want 1"; return 1; }
    expect_grep "'$A1': already a port of this switch" "$TMPD/cli.out" || return 1
}
