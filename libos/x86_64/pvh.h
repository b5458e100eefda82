/*
 * pvh.h — the PVH boot ABI: struct hvm_start_info and its memory map, as
 * defined by Xen's public/arch-x86/hvm/start_info.h (version 1).  The
 * loader (QEMU, Firecracker, Xen) puts the structure in guest memory and
 * passes its physical address in %ebx to the entry named by the ELF note.
 * All addresses are guest-physical (identity-mapped by boot.S).
 * Shared by the kvm and xen targets.
 */
#ifndef X86_PVH_H
#define X86_PVH_H

#include <stdint.h>

#define HVM_START_MAGIC 0x336ec578u
#define HVM_MEMMAP_RAM 1u

struct hvm_start_info {
    uint32_t magic;          /* HVM_START_MAGIC */
    uint32_t version;        /* 0 or 1 (1 adds the memory map) */
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;  /* NUL-terminated command line, or 0 */
    uint64_t rsdp_paddr;     /* ACPI RSDP, or 0 */
    uint64_t memmap_paddr;   /* version >= 1: struct hvm_memmap_entry[] */
    uint32_t memmap_entries;
    uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info layout");

struct hvm_memmap_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;           /* HVM_MEMMAP_RAM = usable RAM (E820 types) */
    uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_memmap_entry) == 24, "hvm_memmap_entry layout");

#endif /* X86_PVH_H */
