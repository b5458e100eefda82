/*
 * sw_connmgr_priv.h — the connection manager's state, shared by its files
 * only: sw_connmgr.c (connections, the run, readiness, deadlines),
 * sw_connmgr_target.c (active targets) and sw_connmgr_listen.c (passive
 * listeners).
 */
#ifndef SW_CONNMGR_PRIV_H
#define SW_CONNMGR_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "sw_connmgr.h"
#include "sw_ratelog.h"

#define SW_CONNMGR_NS_MS 1000000ull

struct sw_connmgr;

/* A handle registered with the attached os_poll loop (fd -1: none).  The
 * loop's callback sets `ready` (and the manager's wake flag). */
struct mgr_watch {
    int fd;
    unsigned events;
    bool ready;
    struct sw_connmgr *m;
};

struct mgr_target {
    struct mgr_target *next;
    char host[256];
    uint16_t port;
    bool host_is_name;            /* not a numeric address: needs DNS */
    char name[300];
    struct os_stream *connecting; /* connect in progress */
    uint64_t connect_started_ns;
    struct mgr_conn *session;     /* the live connection, if any */
    struct mgr_watch w;           /* of `connecting` */
    uint64_t next_attempt_ns;
    uint64_t backoff_ns;          /* the delay after the next failure */
    unsigned failures;            /* failed attempts in a row */
};

struct mgr_listener {
    struct mgr_listener *next;
    struct os_stream *l;
    char name[80];
    struct mgr_watch w;
    uint64_t paused_until_ns;     /* accept failed for want of resources */
    uint64_t backoff_ns;          /* the next pause */
};

struct mgr_conn {
    struct mgr_conn *next;
    struct sw_connmgr *m;
    struct mgr_target *target; /* NULL for a passive client or an added one */
    struct sw_conn *c;
    bool announced;            /* on_connect was called */
    bool as_controller;        /* added by sw_connmgr_add_conn as a controller */
    bool passive;              /* accepted by a listener (counts in max_passive) */
    bool dirty;                /* ran or flushed: watch and deadline to refresh */
    bool force;                /* run it once whether ready or not */
    uint64_t deadline;         /* sw_conn_next_deadline when last refreshed */
    struct mgr_watch w;
};

struct sw_connmgr {
    struct sw_connmgr_config cfg;
    struct sw_connmgr_cbs cbs;
    struct mgr_target *targets;
    struct mgr_listener *listeners;
    int n_listeners;
    struct mgr_conn *conns;
    unsigned n_passive;        /* passive connections alive */
    size_t n_sessions;         /* announced, not yet reaped */
    size_t n_controllers;      /* of those: active targets and as_controller */
    unsigned n_unwatched;      /* connections without a handle to watch */
    struct sw_conn_shared shared;
    bool budget_high;          /* the shared budget was above half at the last run */
    bool run_all;              /* the next run marks every connection `force` */
    size_t resume_at;          /* list position where the last run stopped serving */
    struct sw_connmgr_stats st;
    struct sw_ratelog refuse_log, accept_log;
    struct os_poll *poll;      /* attached loop, or NULL */
    bool wake;                 /* a watched handle became ready, or work is left */
    uint64_t last_run_ns;
    uint64_t next_deadline;    /* cached by every run and flush */
};

/* Makes the loop watch `fd` for `events` in place of what w watched.
 * Returns nothing. */
void mgr_watch(struct sw_connmgr *m, struct mgr_watch *w, int fd, unsigned events);

/* Wraps stream `s` in a connection for target t (NULL: a passive client)
 * named `name`.  Returns 0 or -ENOMEM (the stream is closed then). */
int mgr_conn_add_stream(struct sw_connmgr *m, struct os_stream *s, struct mgr_target *t,
                        const char *name, uint64_t now_ns);

/* Schedules target t's next connect after a failed attempt or a session
 * that never reached HELLO, and doubles its back-off.  Returns nothing. */
void mgr_target_backoff(struct sw_connmgr *m, struct mgr_target *t, uint64_t now_ns);

/* Runs target t at now_ns: starts, checks or fails its connect.  Returns
 * nothing. */
void mgr_run_target(struct sw_connmgr *m, struct mgr_target *t, uint64_t now_ns);

/* Returns the time target t needs to run again (UINT64_MAX: never). */
uint64_t mgr_target_deadline(const struct sw_connmgr *m, const struct mgr_target *t);

/* Accepts what listener l has (bounded per call) at now_ns.  Returns
 * nothing. */
void mgr_run_listener(struct sw_connmgr *m, struct mgr_listener *l, uint64_t now_ns);

/* Returns the time listener l needs to run again (UINT64_MAX: only when
 * ready). */
uint64_t mgr_listener_deadline(const struct sw_connmgr *m, const struct mgr_listener *l);

#endif /* SW_CONNMGR_PRIV_H */
