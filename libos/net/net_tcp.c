/*
 * net_tcp.c — TCP control blocks and the application's calls (net_tcp.h):
 * allocation from the fixed table, buffers, ephemeral ports, initial
 * sequence numbers, open, accept, read, write, close and abort.
 */
#include <errno.h>
#include <string.h>

#include "libos/net/net_priv.h"
#include "os/rand.h"

#define EPHEMERAL_LO 49152
#define INITIAL_RTO (1 * NET_NS_S)
#define MIN_MSS 536

uint16_t net_tcp_our_mss(const struct net_stack *st)
{
    unsigned mtu = st->dev && st->dev->mtu >= 576 ? st->dev->mtu : 1500;
    return (uint16_t)(mtu - NET_IP_HLEN - NET_TCP_HLEN);
}

uint8_t net_tcp_our_wscale(const struct net_stack *st)
{
    uint8_t s = 0;
    while (s < 14 && (st->cfg.rcv_buf >> s) > 65535)
        s++;
    return s;
}

uint32_t net_tcp_isn(struct net_stack *st)
{
    /* RFC 6528 in spirit: a 4-microsecond clock plus a per-stack secret */
    return (uint32_t)(st->now / 4000) + st->isn_counter;
}

struct net_tcb *net_tcb_alloc(struct net_stack *st)
{
    struct net_tcb *t = NULL, *oldest_tw = NULL;
    for (unsigned i = 0; i < st->cfg.max_conns && !t; i++) {
        struct net_tcb *c = &st->tcbs[i];
        if (!c->in_use)
            t = c;
        else if (c->state == NET_TCP_TIME_WAIT && (!oldest_tw || c->t_keep < oldest_tw->t_keep))
            oldest_tw = c;
    }
    if (!t && oldest_tw) {
        net_tcb_free(oldest_tw);
        t = oldest_tw;
    }
    if (!t)
        return NULL;
    memset(t, 0, sizeof *t);
    t->in_use = true;
    t->st = st;
    t->rto = INITIAL_RTO;
    t->mss = MIN_MSS;
    t->t_rexmt = t->t_persist = t->t_keep = t->t_probe = NET_NEVER;
    t->born = st->now;
    t->rcv_wscale = net_tcp_our_wscale(st);
    return t;
}

int net_tcb_buffers(struct net_tcb *t)
{
    struct net_stack *st = t->st;
    if (t->snd.buf)
        return 0;
    if (net_ring_init(&t->snd, st->cfg.snd_buf) < 0 || net_ring_init(&t->rcv, st->cfg.rcv_buf) < 0) {
        net_ring_free(&t->snd);
        net_ring_free(&t->rcv);
        st->stats.nomem++;
        return -ENOMEM;
    }
    st->buf_bytes += st->cfg.snd_buf + st->cfg.rcv_buf;
    return 0;
}

/* Frees t's buffers.  Returns nothing. */
static void tcb_free_buffers(struct net_tcb *t)
{
    t->st->buf_bytes -= t->snd.size + t->rcv.size;
    net_ring_free(&t->snd);
    net_ring_free(&t->rcv);
}

void net_tcb_free(struct net_tcb *t)
{
    if (!t->in_use)
        return;
    struct net_tcb *l = t->parent;
    if (l && t->queued) {
        for (struct net_tcb **pp = &l->aq_head; *pp; pp = &(*pp)->aq_next) {
            if (*pp == t) {
                *pp = t->aq_next;
                break;
            }
        }
        l->n_queued--;
    } else if (l) {
        l->n_half_open--;
    }
    tcb_free_buffers(t);
    struct net_stack *st = t->st;
    memset(t, 0, sizeof *t);
    t->st = st;
}

void net_tcb_finish(struct net_tcb *t, int err)
{
    struct net_stack *st = t->st;
    if (err)
        st->stats.tcp_conns_aborted++;
    else
        st->stats.tcp_conns_closed++;
    if (!t->app) {
        net_tcb_free(t);
        return;
    }
    t->state = NET_TCP_CLOSED;
    t->err = err;
    t->t_rexmt = t->t_persist = t->t_keep = t->t_probe = NET_NEVER;
    tcb_free_buffers(t);
}

void net_tcb_reset(struct net_tcb *t, int err)
{
    if (t->state != NET_TCP_SYN_SENT && t->state != NET_TCP_CLOSED &&
        t->state != NET_TCP_LISTEN && t->state != NET_TCP_TIME_WAIT)
        net_tcp_send_rst(t->st, t->laddr, t->raddr, t->lport, t->rport, t->snd_nxt, 0, false);
    net_tcb_finish(t, err);
}

void net_tcb_time_wait(struct net_tcb *t)
{
    t->state = NET_TCP_TIME_WAIT;
    t->t_rexmt = t->t_persist = t->t_probe = NET_NEVER;
    t->t_keep = t->st->now + t->st->cfg.time_wait_ns;
    tcb_free_buffers(t); /* nothing more to send or read */
}

void net_tcb_established_passive(struct net_tcb *t)
{
    struct net_tcb *l = t->parent;
    struct net_stack *st = t->st;
    l->n_half_open--;
    if (l->n_queued >= st->cfg.accept_backlog) {
        st->stats.tcp_accept_overflow++;
        t->parent = NULL;
        net_tcb_reset(t, -ECONNREFUSED);
        return;
    }
    t->queued = true;
    l->n_queued++;
    struct net_tcb **pp = &l->aq_head;
    while (*pp)
        pp = &(*pp)->aq_next;
    *pp = t;
    t->last_rx = st->now;
    t->t_keep = st->now + st->cfg.keepalive_idle_ns;
}

void net_tcp_apply_syn_opts(struct net_tcb *t, uint16_t mss, int wscale, bool sack_ok)
{
    t->sack_ok = sack_ok;
    uint16_t ours = net_tcp_our_mss(t->st);
    t->mss = mss ? mss : MIN_MSS;
    if (t->mss > ours)
        t->mss = ours;
    if (t->mss < 64)
        t->mss = 64;
    t->ws_ok = wscale >= 0;
    t->snd_wscale = t->ws_ok ? (uint8_t)wscale : 0;
    if (!t->ws_ok)
        t->rcv_wscale = 0;
}

void net_tcp_init_cc(struct net_tcb *t)
{
    /* RFC 5681 initial window: 2-4 segments; RFC 6928's 10 is common
     * practice; we take 4. */
    t->cwnd = 4 * t->mss;
    t->ssthresh = 1u << 30;
    t->dupacks = 0;
    t->in_recovery = false;
    t->recover = t->snd_una;
    t->last_rx = t->st->now;
    t->t_keep = t->st->now + t->st->cfg.keepalive_idle_ns;
}

/* Returns true when local port `port` is in use by any block. */
static bool port_used(const struct net_stack *st, uint16_t port)
{
    for (unsigned i = 0; i < st->cfg.max_conns; i++)
        if (st->tcbs[i].in_use && st->tcbs[i].lport == port)
            return true;
    return false;
}

/* Returns a free ephemeral port, or 0. */
static uint16_t ephemeral_port(struct net_stack *st)
{
    for (unsigned tries = 0; tries < 16384; tries++) {
        uint16_t p = (uint16_t)(EPHEMERAL_LO + st->next_port++ % (65536 - EPHEMERAL_LO));
        if (!port_used(st, p))
            return p;
    }
    return 0;
}

int net_tcp_connect(struct net_stack *st, uint32_t dst, uint16_t dport, struct net_tcp **out)
{
    *out = NULL;
    if (!dst || dst == 0xffffffffu || (dst >> 28) == 0xe || !dport)
        return -EINVAL;
    struct net_tcb *t = net_tcb_alloc(st);
    if (!t)
        return -ENOBUFS;
    t->lport = ephemeral_port(st);
    if (!t->lport || net_tcb_buffers(t) < 0) {
        int rc = t->lport ? -ENOMEM : -EADDRNOTAVAIL;
        net_tcb_free(t);
        return rc;
    }
    t->app = true;
    t->laddr = st->addr;
    t->raddr = dst;
    t->rport = dport;
    t->iss = net_tcp_isn(st);
    t->snd_una = t->iss;
    t->snd_nxt = t->snd_max = t->iss + 1;
    t->state = NET_TCP_SYN_SENT;
    t->mss = net_tcp_our_mss(st);
    t->timing = true;
    t->rtt_seq = t->iss;
    t->rtt_start = st->now;
    net_tcp_send_segment(t, t->iss, 0, NET_TCP_SYN);
    net_tcp_arm_rexmt(t);
    net_eth_flush(st);
    *out = (struct net_tcp *)t;
    return 0;
}

void net_tcp_addr_ready(struct net_stack *st)
{
    for (unsigned i = 0; i < st->cfg.max_conns; i++) {
        struct net_tcb *t = &st->tcbs[i];
        if (t->in_use && t->state == NET_TCP_SYN_SENT) {
            t->laddr = st->addr;
            t->rtt_start = st->now;
            net_tcp_send_segment(t, t->iss, 0, NET_TCP_SYN);
            net_tcp_arm_rexmt(t);
        }
    }
}

int net_tcp_listen(struct net_stack *st, uint32_t addr, uint16_t port, struct net_tcp **out)
{
    *out = NULL;
    if (port && port_used(st, port)) {
        for (unsigned i = 0; i < st->cfg.max_conns; i++)
            if (st->tcbs[i].in_use && st->tcbs[i].lport == port &&
                st->tcbs[i].state == NET_TCP_LISTEN)
                return -EADDRINUSE;
    }
    struct net_tcb *t = net_tcb_alloc(st);
    if (!t)
        return -ENOBUFS;
    t->lport = port ? port : ephemeral_port(st);
    t->laddr = addr;
    t->state = NET_TCP_LISTEN;
    t->app = true;
    *out = (struct net_tcp *)t;
    return 0;
}

int net_tcp_accept(struct net_tcp *lh, struct net_tcp **out)
{
    struct net_tcb *l = (struct net_tcb *)lh;
    *out = NULL;
    if (l->state != NET_TCP_LISTEN)
        return -EINVAL;
    struct net_tcb *t = l->aq_head;
    if (!t)
        return -EAGAIN;
    l->aq_head = t->aq_next;
    l->n_queued--;
    t->aq_next = NULL;
    t->queued = false;
    t->parent = NULL;
    t->app = true;
    if (t->state == NET_TCP_CLOSED) { /* cannot happen: finished children are freed */
        net_tcb_free(t);
        return -EAGAIN;
    }
    *out = (struct net_tcp *)t;
    return 0;
}

int net_tcp_status(const struct net_tcp *c)
{
    const struct net_tcb *t = (const struct net_tcb *)c;
    if (t->state == NET_TCP_CLOSED)
        return t->err ? t->err : -ENOTCONN;
    if (t->state == NET_TCP_SYN_SENT || t->state == NET_TCP_SYN_RCVD)
        return -EAGAIN;
    return 0;
}

long net_tcp_read(struct net_tcp *c, void *buf, size_t n)
{
    struct net_tcb *t = (struct net_tcb *)c;
    if (t->rcv.len && n) {
        uint32_t want = n < t->rcv.len ? (uint32_t)n : t->rcv.len;
        uint32_t before = net_tcp_rcv_window(t);
        net_ring_peek(&t->rcv, 0, buf, want);
        net_ring_drop(&t->rcv, want);
        /* window update once it opened by two segments or half the buffer */
        uint32_t after = net_tcp_rcv_window(t);
        uint32_t adv = NET_SEQ_GT(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
        if (after > adv && (after - adv >= 2 * t->mss || after - adv >= t->rcv.size / 2 ||
                            before == 0)) {
            net_tcp_send_ack(t);
            net_eth_flush(t->st);
        }
        return (long)want;
    }
    if (t->state == NET_TCP_CLOSED)
        return t->err ? t->err : 0;
    if (t->fin_rcvd)
        return 0;
    return -EAGAIN;
}

long net_tcp_write(struct net_tcp *c, const void *buf, size_t n)
{
    struct net_tcb *t = (struct net_tcb *)c;
    if (t->state == NET_TCP_CLOSED)
        return t->err ? t->err : -EPIPE;
    if (t->state == NET_TCP_SYN_SENT || t->state == NET_TCP_SYN_RCVD)
        return -EAGAIN;
    if (t->released || t->app_closed_fin ||
        (t->state != NET_TCP_ESTABLISHED && t->state != NET_TCP_CLOSE_WAIT))
        return -EPIPE;
    uint32_t want = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    uint32_t got = net_ring_write(&t->snd, buf, want);
    if (!got)
        return -EAGAIN;
    net_tcp_output(t);
    net_eth_flush(t->st);
    return (long)got;
}

/* Closes listener l: its queued and half-open connections are reset.
 * Returns nothing. */
static void close_listener(struct net_tcb *l)
{
    struct net_stack *st = l->st;
    for (unsigned i = 0; i < st->cfg.max_conns; i++) {
        struct net_tcb *t = &st->tcbs[i];
        if (t->in_use && t->parent == l) {
            t->parent = NULL;
            t->queued = false;
            net_tcb_reset(t, -ECONNABORTED);
        }
    }
    net_tcb_free(l);
}

/* The application lets go of t: orderly (queued data, then FIN; unread
 * data resets instead) or abortive (RST now).  Returns nothing. */
static void release(struct net_tcb *t, bool abortive)
{
    struct net_stack *st = t->st;
    t->app = false;
    t->released = true;
    if (t->state == NET_TCP_LISTEN) {
        close_listener(t);
    } else if (t->state == NET_TCP_CLOSED) { /* ended already; the error was seen */
        net_tcb_free(t);
    } else if (abortive || ((t->state == NET_TCP_ESTABLISHED || t->state == NET_TCP_CLOSE_WAIT) &&
                            t->rcv.len)) { /* unread data: abort (RFC 2525 2.17) */
        net_tcb_reset(t, 0);
    } else if (t->state == NET_TCP_ESTABLISHED || t->state == NET_TCP_CLOSE_WAIT) {
        t->app_closed_fin = true;
        t->state = t->state == NET_TCP_ESTABLISHED ? NET_TCP_FIN_WAIT_1 : NET_TCP_LAST_ACK;
        net_tcp_output(t);
    } else { /* SYN_SENT (no RST: it never got past SYN), CLOSED */
        net_tcb_free(t);
    }
    net_eth_flush(st);
}

void net_tcp_close(struct net_tcp *c)
{
    if (c)
        release((struct net_tcb *)c, false);
}

void net_tcp_abort(struct net_tcp *c)
{
    if (c)
        release((struct net_tcb *)c, true);
}

enum net_tcp_state net_tcp_get_state(const struct net_tcp *c)
{
    return (enum net_tcp_state)((const struct net_tcb *)c)->state;
}

const char *net_tcp_state_name(enum net_tcp_state s)
{
    static const char *const names[] = {
        "CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
        "FIN_WAIT_2", "CLOSING", "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK",
    };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

uint16_t net_tcp_local_port(const struct net_tcp *c)
{
    return ((const struct net_tcb *)c)->lport;
}

void net_tcp_peer(const struct net_tcp *c, uint32_t *addr, uint16_t *port)
{
    const struct net_tcb *t = (const struct net_tcb *)c;
    bool l = t->state == NET_TCP_LISTEN;
    *addr = l ? t->laddr : t->raddr;
    *port = l ? t->lport : t->rport;
}

size_t net_tcp_readable(const struct net_tcp *c)
{
    return ((const struct net_tcb *)c)->rcv.len;
}

size_t net_tcp_writable(const struct net_tcp *c)
{
    const struct net_tcb *t = (const struct net_tcb *)c;
    if (t->state != NET_TCP_ESTABLISHED && t->state != NET_TCP_CLOSE_WAIT)
        return 0;
    return t->released || t->app_closed_fin ? 0 : net_ring_space(&t->snd);
}

void net_tcp_get_info(const struct net_tcp *c, struct net_tcp_info *i)
{
    const struct net_tcb *t = (const struct net_tcb *)c;
    *i = (struct net_tcp_info){
        .snd_una = t->snd_una, .snd_nxt = t->snd_nxt, .snd_wnd = t->snd_wnd,
        .rcv_nxt = t->rcv_nxt, .rcv_wnd = net_tcp_rcv_window(t), .cwnd = t->cwnd,
        .ssthresh = t->ssthresh, .mss = t->mss, .snd_wscale = t->snd_wscale,
        .rcv_wscale = t->rcv_wscale, .srtt_ns = t->srtt, .rto_ns = t->rto,
        .retransmits = t->retransmits,
    };
}

void net_tcp_flush_acks(struct net_stack *st)
{
    for (unsigned i = 0; i < st->cfg.max_conns; i++)
        if (st->tcbs[i].in_use && st->tcbs[i].ack_now)
            net_tcp_output(&st->tcbs[i]);
}
