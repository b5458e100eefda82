/*
 * netfront.c — netfront's data path (see netfront.h): the queues' rings,
 * zero-copy RX and TX, checksum completion, wake-up arming.  The xenstore
 * side is netfront_xs.c.
 *
 * Ring discipline (io/ring.h): we publish requests by advancing req_prod
 * behind a release barrier and notify the backend only when it asked
 * (req_event passed); we read rsp_prod with acquire ordering and copy each
 * response out before looking at it.  Our rsp_event is left alone while
 * busy polling (no notifications), and set to "the next response" by
 * arm_rx_wakeup before the domain sleeps.
 */
#include <errno.h>
#include <string.h>

#include "libos/common/offload.h"
#include "libos/xen/xen.h"
#include "netfront/netfront_priv.h"
#include "os/clock.h"
#include "os/log.h"
#include "os/mem.h"

#define TX_MASK (NETIF_TX_RING_SIZE - 1)
#define RX_MASK (NETIF_RX_RING_SIZE - 1)
#define RX_TARGET_MIN 16u
#define FRAME_MAX (1500u + 18u)

/* Returns an index the backend writes, read once with acquire ordering. */
static inline uint32_t nf_load_idx(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Returns RX ring entry e, read from shared memory in one 8-byte load (the
 * backend may rewrite it while we look: every check is on this copy). */
static inline union netif_rx_entry nf_rx_entry(const union netif_rx_entry *e)
{
    uint64_t v = __atomic_load_n((const uint64_t *)e, __ATOMIC_RELAXED);
    union netif_rx_entry r;
    memcpy(&r, &v, sizeof r);
    return r;
}

/* Returns TX response r, read from shared memory in one 4-byte load. */
static inline struct netif_tx_response nf_tx_rsp(const struct netif_tx_response *r)
{
    uint32_t v = __atomic_load_n((const uint32_t *)r, __ATOMIC_RELAXED);
    struct netif_tx_response c;
    memcpy(&c, &v, sizeof c);
    return c;
}

/* Marks q unusable after impossible indexes from the backend.  Returns
 * nothing. */
static void nf_queue_break(struct nf_queue *q, const char *what)
{
    if (!q->broken)
        OS_ERR("netfront", "%s: queue %u: %s from the backend; queue stopped", q->nf->nd.name,
               q->index, what);
    q->broken = true;
    q->st.bad_rsp++;
}

/* Publishes requests up to `prod` on ring header h and notifies `port` when
 * the backend asked for it.  Returns nothing. */
static void nf_push(struct netif_sring_hdr *h, uint32_t prod, uint32_t port)
{
    uint32_t old = h->req_prod;
    __atomic_store_n(&h->req_prod, prod, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* req_prod before reading req_event */
    if ((uint32_t)(prod - nf_load_idx(&h->req_event)) < (uint32_t)(prod - old))
        xen_evtchn_notify(port);
}

/* Posts pool pages as RX requests up to the queue's target.  Returns
 * nothing. */
static void nf_rx_refill(struct nf_queue *q)
{
    struct netfront *nf = q->nf;
    uint32_t start = q->rx_prod;
    while (q->rx_prod - q->rx_cons < q->rx_target) {
        struct pkt *p = pkt_alloc(nf->nd.pool);
        if (!p) {
            q->st.no_buffers++;
            break;
        }
        grant_ref_t ref;
        if (gnt_grant(xen_gnttab(), nf->backend_id, xen_virt_to_gfn(p->buf), false, &ref)) {
            pkt_free(p);
            q->st.no_buffers++;
            break;
        }
        unsigned slot = q->rx_prod & RX_MASK;
        q->rx_pkt[slot] = p;
        q->rx_gref[slot] = ref;
        q->rx->ring[slot].req = (struct netif_rx_request){ .id = (uint16_t)slot, .gref = ref };
        q->rx_prod++;
    }
    if (q->rx_prod != start)
        nf_push(&q->rx->h, q->rx_prod, q->evtchn_rx);
}

/* Takes the packet posted at ring position `pos` back: revokes its grant.
 * Returns the packet, or NULL when there is none or the backend still maps
 * it (leaked, counted). */
static struct pkt *nf_rx_take(struct nf_queue *q, uint32_t pos)
{
    unsigned slot = pos & RX_MASK;
    struct pkt *p = q->rx_pkt[slot];
    q->rx_pkt[slot] = NULL;
    if (p && gnt_end(xen_gnttab(), q->rx_gref[slot])) {
        q->st.leaked++;
        return NULL;
    }
    return p;
}

/* Continues dropping the slots of a frame already refused (its extras and
 * data continuations), recycling their buffers.  Returns nothing. */
static void nf_rx_skip(struct nf_queue *q, const union netif_rx_entry *e)
{
    if (q->rx_skip == NF_SKIP_EXTRA) {
        if (!(e->extra.flags & XEN_NETIF_EXTRA_FLAG_MORE))
            q->rx_skip = q->rx_skip_more ? NF_SKIP_DATA : NF_SKIP_NONE;
    } else if (!(e->rsp.flags & NETRXF_more_data)) {
        q->rx_skip = NF_SKIP_NONE;
    }
}

/* Starts skipping the rest of a refused frame whose first slot had
 * `flags`.  Returns nothing. */
static void nf_rx_skip_start(struct nf_queue *q, uint16_t flags)
{
    q->rx_skip_more = (flags & NETRXF_more_data) != 0;
    q->rx_skip = (flags & NETRXF_extra_info) ? NF_SKIP_EXTRA
                 : q->rx_skip_more           ? NF_SKIP_DATA
                                             : NF_SKIP_NONE;
}

/* Checks response r of packet p (from position pos) and makes p the
 * received frame.  Returns 0, or -EINVAL (p untouched, counted) when the
 * backend reported an error or the response is malformed. */
static int nf_rx_accept(struct nf_queue *q, const struct netif_rx_response *r, uint32_t pos,
                        struct pkt *p)
{
    struct netdev *nd = &q->nf->nd;
    if (r->status < 0) {
        nd->stats.rx_errors++;
        return -EINVAL;
    }
    if (r->id != (pos & RX_MASK) || r->status == 0 ||
        (r->flags & (NETRXF_more_data | NETRXF_extra_info | NETRXF_gso_prefix)) ||
        (uint32_t)r->offset + (uint32_t)r->status > XEN_PAGE_SIZE ||
        (uint32_t)r->offset + (uint32_t)r->status > p->buf_size ||
        (uint32_t)r->status > FRAME_MAX) {
        q->st.bad_rsp++;
        nd->stats.rx_frame_err++;
        nd->stats.rx_errors++;
        return -EINVAL;
    }
    p->data = p->buf + r->offset;
    p->len = (uint32_t)r->status;
    if (r->flags & NETRXF_csum_blank) {
        if (offload_csum_blank_complete(p->data, p->len)) {
            nd->stats.rx_errors++;
            q->st.bad_rsp++;
            return -EINVAL;
        }
        q->st.csum_completed++;
    }
    return 0;
}

/* Takes up to n received frames of q into pkts.  Returns how many. */
static unsigned nf_rx_queue(struct nf_queue *q, struct pkt **pkts, unsigned n, uint64_t *now)
{
    struct netdev *nd = &q->nf->nd;
    if (q->broken || !q->rx)
        return 0;
    uint32_t prod = nf_load_idx(&q->rx->h.rsp_prod);
    if ((uint32_t)(prod - q->rx_cons) > (uint32_t)(q->rx_prod - q->rx_cons)) {
        nf_queue_break(q, "RX responses beyond our requests");
        return 0;
    }
    unsigned got = 0;
    while (q->rx_cons != prod && got < n) {
        uint32_t pos = q->rx_cons++;
        union netif_rx_entry e = nf_rx_entry(&q->rx->ring[pos & RX_MASK]);
        struct pkt *p = nf_rx_take(q, pos);
        if (q->rx_skip != NF_SKIP_NONE) {
            nf_rx_skip(q, &e);
            pkt_free(p);
            continue;
        }
        if (!p) { /* leaked: counted; drop the rest of its frame too */
            nf_rx_skip_start(q, e.rsp.flags);
            continue;
        }
        if (nf_rx_accept(q, &e.rsp, pos, p)) {
            nf_rx_skip_start(q, e.rsp.flags);
            pkt_free(p);
            continue;
        }
        if (!*now)
            *now = os_clock_ns();
        p->ts_ns = *now;
        p->in_port = 0;
        nd->stats.rx_packets++;
        nd->stats.rx_bytes += p->len;
        pkts[got++] = p;
    }
    q->st.rx += got;
    return got;
}

/* Frees the TX packets whose responses came back.  Returns nothing. */
static void nf_tx_reclaim(struct nf_queue *q)
{
    if (q->broken || !q->tx)
        return;
    uint32_t prod = nf_load_idx(&q->tx->h.rsp_prod);
    if ((uint32_t)(prod - q->tx_cons) > (uint32_t)(q->tx_prod - q->tx_cons)) {
        nf_queue_break(q, "TX responses beyond our requests");
        return;
    }
    struct netdev *nd = &q->nf->nd;
    while (q->tx_cons != prod) {
        struct netif_tx_response r = nf_tx_rsp(&q->tx->ring[q->tx_cons++ & TX_MASK].rsp);
        if (r.status == NETIF_RSP_NULL)
            continue;
        if (r.id >= NETIF_TX_RING_SIZE || !q->tx_pkt[r.id]) {
            q->st.bad_rsp++;
            nd->stats.tx_errors++;
            continue;
        }
        struct pkt *p = q->tx_pkt[r.id];
        q->tx_pkt[r.id] = NULL;
        q->tx_ids[q->tx_nfree++] = r.id;
        if (gnt_end(xen_gnttab(), q->tx_gref[r.id]))
            q->st.leaked++; /* the backend still maps the page: never reuse it */
        else
            pkt_free(p);
        if (r.status != NETIF_RSP_OKAY)
            nd->stats.tx_errors++;
    }
}

static unsigned nf_rx_burst(struct netdev *nd, struct pkt **pkts, unsigned n)
{
    struct netfront *nf = nd->priv;
    if (nf->state != NF_CONNECTED)
        return 0;
    unsigned got = 0;
    uint64_t now = 0;
    for (unsigned k = 0; k < nf->n_queues; k++) {
        struct nf_queue *q = nf->q[(nf->rx_next + k) % nf->n_queues];
        nf_tx_reclaim(q); /* returns pages to the pool before refilling */
        if (got < n)
            got += nf_rx_queue(q, pkts + got, n - got, &now);
        if (!q->broken && q->rx_prod - q->rx_cons < q->rx_target)
            nf_rx_refill(q);
    }
    nf->rx_next++;
    return got;
}

/* Waits (bounded: NF_TX_WAIT_NS) for TX responses while q has no free
 * request id or ring slot.  Returns true when there is room. */
static bool nf_tx_room(struct nf_queue *q)
{
    uint64_t until = 0;
    for (;;) {
        nf_tx_reclaim(q);
        if (q->tx_nfree && q->tx_prod - q->tx_cons < NETIF_TX_RING_SIZE)
            return true;
        if (q->broken)
            return false;
        uint64_t now = os_clock_ns();
        if (!until) {
            nf_push(&q->tx->h, q->tx_prod, q->evtchn_tx); /* make sure it is working */
            until = now + NF_TX_WAIT_NS;
        } else if (now >= until) {
            q->st.tx_full++;
            return false;
        }
    }
}

/* Queues p on q.  Returns 0, or -errno with p untouched. */
static int nf_tx_one(struct nf_queue *q, struct pkt *p)
{
    uint32_t off = (uint32_t)((uintptr_t)p->data & (XEN_PAGE_SIZE - 1));
    if (p->len == 0 || p->len > FRAME_MAX || off + p->len > XEN_PAGE_SIZE)
        return -EINVAL;
    if (!nf_tx_room(q))
        return -ENOBUFS;
    grant_ref_t ref;
    if (gnt_grant(xen_gnttab(), q->nf->backend_id, xen_virt_to_gfn(p->data), true, &ref))
        return -ENOSPC;
    uint16_t id = q->tx_ids[--q->tx_nfree];
    q->tx_pkt[id] = p;
    q->tx_gref[id] = ref;
    q->tx->ring[q->tx_prod++ & TX_MASK].req = (struct netif_tx_request){
        .gref = ref, .offset = (uint16_t)off, .flags = 0, .id = id, .size = (uint16_t)p->len,
    };
    return 0;
}

static unsigned nf_tx_burst(struct netdev *nd, struct pkt **pkts, unsigned n)
{
    struct netfront *nf = nd->priv;
    unsigned sent = 0, touched = 0;
    for (unsigned i = 0; i < n; i++) {
        struct pkt *p = pkts[i];
        unsigned qi = nf->n_queues > 1 ? netdev_flow_hash(p) % nf->n_queues : 0;
        struct nf_queue *q = nf->q[qi];
        if (nf->state != NF_CONNECTED || q->broken || nf_tx_one(q, p)) {
            nd->stats.tx_dropped++;
            pkt_free(p);
            continue;
        }
        nd->stats.tx_packets++;
        nd->stats.tx_bytes += p->len;
        q->st.tx++;
        touched |= 1u << qi;
        sent++;
    }
    for (unsigned i = 0; i < nf->n_queues; i++)
        if (touched & (1u << i))
            nf_push(&nf->q[i]->tx->h, nf->q[i]->tx_prod, nf->q[i]->evtchn_tx);
    return sent;
}

/* Asks for an event at the next response of a ring whose private consumer
 * index is `cons`.  Returns true when a response is already there. */
static bool nf_arm_ring(struct netif_sring_hdr *h, uint32_t cons)
{
    __atomic_store_n(&h->rsp_event, cons + 1, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* rsp_event before re-reading rsp_prod */
    return nf_load_idx(&h->rsp_prod) != cons;
}

static int nf_arm_rx_wakeup(struct netdev *nd)
{
    struct netfront *nf = nd->priv;
    if (nf->state != NF_CONNECTED)
        return 0; /* nothing can arrive; xenstore events wake us for the link */
    for (unsigned i = 0; i < nf->n_queues; i++) {
        struct nf_queue *q = nf->q[i];
        if (q->broken)
            continue;
        if (nf_arm_ring(&q->rx->h, q->rx_cons))
            return -EAGAIN;
        /* Pages held by TX come back to the pool only when reclaimed: ask
         * for the completion too while any is outstanding. */
        if (q->tx_prod != q->tx_cons && nf_arm_ring(&q->tx->h, q->tx_cons))
            return -EAGAIN;
    }
    return 0;
}

/* Allocates and grants one ring page.  Returns the page or NULL. */
static void *nf_ring_page(struct netfront *nf, grant_ref_t *ref)
{
    struct netif_sring_hdr *h = os_page_alloc(XEN_PAGE_SIZE);
    if (!h)
        return NULL;
    h->req_event = h->rsp_event = 1;
    if (gnt_grant(xen_gnttab(), nf->backend_id, xen_virt_to_gfn(h), false, ref)) {
        os_page_free(h, XEN_PAGE_SIZE);
        return NULL;
    }
    return h;
}

/* Revokes a ring page's grant and frees it (leaks it, counted, when the
 * backend still maps it).  Returns nothing. */
static void nf_ring_free(struct nf_queue *q, void *page, grant_ref_t ref)
{
    if (!page)
        return;
    if (gnt_end(xen_gnttab(), ref))
        q->st.leaked++;
    else
        os_page_free(page, XEN_PAGE_SIZE);
}

int nf_queue_create(struct netfront *nf, unsigned i)
{
    struct nf_queue *q = os_calloc(1, sizeof *q);
    if (!q)
        return -ENOMEM;
    nf->q[i] = q;
    q->nf = nf;
    q->index = i;
    for (unsigned id = 0; id < NETIF_TX_RING_SIZE; id++)
        q->tx_ids[q->tx_nfree++] = (uint16_t)(NETIF_TX_RING_SIZE - 1 - id);
    unsigned per_queue = pkt_pool_size(nf->nd.pool) / (8 * (nf->n_queues ? nf->n_queues : 1));
    q->rx_target = per_queue < RX_TARGET_MIN ? RX_TARGET_MIN
                   : per_queue > NETIF_RX_RING_SIZE ? NETIF_RX_RING_SIZE : per_queue;
    int rc = 0;
    if (!(q->tx = nf_ring_page(nf, &q->tx_ref)) || !(q->rx = nf_ring_page(nf, &q->rx_ref)))
        rc = -ENOMEM;
    if (!rc)
        rc = xen_evtchn_alloc_unbound(nf->backend_id, &q->evtchn_tx);
    if (!rc && nf->split)
        rc = xen_evtchn_alloc_unbound(nf->backend_id, &q->evtchn_rx);
    else if (!rc)
        q->evtchn_rx = q->evtchn_tx;
    if (rc) {
        nf_queue_destroy(nf, i);
        return rc;
    }
    nf_rx_refill(q);
    return 0;
}

void nf_queue_destroy(struct netfront *nf, unsigned i)
{
    struct nf_queue *q = nf->q[i];
    if (!q)
        return;
    for (unsigned s = 0; s < NETIF_RX_RING_SIZE; s++) {
        if (q->rx_pkt[s] && gnt_end(xen_gnttab(), q->rx_gref[s]))
            q->st.leaked++;
        else
            pkt_free(q->rx_pkt[s]);
    }
    for (unsigned id = 0; id < NETIF_TX_RING_SIZE; id++) {
        if (q->tx_pkt[id] && gnt_end(xen_gnttab(), q->tx_gref[id]))
            q->st.leaked++;
        else
            pkt_free(q->tx_pkt[id]);
    }
    nf_ring_free(q, q->tx, q->tx_ref);
    nf_ring_free(q, q->rx, q->rx_ref);
    if (q->evtchn_tx)
        xen_evtchn_close(q->evtchn_tx);
    if (q->evtchn_rx && q->evtchn_rx != q->evtchn_tx)
        xen_evtchn_close(q->evtchn_rx);
    if (q->st.leaked)
        OS_WARN("netfront", "%s: queue %u: %lu page(s) still mapped by the backend; never "
                "reused", nf->nd.name, i, (unsigned long)q->st.leaked);
    os_free(q);
    nf->q[i] = NULL;
}

struct nf_qstats nf_stats(const struct netfront *nf)
{
    struct nf_qstats s = { 0 };
    for (unsigned i = 0; i < NETFRONT_MAX_QUEUES; i++) {
        const struct nf_queue *q = nf->q[i];
        if (!q)
            continue;
        s.rx += q->st.rx;
        s.tx += q->st.tx;
        s.csum_completed += q->st.csum_completed;
        s.bad_rsp += q->st.bad_rsp;
        s.leaked += q->st.leaked;
        s.tx_full += q->st.tx_full;
        s.no_buffers += q->st.no_buffers;
    }
    return s;
}

/* The class; open, poll_link and close are the control path's. */
const struct netdev_class netfront_class = {
    .type = "netfront",
    .open = nf_open,
    .rx_burst = nf_rx_burst,
    .tx_burst = nf_tx_burst,
    .poll_link = nf_poll_link,
    .arm_rx_wakeup = nf_arm_rx_wakeup,
    .close = nf_close,
};
