/*
 * dp_pipeline.c — ports, the per-burst packet path, output resolution,
 * TX batching and the upcall queue.
 */
#include "datapath/dp_pipeline.h"

#include <errno.h>
#include <string.h>

#include "datapath/dp_execute.h"
#include "datapath/dp_key.h"
#include "datapath/dp_normal.h"
#include "os/byteorder.h"
#include "os/mem.h"

#define DP_TXQ_LEN (PKT_BURST * 2)
#define DP_POLL_BURSTS 4 /* per port and dp_poll, while they come full */
#define PORT_MAP_SIZE 65536

struct dp_port {
    struct netdev *dev;
    uint16_t port_no;
    uint32_t config;
    unsigned n_tx;
    bool dirty; /* listed in dp->dirty */
    uint64_t queue_tx[DP_QUEUES];
    struct pkt *txq[DP_TXQ_LEN];
};

struct dp {
    struct dp_table *table;
    struct dp_normal *normal;
    struct dp_port *ports[DP_MAX_PORTS]; /* dense, in order of addition */
    unsigned n_ports;
    uint16_t *slot; /* port_no -> index into ports[] + 1, 0 = none */
    struct dp_port *dirty[DP_MAX_PORTS];
    unsigned n_dirty;

    struct dp_upcall *upq; /* ring */
    uint32_t upq_len, upq_head, upq_count;

    enum dp_miss_mode miss_mode;
    enum dp_frag_mode frag_mode;
    uint16_t miss_send_len;

    struct dp_exec ex;
    struct dp_stats st;

    /* Context of the call in progress. */
    uint64_t now_ns;
    const struct dp_flow *flow; /* flow being executed (its cookie), or NULL */
    bool allow_table; /* executing a packet_out list: TABLE allowed */
};

static struct dp_port *port_get(const struct dp *dp, uint16_t port_no)
{
    uint16_t s = dp->slot[port_no];
    return s ? dp->ports[s - 1] : NULL;
}

/* ---- TX batches ---- */

static void flush_port(struct dp *dp, struct dp_port *p)
{
    unsigned n = p->n_tx;
    if (!n)
        return;
    p->n_tx = 0;
    unsigned sent = netdev_tx_burst(p->dev, p->txq, n);
    dp->st.tx_packets += sent;
    dp->st.tx_failures += n - sent;
}

static void flush_all(struct dp *dp)
{
    for (unsigned i = 0; i < dp->n_dirty; i++) {
        flush_port(dp, dp->dirty[i]);
        dp->dirty[i]->dirty = false;
    }
    dp->n_dirty = 0;
}

/* Queues pkt (one owned reference) for transmission on p, or drops it when
 * the port's config forbids output. */
static void tx_to_port(struct dp *dp, struct dp_port *p, struct pkt *pkt)
{
    if (p->config & (DP_PC_PORT_DOWN | DP_PC_NO_FWD)) {
        p->dev->stats.tx_dropped++;
        if (p->config & DP_PC_PORT_DOWN)
            dp->st.port_down++;
        else
            dp->st.port_config_dropped++;
        pkt_free(pkt);
        return;
    }
    if (p->n_tx == DP_TXQ_LEN)
        flush_port(dp, p);
    p->txq[p->n_tx++] = pkt;
    if (!p->dirty) {
        p->dirty = true;
        dp->dirty[dp->n_dirty++] = p;
    }
}

/* FLOOD (flood = true) or ALL: every eligible port but in_port gets a
 * reference; the last one gets the caller's. */
static void flood(struct dp *dp, struct pkt *pkt, bool is_flood)
{
    uint32_t skip = DP_PC_PORT_DOWN | DP_PC_NO_FWD | (is_flood ? DP_PC_NO_FLOOD : 0);
    struct dp_port *prev = NULL;
    for (unsigned i = 0; i < dp->n_ports; i++) {
        struct dp_port *p = dp->ports[i];
        if (p->port_no == pkt->in_port || (p->config & skip) || (is_flood && !p->dev->link_up))
            continue;
        if (prev)
            tx_to_port(dp, prev, pkt_ref(pkt));
        prev = p;
    }
    if (prev)
        tx_to_port(dp, prev, pkt);
    else
        pkt_free(pkt);
}

/* ---- upcalls ---- */

static void upcall(struct dp *dp, struct pkt *pkt, uint8_t reason, uint16_t max_len)
{
    struct dp_port *in = port_get(dp, pkt->in_port);
    if (in && (in->config & DP_PC_NO_PACKET_IN)) {
        if (reason == DP_UPCALL_NO_MATCH)
            dp->st.no_match_dropped++;
        else
            dp->st.action_dropped++;
        pkt_free(pkt);
        return;
    }
    if (dp->upq_count == dp->upq_len) {
        dp->st.upcall_queue_full++;
        pkt_free(pkt);
        return;
    }
    uint32_t i = dp->upq_head + dp->upq_count;
    if (i >= dp->upq_len)
        i -= dp->upq_len;
    dp->upq[i] = (struct dp_upcall){
        .pkt = pkt,
        .in_port = pkt->in_port,
        .reason = reason,
        .max_len = max_len,
        .cookie = reason == DP_UPCALL_ACTION && dp->flow ? dp->flow->cookie : 0,
    };
    dp->upq_count++;
    dp->st.upcalls++;
}

unsigned dp_upcall_pop(struct dp *dp, struct dp_upcall *out, unsigned n)
{
    unsigned k = 0;
    while (k < n && dp->upq_count) {
        out[k++] = dp->upq[dp->upq_head];
        if (++dp->upq_head == dp->upq_len)
            dp->upq_head = 0;
        dp->upq_count--;
    }
    return k;
}

unsigned dp_upcall_pending(const struct dp *dp)
{
    return dp->upq_count;
}

/* ---- NORMAL ---- */

static void normal(struct dp *dp, struct pkt *pkt, const struct dp_layout *lay)
{
    const uint8_t *d = pkt->data;
    if (pkt->len < 14) {
        dp->st.action_dropped++;
        pkt_free(pkt);
        return;
    }
    uint16_t vlan = DP_VLAN_NONE;
    if (lay->flags & DP_LF_VLAN)
        vlan = os_get_be16(d + 14) & 0x0fff;
    uint16_t out;
    if (port_get(dp, pkt->in_port)) {
        out = dp_normal_decide(dp->normal, d + 6, d, vlan, pkt->in_port, dp->now_ns);
    } else { /* packet_out without a real in_port: nothing to learn */
        out = (d[0] & 1) ? DP_PORT_NONE : dp_normal_lookup(dp->normal, d, vlan, dp->now_ns);
        if (out == DP_PORT_NONE)
            out = DP_PORT_FLOOD;
    }
    if (out == DP_PORT_FLOOD) {
        flood(dp, pkt, true);
        return;
    }
    struct dp_port *p = out == DP_PORT_NONE ? NULL : port_get(dp, out);
    if (!p) {
        if (out != DP_PORT_NONE)
            dp->st.no_port++;
        pkt_free(pkt);
        return;
    }
    tx_to_port(dp, p, pkt);
}

/* ---- the packet path ---- */

static bool frag_drop(struct dp *dp, struct pkt *pkt, const struct dp_layout *lay);
static void process(struct dp *dp, struct pkt *pkt, struct dp_flow *f,
                    const struct dp_layout *lay);

/* Runs pkt (its bytes as they are now) through the flow table. */
static void resubmit(struct dp *dp, struct pkt *pkt)
{
    struct dp_key key;
    struct dp_layout lay;
    dp_key_extract(pkt->data, pkt->len, pkt->in_port, &key, &lay);
    if (!frag_drop(dp, pkt, &lay))
        process(dp, pkt, dp_table_lookup(dp->table, &key), &lay);
}

static void output(void *arg, struct pkt *pkt, const struct dp_layout *lay,
                   const struct dp_action *a)
{
    struct dp *dp = arg;
    bool enq = a->type == DP_ACT_ENQUEUE;
    uint16_t port = enq ? a->u.enqueue.port : a->u.output.port;

    if (port <= DP_PORT_MAX || port == DP_PORT_LOCAL || port == DP_PORT_IN_PORT) {
        if (port == DP_PORT_IN_PORT) {
            port = pkt->in_port;
        } else if (port == pkt->in_port) {
            dp->st.loop_dropped++;
            pkt_free(pkt);
            return;
        }
        struct dp_port *p = port_get(dp, port);
        if (!p) {
            dp->st.no_port++;
            pkt_free(pkt);
            return;
        }
        if (enq && a->u.enqueue.queue_id < DP_QUEUES)
            p->queue_tx[a->u.enqueue.queue_id]++;
        tx_to_port(dp, p, pkt);
        return;
    }
    switch (port) {
    case DP_PORT_FLOOD:
    case DP_PORT_ALL:
        flood(dp, pkt, port == DP_PORT_FLOOD);
        return;
    case DP_PORT_CONTROLLER:
        upcall(dp, pkt, DP_UPCALL_ACTION, a->u.output.max_len);
        return;
    case DP_PORT_NORMAL:
        normal(dp, pkt, lay);
        return;
    case DP_PORT_TABLE:
        if (dp->allow_table) {
            dp->allow_table = false;
            resubmit(dp, pkt);
            dp->allow_table = true;
            return;
        }
        break;
    default:
        break;
    }
    dp->st.action_dropped++;
    pkt_free(pkt);
}

static void miss(struct dp *dp, struct pkt *pkt, const struct dp_layout *lay)
{
    dp->st.missed++;
    switch (dp->miss_mode) {
    case DP_MISS_UPCALL:
        upcall(dp, pkt, DP_UPCALL_NO_MATCH, dp->miss_send_len);
        return;
    case DP_MISS_NORMAL:
        normal(dp, pkt, lay);
        return;
    default:
        dp->st.no_match_dropped++;
        pkt_free(pkt);
        return;
    }
}

/* Counts a malformed frame, and drops an IP fragment in DP_FRAG_DROP
 * mode.  Returns true when the packet was dropped (and freed). */
static bool frag_drop(struct dp *dp, struct pkt *pkt, const struct dp_layout *lay)
{
    if (lay->flags & DP_LF_TRUNC)
        dp->st.bad_frames++;
    if ((lay->flags & DP_LF_FRAG) && dp->frag_mode == DP_FRAG_DROP) {
        dp->st.frag_dropped++;
        pkt_free(pkt);
        return true;
    }
    return false;
}

/* Executes the actions of flow f (NULL: a table miss) on pkt. */
static void process(struct dp *dp, struct pkt *pkt, struct dp_flow *f,
                    const struct dp_layout *lay)
{
    if (!f) {
        miss(dp, pkt, lay);
        return;
    }
    dp->st.matched++;
    dp_flow_hit(f, pkt->len, dp->now_ns);
    if (!f->n_actions)
        dp->st.action_dropped++;
    const struct dp_flow *saved = dp->flow;
    dp->flow = f;
    dp_execute(&dp->ex, pkt, lay, f->actions, f->n_actions);
    dp->flow = saved;
}

/* Receives and processes one burst from p (no flush).  Returns the number
 * of packets received. */
static unsigned rx_port(struct dp *dp, struct dp_port *p, unsigned max)
{
    struct pkt *pkts[PKT_BURST];
    struct dp_key keys[PKT_BURST];
    struct dp_layout lays[PKT_BURST];
    if (max > PKT_BURST)
        max = PKT_BURST;
    unsigned n = netdev_rx_burst(p->dev, pkts, max);
    if (!n)
        return 0;
    dp->st.rx_packets += n;
    if (p->config & (DP_PC_PORT_DOWN | DP_PC_NO_RECV)) {
        p->dev->stats.rx_dropped += n;
        if (p->config & DP_PC_PORT_DOWN)
            dp->st.port_down += n;
        else
            dp->st.port_config_dropped += n;
        pkt_free_burst(pkts, n);
        return n;
    }
    /* Extract every key, look them all up in one burst (the table prefetches
     * across it), then execute: the table does not change inside a burst. */
    const struct dp_key *kp[PKT_BURST];
    struct dp_flow *flows[PKT_BURST];
    unsigned m = 0;
    for (unsigned i = 0; i < n; i++) {
        pkts[i]->in_port = p->port_no;
        dp_key_extract(pkts[i]->data, pkts[i]->len, p->port_no, &keys[i], &lays[i]);
        if (frag_drop(dp, pkts[i], &lays[i]))
            continue;
        pkts[m] = pkts[i];
        lays[m] = lays[i];
        kp[m] = &keys[i];
        m++;
    }
    dp_table_lookup_burst(dp->table, kp, m, flows);
    for (unsigned i = 0; i < m; i++)
        process(dp, pkts[i], flows[i], &lays[i]);
    return n;
}

unsigned dp_poll(struct dp *dp, uint64_t now_ns)
{
    unsigned n = 0;
    dp->now_ns = now_ns;
    for (unsigned i = 0; i < dp->n_ports; i++) {
        /* a port that fills its bursts gets up to DP_POLL_BURSTS of them
         * before the TX queues are flushed: fewer transmit calls per
         * packet under load, one burst per port when traffic is light */
        unsigned got, rounds = 0;
        do {
            got = rx_port(dp, dp->ports[i], PKT_BURST);
            n += got;
        } while (got == PKT_BURST && ++rounds < DP_POLL_BURSTS);
    }
    flush_all(dp);
    return n;
}

unsigned dp_poll_port(struct dp *dp, uint16_t port_no, unsigned max, uint64_t now_ns)
{
    struct dp_port *p = port_get(dp, port_no);
    if (!p)
        return 0;
    dp->now_ns = now_ns;
    unsigned n = rx_port(dp, p, max);
    flush_all(dp);
    return n;
}

void dp_execute_actions(struct dp *dp, struct pkt *pkt, uint16_t in_port,
                        const struct dp_action *acts, unsigned n, uint64_t now_ns)
{
    struct dp_key key;
    struct dp_layout lay;
    dp->now_ns = now_ns;
    pkt->in_port = in_port;
    dp_key_extract(pkt->data, pkt->len, in_port, &key, &lay);
    if (!n)
        dp->st.action_dropped++;
    dp->allow_table = true;
    dp->flow = NULL;
    dp_execute(&dp->ex, pkt, &lay, acts, n);
    dp->allow_table = false;
    flush_all(dp);
}

/* ---- control ---- */

struct dp *dp_create(const struct dp_config *cfg)
{
    struct dp *dp = os_calloc(1, sizeof *dp);
    if (!dp)
        return NULL;
    dp->upq_len = cfg && cfg->upcall_queue_len ? cfg->upcall_queue_len : 1024;
    dp->miss_send_len = cfg && cfg->miss_send_len ? cfg->miss_send_len : 128;
    uint64_t aging = (uint64_t)(cfg && cfg->mac_aging_s ? cfg->mac_aging_s : 300) * 1000000000ull;
    dp->table = dp_table_create(cfg && cfg->max_flows ? cfg->max_flows : 65536);
    dp->normal = dp_normal_create(cfg && cfg->mac_entries ? cfg->mac_entries : 4096, aging);
    dp->slot = os_calloc(PORT_MAP_SIZE, sizeof *dp->slot);
    dp->upq = os_calloc(dp->upq_len, sizeof *dp->upq);
    if (!dp->table || !dp->normal || !dp->slot || !dp->upq) {
        dp_destroy(dp);
        return NULL;
    }
    dp->ex.output = output;
    dp->ex.arg = dp;
    return dp;
}

void dp_destroy(struct dp *dp)
{
    if (!dp)
        return;
    for (unsigned i = 0; i < dp->n_ports; i++) {
        pkt_free_burst(dp->ports[i]->txq, dp->ports[i]->n_tx);
        os_free(dp->ports[i]);
    }
    struct dp_upcall u;
    while (dp->upq && dp_upcall_pop(dp, &u, 1))
        pkt_free(u.pkt);
    dp_table_destroy(dp->table);
    dp_normal_destroy(dp->normal);
    os_free(dp->slot);
    os_free(dp->upq);
    os_free(dp);
}

int dp_add_port(struct dp *dp, struct netdev *dev, uint16_t port_no)
{
    if (!dev || port_no == 0 || (port_no > DP_PORT_MAX && port_no != DP_PORT_LOCAL))
        return -EINVAL;
    if (port_get(dp, port_no))
        return -EEXIST;
    for (unsigned i = 0; i < dp->n_ports; i++)
        if (dp->ports[i]->dev == dev)
            return -EEXIST;
    if (dp->n_ports == DP_MAX_PORTS)
        return -ENOSPC;
    struct dp_port *p = os_calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    p->dev = dev;
    p->port_no = port_no;
    dp->ports[dp->n_ports++] = p;
    dp->slot[port_no] = (uint16_t)dp->n_ports;
    return 0;
}

int dp_del_port(struct dp *dp, uint16_t port_no)
{
    struct dp_port *p = port_get(dp, port_no);
    if (!p)
        return -ENOENT;
    flush_all(dp);
    unsigned idx = dp->slot[port_no] - 1u;
    dp->slot[port_no] = 0;
    for (unsigned i = idx; i + 1 < dp->n_ports; i++) {
        dp->ports[i] = dp->ports[i + 1];
        dp->slot[dp->ports[i]->port_no] = (uint16_t)(i + 1);
    }
    dp->n_ports--;
    dp_normal_flush_port(dp->normal, port_no);
    os_free(p);
    return 0;
}

struct netdev *dp_port_netdev(struct dp *dp, uint16_t port_no)
{
    struct dp_port *p = port_get(dp, port_no);
    return p ? p->dev : NULL;
}

unsigned dp_ports(const struct dp *dp, uint16_t *out, unsigned max)
{
    for (unsigned i = 0; i < dp->n_ports && i < max; i++)
        out[i] = dp->ports[i]->port_no;
    return dp->n_ports;
}

int dp_port_set_config(struct dp *dp, uint16_t port_no, uint32_t config, uint32_t mask)
{
    struct dp_port *p = port_get(dp, port_no);
    if (!p)
        return -ENOENT;
    if ((config | mask) & ~(uint32_t)DP_PC_ALL)
        return -EINVAL;
    uint32_t old = p->config;
    p->config = (old & ~mask) | (config & mask);
    if ((old ^ p->config) & DP_PC_PORT_DOWN) {
        bool down = p->config & DP_PC_PORT_DOWN;
        netdev_set_up(p->dev, !down);
        if (down)
            dp_normal_flush_port(dp->normal, port_no);
    }
    return 0;
}

uint32_t dp_port_config(const struct dp *dp, uint16_t port_no)
{
    struct dp_port *p = port_get(dp, port_no);
    return p ? p->config : 0;
}

uint64_t dp_port_queue_tx(const struct dp *dp, uint16_t port_no, uint32_t queue_id)
{
    struct dp_port *p = port_get(dp, port_no);
    return p && queue_id < DP_QUEUES ? p->queue_tx[queue_id] : 0;
}

struct dp_table *dp_table(struct dp *dp)
{
    return dp->table;
}

struct dp_normal *dp_normal_table(struct dp *dp)
{
    return dp->normal;
}

void dp_set_miss_mode(struct dp *dp, enum dp_miss_mode mode)
{
    dp->miss_mode = mode;
}

enum dp_miss_mode dp_get_miss_mode(const struct dp *dp)
{
    return dp->miss_mode;
}

void dp_set_miss_send_len(struct dp *dp, uint16_t len)
{
    dp->miss_send_len = len;
}

int dp_set_frag_mode(struct dp *dp, unsigned mode)
{
    if (mode != DP_FRAG_NORMAL && mode != DP_FRAG_DROP)
        return -EOPNOTSUPP;
    dp->frag_mode = (enum dp_frag_mode)mode;
    return 0;
}

enum dp_frag_mode dp_get_frag_mode(const struct dp *dp)
{
    return dp->frag_mode;
}

unsigned dp_expire(struct dp *dp, uint64_t now_ns, dp_removed_cb *cb, void *arg)
{
    return dp_table_expire(dp->table, now_ns, cb, arg);
}

void dp_get_stats(const struct dp *dp, struct dp_stats *st)
{
    *st = dp->st;
    st->copies = dp->ex.stats.copies;
    st->nomem_drops = dp->ex.stats.nomem_drops + dp->ex.stats.vlan_push_fail;
}
