/*
 * cmdline.h — splitting the kernel command line (pure code; used by the
 * start code of every PVH target, unit-tested and fuzzed on the host).
 *
 * Words are separated by blanks (space, tab, newline); a double quote
 * starts or ends a quoted run in which blanks do not split, and is itself
 * removed ("--flows=\"a b\"" is one word --flows=a b).  Words of the form
 * `virtio_mmio.device=SIZE@ADDR[:IRQ]` (SIZE with an optional K or M
 * suffix; numbers in C syntax) are taken out as device hints.  Malformed
 * hints, hints beyond the array and words beyond the argument array are
 * dropped and counted, never stored out of bounds.  A hint is malformed
 * unless its whole region lies below 4 GiB (the boot code maps only that;
 * above it the probe would fault), it is at least the 0x100 bytes of a
 * device's registers, and every number fits (no wrap-around).
 */
#ifndef PVH_CMDLINE_H
#define PVH_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PVH_MAX_ARGS 128
#define PVH_MAX_MMIO_HINTS 32
#define PVH_MMIO_LIMIT (1ull << 32)   /* hints must end at or below 4 GiB */
#define PVH_MMIO_MIN_SIZE 0x100u      /* a virtio-mmio register block */

/* A virtio-mmio device named on the command line (only the kvm target uses
 * them; on Xen there are none). */
struct pvh_mmio_hint {
    uint64_t base;
    uint64_t size;
    uint32_t irq;
};

struct pvh_cmdline_result {
    int argc;               /* words stored in argv (argv[argc] = NULL) */
    unsigned n_hints;       /* hints stored */
    unsigned dropped_words; /* words that did not fit */
    unsigned bad_hints;     /* malformed hints, or hints that did not fit */
};

/* Splits `buf` in place.  argv[0] is set to `prog`; at most max_args words
 * including it are stored, followed by NULL (argv has max_args + 1 slots).
 * Returns the counts. */
struct pvh_cmdline_result pvh_cmdline_split(char *buf, char *prog, char **argv, int max_args,
                                            struct pvh_mmio_hint *hints, unsigned max_hints);

/* Parses "SIZE@ADDR[:IRQ]".  Returns 0 and fills *h, or -EINVAL. */
int pvh_cmdline_parse_hint(const char *s, struct pvh_mmio_hint *h);

struct hvm_start_info;

/* Copies the command line of `si` (empty when it has none) into `raw` and
 * into `words` (the copy pvh_cmdline_split then cuts in place), each `len`
 * bytes.  Returns 0, or -E2BIG when the line has len or more characters
 * (both copies are then left empty): the image must refuse to boot rather
 * than run a truncated configuration. */
int pvh_cmdline_copy(const struct hvm_start_info *si, char *raw, char *words, size_t len);

/* Returns true when a start_info magic word is four printable ASCII bytes:
 * QEMU's PVH loader writes a command line longer than its room over the
 * hvm_start_info that follows it, so such a magic means "command line too
 * long", not a broken loader. */
bool pvh_magic_is_text(uint32_t magic);

#endif /* PVH_CMDLINE_H */
