/*
 * apic_entry.S — the local APIC interrupt handlers (see apic.h): each counts,
 * writes the APIC end-of-interrupt register and returns.  They only ever
 * interrupt the hlt in apic_halt_until, and save the one register they use.
 * The spurious vector returns without EOI, as the APIC requires.
 */
    .text
    .code64

.macro APIC_COUNT_EOI counter
    pushq %rax
    lock incq \counter(%rip)
    movq apic_eoi_reg(%rip), %rax
    movl $0, (%rax)
    popq %rax
    iretq
.endm

    .globl apic_timer_entry, apic_device_entry, apic_spurious_entry
apic_timer_entry:
    APIC_COUNT_EOI apic_timer_count
apic_device_entry:
    APIC_COUNT_EOI apic_device_count
apic_spurious_entry:
    iretq

    .bss
    .p2align 3
    .globl apic_timer_count, apic_device_count, apic_eoi_reg
apic_timer_count:
    .quad 0
apic_device_count:
    .quad 0
apic_eoi_reg:
    .quad 0

    .section .note.GNU-stack, "", @progbits
