/* cmdline.c — kernel command-line splitting (see cmdline.h). */
#include "libos/pvh/cmdline.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "libos/x86_64/pvh.h"

#define HINT_PREFIX "virtio_mmio.device="

int pvh_cmdline_parse_hint(const char *s, struct pvh_mmio_hint *h)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -EINVAL;
    uint64_t size = strtoull(s, &end, 0);
    if (*end == 'K' || *end == 'k')
        size <<= 10, end++;
    else if (*end == 'M' || *end == 'm')
        size <<= 20, end++;
    if (*end != '@' || !size || end[1] < '0' || end[1] > '9')
        return -EINVAL;
    uint64_t base = strtoull(end + 1, &end, 0);
    uint32_t irq = 0;
    if (*end == ':') {
        const char *i = end + 1;
        irq = (uint32_t)strtoul(i, &end, 0);
        if (end == i)
            return -EINVAL;
    }
    if (*end || !base)
        return -EINVAL;
    h->size = size;
    h->base = base;
    h->irq = irq;
    return 0;
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

void pvh_cmdline_copy(const struct hvm_start_info *si, char *raw, char *words, size_t len)
{
    size_t n = 0;
    if (si->cmdline_paddr && len) {
        const char *src = (const char *)(uintptr_t)si->cmdline_paddr;
        n = strnlen(src, len - 1);
        memcpy(raw, src, n);
    }
    if (len) {
        raw[n] = '\0';
        memcpy(words, raw, n + 1);
    }
}
