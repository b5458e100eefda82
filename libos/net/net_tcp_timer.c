/*
 * net_tcp_timer.c — TCP timers (see net_priv.h).  Four per connection:
 *  - t_probe: tail loss probe (RFC 8985 TLP, simplified): 2 SRTT (at least
 *    10 ms) after a send with nothing acknowledged, new data or the last
 *    segment goes out once, so a lost tail or a lost stretch ACK costs a
 *    fast recovery, not a 200 ms timeout;
 *  - t_rexmt: retransmission (RFC 6298: RTO = SRTT + 4 RTTVAR, at least
 *    200 ms as Linux uses rather than RFC 6298's 1 s, at most 60 s,
 *    doubled per timeout; the SYN, SYN-ACK and FIN ride on it too).  After
 *    a timeout everything outstanding is sent again (cwnd one segment,
 *    ssthresh half the flight, RFC 5681).  The connection is given up
 *    after NET_TCP_SYN_TRIES (handshake) or NET_TCP_DATA_TRIES timeouts;
 *  - t_persist: zero-window probes (a byte-less ACK below snd_una, as
 *    Linux sends), backing off to 60 s; never gives up on its own: the
 *    memory is bounded anyway and keepalive or the application decide;
 *  - t_keep: by state — keepalive probes while established (RFC 1122: an
 *    ACK below snd_una; the connection is reset after keepalive_probes
 *    unanswered ones), FIN_WAIT_2 of a closed connection, TIME_WAIT.
 * Deadlines are absolute (st->now); NET_NEVER = not armed.
 */
#include <errno.h>

#include "libos/net/net_priv.h"

#define NET_TCP_MIN_RTO (200 * NET_NS_MS)
#define NET_TCP_MAX_RTO (60 * NET_NS_S)
#define NET_TCP_SYN_TRIES 6
#define NET_TCP_DATA_TRIES 12

void net_tcp_rtt_sample(struct net_tcb *t, uint64_t r)
{
    if (r == 0)
        r = 1;
    if (!t->srtt) {
        t->srtt = r;
        t->rttvar = r / 2;
    } else {
        uint64_t d = t->srtt > r ? t->srtt - r : r - t->srtt;
        t->rttvar = (3 * t->rttvar + d) / 4;
        t->srtt = (7 * t->srtt + r) / 8;
    }
    uint64_t var = 4 * t->rttvar > NET_NS_MS ? 4 * t->rttvar : NET_NS_MS;
    t->rto = t->srtt + var;
    if (t->rto < NET_TCP_MIN_RTO)
        t->rto = NET_TCP_MIN_RTO;
    if (t->rto > NET_TCP_MAX_RTO)
        t->rto = NET_TCP_MAX_RTO;
}

/* The retransmission timer fired.  Returns nothing. */
static void rexmt_timeout(struct net_tcb *t)
{
    struct net_stack *st = t->st;
    t->t_rexmt = t->t_probe = NET_NEVER;
    bool handshake = t->state == NET_TCP_SYN_SENT || t->state == NET_TCP_SYN_RCVD;
    if (!handshake && t->snd_una == t->snd_max)
        return; /* nothing outstanding */
    st->stats.tcp_timeouts++;
    if (++t->rexmt_shift > (handshake ? NET_TCP_SYN_TRIES : NET_TCP_DATA_TRIES)) {
        if (t->state == NET_TCP_SYN_RCVD && t->parent)
            net_tcb_free(t); /* a half-open connection that never completed */
        else
            net_tcb_reset(t, -ETIMEDOUT);
        return;
    }
    t->rto = t->rto * 2 > NET_TCP_MAX_RTO ? NET_TCP_MAX_RTO : t->rto * 2;
    t->timing = false;
    t->retransmits++;
    if (handshake) {
        uint8_t flags = NET_TCP_SYN | (t->state == NET_TCP_SYN_RCVD ? NET_TCP_ACK : 0);
        net_tcp_send_segment(t, t->iss, 0, flags);
        net_tcp_arm_rexmt(t);
        return;
    }
    uint32_t flight = t->snd_max - t->snd_una;
    t->ssthresh = flight / 2 > 2 * t->mss ? flight / 2 : 2 * t->mss;
    t->cwnd = t->mss;
    t->in_recovery = false;
    t->dupacks = 0;
    t->recover = t->snd_max;
    t->snd_nxt = t->snd_una; /* go back: resend from the first unacknowledged byte */
    t->n_sacked = 0;         /* the peer may renege on what it SACKed */
    t->rexmit_next = t->snd_una;
    net_tcp_output(t);
    net_tcp_arm_rexmt(t);
}

/* The tail loss probe timer fired: nothing was acknowledged for 2 SRTT.
 * Sends new data if the windows allow, else the last segment again, so the
 * peer's answer (with SACK) shows what is missing.  Returns nothing. */
static void probe_timeout(struct net_tcb *t)
{
    t->t_probe = NET_NEVER;
    if (t->snd_una == t->snd_max || t->in_recovery || t->probe_sent)
        return;
    t->probe_sent = true;
    t->st->stats.tcp_tail_probes++;
    uint32_t max = t->snd_max;
    net_tcp_output(t);
    if (t->snd_max != max)
        return; /* new data went out: it is the probe */
    /* the last segment sent: it ends at snd_max (before our FIN, if sent),
     * never past it (bytes beyond snd_max were never sent) */
    uint32_t end = t->snd_max - (t->fin_sent ? 1 : 0);
    uint32_t len = end - t->snd_una;
    if (len > t->mss)
        len = t->mss;
    uint8_t flags = NET_TCP_ACK | (len ? NET_TCP_PSH : 0) | (t->fin_sent ? NET_TCP_FIN : 0);
    net_tcp_send_segment(t, end - len, len, flags);
}

/* The persist timer fired: probe the zero window.  Returns nothing. */
static void persist_timeout(struct net_tcb *t)
{
    t->t_persist = NET_NEVER;
    if (t->snd_wnd || !t->snd.len)
        return;
    t->st->stats.tcp_window_probes++;
    net_tcp_send_segment(t, t->snd_una - 1, 0, NET_TCP_ACK);
    t->persist_backoff = t->persist_backoff * 2 > NET_TCP_MAX_RTO ? NET_TCP_MAX_RTO
                                                                   : t->persist_backoff * 2;
    t->t_persist = t->st->now + t->persist_backoff;
}

/* The keepalive / FIN_WAIT_2 / TIME_WAIT timer fired.  Returns nothing. */
static void keep_timeout(struct net_tcb *t)
{
    struct net_stack *st = t->st;
    t->t_keep = NET_NEVER;
    switch (t->state) {
    case NET_TCP_TIME_WAIT:
        net_tcb_finish(t, 0);
        return;
    case NET_TCP_FIN_WAIT_2:
        if (t->released)
            net_tcb_finish(t, 0);
        return;
    case NET_TCP_ESTABLISHED: case NET_TCP_CLOSE_WAIT:
        break;
    default:
        return;
    }
    if (t->keep_sent == 0 && t->last_rx + st->cfg.keepalive_idle_ns > st->now) {
        t->t_keep = t->last_rx + st->cfg.keepalive_idle_ns; /* heard from it since */
        return;
    }
    if (t->snd_una != t->snd_max) { /* retransmission is watching this one */
        t->t_keep = st->now + st->cfg.keepalive_idle_ns;
        return;
    }
    if (t->keep_sent >= st->cfg.keepalive_probes) {
        net_tcb_reset(t, -ETIMEDOUT);
        return;
    }
    t->keep_sent++;
    st->stats.tcp_keepalive_probes++;
    net_tcp_send_segment(t, t->snd_una - 1, 0, NET_TCP_ACK);
    t->t_keep = st->now + st->cfg.keepalive_intvl_ns;
}

void net_tcp_timers(struct net_stack *st)
{
    uint64_t now = st->now;
    for (unsigned i = 0; i < st->cfg.max_conns; i++) {
        struct net_tcb *t = &st->tcbs[i];
        if (t->in_use && now >= t->t_probe)
            probe_timeout(t);
        if (t->in_use && now >= t->t_rexmt)
            rexmt_timeout(t);
        if (t->in_use && now >= t->t_persist)
            persist_timeout(t);
        if (t->in_use && now >= t->t_keep)
            keep_timeout(t);
    }
}

uint64_t net_tcp_deadline(const struct net_stack *st)
{
    uint64_t d = NET_NEVER;
    for (unsigned i = 0; i < st->cfg.max_conns; i++) {
        const struct net_tcb *t = &st->tcbs[i];
        if (!t->in_use)
            continue;
        if (t->t_rexmt < d)
            d = t->t_rexmt;
        if (t->t_probe < d)
            d = t->t_probe;
        if (t->t_persist < d)
            d = t->t_persist;
        if (t->t_keep < d)
            d = t->t_keep;
    }
    return d;
}
