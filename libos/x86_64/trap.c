/* trap.c — the IDT and the exception dump (see trap.h). */
#include "libos/x86_64/trap.h"

#include <errno.h>
#include <string.h>

#include "libos/x86_64/platform.h"
#include "libos/pvh/plat.h"

struct idt_gate {
    uint16_t off0, sel;
    uint8_t ist, type;
    uint16_t off1;
    uint32_t off2, zero;
};
_Static_assert(sizeof(struct idt_gate) == 16, "idt gate");

extern const uint64_t trap_stubs[32];
static struct idt_gate idt[48] __attribute__((aligned(16))); /* exceptions + PIC IRQs */

static const char *const trap_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
    "#SS stack fault", "#GP general protection", "#PF page fault", "reserved",
    "#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
    "#VE virtualization", "#CP control protection",
};

void trap_set_gate(unsigned vector, void (*entry)(void))
{
    uint64_t a = (uint64_t)(uintptr_t)entry;
    if (vector >= sizeof idt / sizeof idt[0])
        return;
    idt[vector] = (struct idt_gate){
        .off0 = (uint16_t)a, .sel = 0x08, .ist = 0, .type = 0x8e, /* interrupt gate */
        .off1 = (uint16_t)(a >> 16), .off2 = (uint32_t)(a >> 32),
    };
}

void trap_init(void)
{
    for (unsigned i = 0; i < 32; i++)
        trap_set_gate(i, (void (*)(void))(uintptr_t)trap_stubs[i]);
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } ptr = {
        sizeof idt - 1, (uint64_t)(uintptr_t)idt,
    };
    __asm__ volatile("lidt %0" : : "m"(ptr));
}

void trap_dispatch(struct trap_frame *f)
{
    uint64_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    const char *name = f->vector < 32 && trap_names[f->vector] ? trap_names[f->vector] : "?";
    pvh_printf("\n*** EXCEPTION vector %lu (%s) error 0x%lx\n", (unsigned long)f->vector,
                  name, (unsigned long)f->error);
    if (f->vector == 14)
        pvh_printf("    cr2 %016lx\n", (unsigned long)cr2);
    pvh_printf("    rip %016lx cs %04lx rflags %08lx rsp %016lx ss %04lx\n",
                  (unsigned long)f->rip, (unsigned long)f->cs, (unsigned long)f->rflags,
                  (unsigned long)f->rsp, (unsigned long)f->ss);
    pvh_printf("    rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", (unsigned long)f->rax,
                  (unsigned long)f->rbx, (unsigned long)f->rcx, (unsigned long)f->rdx);
    pvh_printf("    rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", (unsigned long)f->rsi,
                  (unsigned long)f->rdi, (unsigned long)f->rbp, (unsigned long)f->r8);
    pvh_printf("    r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", (unsigned long)f->r9,
                  (unsigned long)f->r10, (unsigned long)f->r11, (unsigned long)f->r12);
    pvh_printf("    r13 %016lx r14 %016lx r15 %016lx\n", (unsigned long)f->r13,
                  (unsigned long)f->r14, (unsigned long)f->r15);
    pvh_puts("*** stopping the machine (exit code 3)\n");
    plat_exit(PLAT_EXIT_FAULT);
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
    } else {
        return -EINVAL;
    }
    return 0;
}
