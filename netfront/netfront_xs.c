/*
 * netfront_xs.c — netfront's xenstore control path (see netfront.h): vif
 * discovery, the xen/io/netif.h handshake, the link state machine that
 * follows the backend (detach / re-attach), and the orderly close.
 *
 * States (netfront_priv.h): DETACHED -> (backend InitWait) connect ->
 * CONNECTING -> (backend Connected) CONNECTED, link up.  A backend that
 * leaves Connected takes the link down: if it is already Closed or gone the
 * rings are released at once, else the frontend switches to Closed and
 * waits (CLOSING, bounded) for the backend to unmap before revoking the
 * grants; then DETACHED again, waiting for a backend to come back.  Every
 * xenstore read here is one bounded request; waits for the backend happen
 * only in open and close (bounded), everywhere else the state machine
 * advances when a watch fires.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libos/xen/xen.h"
#include "netfront/netfront_priv.h"
#include "os/log.h"
#include "os/mem.h"

#define NF_OPEN_WAIT_NS (20ull * 1000000000ull)  /* backend up at boot */
#define NF_STEP_WAIT_NS (10ull * 1000000000ull)  /* CONNECTING / CLOSING */
#define NF_CLOSE_WAIT_NS (5ull * 1000000000ull)  /* each close step */
#define NF_RECHECK_NS (100ull * 1000000ull)      /* re-read even without a watch */
#define NF_BE_GONE 9                             /* state bit: backend removed */
#define NF_TX_RETRIES 8                          /* transaction conflicts */

static unsigned devids[NETFRONT_MAX_DEVS];
static unsigned n_devs;
static struct netfront *open_devs[NETFRONT_MAX_DEVS];

static const char *const state_names[] = {
    "Unknown", "Initialising", "InitWait", "Initialised", "Connected", "Closing",
    "Closed", "Reconfiguring", "Reconfigured",
};

/* Returns a name for a backend state or a negative errno from reading it. */
static const char *nf_state_name(int s)
{
    if (s == -ENOENT)
        return "gone";
    return s >= 0 && s <= 8 ? state_names[s] : "unreadable";
}

/* Sorts v[0..n) ascending (insertion sort: a handful of vifs).  Returns
 * nothing. */
static void nf_sort_ids(unsigned *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            unsigned t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

unsigned netfront_discover(void)
{
    struct xs_client *xs = xen_xs();
    char buf[512];
    size_t used;
    n_devs = 0;
    if (!xs || xs_directory(xs, 0, "device/vif", buf, sizeof buf, &used) <= 0)
        return 0;
    for (size_t off = 0; off < used && n_devs < NETFRONT_MAX_DEVS; off += strlen(buf + off) + 1) {
        char *end;
        unsigned long id = strtoul(buf + off, &end, 10);
        if (end != buf + off && !*end && id < 65536)
            devids[n_devs++] = (unsigned)id;
    }
    nf_sort_ids(devids, n_devs);
    return n_devs;
}

const char *netfront_describe(unsigned i, char *buf, unsigned len)
{
    if (i >= n_devs)
        return NULL;
    char path[48], be[96] = "?";
    snprintf(path, sizeof path, "device/vif/%u/backend", devids[i]);
    if (xen_xs())
        xs_read(xen_xs(), 0, path, be, sizeof be);
    snprintf(buf, len, "vif %u, backend %s", devids[i], be);
    return buf;
}

/* Writes nf's frontend key `key` (relative to its directory).  Returns 0 or
 * a negative errno. */
static int nf_fe_write(struct netfront *nf, uint32_t tx, const char *key, unsigned long val)
{
    char path[80];
    snprintf(path, sizeof path, "%s/%s", nf->fe_path, key);
    return xs_write_uint(xen_xs(), tx, path, val);
}

/* Returns the backend's state, -ENOENT when it is gone, or another
 * negative errno. */
static int nf_be_state(struct netfront *nf)
{
    char path[112];
    unsigned long v;
    if (!nf->be_path[0])
        return -ENOENT;
    snprintf(path, sizeof path, "%s/state", nf->be_path);
    int rc = xs_read_uint(xen_xs(), 0, path, &v);
    return rc ? rc : v > 8 ? -EINVAL : (int)v;
}

/* Reads backend feature `key` (0 when absent).  Returns its value. */
static unsigned long nf_be_feature(struct netfront *nf, const char *key)
{
    char path[140];
    unsigned long v = 0;
    snprintf(path, sizeof path, "%s/%s", nf->be_path, key);
    return xs_read_uint(xen_xs(), 0, path, &v) ? 0 : v;
}

/* Parses "xx:xx:xx:xx:xx:xx".  Returns 0 or -EINVAL. */
static int nf_parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        char *end;
        unsigned long b = strtoul(s, &end, 16);
        if (end == s || end - s > 2 || b > 255 || *end != (i < 5 ? ':' : '\0'))
            return -EINVAL;
        mac[i] = (uint8_t)b;
        s = end + 1;
    }
    return 0;
}

/* Reads the frontend directory: backend path and domain, MAC.  Returns 0,
 * or a negative errno (-ENOENT: no such vif now). */
static int nf_read_identity(struct netfront *nf)
{
    struct xs_client *xs = xen_xs();
    char path[112], val[96];
    unsigned long id;
    snprintf(path, sizeof path, "%s/backend", nf->fe_path);
    int rc = xs_read(xs, 0, path, val, sizeof val);
    if (rc < 0)
        return rc;
    if (val[0] != '/')
        return -EINVAL;
    snprintf(path, sizeof path, "%s/backend-id", nf->fe_path);
    if ((rc = xs_read_uint(xs, 0, path, &id)) || id >= XEN_DOMID_SELF)
        return rc ? rc : -EINVAL;
    char mac_s[24];
    uint8_t mac[6];
    snprintf(path, sizeof path, "%s/mac", nf->fe_path);
    if (xs_read(xs, 0, path, mac_s, sizeof mac_s) < 0 || nf_parse_mac(mac_s, mac))
        return -EINVAL;
    memcpy(nf->nd.mac, mac, 6);
    nf->backend_id = (uint16_t)id;
    if (strcmp(val, nf->be_path)) { /* new backend: move the watch */
        if (nf->watch_be >= 0) {
            char old[112];
            snprintf(old, sizeof old, "%s/state", nf->be_path);
            xs_unwatch(xs, nf->watch_be, old);
            nf->watch_be = -1;
        }
        snprintf(nf->be_path, sizeof nf->be_path, "%s", val);
        char token[XS_TOKEN_MAX];
        snprintf(path, sizeof path, "%s/state", nf->be_path);
        snprintf(token, sizeof token, "nf-be-%u", nf->devid);
        nf->watch_be = xs_watch(xs, path, token);
        if (nf->watch_be < 0)
            OS_WARN("netfront", "%s: cannot watch %s (%d): backend changes are seen only "
                    "through the frontend's directory", nf->nd.name, path, nf->watch_be);
    }
    return 0;
}

/* Writes the ring references and event channels of queue q under `base`.
 * Returns 0 or a negative errno. */
static int nf_publish_queue(struct netfront *nf, uint32_t tx, const char *base,
                         const struct nf_queue *q)
{
    struct xs_client *xs = xen_xs();
    char path[96];
    int rc;
    snprintf(path, sizeof path, "%s/tx-ring-ref", base);
    if ((rc = xs_write_uint(xs, tx, path, q->tx_ref)))
        return rc;
    snprintf(path, sizeof path, "%s/rx-ring-ref", base);
    if ((rc = xs_write_uint(xs, tx, path, q->rx_ref)))
        return rc;
    if (!nf->split) {
        snprintf(path, sizeof path, "%s/event-channel", base);
        return xs_write_uint(xs, tx, path, q->evtchn_tx);
    }
    snprintf(path, sizeof path, "%s/event-channel-tx", base);
    if ((rc = xs_write_uint(xs, tx, path, q->evtchn_tx)))
        return rc;
    snprintf(path, sizeof path, "%s/event-channel-rx", base);
    return xs_write_uint(xs, tx, path, q->evtchn_rx);
}

/* Writes every key of the handshake in transaction tx.  Returns 0 or a
 * negative errno. */
static int nf_publish(struct netfront *nf, uint32_t tx)
{
    static const struct { const char *key; unsigned long val; } feats[] = {
        { "request-rx-copy", 1 }, { "feature-rx-notify", 1 }, { "feature-sg", 0 },
        { "feature-gso-tcpv4", 0 }, { "feature-gso-tcpv6", 0 },
        { "feature-no-csum-offload", 0 }, { "feature-ipv6-csum-offload", 1 },
    };
    int rc = 0;
    for (unsigned i = 0; i < nf->n_queues && !rc; i++) {
        char base[64];
        if (nf->n_queues == 1)
            snprintf(base, sizeof base, "%s", nf->fe_path);
        else
            snprintf(base, sizeof base, "%s/queue-%u", nf->fe_path, i);
        rc = nf_publish_queue(nf, tx, base, nf->q[i]);
    }
    if (!rc && nf->n_queues > 1)
        rc = nf_fe_write(nf, tx, "multi-queue-num-queues", nf->n_queues);
    for (unsigned i = 0; i < sizeof feats / sizeof feats[0] && !rc; i++)
        rc = nf_fe_write(nf, tx, feats[i].key, feats[i].val);
    return rc;
}

/* Publishes the handshake in one transaction, retrying conflicts.  Returns
 * 0 or a negative errno. */
static int nf_publish_all(struct netfront *nf)
{
    struct xs_client *xs = xen_xs();
    int rc = -EAGAIN;
    for (int attempt = 0; attempt < NF_TX_RETRIES && rc == -EAGAIN; attempt++) {
        uint32_t tx;
        if ((rc = xs_transaction_start(xs, &tx)))
            return rc;
        rc = nf_publish(nf, tx);
        int end = xs_transaction_end(xs, tx, rc == 0);
        if (!rc)
            rc = end;
    }
    return rc;
}

/* Releases every queue (grants revoked; pages the backend still maps are
 * leaked and counted).  Returns nothing. */
static void nf_release_queues(struct netfront *nf)
{
    for (unsigned i = 0; i < NETFRONT_MAX_QUEUES; i++)
        nf_queue_destroy(nf, i);
    nf->n_queues = 0;
}

/* DETACHED -> CONNECTING.  Returns 0 or a negative errno (logged; the vif
 * stays DETACHED). */
static int nf_connect(struct netfront *nf)
{
    if (nf_be_feature(nf, "feature-rx-copy") != 1) {
        OS_ERR("netfront", "%s: backend %s does not offer feature-rx-copy; cannot connect",
               nf->nd.name, nf->be_path);
        return -EPROTONOSUPPORT;
    }
    unsigned long maxq = nf_be_feature(nf, "multi-queue-max-queues");
    unsigned nq = maxq ? (unsigned)(maxq < NETFRONT_MAX_QUEUES ? maxq : NETFRONT_MAX_QUEUES) : 1;
    if (nf->want_queues && nf->want_queues < nq)
        nq = nf->want_queues;
    nf->split = nf_be_feature(nf, "feature-split-event-channels") == 1;
    nf->n_queues = nq;
    int rc = 0;
    for (unsigned i = 0; i < nq && !rc; i++)
        rc = nf_queue_create(nf, i);
    if (!rc)
        rc = nf_publish_all(nf);
    if (!rc)
        rc = nf_fe_write(nf, 0, "state", XenbusStateConnected);
    if (rc) {
        OS_ERR("netfront", "%s: cannot connect to %s (%d)", nf->nd.name, nf->be_path, rc);
        nf_release_queues(nf);
        return rc;
    }
    nf->state = NF_CONNECTING;
    nf->state_deadline = xs_now(xen_xs()) + NF_STEP_WAIT_NS;
    return 0;
}

/* CONNECTING -> CONNECTED: the link comes up.  Returns nothing. */
static void nf_set_connected(struct netfront *nf)
{
    const uint8_t *m = nf->nd.mac;
    nf->state = NF_CONNECTED;
    nf->nd.link_up = true;
    OS_INFO("netfront", "%s: connected, mac %02x:%02x:%02x:%02x:%02x:%02x, %u queue(s), %s "
            "event channels, backend %s%s", nf->nd.name, m[0], m[1], m[2], m[3], m[4], m[5],
            nf->n_queues, nf->split ? "split" : "shared", nf->be_path,
            nf->reconnects ? " (reconnected)" : "");
    nf->reconnects++;
}

/* Frees the rings and goes DETACHED.  Returns nothing. */
static void nf_release(struct netfront *nf, int be)
{
    nf_release_queues(nf);
    nf->state = NF_DETACHED;
    OS_INFO("netfront", "%s: closed (backend %s)", nf->nd.name, nf_state_name(be));
}

/* The backend left Connected (state `be`): the link goes down; the rings
 * are released now if the backend can no longer map them, else after it
 * is Closed.  Returns nothing. */
static void nf_teardown(struct netfront *nf, int be)
{
    nf->nd.link_up = false;
    OS_INFO("netfront", "%s: backend %s: link down", nf->nd.name, nf_state_name(be));
    if (be == -ENOENT || be == XenbusStateClosed || be == XenbusStateUnknown) {
        nf_release(nf, be);
        return;
    }
    char path[64];
    char v[8];
    snprintf(path, sizeof path, "%s/state", nf->fe_path);
    if (xs_read(xen_xs(), 0, path, v, sizeof v) >= 0) /* do not recreate a removed vif */
        nf_fe_write(nf, 0, "state", XenbusStateClosed);
    nf->state = NF_CLOSING;
    nf->state_deadline = xs_now(xen_xs()) + NF_STEP_WAIT_NS;
}

/* Advances the state machine by what xenstore says now.  Returns nothing. */
static void nf_step(struct netfront *nf)
{
    int be = nf_be_state(nf);
    uint64_t now = xs_now(xen_xs());
    switch (nf->state) {
    case NF_DETACHED: /* a re-attached vif may have a new backend or MAC: look again */
        be = nf_read_identity(nf) == 0 ? nf_be_state(nf) : -ENOENT;
        if (be != XenbusStateInitWait)
            nf->connect_failed = false; /* a new attempt when it is back */
        else if (!nf->connect_failed && nf_connect(nf))
            nf->connect_failed = true;  /* logged once; not retried in a loop */
        break;
    case NF_CONNECTING:
        if (be == XenbusStateConnected) {
            nf_set_connected(nf);
        } else if (be < 0 || be >= XenbusStateClosing || now >= nf->state_deadline) {
            if (now >= nf->state_deadline)
                OS_WARN("netfront", "%s: backend did not connect within %llu s", nf->nd.name,
                        (unsigned long long)(NF_STEP_WAIT_NS / 1000000000ull));
            nf_teardown(nf, be);
        }
        break;
    case NF_CONNECTED:
        if (be != XenbusStateConnected && be != -ETIMEDOUT && be != -EIO)
            nf_teardown(nf, be);
        break;
    case NF_CLOSING:
        if (be < 0 || be == XenbusStateClosed || be == XenbusStateUnknown ||
            be == XenbusStateInitWait || now >= nf->state_deadline)
            nf_release(nf, be);
        break;
    }
}

bool nf_poll_link(struct netdev *nd)
{
    struct netfront *nf = nd->priv;
    struct xs_client *xs = xen_xs();
    bool was = nd->link_up;
    if (!xs || xs_poll(xs) < 0)
        return false;
    bool fired = xs_watch_fired(xs, nf->watch_fe) | xs_watch_fired(xs, nf->watch_be);
    bool due = (nf->state == NF_CONNECTING || nf->state == NF_CLOSING) &&
               xs_now(xs) >= nf->state_deadline;
    if (fired || due)
        nf_step(nf);
    return nd->link_up != was;
}

/* Runs the state machine until the vif is CONNECTED or `timeout_ns`
 * passed.  Returns nothing. */
static void nf_step_until_connected(struct netfront *nf, uint64_t timeout_ns)
{
    struct xs_client *xs = xen_xs();
    uint64_t deadline = xs_now(xs) + timeout_ns;
    for (;;) {
        nf_step(nf);
        uint64_t now = xs_now(xs);
        if (nf->state == NF_CONNECTED || nf->connect_failed || now >= deadline)
            return;
        xs_wait(xs, now + NF_RECHECK_NS < deadline ? now + NF_RECHECK_NS : deadline);
    }
}

/* Parses "N[,queues=Q]".  Returns 0 or -EINVAL. */
static int nf_parse_arg(const char *arg, unsigned long *devid, unsigned long *queues)
{
    char *end;
    *queues = 0;
    if (*arg < '0' || *arg > '9')
        return -EINVAL;
    *devid = strtoul(arg, &end, 10);
    if (!strncmp(end, ",queues=", 8)) {
        const char *q = end + 8;
        *queues = strtoul(q, &end, 10);
        if (end == q || *queues == 0)
            return -EINVAL;
    }
    return *end || *devid >= 65536 ? -EINVAL : 0;
}

/* Returns true when `pool` has page-sized, page-aligned slots (RX grants
 * whole pages and the frame becomes the packet). */
static bool nf_pool_has_pages(struct pkt_pool *pool)
{
    struct pkt *p = pool ? pkt_alloc(pool) : NULL;
    bool ok = p && p->buf_size >= XEN_PAGE_SIZE && !((uintptr_t)p->buf & (XEN_PAGE_SIZE - 1));
    pkt_free(p);
    return ok;
}

/* Returns a free slot of the open table, or -1. */
static int nf_open_slot(unsigned long devid)
{
    int free_slot = -1;
    for (int i = 0; i < NETFRONT_MAX_DEVS; i++) {
        if (open_devs[i] && open_devs[i]->devid == devid)
            return -2;
        if (!open_devs[i] && free_slot < 0)
            free_slot = i;
    }
    return free_slot;
}

int nf_open(const char *arg, struct pkt_pool *pool, struct netdev **out)
{
    unsigned long devid, queues;
    struct xs_client *xs = xen_xs();
    if (nf_parse_arg(arg, &devid, &queues)) {
        OS_ERR("netfront", "netfront:%s: expected netfront:N[,queues=Q]", arg);
        return -EINVAL;
    }
    int slot = nf_open_slot(devid);
    if (!xs || slot < 0) {
        OS_ERR("netfront", "netfront:%s: %s", arg, !xs ? "no xenstore connection"
                                                      : slot == -2 ? "already open" : "too many vifs");
        return !xs ? -ENODEV : slot == -2 ? -EBUSY : -ENOSPC;
    }
    if (!nf_pool_has_pages(pool)) {
        OS_ERR("netfront", "netfront:%s: the packet pool needs page-sized slots", arg);
        return -EINVAL;
    }
    struct netfront *nf = os_calloc(1, sizeof *nf);
    if (!nf)
        return -ENOMEM;
    struct netdev *nd = &nf->nd;
    nd->cls = &netfront_class;
    nd->priv = nf;
    nd->pool = pool;
    nd->wait_fd = -1;
    nd->mtu = 1500;
    nd->curr = nd->advertised = nd->supported = NETDEV_F_10GB_FD | NETDEV_F_COPPER;
    snprintf(nd->name, sizeof nd->name, "vif%lu", devid);
    nf->devid = (unsigned)devid;
    nf->want_queues = (unsigned)queues;
    nf->watch_be = -1;
    snprintf(nf->fe_path, sizeof nf->fe_path, "device/vif/%lu", devid);
    int rc = nf_read_identity(nf);
    if (rc) {
        OS_ERR("netfront", "netfront:%s: no usable vif %lu in xenstore (%s: %d)", arg, devid,
               nf->fe_path, rc);
        os_free(nf);
        return -ENODEV;
    }
    char token[XS_TOKEN_MAX];
    snprintf(token, sizeof token, "nf-fe-%lu", devid);
    nf->watch_fe = xs_watch(xs, nf->fe_path, token);
    if (nf->watch_fe < 0)
        OS_WARN("netfront", "%s: cannot watch %s (%d): a re-attached vif will not be seen",
                nd->name, nf->fe_path, nf->watch_fe);
    nf_step_until_connected(nf, NF_OPEN_WAIT_NS);
    if (nf->state != NF_CONNECTED && !nf->connect_failed)
        OS_WARN("netfront", "%s: backend %s not connected after %llu s (it is %s); the port "
                "stays down until it connects", nd->name, nf->be_path,
                (unsigned long long)(NF_OPEN_WAIT_NS / 1000000000ull),
                nf_state_name(nf_be_state(nf)));
    else if (nf->state != NF_CONNECTED)
        OS_WARN("netfront", "%s: the port stays down until a usable backend is attached",
                nd->name);
    open_devs[slot] = nf;
    *out = nd;
    return 0;
}

/* Waits (bounded) until the backend's state is in `mask` (bit per state,
 * bit NF_BE_GONE: removed).  Returns the state, or a negative errno. */
static int nf_wait_backend(struct netfront *nf, unsigned mask, uint64_t timeout_ns)
{
    struct xs_client *xs = xen_xs();
    uint64_t deadline = xs_now(xs) + timeout_ns;
    for (;;) {
        int s = nf_be_state(nf);
        if ((s >= 0 && (mask & (1u << s))) || (s == -ENOENT && (mask & (1u << NF_BE_GONE))))
            return s;
        uint64_t now = xs_now(xs);
        if ((s < 0 && s != -ENOENT) || now >= deadline)
            return s < 0 && s != -ENOENT ? s : -ETIMEDOUT;
        xs_wait(xs, now + NF_RECHECK_NS < deadline ? now + NF_RECHECK_NS : deadline);
    }
}

void nf_close(struct netdev *nd)
{
    struct netfront *nf = nd->priv;
    const unsigned closed = 1u << XenbusStateClosed | 1u << XenbusStateUnknown | 1u << NF_BE_GONE;
    int be = nf_be_state(nf);
    if (nf->state == NF_CONNECTED || nf->state == NF_CONNECTING) {
        nf_fe_write(nf, 0, "state", XenbusStateClosing);
        be = nf_wait_backend(nf, closed | 1u << XenbusStateClosing, NF_CLOSE_WAIT_NS);
        nf_fe_write(nf, 0, "state", XenbusStateClosed);
        be = nf_wait_backend(nf, closed, NF_CLOSE_WAIT_NS);
    } else if (nf->state == NF_CLOSING) {
        be = nf_wait_backend(nf, closed, NF_CLOSE_WAIT_NS);
    }
    if (be == -ETIMEDOUT) {
        be = nf_be_state(nf);
        OS_WARN("netfront", "%s: backend not Closed within %llu s (it is %s)", nd->name,
                (unsigned long long)(NF_CLOSE_WAIT_NS / 1000000000ull), nf_state_name(be));
    }
    struct nf_qstats st = nf_stats(nf);
    if (nf->n_queues)
        nf_release(nf, be);
    OS_INFO("netfront", "%s: rx %lu tx %lu, checksums completed %lu, bad responses %lu, "
            "TX ring full %lu, RX refills short of buffers %lu, leaked pages %lu", nd->name,
            (unsigned long)st.rx, (unsigned long)st.tx, (unsigned long)st.csum_completed,
            (unsigned long)st.bad_rsp, (unsigned long)st.tx_full,
            (unsigned long)st.no_buffers, (unsigned long)st.leaked);
    struct xs_client *xs = xen_xs();
    char path[112];
    if (nf->watch_be >= 0) {
        snprintf(path, sizeof path, "%s/state", nf->be_path);
        xs_unwatch(xs, nf->watch_be, path);
    }
    if (nf->watch_fe >= 0)
        xs_unwatch(xs, nf->watch_fe, nf->fe_path);
    for (int i = 0; i < NETFRONT_MAX_DEVS; i++)
        if (open_devs[i] == nf)
            open_devs[i] = NULL;
    os_free(nf);
}
