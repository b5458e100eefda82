/*
 * crash.c — trap_crash_test(): faults on purpose, one kind per protection
 * the kernel relies on (see trap.h for the kinds).  Used by the boot tests
 * through the unikernel's --crash-test hook; every kind but an unknown one
 * ends in the exception dump (or the stack protector's report) and exit
 * code 3.
 */
#include <errno.h>
#include <string.h>

#include "libos/x86_64/trap.h"

/* A `ret` instruction in writable, non-executable data. */
static uint8_t crash_data_code[16] = { 0xc3 };

/* Recurses until the stack runs into its guard page.  Returns depth (never,
 * in practice). */
static __attribute__((noinline)) unsigned crash_recurse(volatile unsigned depth)
{
    volatile uint8_t pad[512];
    pad[0] = (uint8_t)depth;
    if (depth > (1u << 30)) /* never: the guard page stops it long before */
        return depth;
    return crash_recurse(depth + 1) + pad[0];
}

/* Overruns a local buffer by `n` bytes (n from a volatile, so the compiler
 * cannot see it coming).  Returns the buffer's first byte. */
static __attribute__((noinline)) int crash_smash(size_t n)
{
    char buf[16];
    memset(buf, 0x41, n);
    __asm__ volatile("" : : "r"(buf) : "memory");
    return buf[0];
}

int trap_crash_test(const char *kind)
{
    if (!strcmp(kind, "ud2")) {
        __asm__ volatile("ud2");
    } else if (!strcmp(kind, "div0")) {
        volatile unsigned zero = 0;
        unsigned r;
        __asm__ volatile("divl %2" : "=a"(r) : "a"(1u), "r"(zero), "d"(0u));
        (void)r;
    } else if (!strcmp(kind, "pf")) {
        volatile uint64_t *p = (volatile uint64_t *)0x0000100000000000ull; /* unmapped */
        (void)*p;
    } else if (!strcmp(kind, "gp")) {
        volatile uint64_t *p = (volatile uint64_t *)0x8000000000000000ull; /* non-canonical */
        (void)*p;
    } else if (!strcmp(kind, "int3")) {
        __asm__ volatile("int3");
    } else if (!strcmp(kind, "null")) {
        volatile uint32_t *p;
        __asm__ volatile("xor %k0, %k0" : "=r"(p)); /* hide the NULL from the compiler */
        (void)*p;
    } else if (!strcmp(kind, "write-code")) {
        volatile uint8_t *code = (volatile uint8_t *)(uintptr_t)&trap_crash_test;
        *code = 0xcc;
    } else if (!strcmp(kind, "exec-data")) {
        void (*fn)(void) = (void (*)(void))(uintptr_t)crash_data_code;
        __asm__ volatile("" : "+r"(fn));
        fn();
    } else if (!strcmp(kind, "stack-overflow")) {
        crash_recurse(0);
    } else if (!strcmp(kind, "canary")) {
        volatile size_t n = 64;
        crash_smash(n);
    } else {
        return -EINVAL;
    }
    return 0;
}
