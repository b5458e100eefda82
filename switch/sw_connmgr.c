/*
 * sw_connmgr.c — the connections of one switch: creation, the run (driven
 * by readiness when a loop is attached), reaping, deadlines, broadcast (see
 * sw_connmgr.h; active targets are in sw_connmgr_target.c, listeners in
 * sw_connmgr_listen.c).
 *
 * What a loop turn costs must not grow with the number of connections:
 * sw_connmgr_due, sw_connmgr_next_deadline, sw_connmgr_n_sessions and
 * sw_connmgr_has_controller read cached values, sw_connmgr_flush returns at
 * once when nothing was queued, and a run does syscalls only for the
 * connections that are ready or due (it still walks the list once, reading
 * a few cached fields per connection).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "os/log.h"
#include "os/mem.h"
#include "os/poll.h"
#include "os/stream.h"
#include "sw_connmgr_priv.h"

#define RUN_AT_LEAST_NS (1 * SW_CONNMGR_NS_MS)
#define CONN_RUNS_PER_RUN 16

/* ---- os/poll.h registration ----------------------------------------------- */

static void mgr_fd_ready(int fd, unsigned events, void *arg)
{
    struct mgr_watch *w = arg;
    w->ready = true;
    w->m->wake = true;
}

void mgr_watch(struct sw_connmgr *m, struct mgr_watch *w, int fd, unsigned events)
{
    if (!m->poll || (w->fd == fd && w->events == events))
        return;
    if (w->fd >= 0 && w->fd == fd) {
        os_poll_mod_fd(m->poll, fd, events);
    } else {
        if (w->fd >= 0)
            os_poll_del_fd(m->poll, w->fd);
        if (fd >= 0 && os_poll_add_fd(m->poll, fd, events, mgr_fd_ready, w) < 0)
            fd = -1;
    }
    w->fd = fd;
    w->events = events;
}

/* ---- connections -------------------------------------------------------- */

static void mgr_on_active(struct sw_conn *c, void *arg)
{
    struct mgr_conn *mc = arg;
    struct sw_connmgr *m = mc->m;
    mc->announced = true;
    m->st.sessions++;
    m->n_sessions++;
    if (mc->target || mc->as_controller)
        m->n_controllers++;
    if (mc->target)
        mc->target->backoff_ns = m->cfg.backoff_min_ns;
    if (m->cbs.on_connect)
        m->cbs.on_connect(c, m->cbs.arg);
}

static void mgr_on_message(struct sw_conn *c, const uint8_t *msg, size_t len, void *arg)
{
    struct mgr_conn *mc = arg;
    if (mc->m->cbs.on_message)
        mc->m->cbs.on_message(c, msg, len, mc->m->cbs.arg);
}

/* Wraps `transport` in a connection named `name`.  Returns the new entry,
 * or NULL (no memory: the transport is closed then). */
static struct mgr_conn *mgr_conn_add_ops(struct sw_connmgr *m,
                                         const struct sw_transport_ops *ops, void *transport,
                                         struct mgr_target *t, const char *name,
                                         uint64_t now_ns)
{
    struct mgr_conn *mc = os_calloc(1, sizeof *mc);
    if (!mc) {
        ops->close(transport);
        return NULL;
    }
    static const struct sw_conn_cbs cbs = {.on_active = mgr_on_active,
                                           .on_message = mgr_on_message};
    struct sw_conn_config ccfg = {.probe_interval_ns = m->cfg.probe_interval_ns,
                                  .hello_timeout_ns = m->cfg.hello_timeout_ns,
                                  .msg_timeout_ns = m->cfg.msg_timeout_ns,
                                  .tx_stall_ns = m->cfg.tx_stall_ns,
                                  .tx_max_bytes = m->cfg.tx_max_bytes,
                                  .tx_high_bytes = m->cfg.tx_high_bytes,
                                  .shared = &m->shared,
                                  .name = name};
    mc->m = m;
    mc->target = t;
    mc->w.fd = -1;
    mc->w.m = m;
    mc->w.ready = true; /* run once: the HELLO exchange may already be under way */
    mc->dirty = true;
    mc->c = sw_conn_create(ops, transport, &ccfg, &cbs, mc, now_ns);
    if (!mc->c) {
        os_free(mc);
        return NULL;
    }
    mc->next = m->conns;
    m->conns = mc;
    if (t)
        t->session = mc;
    m->wake = true;
    m->next_deadline = 0;
    return mc;
}

int mgr_conn_add_stream(struct sw_connmgr *m, struct os_stream *s, struct mgr_target *t,
                        const char *name, uint64_t now_ns)
{
    struct mgr_conn *mc = mgr_conn_add_ops(m, &sw_stream_transport, s, t, name, now_ns);
    if (mc && !t) {
        mc->passive = true;
        m->n_passive++;
    }
    return mc ? 0 : -ENOMEM;
}

int sw_connmgr_add_conn(struct sw_connmgr *m, const struct sw_transport_ops *ops,
                        void *transport, bool as_controller, const char *name,
                        uint64_t now_ns)
{
    struct mgr_conn *mc = mgr_conn_add_ops(m, ops, transport, NULL, name, now_ns);
    if (!mc)
        return -ENOMEM;
    mc->as_controller = as_controller;
    return 0;
}

/* Called for a closed connection: reports it, reschedules its target, and
 * frees it. */
static void mgr_conn_reap(struct sw_connmgr *m, struct mgr_conn *mc, uint64_t now_ns)
{
    const char *why = sw_conn_reason_name(sw_conn_close_reason(mc->c));
    if (mc->announced) {
        OS_INFO("connmgr", "%s: disconnected (%s)", sw_conn_name(mc->c), why);
        m->st.disconnects++;
        m->n_sessions--;
        if (mc->target || mc->as_controller)
            m->n_controllers--;
        if (m->cbs.on_disconnect)
            m->cbs.on_disconnect(mc->c, m->cbs.arg);
    }
    struct mgr_target *t = mc->target;
    if (t) {
        t->session = NULL;
        if (mc->announced)
            t->next_attempt_ns = now_ns + m->cfg.reconnect_ns;
        else
            mgr_target_backoff(m, t, now_ns);
    }
    if (mc->passive)
        m->n_passive--;
    mgr_watch(m, &mc->w, -1, 0);
    sw_conn_destroy(mc->c);
    os_free(mc);
}

/* Brings connection mc's registration and cached deadline up to date.
 * Returns nothing. */
static void mgr_conn_refresh(struct sw_connmgr *m, struct mgr_conn *mc)
{
    unsigned ev;
    int fd = sw_conn_wait_fd(mc->c, &ev);
    if (fd >= 0)
        mgr_watch(m, &mc->w, fd, ev);
    mc->deadline = sw_conn_next_deadline(mc->c);
    mc->dirty = false;
}

void sw_connmgr_flush(struct sw_connmgr *m)
{
    if (!m->shared.tx_pending)
        return;
    m->shared.tx_pending = false;
    for (struct mgr_conn *mc = m->conns; mc; mc = mc->next) {
        if (!sw_conn_tx_queued(mc->c))
            continue;
        sw_conn_flush(mc->c);
        mgr_conn_refresh(m, mc); /* watch for OUT, start the stall clock */
        if (mc->deadline < m->next_deadline)
            m->next_deadline = mc->deadline;
    }
}

/* Returns true when connection mc must run at now_ns. */
static bool mgr_conn_due(const struct mgr_conn *mc, uint64_t now_ns, bool all)
{
    return all || mc->force || mc->w.ready || mc->w.fd < 0 || mc->deadline <= now_ns ||
           sw_conn_has_work(mc->c);
}

/* Runs the connections that are due, at most CONN_RUNS_PER_RUN of them
 * (the packet path waits for one run: 2,000 echo probes falling due
 * together must not hold a packet for milliseconds), starting at
 * list position m->resume_at and wrapping around.  When it stops early it
 * remembers where and keeps the manager due; what it skipped stays ready or
 * due.  Returns nothing. */
static void mgr_serve_due(struct sw_connmgr *m, uint64_t now_ns, bool all)
{
    unsigned budget = CONN_RUNS_PER_RUN;
    size_t start = m->resume_at;
    m->resume_at = 0;
    for (int wrapped = 0; wrapped < 2; wrapped++) {
        size_t pos = 0;
        for (struct mgr_conn *mc = m->conns; mc; mc = mc->next, pos++) {
            if (wrapped ? pos >= start : pos < start)
                continue;
            if (!mgr_conn_due(mc, now_ns, all))
                continue;
            if (budget-- == 0) {
                m->resume_at = pos;
                m->wake = true;
                return;
            }
            mc->w.ready = mc->force = false;
            mc->dirty = true;
            sw_conn_run(mc->c, now_ns);
        }
    }
}

/* Runs the connections that are due (mgr_serve_due), reaps the closed
 * ones, refreshes the registrations, and recomputes the cached deadline
 * and counts.  Returns nothing. */
static void mgr_run_conns(struct sw_connmgr *m, uint64_t now_ns, bool all)
{
    mgr_serve_due(m, now_ns, all);
    /* what a later connection's callbacks sent to an earlier one */
    sw_connmgr_flush(m);
    /* Reap after everyone ran: callbacks may have closed any connection. */
    unsigned unwatched = 0;
    bool work = false;
    struct mgr_conn **pp = &m->conns;
    while (*pp) {
        struct mgr_conn *mc = *pp;
        if (sw_conn_state(mc->c) == SW_CONN_CLOSED) {
            *pp = mc->next;
            mgr_conn_reap(m, mc, now_ns);
            continue;
        }
        if (mc->dirty)
            mgr_conn_refresh(m, mc);
        if (mc->deadline < m->next_deadline)
            m->next_deadline = mc->deadline;
        unwatched += mc->w.fd < 0;
        work |= sw_conn_has_work(mc->c);
        pp = &mc->next;
    }
    m->n_unwatched = unwatched;
    m->wake |= work;
}

/* ---- the manager ---------------------------------------------------------- */

struct sw_connmgr *sw_connmgr_create(const struct sw_connmgr_config *cfg,
                                     const struct sw_connmgr_cbs *cbs)
{
    struct sw_connmgr *m = os_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    if (cfg)
        m->cfg = *cfg;
    if (cbs)
        m->cbs = *cbs;
    if (!m->cfg.reconnect_ns)
        m->cfg.reconnect_ns = 100 * SW_CONNMGR_NS_MS;
    if (!m->cfg.backoff_min_ns)
        m->cfg.backoff_min_ns = 100 * SW_CONNMGR_NS_MS;
    if (!m->cfg.backoff_max_ns)
        m->cfg.backoff_max_ns = 8000 * SW_CONNMGR_NS_MS;
    if (!m->cfg.connect_timeout_ns)
        m->cfg.connect_timeout_ns = 5000 * SW_CONNMGR_NS_MS;
    if (!m->cfg.max_passive)
        m->cfg.max_passive = SW_CONNMGR_MAX_PASSIVE_DEFAULT;
    if (!m->cfg.queue_budget)
        m->cfg.queue_budget = SW_CONNMGR_BUDGET_DEFAULT;
    m->shared.budget = m->cfg.queue_budget;
    m->next_deadline = UINT64_MAX;
    return m;
}

void sw_connmgr_destroy(struct sw_connmgr *m)
{
    if (!m)
        return;
    while (m->conns) {
        struct mgr_conn *mc = m->conns;
        m->conns = mc->next;
        mgr_watch(m, &mc->w, -1, 0);
        sw_conn_destroy(mc->c);
        os_free(mc);
    }
    while (m->targets) {
        struct mgr_target *t = m->targets;
        m->targets = t->next;
        mgr_watch(m, &t->w, -1, 0);
        os_stream_close(t->connecting);
        os_free(t);
    }
    while (m->listeners) {
        struct mgr_listener *l = m->listeners;
        m->listeners = l->next;
        mgr_watch(m, &l->w, -1, 0);
        os_stream_close(l->l);
        os_free(l);
    }
    os_free(m);
}

/* Runs the listeners that are ready or due and every target.  Returns
 * nothing. */
static void mgr_run_endpoints(struct sw_connmgr *m, uint64_t now_ns, bool all)
{
    for (struct mgr_listener *l = m->listeners; l; l = l->next) {
        if (all || l->w.ready || now_ns >= mgr_listener_deadline(m, l)) {
            l->w.ready = false;
            mgr_run_listener(m, l, now_ns);
        }
    }
    for (struct mgr_target *t = m->targets; t; t = t->next) {
        t->w.ready = false;
        mgr_run_target(m, t, now_ns);
    }
}

/* Returns the earliest deadline of the listeners and targets (after the
 * connections were reaped: a session that ended schedules a reconnect). */
static uint64_t mgr_endpoints_deadline(const struct sw_connmgr *m, uint64_t now_ns)
{
    uint64_t d = UINT64_MAX;
    for (const struct mgr_listener *l = m->listeners; l; l = l->next) {
        uint64_t ld = mgr_listener_deadline(m, l);
        d = ld < d ? ld : d;
    }
    for (const struct mgr_target *t = m->targets; t; t = t->next) {
        uint64_t td = mgr_target_deadline(m, t);
        if (t->connecting && t->w.fd < 0)
            td = now_ns + RUN_AT_LEAST_NS; /* no handle: check it by retrying */
        d = td < d ? td : d;
    }
    return d;
}

void sw_connmgr_run(struct sw_connmgr *m, uint64_t now_ns)
{
    bool all = !m->poll; /* no loop: poll every connection by retrying */
    bool endpoints_all = all || m->run_all;
    if (m->run_all) {     /* every connection once (attach, reading resumes) */
        for (struct mgr_conn *mc = m->conns; mc; mc = mc->next)
            mc->force = true;
        m->run_all = false;
    }
    mgr_run_endpoints(m, now_ns, endpoints_all);
    m->wake = false; /* new connections are run below */
    m->next_deadline = UINT64_MAX;
    mgr_run_conns(m, now_ns, all);
    uint64_t ed = mgr_endpoints_deadline(m, now_ns);
    if (ed < m->next_deadline)
        m->next_deadline = ed;
    /* Reading resumes everywhere when the shared budget falls below half:
     * connections that stopped watching for input run once more. */
    bool high = m->shared.budget && m->shared.used >= m->shared.budget / 2;
    if (m->budget_high && !high) {
        m->run_all = true;
        m->wake = true;
    }
    m->budget_high = high;
    m->st.queue_peak = m->shared.peak;
    m->last_run_ns = now_ns;
}

int sw_connmgr_attach_poll(struct sw_connmgr *m, struct os_poll *p)
{
    if (m->poll)
        return -EBUSY;
    m->poll = p;
    for (struct mgr_listener *l = m->listeners; l; l = l->next)
        mgr_watch(m, &l->w, os_stream_fd(l->l), OS_POLL_IN);
    for (struct mgr_target *t = m->targets; t; t = t->next)
        if (t->connecting)
            mgr_watch(m, &t->w, os_stream_fd(t->connecting), OS_POLL_OUT);
    for (struct mgr_conn *mc = m->conns; mc; mc = mc->next)
        mgr_conn_refresh(m, mc);
    m->run_all = true;
    m->wake = true;
    return 0;
}

bool sw_connmgr_due(const struct sw_connmgr *m, uint64_t now_ns)
{
    if (m->wake || now_ns >= m->next_deadline)
        return true;
    bool retry = !m->poll || m->n_unwatched > 0;
    return retry && now_ns - m->last_run_ns >= RUN_AT_LEAST_NS;
}

static void mgr_put_fd(struct sw_connmgr_pollfd *fds, size_t max, size_t *n, int fd,
                       unsigned events)
{
    if (fd < 0)
        return;
    if (*n < max) {
        fds[*n].fd = fd;
        fds[*n].events = events;
    }
    (*n)++;
}

size_t sw_connmgr_wait_fds(const struct sw_connmgr *m, struct sw_connmgr_pollfd *fds,
                           size_t max)
{
    size_t n = 0;
    for (const struct mgr_listener *l = m->listeners; l; l = l->next)
        mgr_put_fd(fds, max, &n, os_stream_fd(l->l), OS_POLL_IN);
    for (const struct mgr_target *t = m->targets; t; t = t->next)
        if (t->connecting)
            mgr_put_fd(fds, max, &n, os_stream_fd(t->connecting), OS_POLL_OUT);
    for (const struct mgr_conn *mc = m->conns; mc; mc = mc->next) {
        unsigned ev;
        int fd = sw_conn_wait_fd(mc->c, &ev);
        mgr_put_fd(fds, max, &n, fd, ev);
    }
    return n;
}

uint64_t sw_connmgr_next_deadline(const struct sw_connmgr *m)
{
    return m->wake ? 0 : m->next_deadline;
}

/* Sends msg to every session with `send`.  Returns how many queued it. */
static int mgr_broadcast(struct sw_connmgr *m, const void *msg, size_t len,
                         int (*send)(struct sw_conn *, const void *, size_t))
{
    int sent = 0;
    for (struct mgr_conn *mc = m->conns; mc; mc = mc->next) {
        if (!mc->announced || !sw_conn_is_active(mc->c))
            continue;
        if (send(mc->c, msg, len) == 0)
            sent++;
        else
            m->st.broadcast_dropped++;
    }
    return sent;
}

int sw_connmgr_broadcast(struct sw_connmgr *m, const void *msg, size_t len)
{
    return mgr_broadcast(m, msg, len, sw_conn_send);
}

int sw_connmgr_broadcast_async(struct sw_connmgr *m, const void *msg, size_t len)
{
    return mgr_broadcast(m, msg, len, sw_conn_send_async);
}

bool sw_connmgr_has_controller(const struct sw_connmgr *m)
{
    return m->n_controllers > 0;
}

bool sw_connmgr_conn_is_active_target(const struct sw_conn *c)
{
    const struct mgr_conn *mc = sw_conn_cb_arg(c);
    return mc && (mc->target || mc->as_controller);
}

size_t sw_connmgr_n_sessions(const struct sw_connmgr *m)
{
    return m->n_sessions;
}

const struct sw_connmgr_stats *sw_connmgr_stats(const struct sw_connmgr *m)
{
    return &m->st;
}
