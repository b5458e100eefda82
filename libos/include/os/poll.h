/*
 * os/poll.h — the event loop.
 *
 * One loop per thread: file-descriptor-like handles (sockets, tap fds, the
 * unikernel's event sources) with callbacks, and one-shot or periodic timers
 * on the monotonic clock.  The pipeline busy-polls its ports while traffic
 * flows and calls `os_poll_run` with a timeout when idle, so an idle switch
 * sleeps.  Callbacks run on the loop's thread from inside os_poll_run; they
 * may add or remove handles and timers (including their own).
 */
#ifndef OS_POLL_H
#define OS_POLL_H

#include <stdbool.h>
#include <stdint.h>

struct os_poll;

enum { OS_POLL_IN = 1, OS_POLL_OUT = 2, OS_POLL_ERR = 4 };

/* Called with the handle, the events that fired, and the user argument. */
typedef void os_poll_fd_cb(int fd, unsigned events, void *arg);
/* Called when a timer fires; returns the next delay in ns (periodic), or 0
 * to stop the timer. */
typedef uint64_t os_poll_timer_cb(void *arg);

/* Creates a loop.  Returns it or NULL. */
struct os_poll *os_poll_create(void);

/* Destroys a loop and its timers (handles are not closed).  NULL ignored. */
void os_poll_destroy(struct os_poll *p);

/* Watches `fd` for `events` (OS_POLL_IN/OUT).  Returns 0, -EEXIST when it is
 * already watched, or another negative errno. */
int os_poll_add_fd(struct os_poll *p, int fd, unsigned events, os_poll_fd_cb *cb, void *arg);

/* Changes the events watched on `fd`.  Returns 0 or -ENOENT. */
int os_poll_mod_fd(struct os_poll *p, int fd, unsigned events);

/* Stops watching `fd`.  Returns 0 or -ENOENT. */
int os_poll_del_fd(struct os_poll *p, int fd);

/* Starts a timer firing after `delay_ns`.  Returns a timer id > 0, or a
 * negative errno. */
int64_t os_poll_add_timer(struct os_poll *p, uint64_t delay_ns, os_poll_timer_cb *cb, void *arg);

/* Cancels a timer.  Returns 0, or -ENOENT when it already fired or never
 * existed. */
int os_poll_cancel_timer(struct os_poll *p, int64_t id);

/* Waits at most `timeout_ns` (0 = just check, UINT64_MAX = until something
 * happens) and runs every due callback.  Returns the number of callbacks run
 * or a negative errno (-EINTR when a signal interrupted the wait). */
int os_poll_run(struct os_poll *p, uint64_t timeout_ns);

#endif /* OS_POLL_H */
