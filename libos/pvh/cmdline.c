/* cmdline.c — kernel command-line splitting (see cmdline.h). */
#include "libos/pvh/cmdline.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "libos/x86_64/pvh.h"

#define HINT_PREFIX "virtio_mmio.device="

/* Parses an unsigned number in C syntax at s (a digit first: no sign, no
 * blank; one beyond 64 bits reads as UINT64_MAX, which every bound below
 * refuses).  Returns 0 with *v and *end set, or -EINVAL. */
static int parse_num(const char *s, uint64_t *v, char **end)
{
    if (*s < '0' || *s > '9')
        return -EINVAL;
    *v = strtoull(s, end, 0);
    return 0;
}

int pvh_cmdline_parse_hint(const char *s, struct pvh_mmio_hint *h)
{
    char *end;
    uint64_t size, base, irq = 0;
    if (parse_num(s, &size, &end) < 0)
        return -EINVAL;
    unsigned shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20 : 0;
    if (shift) {
        if (size > PVH_MMIO_LIMIT >> shift)
            return -EINVAL;
        size <<= shift;
        end++;
    }
    if (*end != '@' || parse_num(end + 1, &base, &end) < 0)
        return -EINVAL;
    if (*end == ':' && (parse_num(end + 1, &irq, &end) < 0 || irq > UINT32_MAX))
        return -EINVAL;
    /* A device's registers take 0x100 bytes; all of it must be mapped. */
    if (*end || !base || size < PVH_MMIO_MIN_SIZE || base > PVH_MMIO_LIMIT ||
        size > PVH_MMIO_LIMIT - base)
        return -EINVAL;
    h->size = size;
    h->base = base;
    h->irq = (uint32_t)irq;
    return 0;
}

bool pvh_magic_is_text(uint32_t magic)
{
    for (int i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)(magic >> (8 * i));
        if (c < 0x20 || c > 0x7e)
            return false;
    }
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct pvh_cmdline_result pvh_cmdline_split(char *buf, char *prog, char **argv, int max_args,
                                            struct pvh_mmio_hint *hints, unsigned max_hints)
{
    struct pvh_cmdline_result r = { 0 };
    if (max_args > 0)
        argv[r.argc++] = prog;
    char *rd = buf, *wr = buf;
    while (*rd) {
        while (is_blank(*rd))
            rd++;
        if (!*rd)
            break;
        char *start = wr;
        bool quoted = false;
        while (*rd && (quoted || !is_blank(*rd))) {
            if (*rd == '"')
                quoted = !quoted;
            else
                *wr++ = *rd;
            rd++;
        }
        if (*rd)
            rd++; /* the blank after the word; the write cursor lags behind */
        *wr++ = '\0';
        if (!strncmp(start, HINT_PREFIX, sizeof HINT_PREFIX - 1)) {
            if (r.n_hints < max_hints &&
                !pvh_cmdline_parse_hint(start + sizeof HINT_PREFIX - 1, &hints[r.n_hints]))
                r.n_hints++;
            else
                r.bad_hints++;
        } else if (r.argc < max_args) {
            argv[r.argc++] = start;
        } else {
            r.dropped_words++;
        }
    }
    argv[r.argc < 0 ? 0 : r.argc] = NULL;
    return r;
}

int pvh_cmdline_copy(const struct hvm_start_info *si, char *raw, char *words, size_t len)
{
    if (!len)
        return -E2BIG;
    raw[0] = words[0] = '\0';
    if (!si->cmdline_paddr)
        return 0;
    const char *src = (const char *)(uintptr_t)si->cmdline_paddr;
    size_t n = strnlen(src, len);
    if (n == len)
        return -E2BIG;
    memcpy(raw, src, n + 1);
    memcpy(words, src, n + 1);
    return 0;
}
