/*
 * xs.h — a xenstore client over the shared ring (xs_wire.h protocol).
 *
 * The client sends one request at a time and waits for its reply; watch
 * events that arrive meanwhile (or whenever xs_poll runs) only mark their
 * watch as fired, so nothing queues without bound: the owner of a watch
 * tests-and-clears the flag (xs_watch_fired) and re-reads what it cares
 * about.  Every wait — ring space for a request, the reply — is bounded by
 * XS_TIMEOUT_NS and ends with one clear log line and -ETIMEDOUT; a reply
 * that comes after its request gave up is recognised by its req_id and
 * dropped.
 *
 * Bad input from xenstored (an index pair out of range, a header longer
 * than XENSTORE_PAYLOAD_MAX, a reply of the wrong type, a malformed watch
 * event) is counted; a corrupt ring or an oversized header leaves the byte
 * stream unusable, so the client marks itself broken (logged once) and
 * every later call fails with -EIO instead of parsing garbage.
 *
 * Paths are absolute ("/local/domain/0/backend/...") or relative to the
 * domain's home ("device/vif/0/state"), as xenstored allows.  Values are
 * byte strings; the read helpers NUL-terminate them.
 *
 * Pure code: the platform supplies the transport (notify xenstored, wait
 * for an event with a deadline, the clock): libos/xen/xs_plat.c on the xen
 * target, a simulated xenstored in tests/unit/test_xen_xs.c.  Single
 * threaded; never called from an interrupt handler.
 */
#ifndef XEN_XS_H
#define XEN_XS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libos/xen/xen_abi.h"

#define XS_TIMEOUT_NS (3ull * 1000000000ull) /* per request */
#define XS_MAX_WATCHES 40 /* 2 per vif (16 at most) and the control node */
#define XS_TOKEN_MAX 24

struct xs_transport {
    /* Tells xenstored that the request ring has data.  Returns nothing. */
    void (*notify)(void *arg);
    /* Waits for an event or until `deadline_ns` (may return early).
     * Returns nothing. */
    void (*wait)(void *arg, uint64_t deadline_ns);
    /* Returns the monotonic time in ns. */
    uint64_t (*now)(void *arg);
    void *arg;
};

struct xs_stats {
    uint64_t requests, replies, errors;  /* errors: XS_ERROR replies */
    uint64_t timeouts;                   /* requests that got no reply in time */
    uint64_t stale;                      /* replies to a request that gave up */
    uint64_t events;                     /* watch events matched to a watch */
    uint64_t bad;                        /* malformed messages / unknown tokens */
};

struct xs_watch_slot {
    char token[XS_TOKEN_MAX];            /* "" = free */
    bool fired;
};

struct xs_client {
    struct xenstore_domain_interface *ring;
    struct xs_transport tp;
    uint32_t next_req_id;
    bool broken;                         /* byte stream lost: every call -EIO */
    struct xsd_sockmsg rx_hdr;           /* message being received */
    uint32_t rx_have;                    /* bytes of header + payload received */
    char rx_body[XENSTORE_PAYLOAD_MAX + 1];
    struct xs_watch_slot watches[XS_MAX_WATCHES];
    struct xs_stats stats;
};

/* Sets up `c` over `ring` with transport `tp`.  Returns nothing. */
void xs_client_init(struct xs_client *c, struct xenstore_domain_interface *ring,
                    const struct xs_transport *tp);

/* Reads `path` into buf (NUL-terminated).  Returns the value's length, or
 * -ENOENT, -E2BIG (longer than len - 1), -ETIMEDOUT, -EIO, or another
 * xenstored error as a negative errno. */
int xs_read(struct xs_client *c, uint32_t tx, const char *path, char *buf, size_t len);

/* Reads `path` as an unsigned decimal number.  Returns 0 and sets *val, or
 * -EINVAL when the value is not a number, or xs_read's errors. */
int xs_read_uint(struct xs_client *c, uint32_t tx, const char *path, unsigned long *val);

/* Writes `value` at `path` (created if absent).  Returns 0 or a negative
 * errno. */
int xs_write(struct xs_client *c, uint32_t tx, const char *path, const char *value);

/* Writes the unsigned number `val` in decimal at `path`.  Returns 0 or a
 * negative errno. */
int xs_write_uint(struct xs_client *c, uint32_t tx, const char *path, unsigned long val);

/* Removes `path` and its children.  Returns 0 or a negative errno. */
int xs_rm(struct xs_client *c, uint32_t tx, const char *path);

/* Lists the children of `path` into buf as NUL-separated names.  Returns
 * the number of names (sets *used to the bytes stored), or a negative
 * errno (-E2BIG when they do not fit). */
int xs_directory(struct xs_client *c, uint32_t tx, const char *path, char *buf, size_t len,
                 size_t *used);

/* Starts a transaction.  Returns 0 and sets *tx, or a negative errno. */
int xs_transaction_start(struct xs_client *c, uint32_t *tx);

/* Commits (commit = true) or aborts transaction tx.  Returns 0, -EAGAIN
 * when another writer conflicted (start again), or a negative errno. */
int xs_transaction_end(struct xs_client *c, uint32_t tx, bool commit);

/* Watches `path` (and its subtree) under `token`.  xenstored fires the
 * watch once at registration.  Returns the watch id (>= 0) for
 * xs_watch_fired/xs_unwatch, -ENOSPC when XS_MAX_WATCHES are in use,
 * -EINVAL for a token that is empty, too long or already used, or the
 * request's error. */
int xs_watch(struct xs_client *c, const char *path, const char *token);

/* Removes watch `id` on `path`.  Returns 0 or a negative errno (the slot is
 * freed either way). */
int xs_unwatch(struct xs_client *c, int id, const char *path);

/* Returns true (and clears the flag) when watch `id` fired since the last
 * call. */
bool xs_watch_fired(struct xs_client *c, int id);

/* Takes every complete message waiting in the ring without blocking (watch
 * events mark their watch; stray replies are dropped).  Returns the number
 * of messages taken, or -EIO when the client is broken. */
int xs_poll(struct xs_client *c);

/* Waits for something from xenstored (a watch event, or any event of the
 * platform) or until `deadline_ns`, then takes what came (xs_poll).
 * Returns nothing. */
void xs_wait(struct xs_client *c, uint64_t deadline_ns);

/* Returns the transport's monotonic time in ns. */
uint64_t xs_now(struct xs_client *c);

/* Returns the negative errno for a xenstored error name ("ENOENT"), -EIO
 * for an unknown one.  Pure; exposed for the fuzz target. */
int xs_error_to_errno(const char *name, size_t len);

#endif /* XEN_XS_H */
