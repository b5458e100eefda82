/*
 * poll.c — os/poll.h on Linux: epoll for handles, a binary min-heap of
 * timers on the monotonic clock.
 *
 * Safe changes from inside callbacks
 *  - Handles live in a table indexed by fd.  Each registration gets a new
 *    generation number, carried in the epoll event's data; an event whose
 *    fd was removed (or removed and re-added) since epoll_wait returned is
 *    recognised as stale and skipped.  A callback may therefore delete any
 *    handle, including its own, or add new ones.
 *  - Due timers are moved out of the heap into a "due" list before any of
 *    them runs.  A timer added by a callback (even with delay 0) waits for
 *    the next os_poll_run, so a callback cannot make a run loop forever.
 *    Cancelling a due timer that has not run yet (or is running) marks it;
 *    a cancelled periodic timer is not re-armed.
 * Timers with the same deadline fire in the order they were added.
 * os_poll_run is not reentrant (returns -EBUSY when called from a callback).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "os/clock.h"
#include "os/mem.h"
#include "os/poll.h"

#define POLL_MAX_EVENTS 64

struct poll_fd {
    os_poll_fd_cb *cb;
    void *arg;
    uint32_t gen;     /* 0 = slot unused */
    unsigned events;
};

struct poll_timer {
    uint64_t deadline;
    int64_t id;
    os_poll_timer_cb *cb;
    void *arg;
    bool cancelled;   /* only meaningful while on the due list */
};

struct os_poll {
    int epfd;
    struct poll_fd *fds;       /* indexed by fd */
    size_t nfds;               /* table size */
    uint32_t next_gen;
    struct poll_timer **heap;  /* min-heap on (deadline, id) */
    size_t nheap, capheap;
    struct poll_timer **due;   /* timers being run by os_poll_run */
    size_t ndue, capdue;
    int64_t next_id;
    bool running;
};

/* ---- timer heap ---- */

static bool timer_before(const struct poll_timer *a, const struct poll_timer *b)
{
    return a->deadline != b->deadline ? a->deadline < b->deadline : a->id < b->id;
}

static void heap_swap(struct os_poll *p, size_t i, size_t j)
{
    struct poll_timer *t = p->heap[i];
    p->heap[i] = p->heap[j];
    p->heap[j] = t;
}

static void heap_up(struct os_poll *p, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!timer_before(p->heap[i], p->heap[parent]))
            break;
        heap_swap(p, i, parent);
        i = parent;
    }
}

static void heap_down(struct os_poll *p, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < p->nheap && timer_before(p->heap[l], p->heap[m]))
            m = l;
        if (r < p->nheap && timer_before(p->heap[r], p->heap[m]))
            m = r;
        if (m == i)
            return;
        heap_swap(p, i, m);
        i = m;
    }
}

/* Grows *arr to hold at least `need` pointers.  Returns 0 or -ENOMEM. */
static int grow_ptrs(struct poll_timer ***arr, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    struct poll_timer **n = os_realloc(*arr, ncap * sizeof *n);
    if (!n)
        return -ENOMEM;
    *arr = n;
    *cap = ncap;
    return 0;
}

/* Inserts t into the heap.  Returns 0 or -ENOMEM. */
static int heap_push(struct os_poll *p, struct poll_timer *t)
{
    int err = grow_ptrs(&p->heap, &p->capheap, p->nheap + 1);
    if (err)
        return err;
    p->heap[p->nheap++] = t;
    heap_up(p, p->nheap - 1);
    return 0;
}

/* Removes and returns the heap entry at index i. */
static struct poll_timer *heap_remove(struct os_poll *p, size_t i)
{
    struct poll_timer *t = p->heap[i];
    p->heap[i] = p->heap[--p->nheap];
    if (i < p->nheap) {
        heap_down(p, i);
        heap_up(p, i);
    }
    return t;
}

/* ---- loop ---- */

struct os_poll *os_poll_create(void)
{
    struct os_poll *p = os_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (p->epfd < 0) {
        os_free(p);
        return NULL;
    }
    p->next_id = 1;
    p->next_gen = 1;
    return p;
}

void os_poll_destroy(struct os_poll *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nheap; i++)
        os_free(p->heap[i]);
    for (size_t i = 0; i < p->ndue; i++)
        os_free(p->due[i]);
    os_free(p->heap);
    os_free(p->due);
    os_free(p->fds);
    close(p->epfd);
    os_free(p);
}

static uint32_t poll_to_epoll(unsigned events)
{
    return (events & OS_POLL_IN ? EPOLLIN : 0u) | (events & OS_POLL_OUT ? EPOLLOUT : 0u);
}

/* Returns the live entry for fd, or NULL. */
static struct poll_fd *poll_fd_get(struct os_poll *p, int fd)
{
    if (fd < 0 || (size_t)fd >= p->nfds || p->fds[fd].gen == 0)
        return NULL;
    return &p->fds[fd];
}

/* Makes the table large enough for fd.  Returns 0 or -ENOMEM. */
static int poll_fd_reserve(struct os_poll *p, int fd)
{
    if ((size_t)fd < p->nfds)
        return 0;
    size_t n = p->nfds ? p->nfds : 64;
    while (n <= (size_t)fd)
        n *= 2;
    struct poll_fd *t = os_realloc(p->fds, n * sizeof *t);
    if (!t)
        return -ENOMEM;
    for (size_t i = p->nfds; i < n; i++)
        t[i] = (struct poll_fd){0};
    p->fds = t;
    p->nfds = n;
    return 0;
}

int os_poll_add_fd(struct os_poll *p, int fd, unsigned events, os_poll_fd_cb *cb, void *arg)
{
    if (fd < 0 || !cb)
        return fd < 0 ? -EBADF : -EINVAL;
    if (poll_fd_get(p, fd))
        return -EEXIST;
    int err = poll_fd_reserve(p, fd);
    if (err)
        return err;
    uint32_t gen = p->next_gen++;
    if (p->next_gen == 0)
        p->next_gen = 1;
    struct epoll_event ev = {.events = poll_to_epoll(events),
                             .data.u64 = ((uint64_t)gen << 32) | (uint32_t)fd};
    if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
        return -errno;
    p->fds[fd] = (struct poll_fd){.cb = cb, .arg = arg, .gen = gen, .events = events};
    return 0;
}

int os_poll_mod_fd(struct os_poll *p, int fd, unsigned events)
{
    struct poll_fd *e = poll_fd_get(p, fd);
    if (!e)
        return -ENOENT;
    struct epoll_event ev = {.events = poll_to_epoll(events),
                             .data.u64 = ((uint64_t)e->gen << 32) | (uint32_t)fd};
    if (epoll_ctl(p->epfd, EPOLL_CTL_MOD, fd, &ev) != 0)
        return -errno;
    e->events = events;
    return 0;
}

int os_poll_del_fd(struct os_poll *p, int fd)
{
    struct poll_fd *e = poll_fd_get(p, fd);
    if (!e)
        return -ENOENT;
    /* The fd may already be closed by the caller: EBADF/ENOENT are fine,
     * the kernel dropped it from the epoll set on close. */
    epoll_ctl(p->epfd, EPOLL_CTL_DEL, fd, NULL);
    *e = (struct poll_fd){0};
    return 0;
}

int64_t os_poll_add_timer(struct os_poll *p, uint64_t delay_ns, os_poll_timer_cb *cb, void *arg)
{
    if (!cb)
        return -EINVAL;
    struct poll_timer *t = os_calloc(1, sizeof *t);
    if (!t)
        return -ENOMEM;
    uint64_t now = os_clock_ns();
    t->deadline = delay_ns > UINT64_MAX - now ? UINT64_MAX : now + delay_ns;
    t->id = p->next_id++;
    t->cb = cb;
    t->arg = arg;
    int err = heap_push(p, t);
    if (err) {
        os_free(t);
        return err;
    }
    return t->id;
}

int os_poll_cancel_timer(struct os_poll *p, int64_t id)
{
    for (size_t i = 0; i < p->nheap; i++) {
        if (p->heap[i]->id == id) {
            os_free(heap_remove(p, i));
            return 0;
        }
    }
    for (size_t i = 0; i < p->ndue; i++) {
        if (p->due[i] && p->due[i]->id == id && !p->due[i]->cancelled) {
            p->due[i]->cancelled = true;
            return 0;
        }
    }
    return -ENOENT;
}

/* Returns the epoll_wait timeout in ms for a wait of at most timeout_ns,
 * shortened to the first timer deadline (rounded up: never wake early). */
static int poll_wait_ms(const struct os_poll *p, uint64_t timeout_ns, uint64_t now)
{
    uint64_t wait = timeout_ns;
    if (p->nheap) {
        uint64_t d = p->heap[0]->deadline;
        uint64_t until = d > now ? d - now : 0;
        if (until < wait)
            wait = until;
    }
    if (wait == UINT64_MAX)
        return -1;
    uint64_t ms = wait / OS_NS_PER_MS + (wait % OS_NS_PER_MS ? 1 : 0);
    return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

static unsigned poll_from_epoll(uint32_t ev, unsigned watched)
{
    unsigned r = (ev & EPOLLIN ? OS_POLL_IN : 0u) | (ev & EPOLLOUT ? OS_POLL_OUT : 0u);
    if (ev & (EPOLLERR | EPOLLHUP)) {
        /* Report the error, and readability so a reader sees EOF. */
        r |= OS_POLL_ERR | (watched & OS_POLL_IN);
    }
    return r;
}

/* Runs the callbacks of the ready handles.  Returns how many ran. */
static int poll_dispatch_fds(struct os_poll *p, const struct epoll_event *evs, int n)
{
    int ran = 0;
    for (int i = 0; i < n; i++) {
        int fd = (int)(uint32_t)evs[i].data.u64;
        uint32_t gen = (uint32_t)(evs[i].data.u64 >> 32);
        struct poll_fd *e = poll_fd_get(p, fd);
        if (!e || e->gen != gen)
            continue; /* removed (or replaced) by an earlier callback */
        e->cb(fd, poll_from_epoll(evs[i].events, e->events), e->arg);
        ran++;
    }
    return ran;
}

/* Runs every timer due at `now`.  Returns how many ran, or -ENOMEM. */
static int poll_dispatch_timers(struct os_poll *p, uint64_t now)
{
    while (p->nheap && p->heap[0]->deadline <= now) {
        if (grow_ptrs(&p->due, &p->capdue, p->ndue + 1))
            return -ENOMEM;
        p->due[p->ndue++] = heap_remove(p, 0);
    }
    int ran = 0;
    for (size_t i = 0; i < p->ndue; i++) {
        struct poll_timer *t = p->due[i];
        if (t->cancelled)
            continue;
        uint64_t next = t->cb(t->arg);
        ran++;
        if (next == 0 || t->cancelled) {
            t->cancelled = true; /* fired: a later cancel gets -ENOENT */
            continue;
        }
        /* Periodic: keep the phase, but never schedule a catch-up burst. */
        uint64_t base = next <= UINT64_MAX - t->deadline && t->deadline + next > now
                            ? t->deadline : now;
        t->deadline = next > UINT64_MAX - base ? UINT64_MAX : base + next;
        if (heap_push(p, t) == 0)
            p->due[i] = NULL; /* back in the heap */
        else
            t->cancelled = true;
    }
    for (size_t i = 0; i < p->ndue; i++)
        os_free(p->due[i]);
    p->ndue = 0;
    return ran;
}

int os_poll_run(struct os_poll *p, uint64_t timeout_ns)
{
    if (p->running)
        return -EBUSY;
    struct epoll_event evs[POLL_MAX_EVENTS];
    int n = epoll_wait(p->epfd, evs, POLL_MAX_EVENTS, poll_wait_ms(p, timeout_ns, os_clock_ns()));
    if (n < 0)
        return -errno;
    p->running = true;
    int ran = poll_dispatch_fds(p, evs, n);
    int tr = poll_dispatch_timers(p, os_clock_ns());
    p->running = false;
    return tr < 0 ? tr : ran + tr;
}
