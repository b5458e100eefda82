/*
 * boot.S — the PVH entry point of the unikernel image.
 *
 * The image is an ELF linked at 1 MiB and loaded at that physical address.
 * The Xen ELF note XEN_ELFNOTE_PHYS32_ENTRY (type 18) names `pvh_start32`;
 * QEMU (`-kernel` on -M microvm and -M q35), Firecracker and Xen enter
 * there in 32-bit protected mode, paging off, with %ebx holding the
 * physical address of struct hvm_start_info.
 *
 * This file: zeroes .bss, builds identity page tables for the first 4 GiB
 * with 2 MiB pages (the last GiB, where MMIO lives, uncached), enables SSE
 * (CR0.MP, CR4.OSFXSR|OSXMMEXCPT: the portable C code is compiled with the
 * compiler's default x86_64 ISA, SSE2 included), PAE, long mode and paging,
 * loads a flat GDT, draws the stack protector's canary (ssp_init, ssp.h) and
 * calls plat_start(start_info) (libos/pvh/plat.h) in 64-bit mode on a 64 KiB
 * boot stack.  plat_start never returns; if it did, the CPU halts.
 *
 * These tables only serve the first steps of plat_start: the platform then
 * replaces them with paging.c's (W^X, 4 KiB-granular, page 0 unmapped), which
 * also unmaps `boot_stack_guard`, the page below the boot stack, so that a
 * stack overflow faults instead of overwriting .bss.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define PD_ENTRIES 2048                 /* 4 GiB of 2 MiB pages */
#define PG_PRESENT_RW 0x3
#define PG_LARGE 0x80
#define PG_UNCACHED 0x18                /* PWT | PCD */

    .section .note.Xen, "a"
    .p2align 2
    .long 4                             /* namesz: "Xen\0" */
    .long 4                             /* descsz */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .p2align 2
    .long pvh_start32

    .section .text.boot, "ax"
    .code32
    .globl pvh_start32
pvh_start32:
    cli
    cld
    movl %ebx, %esi                     /* hvm_start_info, kept in %esi */
    rdtsc                               /* entry timestamp for boot timing */
    movl %eax, boot_tsc
    movl %edx, boot_tsc + 4

    movl $__bss_start, %edi            /* page-aligned both ends */
    movl $__bss_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl

    /* PML4[0] -> PDPT; PDPT[0..3] -> the four page directories. */
    movl $boot_pdpt + PG_PRESENT_RW, boot_pml4
    movl $boot_pd + PG_PRESENT_RW, %eax
    movl $boot_pdpt, %edx
    movl $4, %ecx
1:  movl %eax, (%edx)
    addl $4096, %eax
    addl $8, %edx
    loop 1b

    /* PD entries: identity 2 MiB pages; from 3 GiB on, uncached. */
    movl $boot_pd, %edx
    movl $PG_PRESENT_RW + PG_LARGE, %eax
    movl $PD_ENTRIES, %ecx
2:  movl %eax, (%edx)
    cmpl $0xc0000000, %eax
    jb 3f
    orl $PG_UNCACHED, (%edx)
3:  addl $0x200000, %eax
    addl $8, %edx
    loop 2b

    movl %cr4, %eax
    orl $(1 << 5) | (1 << 9) | (1 << 10), %eax   /* PAE, OSFXSR, OSXMMEXCPT */
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx              /* EFER */
    rdmsr
    orl $(1 << 8), %eax                 /* LME */
    wrmsr
    movl %cr0, %eax
    andl $~((1 << 2) | (1 << 30) | (1 << 29)), %eax   /* no EM, caches on */
    orl $(1 << 31) | (1 << 16) | (1 << 1) | (1 << 0), %eax /* PG, WP, MP, PE */
    movl %eax, %cr0
    lgdt boot_gdt_ptr
    ljmp $0x08, $start64

    .code64
start64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    fninit
    movq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl %esi, %ebx                     /* callee-saved across ssp_init */
    call ssp_init
    movl %ebx, %edi                     /* zero-extends: arg 1 = start info */
    call plat_start
4:  cli
    hlt
    jmp 4b

    .section .rodata
    .p2align 3
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff            /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .data
    .p2align 3
    .globl boot_tsc
boot_tsc:
    .quad 0

    .section .bss
    .p2align 12
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4096 * 4

    .section .stack, "aw", @nobits
    .p2align 12
    .globl boot_stack_guard, boot_stack_top
boot_stack_guard:                       /* unmapped by paging.c */
    .skip 4096
boot_stack:
    .skip 65536
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
