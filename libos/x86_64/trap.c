/* trap.c — GDT, TSS, IDT and the exception dump (see trap.h). */
#include "libos/x86_64/trap.h"

#include "libos/pvh/plat.h"
#include "libos/x86_64/paging.h"
#include "libos/x86_64/platform.h"

#define IST_STACK 16384
#define SEL_CODE 0x08
#define SEL_TSS 0x18

struct idt_gate {
    uint16_t off0, sel;
    uint8_t ist, type;
    uint16_t off1;
    uint32_t off2, zero;
};
_Static_assert(sizeof(struct idt_gate) == 16, "idt gate");

struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap;
};
_Static_assert(sizeof(struct tss) == 104, "tss layout");

extern const uint64_t trap_stubs[32];
extern char boot_stack_guard[];
static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));
static uint64_t gdt[5] __attribute__((aligned(16))) = {
    0,
    0x00af9a000000ffffull, /* 0x08: 64-bit code */
    0x00cf92000000ffffull, /* 0x10: data */
    0, 0,                  /* 0x18: the TSS (16 bytes), filled by trap_init */
};
/* The exception stack: its first page is the guard (unmapped by paging.c).
 * In .stack, which boot.S does not zero (kernel.ld). */
static uint8_t ist_stack[PG_SIZE + IST_STACK]
    __attribute__((aligned(PG_SIZE), section(".stack")));

static const char *const trap_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
    "#SS stack fault", "#GP general protection", "#PF page fault", "reserved",
    "#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
    "#VE virtualization", "#CP control protection",
};

/* Fills gate `vector` with `entry` on IST slot `ist` (0 = current stack). */
static void trap_gate(unsigned vector, void (*entry)(void), uint8_t ist)
{
    uint64_t a = (uint64_t)(uintptr_t)entry;
    if (vector >= sizeof idt / sizeof idt[0])
        return;
    idt[vector] = (struct idt_gate){
        .off0 = (uint16_t)a, .sel = SEL_CODE, .ist = ist, .type = 0x8e, /* interrupt gate */
        .off1 = (uint16_t)(a >> 16), .off2 = (uint32_t)(a >> 32),
    };
}

void trap_set_gate(unsigned vector, void (*entry)(void))
{
    if (vector >= 32)
        trap_gate(vector, entry, 0);
}

/* Loads the GDT with the TSS descriptor and the task register. */
static void trap_load_gdt(void)
{
    uint64_t base = (uintptr_t)&tss, limit = sizeof tss - 1;
    tss.ist[0] = (uintptr_t)(ist_stack + sizeof ist_stack);
    tss.iomap = sizeof tss;
    gdt[3] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 | /* available TSS */
             ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    gdt[4] = base >> 32;
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } ptr = {
        sizeof gdt - 1, (uint64_t)(uintptr_t)gdt,
    };
    __asm__ volatile("lgdt %0; ltr %w1" : : "m"(ptr), "r"(SEL_TSS) : "memory");
}

void trap_init(void)
{
    trap_load_gdt();
    for (unsigned i = 0; i < 32; i++) {
        uint8_t ist = (i == 2 || i == 8 || i == 14 || i == 18) ? 1 : 0;
        trap_gate(i, (void (*)(void))(uintptr_t)trap_stubs[i], ist);
    }
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } ptr = {
        sizeof idt - 1, (uint64_t)(uintptr_t)idt,
    };
    __asm__ volatile("lidt %0" : : "m"(ptr));
    pg_guard(boot_stack_guard, "guard page below the boot stack (stack overflow)");
    pg_guard(ist_stack, "guard page below the exception stack (stack overflow)");
}

/* Prints what a page fault at `cr2` with `error` was. */
static void trap_explain_pf(uint64_t cr2, uint64_t error)
{
    pvh_printf("    cr2 %016lx: %s %s, %s\n", (unsigned long)cr2,
               error & 0x10 ? "instruction fetch from" : error & 2 ? "write to" : "read of",
               error & 1 ? "a protected page" : "an unmapped page", pg_describe(cr2));
}

void trap_dispatch(struct trap_frame *f)
{
    uint64_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    const char *name = f->vector < 32 && trap_names[f->vector] ? trap_names[f->vector] : "?";
    pvh_printf("\n*** EXCEPTION vector %lu (%s) error 0x%lx\n", (unsigned long)f->vector,
                  name, (unsigned long)f->error);
    if (f->vector == 14)
        trap_explain_pf(cr2, f->error);
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
