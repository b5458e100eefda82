/*
 * sw_connmgr_listen.c — passive listeners, `--listen ptcp:PORT[:IP]` (see
 * sw_connmgr.h): accepts, the max_passive limit, and the back-off when
 * accept fails for want of descriptors or memory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "os/log.h"
#include "os/mem.h"
#include "os/poll.h"
#include "os/stream.h"
#include "sw_connmgr_priv.h"

#define ACCEPTS_PER_RUN 64
#define PAUSE_MIN_NS (100 * SW_CONNMGR_NS_MS)
#define PAUSE_MAX_NS (1600 * SW_CONNMGR_NS_MS)

/* Returns true for accept errors that mean "out of resources": retrying at
 * once would only spin. */
static bool accept_starved(int err)
{
    return err == -EMFILE || err == -ENFILE || err == -ENOBUFS || err == -ENOMEM;
}

/* Pauses listener l after accept failed with err: it is not watched until
 * the pause ends.  Logs one line, then a summary count.  Returns nothing. */
static void listener_pause(struct sw_connmgr *m, struct mgr_listener *l, int err,
                           uint64_t now_ns)
{
    m->st.accept_errors++;
    if (!l->backoff_ns)
        l->backoff_ns = PAUSE_MIN_NS;
    l->paused_until_ns = now_ns + l->backoff_ns;
    if (sw_ratelog_event(&m->accept_log, now_ns, OS_LOG_WARN, "connmgr",
                         "accept failures (connections wait in the backlog)"))
        OS_WARN("connmgr", "%s: accept: %s; pausing accepts for %llu ms (backing off to "
                "%llu ms while it lasts)", l->name, strerror(-err),
                (unsigned long long)(l->backoff_ns / SW_CONNMGR_NS_MS),
                (unsigned long long)(PAUSE_MAX_NS / SW_CONNMGR_NS_MS));
    l->backoff_ns *= 2;
    if (l->backoff_ns > PAUSE_MAX_NS)
        l->backoff_ns = PAUSE_MAX_NS;
    mgr_watch(m, &l->w, -1, 0);
}

/* Closes an accepted client over max_passive.  Returns nothing. */
static void listener_refuse(struct sw_connmgr *m, struct mgr_listener *l,
                            struct os_stream *s, uint64_t now_ns)
{
    char peer[64];
    m->st.refused++;
    if (sw_ratelog_event(&m->refuse_log, now_ns, OS_LOG_WARN, "connmgr",
                         "clients refused over --max-connections"))
        OS_WARN("connmgr", "%s: refusing %s: %u clients connected already (see "
                "--max-connections)", l->name, os_stream_name(s, peer, sizeof peer),
                m->n_passive);
    os_stream_close(s);
}

void mgr_run_listener(struct sw_connmgr *m, struct mgr_listener *l, uint64_t now_ns)
{
    sw_ratelog_tick(&m->accept_log, now_ns, OS_LOG_WARN, "connmgr",
                    "accept failures (connections wait in the backlog)");
    sw_ratelog_tick(&m->refuse_log, now_ns, OS_LOG_WARN, "connmgr",
                    "clients refused over --max-connections");
    if (l->paused_until_ns) {
        if (now_ns < l->paused_until_ns)
            return;
        l->paused_until_ns = 0;
    }
    for (int i = 0; i < ACCEPTS_PER_RUN; i++) {
        struct os_stream *s;
        int rc = os_stream_accept(l->l, &s);
        if (rc < 0) {
            if (accept_starved(rc)) {
                listener_pause(m, l, rc, now_ns);
                return;
            }
            if (rc != -EAGAIN)
                OS_WARN("connmgr", "%s: accept: %s", l->name, strerror(-rc));
            break;
        }
        l->backoff_ns = 0;
        if (m->n_passive >= m->cfg.max_passive) {
            listener_refuse(m, l, s, now_ns);
            continue;
        }
        char peer[64], name[80];
        snprintf(name, sizeof name, "%s<-%s", l->name, os_stream_name(s, peer, sizeof peer));
        m->st.accepted++;
        mgr_conn_add_stream(m, s, NULL, name, now_ns);
    }
    mgr_watch(m, &l->w, os_stream_fd(l->l), OS_POLL_IN);
}

uint64_t mgr_listener_deadline(const struct sw_connmgr *m, const struct mgr_listener *l)
{
    uint64_t d = l->paused_until_ns ? l->paused_until_ns : UINT64_MAX;
    uint64_t a = sw_ratelog_deadline(&m->accept_log), r = sw_ratelog_deadline(&m->refuse_log);
    d = a < d ? a : d;
    return r < d ? r : d;
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
    l->w.m = m;
    mgr_watch(m, &l->w, os_stream_fd(l->l), OS_POLL_IN);
    snprintf(l->name, sizeof l->name, "ptcp:%u%s%s", (unsigned)os_stream_local_port(l->l),
             *ip ? ":" : "", ip);
    OS_INFO("connmgr", "--listen %s: listening on %s (at most %u clients)", spec, l->name,
            m->cfg.max_passive);
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
