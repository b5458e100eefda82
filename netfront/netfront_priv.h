/*
 * netfront_priv.h — netfront's state, shared by its data path (netfront.c)
 * and control path (netfront_xs.c) only.
 *
 * A struct netfront is one vif; it owns its queues.  A queue owns two ring
 * pages (granted to the backend), one or two event channels, and the
 * packets it has posted (RX: one per outstanding request, indexed by ring
 * position, which netback's rx-copy answers in order) or sent (TX: one per
 * outstanding request, indexed by request id from a free-id stack).  A
 * packet whose grant cannot be revoked (the backend still maps it) is never
 * reused: it is counted in `leaked` and left out of the pool.
 */
#ifndef NETFRONT_NETFRONT_PRIV_H
#define NETFRONT_NETFRONT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "libos/xen/xen_abi.h"
#include "netfront/netfront.h"
#include "netfront/netif.h"

#define NF_TX_WAIT_NS 100000ull /* at most 100 us for a full TX ring */

/* Counters of one queue (also summed in the close log line). */
struct nf_qstats {
    uint64_t rx, tx;               /* frames through this queue */
    uint64_t csum_completed;       /* checksum-blank frames completed */
    uint64_t bad_rsp;              /* malformed responses (also rx/tx_errors) */
    uint64_t leaked;               /* pages the backend kept mapped */
    uint64_t tx_full;              /* TX ring still full after the bounded wait */
    uint64_t no_buffers;           /* RX refills the pool could not serve */
};

struct nf_queue {
    struct netfront *nf;
    unsigned index;
    struct netif_tx_sring *tx;     /* ring pages (NULL: not set up) */
    struct netif_rx_sring *rx;
    grant_ref_t tx_ref, rx_ref;    /* their grants */
    uint32_t evtchn_tx, evtchn_rx; /* equal without split event channels */
    bool broken;                   /* impossible indexes seen: queue stopped */

    uint32_t tx_prod, tx_cons;     /* our private req_prod and rsp_cons */
    struct pkt *tx_pkt[NETIF_TX_RING_SIZE];   /* by request id */
    grant_ref_t tx_gref[NETIF_TX_RING_SIZE];
    uint16_t tx_ids[NETIF_TX_RING_SIZE];      /* free ids (stack) */
    unsigned tx_nfree;

    uint32_t rx_prod, rx_cons;
    struct pkt *rx_pkt[NETIF_RX_RING_SIZE];   /* by ring position */
    grant_ref_t rx_gref[NETIF_RX_RING_SIZE];
    unsigned rx_target;            /* buffers to keep posted */
    uint8_t rx_skip;               /* NF_SKIP_*: rest of a frame being dropped */
    bool rx_skip_more;             /* a data continuation follows the extras */

    struct nf_qstats st;
};

enum nf_skip { NF_SKIP_NONE = 0, NF_SKIP_EXTRA = 1, NF_SKIP_DATA = 2 };

/* Where the control path is (netfront_xs.c). */
enum nf_state {
    NF_DETACHED = 0,    /* no rings; waiting for a backend in InitWait */
    NF_CONNECTING,      /* rings published, frontend Connected; backend not yet */
    NF_CONNECTED,       /* data path running, link up */
    NF_CLOSING,         /* rings stopped, frontend Closed; backend not Closed yet */
};

struct netfront {
    struct netdev nd;
    unsigned devid;
    char fe_path[32];              /* "device/vif/N" */
    char be_path[96];              /* the backend's directory */
    uint16_t backend_id;
    unsigned want_queues;          /* queues=Q, 0 = what the backend offers */
    unsigned n_queues;
    bool split;                    /* split event channels in use */
    struct nf_queue *q[NETFRONT_MAX_QUEUES];
    unsigned rx_next;              /* queue RX polling starts at */
    enum nf_state state;
    uint64_t state_deadline;       /* NF_CONNECTING / NF_CLOSING give up then */
    int watch_fe, watch_be;        /* xenstore watch ids, -1 = none */
    bool connect_failed;           /* this backend refused us: wait for a new one */
    uint64_t reconnects;
};

/* ---- data path (netfront.c) ---- */

/* Allocates queue i's rings and event channels and posts its RX buffers.
 * Returns 0 or a negative errno (the queue is freed again). */
int nf_queue_create(struct netfront *nf, unsigned i);

/* Revokes every grant of queue i, frees its packets, ring pages and event
 * channels (what the backend still maps is leaked, counted).  Returns
 * nothing. */
void nf_queue_destroy(struct netfront *nf, unsigned i);

/* Returns the sum of the counters of every queue. */
struct nf_qstats nf_stats(const struct netfront *nf);

/* ---- control path (netfront_xs.c) ---- */

/* netdev_class.open: "N[,queues=Q]".  Returns 0 and sets *out, or a
 * negative errno (logged). */
int nf_open(const char *arg, struct pkt_pool *pool, struct netdev **out);

/* netdev_class.poll_link: runs the state machine on xenstore events.
 * Returns true when the link changed. */
bool nf_poll_link(struct netdev *nd);

/* netdev_class.close: Closing, Closed, grants revoked.  Returns nothing. */
void nf_close(struct netdev *nd);

#endif /* NETFRONT_NETFRONT_PRIV_H */
