/*
 * plat_fake.h — the calls of the xen platform (libos/xen/xen.h) that
 * the netfront code makes, for its host unit tests and its fuzz target:
 * the grant table is the real bookkeeping (libos/xen/gnttab_core.c) on
 * pages from os_page_alloc, growing up to the frames given to
 * xen_fake_reset; event channels are numbers handed out in order, with
 * notifications counted per port.  (Guest frame numbers come from
 * netback_fake.c in the unit tests, from the fuzz target itself there.)
 * Included by test_netfront_*.c; compiled for the netfront fuzz target.
 * Test code only; single-threaded.
 */
#ifndef TESTS_XEN_PLAT_FAKE_H
#define TESTS_XEN_PLAT_FAKE_H

#include <stdint.h>

#include "libos/xen/gnttab.h"

#define XEN_FAKE_PORTS 64

extern struct gnt_table xen_fake_gnt;
extern unsigned xen_fake_notifies[XEN_FAKE_PORTS]; /* by port % XEN_FAKE_PORTS */

/* Starts an empty grant table that may grow to max_frames, and clears the
 * counters.  Returns nothing. */
void xen_fake_reset(unsigned max_frames);

/* Frees the grant frames.  Returns nothing. */
void xen_fake_fini(void);

#endif /* TESTS_XEN_PLAT_FAKE_H */
