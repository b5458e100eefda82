/*
 * hypercall.S — the hypercall page and the C entry into it (see xen.h).
 *
 * xen_hypercall_page is one page-aligned page of the image's own text
 * (section .text.xen_hypercall, linked into .text): xen_hypercall_init()
 * asks Xen, through the MSR that CPUID leaf base+2 names, to fill it with
 * 32-byte stubs, one per hypercall number (vmcall or vmmcall as the CPU
 * needs).  It is never written by the guest, so it stays valid under any
 * page-table scheme that maps the text read-and-execute.
 *
 * long xen_hypercall(unsigned nr, unsigned long a1, ..., a5) moves the
 * SysV arguments (rdi rsi rdx rcx r8 r9) into Xen's (rax = nr; rdi rsi rdx
 * r10 r8) and jumps to stub nr, which returns to our caller with the result
 * in rax.  Every register Xen may clobber is caller-saved in the SysV ABI.
 */
    .section .text.xen_hypercall, "ax"
    .p2align 12
    .globl xen_hypercall_page
xen_hypercall_page:
    .fill 4096, 1, 0xcc                 /* int3 until Xen fills it */

    .text
    .code64
    .globl xen_hypercall
xen_hypercall:
    andl $127, %edi                     /* 128 stubs of 32 bytes in the page */
    shll $5, %edi
    leaq xen_hypercall_page(%rip), %rax
    addq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    movq %rcx, %rdx
    movq %r8, %r10
    movq %r9, %r8
    jmp *%rax

    .section .note.GNU-stack, "", @progbits
