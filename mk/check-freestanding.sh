#!/bin/sh
# Checks that the portable folders stay portable: their objects (already
# compiled -ffreestanding -nostdinc) may only call each other, libos services
# (os_*, pkt_*, netdev_*), libgcc helpers and the libos/libc subset declared in
# libos/libc/include.  Prints each offending symbol and fails.
# Usage: check-freestanding.sh BUILD_DIR DIR...
set -e
build=$1; shift
objs=""
# The hosted parts inside portable folders (switch/unix/, switch/kvm/) are
# skipped; the pattern is anchored at the folder, because the build directory
# itself is named after the target (build/unix/obj/...).
for d in "$@"; do
    objs="$objs $(find "$build/obj/$d" -name '*.o' -not -path "$build/obj/$d/unix/*" \
        -not -path "$build/obj/$d/kvm/*" 2>/dev/null || true)"
done
objs=$(echo $objs)
[ -n "$objs" ] || { echo "check-freestanding: no objects under $build/obj"; exit 1; }
defined=$(nm --defined-only $objs 2>/dev/null | awk 'NF==3{print $3}' | sort -u)
libc=$(grep -ohE '\b[a-z_0-9]+\(' libos/libc/include/*.h | tr -d '(' | sort -u)
bad=0
for s in $(nm -u $objs 2>/dev/null | awk '{print $2}' | sort -u); do
    case "$s" in
        os_*|pkt_*|netdev_*|__asan_*|__ubsan_*|__sanitizer_*|__stack_chk_fail|_GLOBAL_OFFSET_TABLE_|__popcount*|__clz*|__ctz*) continue ;;
    esac
    echo "$defined" | grep -qx "$s" && continue
    echo "$libc" | grep -qx "$s" && continue
    echo "check-freestanding: portable code calls host symbol '$s'"
    bad=1
done
[ $bad = 0 ] && echo "check-freestanding: $(echo $objs | wc -w) portable objects use only libos and libos/libc"
exit $bad
