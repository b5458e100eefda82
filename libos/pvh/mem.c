/* mem.c — page allocator and heap of the PVH targets (see mem.h). */
#include "libos/pvh/mem.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "libos/x86_64/cpu.h"
#include "os/log.h"
#include "os/mem.h"

#define MEM_LIMIT 0x100000000ull /* identity-mapped by boot.S */
#define HEAP_MIN_SHIFT 4         /* 16 bytes */
#define HEAP_CLASSES 8           /* 16 .. 2048 */
#define HEAP_LARGE 0xffu
#define HEAP_MAGIC 0x51c3a110u
#define HEAP_DEAD 0xdeadb10cu

extern char __image_end[];

/* A freed page extent, stored in its own first bytes. */
struct mem_extent {
    size_t bytes;
    struct mem_extent *next;
};

/* Header in front of every heap block (16 bytes: keeps 16-byte alignment). */
struct heap_hdr {
    uint32_t magic;
    uint32_t cls;            /* size class, or HEAP_LARGE */
    uint64_t bytes;          /* usable bytes of the block */
};
_Static_assert(sizeof(struct heap_hdr) == 16, "heap header");

static uintptr_t arena_next, arena_end, arena_start;
static struct mem_extent *free_extents;
static struct heap_hdr *heap_free[HEAP_CLASSES]; /* free blocks (header first) */
static struct mem_stats stats;

/* Returns the usable range [*lo, *hi) of CMOS's memory size, for a loader
 * without a memory map. */
static void mem_cmos_range(uint64_t *lo, uint64_t *hi)
{
    cpu_outb(0x70, 0x34);
    uint64_t above16 = cpu_inb(0x71);
    cpu_outb(0x70, 0x35);
    above16 |= (uint64_t)cpu_inb(0x71) << 8;
    cpu_outb(0x70, 0x30);
    uint64_t above1 = cpu_inb(0x71);
    cpu_outb(0x70, 0x31);
    above1 |= (uint64_t)cpu_inb(0x71) << 8;
    *lo = 0x100000;
    *hi = above16 ? 0x1000000 + (above16 << 16) : 0x100000 + (above1 << 10);
}

int mem_pick_range(const struct hvm_start_info *si, uint64_t floor, uint64_t limit,
                   uint64_t *out_lo, uint64_t *out_hi, uint64_t *ram)
{
    uint64_t best_lo = 0, best_hi = 0;
    const struct hvm_memmap_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
    unsigned n = si->version >= 1 && si->memmap_paddr ? si->memmap_entries : 0;
    *ram = 0;
    floor = (floor + OS_PAGE_SIZE - 1) & ~(uint64_t)(OS_PAGE_SIZE - 1);
    for (unsigned i = 0; i < n; i++) {
        if (e[i].type != HVM_MEMMAP_RAM || e[i].size == 0 || e[i].addr + e[i].size < e[i].addr)
            continue;
        uint64_t lo = e[i].addr, hi = e[i].addr + e[i].size;
        *ram += e[i].size;
        if (lo < floor)
            lo = floor;
        if (hi > limit)
            hi = limit;
        hi &= ~(uint64_t)(OS_PAGE_SIZE - 1);
        if (hi > lo && hi - lo > best_hi - best_lo) {
            best_lo = lo;
            best_hi = hi;
        }
    }
    *out_lo = best_lo;
    *out_hi = best_hi;
    return best_hi > best_lo ? 0 : -ENOMEM;
}

void mem_arena_init(uintptr_t lo, uintptr_t hi)
{
    arena_start = arena_next = lo;
    arena_end = hi;
    free_extents = NULL;
    memset(heap_free, 0, sizeof heap_free);
    stats.arena_bytes = hi - lo;
    stats.bad_frees = 0;
}

int mem_init(const struct hvm_start_info *si)
{
    uint64_t floor = (uintptr_t)__image_end, lo, hi, ram;
    int rc = mem_pick_range(si, floor, MEM_LIMIT, &lo, &hi, &ram);
    if (rc && !(si->version >= 1 && si->memmap_entries)) {
        mem_cmos_range(&lo, &hi); /* a loader without a memory map */
        ram = hi;
        floor = (floor + OS_PAGE_SIZE - 1) & ~(uint64_t)(OS_PAGE_SIZE - 1);
        lo = lo < floor ? floor : lo;
        hi = hi > MEM_LIMIT ? MEM_LIMIT : hi & ~(uint64_t)(OS_PAGE_SIZE - 1);
        rc = hi > lo ? 0 : -ENOMEM;
    }
    if (rc)
        return rc;
    mem_arena_init((uintptr_t)lo, (uintptr_t)hi);
    stats.ram_bytes = ram;
    return 0;
}

void mem_arena_range(uintptr_t *lo, uintptr_t *hi)
{
    *lo = arena_start;
    *hi = arena_end;
}

void mem_get_stats(struct mem_stats *st)
{
    *st = stats;
    st->used_bytes = arena_next - arena_start;
}

/* Returns bytes rounded up to whole pages, or 0 on overflow / zero. */
static size_t mem_round(size_t bytes)
{
    if (bytes == 0 || bytes > SIZE_MAX - (OS_PAGE_SIZE - 1))
        return 0;
    return (bytes + OS_PAGE_SIZE - 1) & ~(size_t)(OS_PAGE_SIZE - 1);
}

/* Returns `size` rounded pages from the freed extents (first fit), or NULL. */
static void *mem_take_extent(size_t size)
{
    for (struct mem_extent **pp = &free_extents; *pp; pp = &(*pp)->next) {
        struct mem_extent *x = *pp;
        if (x->bytes < size)
            continue;
        if (x->bytes == size) {
            *pp = x->next;
        } else {
            struct mem_extent *rest = (struct mem_extent *)((char *)x + size);
            rest->bytes = x->bytes - size;
            rest->next = x->next;
            *pp = rest;
        }
        return x;
    }
    return NULL;
}

void *os_page_alloc(size_t bytes)
{
    size_t size = mem_round(bytes);
    if (size == 0)
        return NULL;
    void *p = mem_take_extent(size);
    if (!p) {
        if (size > arena_end - arena_next)
            return NULL;
        p = (void *)arena_next;
        arena_next += size;
    }
    return memset(p, 0, size);
}

void os_page_free(void *p, size_t bytes)
{
    size_t size = mem_round(bytes);
    uintptr_t a = (uintptr_t)p;
    if (!p || size == 0)
        return;
    if (a < arena_start || a + size > arena_next || (a & (OS_PAGE_SIZE - 1))) {
        stats.bad_frees++;
        return;
    }
    if (a + size == arena_next) { /* the last allocation: give it back */
        arena_next = a;
        return;
    }
    struct mem_extent *x = p;
    x->bytes = size;
    x->next = free_extents;
    free_extents = x;
}

/* Returns the size class for `size` bytes, or -1 when it is a large block. */
static int heap_class(size_t size)
{
    for (int c = 0; c < HEAP_CLASSES; c++)
        if (size <= (size_t)1 << (c + HEAP_MIN_SHIFT))
            return c;
    return -1;
}

/* Carves one page into free blocks of class c.  Returns 0 or -ENOMEM. */
static int heap_refill(int c)
{
    size_t block = ((size_t)1 << (c + HEAP_MIN_SHIFT)) + sizeof(struct heap_hdr);
    char *page = os_page_alloc(OS_PAGE_SIZE);
    if (!page)
        return -ENOMEM;
    for (size_t off = 0; off + block <= OS_PAGE_SIZE; off += block) {
        struct heap_hdr *h = (struct heap_hdr *)(page + off);
        h->magic = HEAP_DEAD;
        h->cls = (uint32_t)c;
        h->bytes = (uint64_t)1 << (c + HEAP_MIN_SHIFT);
        *(struct heap_hdr **)(h + 1) = heap_free[c];
        heap_free[c] = h;
    }
    return 0;
}

void *os_malloc(size_t size)
{
    int c = heap_class(size ? size : 1);
    struct heap_hdr *h;
    if (c < 0) {
        if (size > SIZE_MAX - sizeof *h - OS_PAGE_SIZE)
            return NULL;
        h = os_page_alloc(size + sizeof *h);
        if (!h)
            return NULL;
        h->cls = HEAP_LARGE;
        h->bytes = mem_round(size + sizeof *h) - sizeof *h;
    } else {
        if (!heap_free[c] && heap_refill(c))
            return NULL;
        h = heap_free[c];
        heap_free[c] = *(struct heap_hdr **)(h + 1);
    }
    h->magic = HEAP_MAGIC;
    return h + 1;
}

void *os_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t total = n * size;
    void *p = os_malloc(total);
    /* a large block comes straight from os_page_alloc, which zeroed it */
    if (p && heap_class(total ? total : 1) >= 0)
        memset(p, 0, total ? total : 1);
    return p;
}

/* Returns the header of a live heap block, or NULL (counted) for anything
 * else. */
static struct heap_hdr *heap_check(void *p)
{
    uintptr_t a = (uintptr_t)p;
    if (a < arena_start + sizeof(struct heap_hdr) || a >= arena_next || (a & 15)) {
        stats.bad_frees++;
        return NULL;
    }
    struct heap_hdr *h = (struct heap_hdr *)p - 1;
    if (h->magic != HEAP_MAGIC || (h->cls >= HEAP_CLASSES && h->cls != HEAP_LARGE)) {
        stats.bad_frees++;
        return NULL;
    }
    return h;
}

void os_free(void *p)
{
    if (!p)
        return;
    struct heap_hdr *h = heap_check(p);
    if (!h) {
        os_log(OS_LOG_ERR, "mem", "os_free(%p): not a live heap block; ignored", p);
        return;
    }
    h->magic = HEAP_DEAD;
    if (h->cls == HEAP_LARGE) {
        os_page_free(h, h->bytes + sizeof *h);
        return;
    }
    *(struct heap_hdr **)(h + 1) = heap_free[h->cls];
    heap_free[h->cls] = h;
}

void *os_realloc(void *p, size_t size)
{
    if (!p)
        return os_malloc(size);
    struct heap_hdr *h = heap_check(p);
    if (!h)
        return NULL;
    if (size <= h->bytes && size > 0)
        return p;
    void *n = os_malloc(size);
    if (!n)
        return NULL;
    memcpy(n, p, h->bytes < size ? h->bytes : size);
    os_free(p);
    return n;
}

char *os_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = os_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
