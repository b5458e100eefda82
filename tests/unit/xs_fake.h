/*
 * xs_fake.h — a xenstored played in host memory for the xen unit tests
 * (test_xen_xs.c, test_netfront_xs.c): the server side of the xenstore ring
 * (libos/xen/xs_ring.h) over a struct xenstore_domain_interface in plain
 * memory, a small tree of nodes, watches, transactions, and knobs to
 * misbehave the ways a real daemon or a hostile one could.
 *
 * The client under test gets xs_fake_transport(): notify serves the
 * requests written so far; wait advances the fake clock by 1 ms (never past
 * the deadline), runs the test's on_wait hook (e.g. a netback playing its
 * part of the handshake), and serves again.  Paths are stored absolute;
 * relative ones are taken relative to /local/domain/XS_FAKE_DOMID.  Writes
 * in a transaction apply at once (no isolation); xs_fake.conflicts makes
 * that many commits fail with EAGAIN.  Single-threaded test code.
 */
#ifndef TESTS_XS_FAKE_H
#define TESTS_XS_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "libos/xen/xen_abi.h"
#include "libos/xen/xs.h"

#define XS_FAKE_DOMID 7
#define XS_FAKE_NODES 256
#define XS_FAKE_WATCHES 48

struct xs_fake_node {
    char *path;                 /* absolute; NULL = free */
    char *value;
};

struct xs_fake_watch {
    char path[256];             /* as registered */
    char abs[256];              /* absolute form */
    char token[64];
    bool used;
};

struct xs_fake {
    struct xenstore_domain_interface ring;
    struct xs_fake_node nodes[XS_FAKE_NODES];
    struct xs_fake_watch watches[XS_FAKE_WATCHES];
    uint8_t in[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX]; /* request bytes */
    uint32_t in_len;
    uint8_t out[1 << 16];       /* responses waiting for ring space */
    uint32_t out_len;
    uint32_t next_tx;
    uint64_t now;               /* ns */
    unsigned requests;          /* requests served */
    unsigned conflicts;         /* commits still to fail with EAGAIN */
    bool silent;                /* read requests, never answer */
    bool stale_reply;           /* answer the next request twice: wrong id first */
    unsigned chunk;             /* put at most this many bytes per serve (0: all) */
    void (*on_wait)(struct xs_fake *f, void *arg);
    void *arg;
};

/* Empties the fake (no nodes, no watches, clock at 1 s).  Returns nothing. */
void xs_fake_init(struct xs_fake *f);

/* Frees the nodes.  Returns nothing. */
void xs_fake_fini(struct xs_fake *f);

/* Returns the transport a client under test uses with this fake. */
struct xs_transport xs_fake_transport(struct xs_fake *f);

/* Serves every complete request in the request ring and moves queued
 * responses into the response ring.  Returns nothing. */
void xs_fake_serve(struct xs_fake *f);

/* Returns the value at `path` (absolute or relative), or NULL. */
const char *xs_fake_get(struct xs_fake *f, const char *path);

/* Sets `path` to `value` as another domain would (fires watches).  Returns
 * nothing. */
void xs_fake_set(struct xs_fake *f, const char *path, const char *value);

/* Removes `path` and everything below it (fires watches).  Returns
 * nothing. */
void xs_fake_rm(struct xs_fake *f, const char *path);

/* Queues raw bytes as if the daemon had written them.  Returns nothing. */
void xs_fake_queue_raw(struct xs_fake *f, const void *data, uint32_t len);

#endif /* TESTS_XS_FAKE_H */
