/*
 * trap.h — CPU exceptions on x86_64.
 *
 * trap_init() installs an IDT whose 32 exception vectors all lead to one
 * handler: it prints the vector and its name, the error code, CR2 for page
 * faults, RIP/CS/RFLAGS/RSP/SS and every general register on the console,
 * then stops the machine through plat_exit(PLAT_EXIT_FAULT).  The only
 * interrupt is the idle tick (tick.h, vector 32); devices are polled.
 *
 * trap_crash_test() deliberately faults, for the boot tests.
 */
#ifndef X86_TRAP_H
#define X86_TRAP_H

#include <stdint.h>

/* Saved state, in the order trap_entry.S pushes it (lowest address first). */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Loads the IDT.  Returns nothing. */
void trap_init(void);

/* Points IDT entry `vector` (< 48) at `entry`, an interrupt gate.  Returns
 * nothing; out-of-range vectors are ignored. */
void trap_set_gate(unsigned vector, void (*entry)(void));

/* Called by trap_entry.S; dumps `f` and stops the machine.  Never returns. */
void trap_dispatch(struct trap_frame *f) __attribute__((noreturn));

/* Faults on purpose: "ud2" (invalid opcode), "div0" (divide error), "pf"
 * (page fault on an unmapped address), "gp" (non-canonical address), "int3".
 * Returns -EINVAL (without faulting) for an unknown kind. */
int trap_crash_test(const char *kind);

#endif /* X86_TRAP_H */
