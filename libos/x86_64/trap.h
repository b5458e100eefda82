/*
 * trap.h — CPU exceptions on x86_64.
 *
 * trap_init() loads the kernel's own GDT (flat code and data, one TSS), an
 * IDT of 256 gates whose 32 exception vectors all lead to one handler, and
 * registers the stack guard pages with paging.h: the page below the boot
 * stack and the page below the exception stack.  The handler prints the
 * vector and its name, the error code, for page faults CR2 with the access
 * (read/write/fetch, not present/protection) and the region it hit
 * (pg_describe: NULL page, a stack guard, image text...), RIP/CS/RFLAGS/
 * RSP/SS and every general register on the console, then stops the machine
 * through plat_exit(PLAT_EXIT_FAULT).  #DF, #PF, NMI and #MC run on their own
 * 16 KiB stack (TSS IST1), so a stack overflow into the guard page is
 * reported instead of escalating to a triple fault.
 *
 * Interrupts (vectors 32..255) are the platform's: it installs its gates
 * with trap_set_gate (the kvm platform's wake-up vectors, apic.h).
 * trap_crash_test() deliberately faults, for the boot tests.  Single CPU;
 * called by the platform's start code.
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

/* Loads the GDT, TSS and IDT and registers the stack guards.  Returns
 * nothing. */
void trap_init(void);

/* Points IDT entry `vector` (32..255 for interrupts) at `entry`, an
 * interrupt gate on the current stack.  Returns nothing; out-of-range
 * vectors are ignored. */
void trap_set_gate(unsigned vector, void (*entry)(void));

/* Called by trap_entry.S; dumps `f` and stops the machine.  Never returns. */
void trap_dispatch(struct trap_frame *f) __attribute__((noreturn));

/* Faults on purpose (crash.c): "ud2" (invalid opcode), "div0" (divide
 * error), "pf" (page fault on an unmapped address), "gp" (non-canonical
 * address), "int3", "null" (read of address 0), "write-code" (store into
 * the image's text), "exec-data" (call into a .data buffer holding a
 * `ret`), "stack-overflow" (unbounded recursion into the guard page),
 * "canary" (a local buffer overrun caught by the stack protector).
 * Returns -EINVAL (without faulting) for an unknown kind. */
int trap_crash_test(const char *kind);

#endif /* X86_TRAP_H */
