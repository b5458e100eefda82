/*
 * xs_ring.h — byte streams over the xenstore shared page
 * (struct xenstore_domain_interface): the request ring we produce and
 * xenstored consumes, and the response ring it produces and we consume.
 *
 * Each ring is XENSTORE_RING_SIZE bytes with free-running 32-bit indexes
 * (prod - cons = bytes in flight).  The other side is another domain, so
 * every index it writes is untrusted: an index pair with more than a ring's
 * worth in flight is reported as -EIO and nothing is copied.  Barriers order
 * the data against the index as xs_wire.h requires.
 *
 * Pure code (no hypercalls): the platform (xs.c) notifies xenstored after a
 * put; tests/unit/test_xen_xs.c runs a xenstored side over a page in host
 * memory.  Single producer and single consumer per ring; not reentrant.
 */
#ifndef XEN_XS_RING_H
#define XEN_XS_RING_H

#include <stdint.h>

#include "libos/xen/xen_abi.h"

/* Copies up to `len` bytes of `data` into the request ring.  Returns the
 * bytes copied (0 when the ring is full), or -EIO when the indexes are
 * corrupt (nothing copied). */
int xs_ring_put(struct xenstore_domain_interface *x, const void *data, uint32_t len);

/* Copies up to `len` bytes out of the response ring into `buf`.  Returns
 * the bytes copied (0 when empty), or -EIO when the indexes are corrupt. */
int xs_ring_get(struct xenstore_domain_interface *x, void *buf, uint32_t len);

/* Returns the bytes waiting in the response ring (clamped to the ring
 * size; xs_ring_get reports corruption). */
uint32_t xs_ring_rsp_avail(const struct xenstore_domain_interface *x);

#endif /* XEN_XS_RING_H */
