/*
 * sw_connmgr.c — active targets, passive listeners and their connections
 * (see sw_connmgr.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "os/log.h"
#include "os/mem.h"
#include "os/poll.h"
#include "os/stream.h"
#include "sw_connmgr.h"

#define NS_MS 1000000ull
#define ACCEPTS_PER_RUN 64
#define RUN_AT_LEAST_NS (1 * NS_MS)

/* A handle registered with the attached os_poll loop (fd -1: none). */
struct mgr_watch {
    int fd;
    unsigned events;
};

struct mgr_target {
    struct mgr_target *next;
    char host[256];
    uint16_t port;
    char name[300];
    struct os_stream *connecting; /* connect in progress */
    uint64_t connect_started_ns;
    struct mgr_conn *session;     /* the live connection, if any */
    struct mgr_watch w;           /* of `connecting` */
    uint64_t next_attempt_ns;
    uint64_t backoff_ns;          /* the delay after the next failure */
};

struct mgr_listener {
    struct mgr_listener *next;
    struct os_stream *l;
    char name[80];
    struct mgr_watch w;
};

struct mgr_conn {
    struct mgr_conn *next;
    struct sw_connmgr *m;
    struct mgr_target *target; /* NULL for a passive client */
    struct sw_conn *c;
    bool announced;            /* on_connect was called */
    bool as_controller;        /* added by sw_connmgr_add_conn as a controller */
    struct mgr_watch w;
};

struct sw_connmgr {
    struct sw_connmgr_config cfg;
    struct sw_connmgr_cbs cbs;
    struct mgr_target *targets;
    struct mgr_listener *listeners;
    int n_listeners;
    struct mgr_conn *conns;
    struct sw_connmgr_stats st;
    struct os_poll *poll;      /* attached loop, or NULL */
    bool wake;                 /* a watched handle became ready */
    uint64_t last_run_ns;
};

/* ---- os/poll.h registration ----------------------------------------------- */

static void mgr_fd_ready(int fd, unsigned events, void *arg)
{
    ((struct sw_connmgr *)arg)->wake = true;
}

/* Makes the loop watch `fd` for `events` in place of what w watched. */
static void mgr_watch(struct sw_connmgr *m, struct mgr_watch *w, int fd, unsigned events)
{
    if (!m->poll || (w->fd == fd && w->events == events))
        return;
    if (w->fd >= 0 && w->fd == fd) {
        os_poll_mod_fd(m->poll, fd, events);
    } else {
        if (w->fd >= 0)
            os_poll_del_fd(m->poll, w->fd);
        if (fd >= 0 && os_poll_add_fd(m->poll, fd, events, mgr_fd_ready, m) < 0)
            fd = -1;
    }
    w->fd = fd;
    w->events = events;
}

/* Stops watching w's handle (call before its stream is freed). */
static void mgr_unwatch(struct sw_connmgr *m, struct mgr_watch *w)
{
    mgr_watch(m, w, -1, 0);
}

/* ---- connections -------------------------------------------------------- */

static void mgr_on_active(struct sw_conn *c, void *arg)
{
    struct mgr_conn *mc = arg;
    mc->announced = true;
    mc->m->st.sessions++;
    if (mc->target)
        mc->target->backoff_ns = mc->m->cfg.backoff_min_ns;
    if (mc->m->cbs.on_connect)
        mc->m->cbs.on_connect(c, mc->m->cbs.arg);
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
                                  .tx_max_bytes = m->cfg.tx_max_bytes,
                                  .name = name};
    mc->m = m;
    mc->target = t;
    mc->w.fd = -1;
    mc->c = sw_conn_create(ops, transport, &ccfg, &cbs, mc, now_ns);
    if (!mc->c) {
        os_free(mc);
        return NULL;
    }
    mc->next = m->conns;
    m->conns = mc;
    if (t)
        t->session = mc;
    return mc;
}

/* Wraps stream `s` in a connection named `name`.  Returns 0 or -ENOMEM (the
 * stream is closed then). */
static int mgr_conn_add(struct sw_connmgr *m, struct os_stream *s, struct mgr_target *t,
                        const char *name, uint64_t now_ns)
{
    return mgr_conn_add_ops(m, &sw_stream_transport, s, t, name, now_ns) ? 0 : -ENOMEM;
}

int sw_connmgr_add_conn(struct sw_connmgr *m, const struct sw_transport_ops *ops,
                        void *transport, bool as_controller, const char *name,
                        uint64_t now_ns)
{
    struct mgr_conn *mc = mgr_conn_add_ops(m, ops, transport, NULL, name, now_ns);
    if (!mc)
        return -ENOMEM;
    mc->as_controller = as_controller;
    m->wake = true;
    return 0;
}

/* Schedules target t's next connect after a failed attempt or a session
 * that never reached HELLO, and doubles its back-off. */
static void mgr_target_backoff(struct sw_connmgr *m, struct mgr_target *t, uint64_t now_ns)
{
    t->next_attempt_ns = now_ns + t->backoff_ns;
    t->backoff_ns *= 2;
    if (t->backoff_ns > m->cfg.backoff_max_ns)
        t->backoff_ns = m->cfg.backoff_max_ns;
}

/* Called for a closed connection: reports it, reschedules its target, and
 * frees it. */
static void mgr_conn_reap(struct sw_connmgr *m, struct mgr_conn *mc, uint64_t now_ns)
{
    const char *why = sw_conn_reason_name(sw_conn_close_reason(mc->c));
    if (mc->announced) {
        OS_INFO("connmgr", "%s: disconnected (%s)", sw_conn_name(mc->c), why);
        m->st.disconnects++;
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
    mgr_unwatch(m, &mc->w);
    sw_conn_destroy(mc->c);
    os_free(mc);
}

void sw_connmgr_flush(struct sw_connmgr *m)
{
    for (struct mgr_conn *mc = m->conns; mc; mc = mc->next)
        sw_conn_flush(mc->c);
}

static void mgr_run_conns(struct sw_connmgr *m, uint64_t now_ns)
{
    for (struct mgr_conn *mc = m->conns; mc; mc = mc->next)
        sw_conn_run(mc->c, now_ns);
    /* what a later connection's callbacks sent to an earlier one */
    sw_connmgr_flush(m);
    /* Reap after everyone ran: callbacks may have closed any connection. */
    struct mgr_conn **pp = &m->conns;
    while (*pp) {
        struct mgr_conn *mc = *pp;
        if (sw_conn_state(mc->c) == SW_CONN_CLOSED) {
            *pp = mc->next;
            mgr_conn_reap(m, mc, now_ns);
        } else {
            pp = &mc->next;
        }
    }
}

/* ---- active targets ------------------------------------------------------ */

static void mgr_connect_failed(struct sw_connmgr *m, struct mgr_target *t, int err,
                               uint64_t now_ns)
{
    OS_DBG("connmgr", "%s: connect failed: errno %d (retry in %llu ms)", t->name, -err,
           (unsigned long long)(t->backoff_ns / NS_MS));
    m->st.connect_failures++;
    mgr_unwatch(m, &t->w);
    os_stream_close(t->connecting);
    t->connecting = NULL;
    mgr_target_backoff(m, t, now_ns);
}

static void mgr_run_target(struct sw_connmgr *m, struct mgr_target *t, uint64_t now_ns)
{
    if (t->session)
        return;
    if (!t->connecting) {
        if (now_ns < t->next_attempt_ns)
            return;
        m->st.connect_attempts++;
        int rc = os_stream_connect(t->host, t->port, &t->connecting);
        if (rc < 0) {
            t->connecting = NULL;
            mgr_connect_failed(m, t, rc, now_ns);
            return;
        }
        t->connect_started_ns = now_ns;
    }
    int rc = os_stream_connect_status(t->connecting);
    if (rc == -EAGAIN && now_ns - t->connect_started_ns >= m->cfg.connect_timeout_ns)
        rc = -ETIMEDOUT;
    if (rc == -EAGAIN)
        return;
    if (rc < 0) {
        mgr_connect_failed(m, t, rc, now_ns);
        return;
    }
    struct os_stream *s = t->connecting;
    t->connecting = NULL;
    mgr_unwatch(m, &t->w);
    if (mgr_conn_add(m, s, t, t->name, now_ns) < 0)
        mgr_target_backoff(m, t, now_ns);
}

int sw_connmgr_add_target(struct sw_connmgr *m, const char *spec)
{
    char host[256];
    uint16_t port;
    if (sw_connmgr_parse_target(spec, host, sizeof host, &port) < 0)
        return -EINVAL;
    struct mgr_target *t = os_calloc(1, sizeof *t);
    if (!t)
        return -ENOMEM;
    memcpy(t->host, host, sizeof host);
    t->port = port;
    snprintf(t->name, sizeof t->name, "tcp:%s%s%s:%u", strchr(host, ':') ? "[" : "", host,
             strchr(host, ':') ? "]" : "", (unsigned)port);
    t->backoff_ns = m->cfg.backoff_min_ns;
    t->w.fd = -1;
    t->next = m->targets;
    m->targets = t;
    return 0;
}

/* ---- passive listeners --------------------------------------------------- */

static void mgr_run_listener(struct sw_connmgr *m, struct mgr_listener *l, uint64_t now_ns)
{
    for (int i = 0; i < ACCEPTS_PER_RUN; i++) {
        struct os_stream *s;
        int rc = os_stream_accept(l->l, &s);
        if (rc < 0) {
            if (rc != -EAGAIN)
                OS_WARN("connmgr", "%s: accept: errno %d", l->name, -rc);
            return;
        }
        char peer[64], name[80];
        snprintf(name, sizeof name, "%s<-%s", l->name, os_stream_name(s, peer, sizeof peer));
        m->st.accepted++;
        mgr_conn_add(m, s, NULL, name, now_ns);
    }
}

int sw_connmgr_add_listener(struct sw_connmgr *m, const char *spec)
{
    char ip[64];
    uint16_t port;
    if (sw_connmgr_parse_listen(spec, &port, ip, sizeof ip) < 0)
        return -EINVAL;
    struct mgr_listener *l = os_calloc(1, sizeof *l);
    if (!l)
        return -ENOMEM;
    int rc = os_stream_listen(ip, port, &l->l);
    if (rc < 0) {
        os_free(l);
        return rc;
    }
    l->w.fd = -1;
    mgr_watch(m, &l->w, os_stream_fd(l->l), OS_POLL_IN);
    snprintf(l->name, sizeof l->name, "ptcp:%u%s%s", (unsigned)os_stream_local_port(l->l),
             *ip ? ":" : "", ip);
    struct mgr_listener **pp = &m->listeners; /* keep indexes in order */
    while (*pp)
        pp = &(*pp)->next;
    *pp = l;
    return m->n_listeners++;
}

uint16_t sw_connmgr_listener_port(const struct sw_connmgr *m, int idx)
{
    const struct mgr_listener *l = m->listeners;
    for (int i = 0; l && i < idx; i++)
        l = l->next;
    return l && idx >= 0 ? os_stream_local_port(l->l) : 0;
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
        m->cfg.reconnect_ns = 100 * NS_MS;
    if (!m->cfg.backoff_min_ns)
        m->cfg.backoff_min_ns = 100 * NS_MS;
    if (!m->cfg.backoff_max_ns)
        m->cfg.backoff_max_ns = 8000 * NS_MS;
    if (!m->cfg.connect_timeout_ns)
        m->cfg.connect_timeout_ns = 5000 * NS_MS;
    return m;
}

void sw_connmgr_destroy(struct sw_connmgr *m)
{
    if (!m)
        return;
    while (m->conns) {
        struct mgr_conn *mc = m->conns;
        m->conns = mc->next;
        mgr_unwatch(m, &mc->w);
        sw_conn_destroy(mc->c);
        os_free(mc);
    }
    while (m->targets) {
        struct mgr_target *t = m->targets;
        m->targets = t->next;
        mgr_unwatch(m, &t->w);
        os_stream_close(t->connecting);
        os_free(t);
    }
    while (m->listeners) {
        struct mgr_listener *l = m->listeners;
        m->listeners = l->next;
        mgr_unwatch(m, &l->w);
        os_stream_close(l->l);
        os_free(l);
    }
    os_free(m);
}

/* Brings the attached loop's registrations up to date with every handle. */
static void mgr_sync_watches(struct sw_connmgr *m)
{
    if (!m->poll)
        return;
    for (struct mgr_listener *l = m->listeners; l; l = l->next)
        mgr_watch(m, &l->w, os_stream_fd(l->l), OS_POLL_IN);
    for (struct mgr_target *t = m->targets; t; t = t->next)
        if (t->connecting)
            mgr_watch(m, &t->w, os_stream_fd(t->connecting), OS_POLL_OUT);
    for (struct mgr_conn *mc = m->conns; mc; mc = mc->next) {
        unsigned ev;
        int fd = sw_conn_wait_fd(mc->c, &ev);
        if (fd >= 0)
            mgr_watch(m, &mc->w, fd, ev);
    }
}

void sw_connmgr_run(struct sw_connmgr *m, uint64_t now_ns)
{
    for (struct mgr_listener *l = m->listeners; l; l = l->next)
        mgr_run_listener(m, l, now_ns);
    for (struct mgr_target *t = m->targets; t; t = t->next)
        mgr_run_target(m, t, now_ns);
    mgr_run_conns(m, now_ns);
    mgr_sync_watches(m);
    m->wake = false;
    m->last_run_ns = now_ns;
}

int sw_connmgr_attach_poll(struct sw_connmgr *m, struct os_poll *p)
{
    if (m->poll)
        return -EBUSY;
    m->poll = p;
    mgr_sync_watches(m);
    return 0;
}

bool sw_connmgr_due(const struct sw_connmgr *m, uint64_t now_ns)
{
    return m->wake || now_ns >= sw_connmgr_next_deadline(m) ||
           now_ns - m->last_run_ns >= RUN_AT_LEAST_NS;
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
    uint64_t d = UINT64_MAX;
    for (const struct mgr_target *t = m->targets; t; t = t->next) {
        uint64_t td = UINT64_MAX;
        if (t->connecting)
            td = t->connect_started_ns + m->cfg.connect_timeout_ns;
        else if (!t->session)
            td = t->next_attempt_ns;
        if (td < d)
            d = td;
    }
    for (const struct mgr_conn *mc = m->conns; mc; mc = mc->next) {
        uint64_t cd = sw_conn_next_deadline(mc->c);
        if (cd < d)
            d = cd;
    }
    return d;
}

int sw_connmgr_broadcast(struct sw_connmgr *m, const void *msg, size_t len)
{
    int sent = 0;
    for (struct mgr_conn *mc = m->conns; mc; mc = mc->next) {
        if (!mc->announced || !sw_conn_is_active(mc->c))
            continue;
        if (sw_conn_send(mc->c, msg, len) == 0)
            sent++;
        else
            m->st.broadcast_dropped++;
    }
    return sent;
}

bool sw_connmgr_has_controller(const struct sw_connmgr *m)
{
    for (const struct mgr_target *t = m->targets; t; t = t->next)
        if (t->session && sw_conn_is_active(t->session->c))
            return true;
    for (const struct mgr_conn *mc = m->conns; mc; mc = mc->next)
        if (mc->as_controller && mc->announced && sw_conn_is_active(mc->c))
            return true;
    return false;
}

bool sw_connmgr_conn_is_active_target(const struct sw_conn *c)
{
    const struct mgr_conn *mc = sw_conn_cb_arg(c);
    return mc && (mc->target || mc->as_controller);
}

size_t sw_connmgr_n_sessions(const struct sw_connmgr *m)
{
    size_t n = 0;
    for (const struct mgr_conn *mc = m->conns; mc; mc = mc->next)
        n += mc->announced && sw_conn_is_active(mc->c);
    return n;
}

const struct sw_connmgr_stats *sw_connmgr_stats(const struct sw_connmgr *m)
{
    return &m->st;
}
