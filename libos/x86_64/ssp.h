/*
 * ssp.h — the compiler's stack protector in the unikernel images.
 *
 * Every kernel object is built with -fstack-protector-strong
 * -mstack-protector-guard=global (libos/kvm/module.mk): a function with a
 * local array or an address-taken local keeps a copy of the global canary
 * `__stack_chk_guard` below its return address and calls __stack_chk_fail()
 * when the copy differs on return.  boot.S calls ssp_init() once, before
 * plat_start, to draw the canary from os_rand_entropy() (RDRAND when the
 * CPU has it, mixed with the TSC); until then it holds a fixed value.  No
 * protected frame is live when the canary changes (ssp_init is itself
 * unprotected), so no check sees two values.
 *
 * __stack_chk_fail prints where the smashed frame returned to and stops the
 * machine with PLAT_EXIT_FAULT (3), like every CPU exception.  Single CPU;
 * called from boot.S and compiler-generated code only.
 */
#ifndef X86_SSP_H
#define X86_SSP_H

#include <stdint.h>

extern uintptr_t __stack_chk_guard;

/* Draws the canary.  Returns nothing.  Call once, before any protected
 * function that returns (boot.S does). */
void ssp_init(void);

/* Called by compiler-generated code on a smashed frame.  Never returns. */
void __stack_chk_fail(void) __attribute__((noreturn));

#endif /* X86_SSP_H */
