/*
 * net_tcp_in.c — TCP segment input: header and checksum checks, demux to a
 * connection or listener, and the RFC 793 event processing per state, with
 * RFC 5961's checks (a RST must hit rcv_nxt exactly, otherwise it and any
 * SYN on a synchronized connection get a challenge ACK), RFC 5681/6582
 * duplicate-ACK counting and NewReno recovery, and out-of-order reassembly
 * into the receive ring (up to NET_TCP_OOO_MAX holes).
 *
 * Every frame is checked before use (net_cursor: no read past the end);
 * a bad one is dropped and counted.  Memory does not grow with input:
 * data lands only in the fixed receive ring, inside the window we
 * advertised.
 */
#include <errno.h>
#include <string.h>

#include "libos/net/net_priv.h"

#define MAX_CWND (16u << 20)

/* One parsed segment. */
struct seg {
    uint32_t src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint32_t win;           /* raw window field */
    const uint8_t *data;
    uint32_t len;           /* data bytes */
    uint16_t mss;           /* MSS option, 0 = absent */
    int wscale;             /* window scale option, -1 = absent */
    bool sack_ok;           /* SACK-permitted option */
    unsigned n_sack;        /* SACK blocks */
    uint32_t sack[4][2];
};

/* Parses the options in [o, end) into sg.  Returns 0, or -EINVAL for an
 * option that runs past the header. */
static int parse_opts(const uint8_t *o, const uint8_t *end, struct seg *sg)
{
    while (o < end) {
        uint8_t kind = o[0];
        if (kind == NET_TCPOPT_EOL)
            break;
        if (kind == NET_TCPOPT_NOP) {
            o++;
            continue;
        }
        if (end - o < 2 || o[1] < 2 || o[1] > end - o)
            return -EINVAL;
        if (kind == NET_TCPOPT_MSS && o[1] == 4)
            sg->mss = os_get_be16(o + 2);
        else if (kind == NET_TCPOPT_WSCALE && o[1] == 3)
            sg->wscale = o[2] > 14 ? 14 : o[2];
        else if (kind == NET_TCPOPT_SACK_PERM && o[1] == 2)
            sg->sack_ok = true;
        else if (kind == NET_TCPOPT_SACK && o[1] >= 10 && (o[1] - 2) % 8 == 0)
            for (unsigned b = 0; b < (o[1] - 2u) / 8 && b < 4; b++, sg->n_sack++) {
                sg->sack[b][0] = os_get_be32(o + 2 + 8 * b);
                sg->sack[b][1] = os_get_be32(o + 6 + 8 * b);
            }
        o += o[1];
    }
    return 0;
}

/* Returns the segment's length in sequence space. */
static uint32_t seg_seqlen(const struct seg *sg)
{
    return sg->len + !!(sg->flags & NET_TCP_SYN) + !!(sg->flags & NET_TCP_FIN);
}

/* Answers a segment that has no connection (RFC 793 "CLOSED").  Returns
 * nothing. */
static void reset_for(struct net_stack *st, const struct seg *sg)
{
    if (sg->flags & NET_TCP_RST)
        return;
    if (sg->flags & NET_TCP_ACK)
        net_tcp_send_rst(st, sg->dst, sg->src, sg->dport, sg->sport, sg->ack, 0, false);
    else
        net_tcp_send_rst(st, sg->dst, sg->src, sg->dport, sg->sport, 0,
                         sg->seq + seg_seqlen(sg), true);
}

/* Returns the connection or listener for sg, or NULL. */
static struct net_tcb *lookup(struct net_stack *st, const struct seg *sg)
{
    struct net_tcb *listener = NULL;
    for (unsigned i = 0; i < st->cfg.max_conns; i++) {
        struct net_tcb *t = &st->tcbs[i];
        if (!t->in_use || t->lport != sg->dport)
            continue;
        if (t->state == NET_TCP_LISTEN) {
            if (!t->laddr || t->laddr == sg->dst)
                listener = t;
        } else if (t->state != NET_TCP_CLOSED && t->rport == sg->sport &&
                   t->raddr == sg->src && (!t->laddr || t->laddr == sg->dst)) {
            /* a new SYN may take over a TIME_WAIT block (RFC 1122 4.2.2.13) */
            if (t->state == NET_TCP_TIME_WAIT && (sg->flags & NET_TCP_SYN) &&
                !(sg->flags & NET_TCP_ACK) && NET_SEQ_GT(sg->seq, t->rcv_nxt)) {
                net_tcb_free(t);
                continue;
            }
            return t;
        }
    }
    return listener;
}

/* Returns the oldest half-open child of listener l, or NULL. */
static struct net_tcb *oldest_half_open(struct net_stack *st, struct net_tcb *l)
{
    struct net_tcb *old = NULL;
    for (unsigned i = 0; i < st->cfg.max_conns; i++) {
        struct net_tcb *t = &st->tcbs[i];
        if (t->in_use && t->parent == l && t->state == NET_TCP_SYN_RCVD &&
            (!old || t->born < old->born))
            old = t;
    }
    return old;
}

/* A segment for listener l.  Returns nothing. */
static void listen_input(struct net_stack *st, struct net_tcb *l, const struct seg *sg)
{
    if (sg->flags & NET_TCP_RST)
        return;
    if (sg->flags & NET_TCP_ACK) {
        reset_for(st, sg);
        return;
    }
    if (!(sg->flags & NET_TCP_SYN))
        return;
    if (l->n_queued >= st->cfg.accept_backlog) {
        st->stats.tcp_accept_overflow++;
        return; /* the client retries its SYN */
    }
    if (l->n_half_open >= st->cfg.syn_backlog) {
        struct net_tcb *old = oldest_half_open(st, l);
        if (old) {
            st->stats.tcp_half_open_evicted++;
            net_tcb_free(old);
        }
    }
    struct net_tcb *t = net_tcb_alloc(st);
    if (!t) {
        st->stats.tcp_syn_drop++;
        return;
    }
    t->laddr = sg->dst;
    t->raddr = sg->src;
    t->lport = sg->dport;
    t->rport = sg->sport;
    t->parent = l;
    l->n_half_open++;
    t->irs = sg->seq;
    t->rcv_nxt = sg->seq + 1;
    t->rcv_adv = t->rcv_nxt;
    t->iss = net_tcp_isn(st);
    t->snd_una = t->iss;
    t->snd_nxt = t->snd_max = t->iss + 1;
    t->snd_wnd = sg->win;
    t->snd_wl1 = sg->seq;
    t->snd_wl2 = t->iss;
    net_tcp_apply_syn_opts(t, sg->mss, sg->wscale, sg->sack_ok);
    t->state = NET_TCP_SYN_RCVD;
    t->timing = true;
    t->rtt_seq = t->iss;
    t->rtt_start = st->now;
    net_tcp_send_segment(t, t->iss, 0, NET_TCP_SYN | NET_TCP_ACK);
    net_tcp_arm_rexmt(t);
}

/* A segment for an active open waiting for SYN-ACK.  Returns nothing. */
static void syn_sent_input(struct net_tcb *t, const struct seg *sg)
{
    struct net_stack *st = t->st;
    bool ack_ok = false;
    if (sg->flags & NET_TCP_ACK) {
        if (NET_SEQ_LEQ(sg->ack, t->iss) || NET_SEQ_GT(sg->ack, t->snd_max)) {
            reset_for(st, sg);
            return;
        }
        ack_ok = true;
    }
    if (sg->flags & NET_TCP_RST) {
        if (ack_ok) {
            st->stats.tcp_rst_rcvd++;
            net_tcb_finish(t, -ECONNREFUSED);
        }
        return;
    }
    if (!(sg->flags & NET_TCP_SYN))
        return;
    t->irs = sg->seq;
    t->rcv_nxt = sg->seq + 1;
    /* our SYN offered this window: data may follow the SYN-ACK at once
     * (an OpenFlow peer sends HELLO), before our ACK leaves */
    uint32_t offered = net_tcp_rcv_window(t);
    t->rcv_adv = t->rcv_nxt + (offered > 65535 ? 65535 : offered);
    net_tcp_apply_syn_opts(t, sg->mss, sg->wscale, sg->sack_ok);
    t->snd_wnd = sg->win; /* never scaled in a SYN */
    t->snd_wl1 = sg->seq;
    t->snd_wl2 = sg->ack;
    if (!ack_ok) { /* simultaneous open */
        t->state = NET_TCP_SYN_RCVD;
        net_tcp_send_segment(t, t->iss, 0, NET_TCP_SYN | NET_TCP_ACK);
        net_tcp_arm_rexmt(t);
        return;
    }
    t->snd_una = sg->ack;
    if (t->timing) {
        net_tcp_rtt_sample(t, st->now - t->rtt_start);
        t->timing = false;
    }
    t->state = NET_TCP_ESTABLISHED;
    t->rexmt_shift = 0;
    t->t_rexmt = NET_NEVER;
    net_tcp_init_cc(t);
    st->stats.tcp_conns_opened++;
    t->ack_now = true;
}

/* Returns true when sg is acceptable at rcv_nxt (RFC 793 page 69). */
static bool acceptable(const struct net_tcb *t, const struct seg *sg)
{
    uint32_t wnd = NET_SEQ_GT(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
    uint32_t len = seg_seqlen(sg);
    uint32_t s = sg->seq, e = sg->seq + len - 1;
    bool start_in = NET_SEQ_GEQ(s, t->rcv_nxt) && NET_SEQ_LT(s, t->rcv_nxt + wnd);
    if (len == 0)
        return wnd == 0 ? s == t->rcv_nxt : start_in;
    if (wnd == 0)
        return false;
    return start_in || (NET_SEQ_GEQ(e, t->rcv_nxt) && NET_SEQ_LT(e, t->rcv_nxt + wnd));
}

/* A duplicate ACK arrived.  Returns nothing. */
static void dup_ack(struct net_tcb *t)
{
    t->dupacks++;
    t->st->stats.tcp_dup_acks++;
    if (t->in_recovery) {
        /* each dup ACK: a segment left the network; it makes room for the
         * next hole's repair (SACK) or else one more new segment */
        if (!net_tcp_retransmit_next(t))
            t->cwnd += t->mss;
        return;
    }
    if (t->dupacks != 3)
        return;
    uint32_t flight = t->snd_max - t->snd_una;
    t->ssthresh = flight / 2 > 2 * t->mss ? flight / 2 : 2 * t->mss;
    t->recover = t->snd_max;
    t->in_recovery = true;
    t->timing = false;
    t->st->stats.tcp_fast_retransmits++;
    t->rexmit_next = t->snd_una;
    net_tcp_retransmit_next(t);
    t->cwnd = t->ssthresh + 3 * t->mss;
    net_tcp_arm_rexmt(t);
}

/* New data acknowledged up to ack: congestion window (RFC 5681, 6582).
 * Returns nothing. */
static void cc_on_ack(struct net_tcb *t, uint32_t acked)
{
    if (t->in_recovery) {
        if (NET_SEQ_GEQ(t->snd_una, t->recover)) { /* full ACK: recovery is over */
            uint32_t flight = t->snd_max - t->snd_una;
            t->cwnd = t->ssthresh < flight + t->mss ? t->ssthresh : flight + t->mss;
            t->in_recovery = false;
            t->dupacks = 0;
        } else { /* partial ACK: the next hole is lost too */
            if (!t->n_sacked)
                t->rexmit_next = t->snd_una; /* NewReno: resend at snd_una */
            net_tcp_retransmit_next(t);
            t->cwnd = t->cwnd > acked ? t->cwnd - acked : 0;
            t->cwnd += t->mss;
            net_tcp_arm_rexmt(t);
        }
        return;
    }
    t->dupacks = 0;
    if (t->cwnd < t->ssthresh)
        t->cwnd += acked < t->mss ? acked : t->mss;
    else
        t->cwnd += t->mss * t->mss / t->cwnd ? t->mss * t->mss / t->cwnd : 1;
    if (t->cwnd > MAX_CWND)
        t->cwnd = MAX_CWND;
}

/* Processes the ACK field of sg on a synchronized connection.  Returns
 * false when the segment must be dropped (an ACK for unsent data). */
static bool ack_input(struct net_tcb *t, const struct seg *sg)
{
    struct net_stack *st = t->st;
    if (NET_SEQ_GT(sg->ack, t->snd_max)) {
        net_tcp_send_ack(t);
        return false;
    }
    bool win_changed = false;
    if (NET_SEQ_LT(t->snd_wl1, sg->seq) ||
        (t->snd_wl1 == sg->seq && NET_SEQ_LEQ(t->snd_wl2, sg->ack))) {
        uint32_t wnd = sg->win << t->snd_wscale;
        win_changed = wnd != t->snd_wnd;
        t->snd_wnd = wnd;
        t->snd_wl1 = sg->seq;
        t->snd_wl2 = sg->ack;
        if (wnd) {
            t->t_persist = NET_NEVER;
            t->persist_backoff = 0;
        }
    }
    bool sack_news = t->sack_ok && sg->n_sack &&
                     net_tcp_sack_update(t, (const uint32_t(*)[2])sg->sack, sg->n_sack);
    if (NET_SEQ_LEQ(sg->ack, t->snd_una)) {
        /* A duplicate ACK (RFC 5681), except that a changed window does not
         * disqualify it: a receiver whose application reads while it holds
         * out-of-order data (Linux) moves its window in every duplicate. */
        /* With SACK, an ACK that reports newly SACKed bytes counts too, data
         * or not (RFC 6675): a peer sending at the same time never sends a
         * bare duplicate. */
        if (sg->ack == t->snd_una && t->snd_max != t->snd_una &&
            (sack_news || (sg->len == 0 && !(sg->flags & (NET_TCP_SYN | NET_TCP_FIN)) &&
                           (!win_changed || t->snd_wnd))))
            dup_ack(t);
        return true;
    }
    uint32_t acked = sg->ack - t->snd_una;
    if (t->timing && NET_SEQ_GT(sg->ack, t->rtt_seq)) {
        net_tcp_rtt_sample(t, st->now - t->rtt_start);
        t->timing = false;
    }
    uint32_t data = acked < t->snd.len ? acked : t->snd.len;
    net_ring_drop(&t->snd, data);
    t->snd_una = sg->ack;
    if (NET_SEQ_LT(t->snd_nxt, t->snd_una))
        t->snd_nxt = t->snd_una;
    net_tcp_sack_prune(t);
    t->rexmt_shift = 0;
    t->probe_sent = false;
    if (t->snd_una == t->snd_max)
        t->t_rexmt = t->t_probe = NET_NEVER;
    else
        net_tcp_arm_rexmt(t);
    cc_on_ack(t, acked);
    return true;
}

/* Our FIN has been acknowledged: state changes.  Returns false when t was
 * finished (freed or closed). */
static bool fin_acked(struct net_tcb *t)
{
    struct net_stack *st = t->st;
    switch (t->state) {
    case NET_TCP_FIN_WAIT_1:
        t->state = NET_TCP_FIN_WAIT_2;
        t->t_keep = st->now + st->cfg.fin_wait2_ns;
        return true;
    case NET_TCP_CLOSING:
        net_tcb_time_wait(t);
        return true;
    case NET_TCP_LAST_ACK:
        net_tcb_finish(t, 0);
        return false;
    default:
        return true;
    }
}

/* Merges [s, e) into the out-of-order list, absorbing every range it
 * overlaps or touches.  Returns false when the list is full and the range
 * could not be kept (its bytes are then simply received again later). */
static bool ooo_add(struct net_tcb *t, uint32_t s, uint32_t e)
{
    net_ranges_absorb(t->ooo, &t->n_ooo, &s, &e);
    if (t->n_ooo == NET_TCP_OOO_MAX)
        return false;
    /* most recent first: the first SACK block must hold the latest segment */
    memmove(&t->ooo[1], &t->ooo[0], t->n_ooo * sizeof t->ooo[0]);
    t->ooo[0] = (struct net_seq_range){ s, e };
    t->n_ooo++;
    return true;
}

/* After rcv_nxt advanced: takes the out-of-order ranges it reached into
 * the in-order data.  Returns true when any was taken. */
static bool ooo_drain(struct net_tcb *t)
{
    bool took = false;
    for (unsigned i = 0; i < t->n_ooo;) {
        struct net_seq_range *r = &t->ooo[i];
        if (NET_SEQ_LEQ(r->start, t->rcv_nxt)) {
            if (NET_SEQ_GT(r->end, t->rcv_nxt)) {
                net_ring_commit(&t->rcv, r->end - t->rcv_nxt);
                t->rcv_nxt = r->end;
            }
            *r = t->ooo[--t->n_ooo];
            took = true;
            i = 0;
        } else {
            i++;
        }
    }
    return took;
}

/* Takes the segment's data into the receive ring.  Returns nothing. */
static void data_input(struct net_tcb *t, const struct seg *sg)
{
    struct net_stack *st = t->st;
    const uint8_t *d = sg->data;
    uint32_t len = sg->len, seq = sg->seq;
    if (NET_SEQ_LT(seq, t->rcv_nxt)) { /* already have the front */
        uint32_t skip = t->rcv_nxt - seq;
        if (skip >= len) {
            t->ack_now = true;
            return;
        }
        d += skip;
        len -= skip;
        seq = t->rcv_nxt;
    }
    uint32_t space = net_ring_space(&t->rcv);
    uint32_t off = seq - t->rcv_nxt;
    if (off >= space) {
        st->stats.tcp_out_of_window++;
        t->ack_now = true;
        return;
    }
    if (len > space - off)
        len = space - off;
    net_ring_write_at(&t->rcv, off, d, len);
    if (off == 0) {
        net_ring_commit(&t->rcv, len);
        t->rcv_nxt += len;
        bool filled = t->n_ooo && ooo_drain(t);
        if (filled || ++t->segs_unacked >= 2)
            net_tcp_send_ack(t);
        else
            t->ack_now = true;
    } else {
        st->stats.tcp_ooo_segs++;
        if (!ooo_add(t, seq, seq + len))
            st->stats.tcp_ooo_drop++;
        net_tcp_send_ack(t); /* a duplicate ACK: the sender's fast retransmit */
    }
}

/* The peer's FIN at rcv_nxt: state changes.  Returns nothing. */
static void fin_input(struct net_tcb *t)
{
    t->rcv_nxt++;
    t->fin_rcvd = true;
    t->have_ooo_fin = false;
    t->ack_now = true;
    switch (t->state) {
    case NET_TCP_SYN_RCVD: case NET_TCP_ESTABLISHED:
        t->state = NET_TCP_CLOSE_WAIT;
        break;
    case NET_TCP_FIN_WAIT_1: /* our FIN not yet acknowledged */
        t->state = NET_TCP_CLOSING;
        break;
    case NET_TCP_FIN_WAIT_2:
        net_tcb_time_wait(t);
        break;
    default:
        break;
    }
}

/* SYN_RCVD: the handshake's ACK.  Returns false when t is gone or the
 * segment must be dropped. */
static bool syn_rcvd_ack(struct net_tcb *t, const struct seg *sg)
{
    struct net_stack *st = t->st;
    if (NET_SEQ_LEQ(sg->ack, t->snd_una) || NET_SEQ_GT(sg->ack, t->snd_max)) {
        reset_for(st, sg);
        return false;
    }
    if (net_tcb_buffers(t) < 0) {
        net_tcb_reset(t, -ENOMEM);
        return false;
    }
    t->snd_una = t->iss + 1;
    if (t->timing && t->rexmt_shift == 0)
        net_tcp_rtt_sample(t, st->now - t->rtt_start);
    t->timing = false;
    t->rexmt_shift = 0;
    t->t_rexmt = NET_NEVER;
    t->state = NET_TCP_ESTABLISHED;
    t->snd_wnd = sg->win << t->snd_wscale;
    t->snd_wl1 = sg->seq;
    t->snd_wl2 = sg->ack;
    net_tcp_init_cc(t);
    st->stats.tcp_conns_opened++;
    if (t->parent)
        net_tcb_established_passive(t);
    return t->in_use;
}

/* A segment on a synchronized connection (SYN_RCVD and later).  Returns
 * nothing. */
static void sync_input(struct net_tcb *t, const struct seg *sg)
{
    struct net_stack *st = t->st;
    if (t->state == NET_TCP_SYN_RCVD && (sg->flags & NET_TCP_SYN) && !(sg->flags & NET_TCP_ACK) &&
        sg->seq == t->irs) { /* our SYN-ACK was lost: send it again */
        net_tcp_send_segment(t, t->iss, 0, NET_TCP_SYN | NET_TCP_ACK);
        return;
    }
    if (!acceptable(t, sg)) {
        if (!(sg->flags & NET_TCP_RST)) {
            st->stats.tcp_out_of_window++;
            net_tcp_send_ack(t);
        }
        return;
    }
    if (sg->flags & NET_TCP_RST) {
        if (sg->seq != t->rcv_nxt) {
            st->stats.tcp_challenge_acks++;
            net_tcp_send_ack(t);
            return;
        }
        st->stats.tcp_rst_rcvd++;
        if (t->state == NET_TCP_SYN_RCVD && t->parent)
            net_tcb_free(t); /* back to the listener's business */
        else
            net_tcb_finish(t, t->state == NET_TCP_TIME_WAIT || t->released ? 0 : -ECONNRESET);
        return;
    }
    if (sg->flags & NET_TCP_SYN) {
        st->stats.tcp_challenge_acks++;
        net_tcp_send_ack(t);
        return;
    }
    if (!(sg->flags & NET_TCP_ACK))
        return;
    t->last_rx = st->now;
    t->keep_sent = 0;
    if (t->state == NET_TCP_SYN_RCVD && !syn_rcvd_ack(t, sg))
        return;
    if (!ack_input(t, sg))
        return;
    if (t->fin_sent && t->snd_una == t->snd_max && !fin_acked(t))
        return;
    if (t->state == NET_TCP_TIME_WAIT) {
        if (sg->flags & NET_TCP_FIN) { /* the peer did not get our ACK */
            net_tcb_time_wait(t);
            net_tcp_send_ack(t);
        }
        return;
    }
    bool receiving = t->state == NET_TCP_ESTABLISHED || t->state == NET_TCP_FIN_WAIT_1 ||
                     t->state == NET_TCP_FIN_WAIT_2;
    if (sg->len && receiving) {
        if (t->released) { /* nobody will read it: reset (as Linux does) */
            net_tcb_reset(t, 0);
            return;
        }
        data_input(t, sg);
    }
    if (sg->flags & NET_TCP_FIN) {
        uint32_t fin_seq = sg->seq + sg->len;
        if (fin_seq == t->rcv_nxt && !t->fin_rcvd) {
            fin_input(t);
        } else if (NET_SEQ_GT(fin_seq, t->rcv_nxt) && !t->fin_rcvd) {
            t->have_ooo_fin = true;
            t->ooo_fin_seq = fin_seq;
        } else {
            t->ack_now = true;
        }
    }
    if (t->have_ooo_fin && t->ooo_fin_seq == t->rcv_nxt && receiving)
        fin_input(t);
    if (t->in_use)
        net_tcp_output(t);
}

void net_tcp_input(struct net_stack *st, uint32_t src, uint32_t dst, struct pkt *p)
{
    struct net_cursor c = { p->data, p->data + p->len };
    const struct net_tcp_hdr *th = net_cursor_take(&c, sizeof *th);
    unsigned hlen = th ? (th->off >> 4) * 4u : 0;
    struct seg sg = { .src = src, .dst = dst, .wscale = -1 };
    st->stats.tcp_rx++;
    if (!th || hlen < NET_TCP_HLEN || hlen > p->len ||
        net_csum_fold(net_csum_add(net_csum_pseudo(src, dst, NET_IP_PROTO_TCP, (uint16_t)p->len),
                                   p->data, p->len)) != 0 ||
        parse_opts(p->data + NET_TCP_HLEN, p->data + hlen, &sg) < 0 ||
        (src >> 24) == 127 || src == 0) {
        st->stats.tcp_bad++;
        pkt_free(p);
        return;
    }
    sg.sport = os_get_be16(&th->sport);
    sg.dport = os_get_be16(&th->dport);
    sg.seq = os_get_be32(&th->seq);
    sg.ack = os_get_be32(&th->ack);
    sg.flags = th->flags & 0x3f;
    sg.win = os_get_be16(&th->win);
    sg.data = p->data + hlen;
    sg.len = p->len - hlen;
    if (!sg.sport || !sg.dport ||
        (sg.flags & (NET_TCP_SYN | NET_TCP_FIN)) == (NET_TCP_SYN | NET_TCP_FIN) ||
        (sg.flags & (NET_TCP_SYN | NET_TCP_RST)) == (NET_TCP_SYN | NET_TCP_RST)) {
        st->stats.tcp_bad++;
        pkt_free(p);
        return;
    }
    struct net_tcb *t = lookup(st, &sg);
    if (!t) {
        st->stats.tcp_no_conn++;
        reset_for(st, &sg);
    } else if (t->state == NET_TCP_LISTEN) {
        listen_input(st, t, &sg);
    } else if (t->state == NET_TCP_SYN_SENT) {
        syn_sent_input(t, &sg);
    } else {
        sync_input(t, &sg);
    }
    pkt_free(p);
}
