/*
 * sw_ratelog.h — one log line, then a summary count: rate-limited logging
 * for events that can repeat thousands of times a second (accept failing
 * with EMFILE, connections refused over --max-connections).
 *
 * A limiter lets the first event of a window of `window_ns` through
 * (logged by the caller) and counts the rest; the next time it is asked
 * after the window ends it writes one summary line, "MODULE: N more: WHAT
 * in the last S s", and opens a new window.  The caller keeps one struct
 * per kind of event, zero-initialised.  Pure code; single-threaded.
 */
#ifndef SW_RATELOG_H
#define SW_RATELOG_H

#include <stdbool.h>
#include <stdint.h>

#define SW_RATELOG_WINDOW_NS (10ull * 1000000000ull)

struct sw_ratelog {
    uint64_t window_start;  /* of the current window; valid when `open` */
    uint64_t suppressed;    /* events counted, not logged, in it */
    uint64_t total;         /* every event */
    bool open;
};

/* Records one event at now_ns.  Returns true when the caller should log it
 * (the first of a window); false when it was only counted.  Writes the
 * summary of the previous window first when one ended with events
 * suppressed (level `level`, `module`, `what` describes the event). */
bool sw_ratelog_event(struct sw_ratelog *r, uint64_t now_ns, int level, const char *module,
                      const char *what);

/* Writes the summary of a window that has ended (if it suppressed any
 * event) and closes it; call it now and then so a burst that stopped is
 * still summed up.  Returns nothing. */
void sw_ratelog_tick(struct sw_ratelog *r, uint64_t now_ns, int level, const char *module,
                     const char *what);

/* Returns the deadline by which sw_ratelog_tick should run (UINT64_MAX:
 * nothing to sum up). */
uint64_t sw_ratelog_deadline(const struct sw_ratelog *r);

#endif /* SW_RATELOG_H */
