/*
 * tick_entry.S — the local APIC timer handler (see tick.h): counts, writes
 * the APIC EOI register, returns.  Saves the one register it uses.  The
 * spurious-interrupt vector returns without EOI, as the APIC requires.
 */
    .text
    .code64
    .globl tick_entry
tick_entry:
    pushq %rax
    lock incq tick_ticks(%rip)
    movq tick_eoi(%rip), %rax
    movl $0, (%rax)
    popq %rax
    iretq

    .globl tick_spurious
tick_spurious:
    iretq

    .bss
    .p2align 3
    .globl tick_ticks, tick_eoi
tick_ticks:
    .quad 0
tick_eoi:
    .quad 0

    .section .note.GNU-stack, "", @progbits
