# t_kvm.sh — the unikernel's command line under QEMU (issue 13 item 9;
# sourced by run.sh).  -M microvm, TCG, one virtio-net NIC on a QEMU hub
# (no host interface); every boot bounded by timeout.

# kboot NAME APPEND: boots the image; log in $TMPD/k-NAME.log; prints the
# guest's exit code (QEMU exits with (code << 1) | 1), or "qemu:STATUS".
kboot() {
    local log=$TMPD/k-$1.log
    timeout 30 qemu-system-x86_64 -M microvm -accel tcg -m 8M -nographic -nodefaults \
        -serial stdio -kernel "$KERNEL" -append "$2" \
        -global virtio-mmio.force-legacy=false \
        -netdev hubport,id=n0,hubid=0 -device virtio-net-device,netdev=n0 \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 >"$log" 2>&1
    local st=$?
    if [ $((st & 1)) = 1 ] && [ $st -lt 124 ]; then echo $((st >> 1)); else echo "qemu:$st"; fi
}

# kexpect NAME CODE REGEX: the boot NAME exited with CODE and printed REGEX.
kexpect() {
    local log=$TMPD/k-$1.log
    [ "$KCODE" = "$2" ] || { tail -5 "$log"; echo "$1: exit code $KCODE, want $2"; return 1; }
    grep -aEq -- "$3" "$log" || { tail -5 "$log"; echo "$1: expected /$3/"; return 1; }
}

# A virtio_mmio.device hint above 4 GiB (or wrapping around) is ignored and
# counted; it used to page-fault the guest (exit 3).
test_kvm_hint_above_4gib_ignored() {
    KCODE=$(kboot hint "virtio_mmio.device=512@0x100000000:5 virtio_mmio.device=0x200@0xffffffffffffff00 --run-ms 100")
    kexpect hint 0 '2 malformed or extra virtio_mmio.device hint' || return 1
}

# --run-ms -1 is refused, not taken as the largest number.
test_kvm_run_ms_negative_refused() {
    KCODE=$(kboot runms "--run-ms -1")
    kexpect runms 2 "--run-ms: invalid value '-1'" || return 1
}

# An option left without its value at the end is reported; it used to take
# the --port word the image adds for its NIC.
test_kvm_last_option_needs_a_value() {
    KCODE=$(kboot lastopt "--run-ms 100 --log-level")
    kexpect lastopt 2 "--log-level needs a value" || return 1
}

# A command line too long for the image: "command line too long", both
# past the image's 4 KiB buffer and when QEMU's loader wrote it over
# hvm_start_info.
test_kvm_long_command_line_named() {
    local x4 x5
    x4=$(printf 'x%.0s' $(seq 4100))
    x5=$(printf 'x%.0s' $(seq 5000))
    KCODE=$(kboot long4 "--run-ms 100 $x4")
    kexpect long4 2 'command line too long' || return 1
    KCODE=$(kboot long5 "--run-ms 100 $x5")
    kexpect long5 2 'command line too long' || return 1
}
