/*
 * sw_connmgr_target.c — active targets, `--controller tcp:HOST[:PORT]`
 * (see sw_connmgr.h): nonblocking connects (name resolution included),
 * back-off, and logs that say what a failing attempt waited for.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "os/log.h"
#include "os/mem.h"
#include "os/poll.h"
#include "os/stream.h"
#include "sw_connmgr_priv.h"

/* Returns true when `host` is a name to resolve, false for a numeric IPv4
 * or IPv6 address. */
static bool host_is_name(const char *host)
{
    if (strchr(host, ':'))
        return false;
    return strspn(host, "0123456789.") != strlen(host);
}

void mgr_target_backoff(struct sw_connmgr *m, struct mgr_target *t, uint64_t now_ns)
{
    t->next_attempt_ns = now_ns + t->backoff_ns;
    t->backoff_ns *= 2;
    if (t->backoff_ns > m->cfg.backoff_max_ns)
        t->backoff_ns = m->cfg.backoff_max_ns;
}

/* Logs a failed attempt: the first of a run of failures at WARN with the
 * reason and what it waited for, the rest at DEBUG.  Returns nothing. */
static void target_log_failure(const struct sw_connmgr *m, const struct mgr_target *t, int err)
{
    char why[160];
    if (err == -ETIMEDOUT && t->host_is_name)
        snprintf(why, sizeof why, "no answer within %llu ms (waiting for DNS to resolve "
                 "'%s', or for the TCP handshake)",
                 (unsigned long long)(m->cfg.connect_timeout_ns / SW_CONNMGR_NS_MS), t->host);
    else if (err == -ETIMEDOUT)
        snprintf(why, sizeof why, "no answer to the TCP handshake within %llu ms",
                 (unsigned long long)(m->cfg.connect_timeout_ns / SW_CONNMGR_NS_MS));
    else if (err == -EHOSTUNREACH && t->host_is_name)
        snprintf(why, sizeof why, "cannot resolve '%s' (or no route to it)", t->host);
    else
        snprintf(why, sizeof why, "%s", strerror(-err));
    if (t->failures == 1)
        OS_WARN("connmgr", "%s: connect failed: %s; retrying in %llu ms, backing off to "
                "%llu ms (forwarding is not affected)", t->name, why,
                (unsigned long long)(t->backoff_ns / SW_CONNMGR_NS_MS),
                (unsigned long long)(m->cfg.backoff_max_ns / SW_CONNMGR_NS_MS));
    else
        OS_DBG("connmgr", "%s: connect failed (%u in a row): %s", t->name, t->failures, why);
}

static void target_connect_failed(struct sw_connmgr *m, struct mgr_target *t, int err,
                                  uint64_t now_ns)
{
    m->st.connect_failures++;
    t->failures++;
    target_log_failure(m, t, err);
    mgr_watch(m, &t->w, -1, 0);
    os_stream_close(t->connecting);
    t->connecting = NULL;
    mgr_target_backoff(m, t, now_ns);
}

/* Starts an attempt.  Returns true when a connect is now in progress. */
static bool target_start(struct sw_connmgr *m, struct mgr_target *t, uint64_t now_ns)
{
    m->st.connect_attempts++;
    if (t->host_is_name && t->failures == 0)
        OS_INFO("connmgr", "%s: resolving '%s' (in the background: forwarding goes on)",
                t->name, t->host);
    int rc = os_stream_connect(t->host, t->port, &t->connecting);
    if (rc < 0) {
        t->connecting = NULL;
        target_connect_failed(m, t, rc, now_ns);
        return false;
    }
    t->connect_started_ns = now_ns;
    return true;
}

void mgr_run_target(struct sw_connmgr *m, struct mgr_target *t, uint64_t now_ns)
{
    if (t->session)
        return;
    if (!t->connecting && (now_ns < t->next_attempt_ns || !target_start(m, t, now_ns)))
        return;
    int rc = os_stream_connect_status(t->connecting);
    if (rc == -EAGAIN && now_ns - t->connect_started_ns >= m->cfg.connect_timeout_ns)
        rc = -ETIMEDOUT;
    if (rc == -EAGAIN) {
        mgr_watch(m, &t->w, os_stream_fd(t->connecting), OS_POLL_OUT);
        return;
    }
    if (rc < 0) {
        target_connect_failed(m, t, rc, now_ns);
        return;
    }
    if (t->failures)
        OS_INFO("connmgr", "%s: connected after %u failed attempt(s)", t->name, t->failures);
    t->failures = 0;
    struct os_stream *s = t->connecting;
    t->connecting = NULL;
    mgr_watch(m, &t->w, -1, 0);
    if (mgr_conn_add_stream(m, s, t, t->name, now_ns) < 0)
        mgr_target_backoff(m, t, now_ns);
}

uint64_t mgr_target_deadline(const struct sw_connmgr *m, const struct mgr_target *t)
{
    if (t->connecting)
        return t->connect_started_ns + m->cfg.connect_timeout_ns;
    return t->session ? UINT64_MAX : t->next_attempt_ns;
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
    t->host_is_name = host_is_name(host);
    snprintf(t->name, sizeof t->name, "tcp:%s%s%s:%u", strchr(host, ':') ? "[" : "", host,
             strchr(host, ':') ? "]" : "", (unsigned)port);
    t->backoff_ns = m->cfg.backoff_min_ns;
    t->w.fd = -1;
    t->w.m = m;
    t->next = m->targets;
    m->targets = t;
    m->next_deadline = 0; /* the first connect happens in the next run */
    return 0;
}
