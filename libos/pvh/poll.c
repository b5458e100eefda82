/*
 * poll.c — os/poll.h on the PVH unikernel targets (kvm, xen).
 *
 * There are no file descriptors on the unikernel: os_poll_add_fd() and
 * friends return -EOPNOTSUPP (-EBADF for a negative handle), which portable
 * callers only reach with handles that os/stream.h never hands out.
 * Timers are kept in a small array (the control path has a handful);
 * os_poll_run() runs the due ones and otherwise halts in plat_idle_until
 * (libos/pvh/plat.h) until the earliest of its timeout and the next timer.
 * With no timer and an unbounded timeout it returns at once: nothing else
 * can wake it.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "libos/pvh/plat.h"
#include "os/clock.h"
#include "os/mem.h"
#include "os/poll.h"

struct poll_timer {
    int64_t id;              /* 0 = free slot */
    uint64_t due_ns;
    os_poll_timer_cb *cb;
    void *arg;
};

struct os_poll {
    struct poll_timer *t;
    unsigned n, cap;
    int64_t next_id;
};

struct os_poll *os_poll_create(void)
{
    struct os_poll *p = os_calloc(1, sizeof *p);
    if (p)
        p->next_id = 1;
    return p;
}

void os_poll_destroy(struct os_poll *p)
{
    if (!p)
        return;
    os_free(p->t);
    os_free(p);
}

int os_poll_add_fd(struct os_poll *p, int fd, unsigned events, os_poll_fd_cb *cb, void *arg)
{
    return fd < 0 ? -EBADF : -EOPNOTSUPP;
}

int os_poll_mod_fd(struct os_poll *p, int fd, unsigned events)
{
    return -ENOENT;
}

int os_poll_del_fd(struct os_poll *p, int fd)
{
    return -ENOENT;
}

int64_t os_poll_add_timer(struct os_poll *p, uint64_t delay_ns, os_poll_timer_cb *cb, void *arg)
{
    if (!p || !cb)
        return -EINVAL;
    unsigned slot = 0;
    while (slot < p->n && p->t[slot].id)
        slot++;
    if (slot == p->n) {
        if (p->n == p->cap) {
            unsigned cap = p->cap ? p->cap * 2 : 8;
            struct poll_timer *t = os_realloc(p->t, cap * sizeof *t);
            if (!t)
                return -ENOMEM;
            p->t = t;
            p->cap = cap;
        }
        p->n++;
    }
    uint64_t now = os_clock_ns();
    p->t[slot] = (struct poll_timer){ p->next_id++, now + delay_ns, cb, arg };
    if (p->t[slot].due_ns < now)
        p->t[slot].due_ns = UINT64_MAX;
    return p->t[slot].id;
}

int os_poll_cancel_timer(struct os_poll *p, int64_t id)
{
    for (unsigned i = 0; p && id > 0 && i < p->n; i++) {
        if (p->t[i].id == id) {
            p->t[i].id = 0;
            return 0;
        }
    }
    return -ENOENT;
}

/* Runs every timer due at `now`.  Returns how many ran. */
static int poll_run_timers(struct os_poll *p, uint64_t now)
{
    int ran = 0;
    for (unsigned i = 0; i < p->n; i++) {
        struct poll_timer t = p->t[i];
        if (!t.id || t.due_ns > now)
            continue;
        p->t[i].id = 0; /* the callback may add timers (and reuse the slot) */
        uint64_t again = t.cb(t.arg);
        ran++;
        if (again && !p->t[i].id) {
            t.due_ns = now + again;
            p->t[i] = t;
        } else if (again) {
            os_poll_add_timer(p, again, t.cb, t.arg);
        }
    }
    return ran;
}

/* Returns the earliest timer deadline, or UINT64_MAX. */
static uint64_t poll_next_due(const struct os_poll *p)
{
    uint64_t due = UINT64_MAX;
    for (unsigned i = 0; i < p->n; i++)
        if (p->t[i].id && p->t[i].due_ns < due)
            due = p->t[i].due_ns;
    return due;
}

int os_poll_run(struct os_poll *p, uint64_t timeout_ns)
{
    if (!p)
        return -EINVAL;
    uint64_t start = os_clock_ns();
    uint64_t deadline = timeout_ns > UINT64_MAX - start ? UINT64_MAX : start + timeout_ns;
    for (;;) {
        uint64_t now = os_clock_ns();
        int ran = poll_run_timers(p, now);
        if (ran || now >= deadline)
            return ran;
        uint64_t wake = poll_next_due(p);
        if (wake == UINT64_MAX && deadline == UINT64_MAX)
            return 0;
        if (wake > deadline)
            wake = deadline;
        while (os_clock_ns() < wake)
            plat_idle_until(wake);
    }
}
