/* ssp.c — the stack protector's canary and failure path (see ssp.h). */
#include "libos/x86_64/ssp.h"

#include "libos/pvh/plat.h"
#include "os/rand.h"

/* A fixed value until ssp_init: the low byte is zero, so a string copy that
 * runs over a frame stops at the canary's first byte. */
uintptr_t __stack_chk_guard = 0x5e1cef00d5a1ce00ull;

__attribute__((no_stack_protector)) void ssp_init(void)
{
    uintptr_t c = (uintptr_t)os_rand_entropy();
    c ^= c >> 29;
    c *= 0xbf58476d1ce4e5b9ull; /* spread the TSC's low-entropy bits */
    c ^= c >> 32;
    __stack_chk_guard = c & ~(uintptr_t)0xff;
}

void __stack_chk_fail(void)
{
    pvh_printf("\n*** STACK SMASHING detected: a function's canary was overwritten "
               "(the frame would have returned to %p)\n", __builtin_return_address(0));
    pvh_puts("*** stopping the machine (exit code 3)\n");
    plat_exit(PLAT_EXIT_FAULT);
}
