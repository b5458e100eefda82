/*
 * upcall.S — the event-channel upcall handler (vector XEN_UPCALL_VECTOR,
 * installed by evtchn.c).  Xen injects the vector while vCPU 0's
 * evtchn_upcall_pending is set and interrupts are enabled (only inside
 * plat_idle_until's `sti; hlt`); it needs no local APIC EOI.  The handler
 * clears evtchn_upcall_pending (so the vector is not injected again),
 * counts, and returns: waking the CPU from the halt is its whole job; the
 * pending bits are read in the main context (xen_evtchn_consume).  It saves
 * the one register it uses and touches no vector state.
 */
    .text
    .code64
    .globl xen_upcall_entry
xen_upcall_entry:
    pushq %rax
    movq xen_upcall_vcpu(%rip), %rax
    movb $0, (%rax)                     /* vcpu_info.evtchn_upcall_pending */
    incq xen_upcall_count(%rip)
    popq %rax
    iretq

    .bss
    .p2align 3
    .globl xen_upcall_vcpu, xen_upcall_count
xen_upcall_vcpu:
    .quad 0
xen_upcall_count:
    .quad 0

    .section .note.GNU-stack, "", @progbits
