/*
 * cpu.h — x86_64 instructions the library OS needs: port I/O, CPUID, MSRs,
 * MMIO accessors, pause/halt.  Header-only, static inline; used by
 * libos/x86_64, the platforms (libos/kvm, libos/xen) and the virtio driver.
 * None of these block (except cpu_halt_forever, which never returns).
 */
#ifndef X86_CPU_H
#define X86_CPU_H

#include <stdint.h>

/* Each returns the value read from I/O port `port`. */
static inline uint8_t cpu_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t cpu_inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t cpu_inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* Each writes `v` to I/O port `port`.  Return nothing. */
static inline void cpu_outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void cpu_outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void cpu_outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* Runs CPUID leaf/subleaf; fills r[0..3] = eax, ebx, ecx, edx. */
static inline void cpu_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

/* Returns MSR `msr`. */
static inline uint64_t cpu_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

/* Writes `v` to MSR `msr`.  Returns nothing. */
static inline void cpu_wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

/* Spin-wait hint.  Returns nothing. */
static inline void cpu_pause(void)
{
    __asm__ volatile("pause" ::: "memory");
}

/* Compiler barrier plus a full fence (device-visible ordering). */
static inline void cpu_mb(void)
{
    __asm__ volatile("mfence" ::: "memory");
}

/* MMIO accessors: one access of exactly that width.  Reads return the value. */
static inline uint8_t mmio_read8(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline uint16_t mmio_read16(uintptr_t a) { return *(volatile uint16_t *)a; }
static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline void mmio_write16(uintptr_t a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

/* Stops the CPU for good (interrupts off).  Never returns. */
static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

#endif /* X86_CPU_H */
