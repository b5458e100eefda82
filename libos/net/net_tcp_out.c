/*
 * net_tcp_out.c — TCP segment output (see net_priv.h): building segments
 * from the send buffer, the send loop bounded by min(peer window, cwnd),
 * ACKs and window updates, RSTs for segments that have no connection.
 *
 * No Nagle (the OpenFlow channel sets TCP_NODELAY on unix too), but
 * sender-side silly-window avoidance: while data is in flight a segment
 * shorter than the MSS is held back when only the window limits it.
 */
#include <errno.h>
#include <string.h>

#include "libos/net/net_priv.h"

#define OPT_BYTES_SYN 12 /* MSS (4) + NOP + window scale (3) + NOP NOP SACK-permitted (2) */
#define SACK_BLOCKS 3    /* at most, in an ACK (room left for nothing else) */
#define MAX_SEGS_PER_OUTPUT 64

uint32_t net_tcp_rcv_window(const struct net_tcb *t)
{
    uint32_t size = t->rcv.buf ? t->rcv.size : t->st->cfg.rcv_buf;
    uint32_t space = t->rcv.buf ? net_ring_space(&t->rcv) : size;
    if (space < size / 4 && space < t->mss) /* receiver SWS avoidance */
        space = 0;
    if (NET_SEQ_GT(t->rcv_adv, t->rcv_nxt) && t->rcv_adv - t->rcv_nxt > space)
        space = t->rcv_adv - t->rcv_nxt; /* never move the right edge back */
    return space;
}

void net_tcp_arm_rexmt(struct net_tcb *t)
{
    uint64_t now = t->st->now;
    t->t_rexmt = now + t->rto;
    /* tail loss probe: 2 SRTT (at least 10 ms) after the last send, once per
     * flight, while not recovering; it turns a lost tail or a lost stretch
     * ACK into a fast recovery instead of a timeout */
    uint64_t pto = 2 * t->srtt > 10 * NET_NS_MS ? 2 * t->srtt : 10 * NET_NS_MS;
    bool probe = t->srtt && !t->probe_sent && !t->in_recovery && t->state >= NET_TCP_ESTABLISHED;
    t->t_probe = probe && now + pto < t->t_rexmt ? now + pto : NET_NEVER;
}

/* Writes the SYN options at o (OPT_BYTES_SYN): MSS, and window scale and
 * SACK-permitted when offered (NOPs otherwise).  Returns nothing. */
static void put_syn_opts(const struct net_tcb *t, uint8_t *o, bool offer_ws, bool offer_sack)
{
    o[0] = NET_TCPOPT_MSS;
    o[1] = 4;
    os_put_be16(o + 2, net_tcp_our_mss(t->st));
    o[4] = NET_TCPOPT_NOP;
    o[5] = offer_ws ? NET_TCPOPT_WSCALE : NET_TCPOPT_NOP;
    o[6] = offer_ws ? 3 : NET_TCPOPT_NOP;
    o[7] = offer_ws ? t->rcv_wscale : NET_TCPOPT_NOP;
    o[8] = o[9] = NET_TCPOPT_NOP;
    o[10] = offer_sack ? NET_TCPOPT_SACK_PERM : NET_TCPOPT_NOP;
    o[11] = offer_sack ? 2 : NET_TCPOPT_NOP;
}

/* Writes SACK blocks for the out-of-order ranges at o (RFC 2018).
 * Returns the option bytes written (0 when there is nothing to report). */
static uint32_t put_sack(const struct net_tcb *t, uint8_t *o)
{
    unsigned n = t->n_ooo < SACK_BLOCKS ? t->n_ooo : SACK_BLOCKS;
    if (!t->sack_ok || !n)
        return 0;
    o[0] = o[1] = NET_TCPOPT_NOP;
    o[2] = NET_TCPOPT_SACK;
    o[3] = (uint8_t)(2 + 8 * n);
    for (unsigned i = 0; i < n; i++) {
        os_put_be32(o + 4 + 8 * i, t->ooo[i].start);
        os_put_be32(o + 8 + 8 * i, t->ooo[i].end);
    }
    return 4 + 8 * n;
}

int net_tcp_send_segment(struct net_tcb *t, uint32_t seq, uint32_t len, uint8_t flags)
{
    struct net_stack *st = t->st;
    if (!st->addr)
        return -ENETUNREACH;
    if (!t->laddr)
        t->laddr = st->addr;
    uint8_t sack[4 + 8 * SACK_BLOCKS];
    uint32_t sack_len = (flags & (NET_TCP_SYN | NET_TCP_ACK)) == NET_TCP_ACK ? put_sack(t, sack) : 0;
    uint32_t opt = (flags & NET_TCP_SYN) ? OPT_BYTES_SYN : sack_len;
    struct pkt *p = net_ip_alloc(st, NET_TCP_HLEN + opt + len);
    if (!p)
        return -ENOMEM;
    struct net_tcp_hdr *th = (struct net_tcp_hdr *)p->data;
    os_put_be16(&th->sport, t->lport);
    os_put_be16(&th->dport, t->rport);
    os_put_be32(&th->seq, seq);
    os_put_be32(&th->ack, (flags & NET_TCP_ACK) ? t->rcv_nxt : 0);
    th->off = (uint8_t)(((NET_TCP_HLEN + opt) / 4) << 4);
    th->flags = flags;
    uint32_t wnd = net_tcp_rcv_window(t);
    uint32_t field;
    if (flags & NET_TCP_SYN) {
        field = wnd > 65535 ? 65535 : wnd; /* never scaled in a SYN */
        bool active = t->state == NET_TCP_SYN_SENT;
        put_syn_opts(t, (uint8_t *)(th + 1), active || t->ws_ok, active || t->sack_ok);
    } else {
        field = wnd >> t->rcv_wscale;
        if (field > 65535)
            field = 65535;
    }
    if (flags & NET_TCP_ACK) {
        uint32_t edge = t->rcv_nxt + (field << ((flags & NET_TCP_SYN) ? 0 : t->rcv_wscale));
        if (NET_SEQ_GT(edge, t->rcv_adv))
            t->rcv_adv = edge;
        t->ack_now = false;
        t->segs_unacked = 0;
    }
    os_put_be16(&th->win, (uint16_t)field);
    if (sack_len)
        memcpy(th + 1, sack, sack_len);
    th->csum = 0;
    th->urg = 0;
    if (len)
        net_ring_peek(&t->snd, seq - t->snd_una, (uint8_t *)(th + 1) + opt, len);
    uint16_t tl = (uint16_t)p->len;
    os_put_be16(&th->csum, net_csum_fold(net_csum_add(
                               net_csum_pseudo(t->laddr, t->raddr, NET_IP_PROTO_TCP, tl),
                               p->data, tl)));
    if ((flags & NET_TCP_SYN) ? t->rexmt_shift > 0
                              : NET_SEQ_LT(seq, t->snd_max) && (len || (flags & NET_TCP_FIN)))
        st->stats.tcp_retransmits++;
    return net_ip_output(st, p, t->laddr, t->raddr, NET_IP_PROTO_TCP);
}

void net_tcp_send_ack(struct net_tcb *t)
{
    net_tcp_send_segment(t, t->snd_nxt, 0, NET_TCP_ACK);
}

/* Returns true when t's state sends data and FIN. */
static bool sends_data(const struct net_tcb *t)
{
    switch (t->state) {
    case NET_TCP_ESTABLISHED: case NET_TCP_CLOSE_WAIT: case NET_TCP_FIN_WAIT_1:
    case NET_TCP_CLOSING: case NET_TCP_LAST_ACK:
        return true;
    default:
        return false;
    }
}

void net_tcp_output(struct net_tcb *t)
{
    if (!t->st->addr)
        return;
    for (int segs = 0; sends_data(t) && segs < MAX_SEGS_PER_OUTPUT; segs++) {
        uint32_t end = t->snd_una + t->snd.len; /* sequence after the last byte */
        /* RFC 3042 limited transmit: a new segment for each of the first
         * two duplicate ACKs, so a small window still gets to three */
        uint32_t cwnd = t->cwnd + (t->in_recovery ? 0 : (t->dupacks < 2 ? t->dupacks : 2) * t->mss);
        uint32_t wnd = t->snd_wnd < cwnd ? t->snd_wnd : cwnd;
        int32_t usable = (int32_t)(t->snd_una + wnd - t->snd_nxt);
        uint32_t avail = NET_SEQ_LT(t->snd_nxt, end) ? end - t->snd_nxt : 0;
        uint32_t len = avail < t->mss ? avail : t->mss;
        if (usable <= 0)
            len = 0;
        else if ((uint32_t)usable < len)
            len = (uint32_t)usable;
        bool fin = t->app_closed_fin && NET_SEQ_LEQ(t->snd_nxt, end) && t->snd_nxt + len == end;
        if (len == 0 && !fin)
            break;
        /* silly window: hold a short segment while data is in flight */
        if (len < t->mss && len < avail && t->snd_nxt != t->snd_una)
            break;
        uint8_t flags = NET_TCP_ACK | (len ? NET_TCP_PSH : 0) | (fin ? NET_TCP_FIN : 0);
        bool fresh = t->snd_nxt == t->snd_max;
        if (net_tcp_send_segment(t, t->snd_nxt, len, flags) < 0)
            break;
        if (fresh && !t->timing && len) {
            t->timing = true;
            t->rtt_seq = t->snd_nxt;
            t->rtt_start = t->st->now;
        }
        t->snd_nxt += len + (fin ? 1 : 0);
        if (fin)
            t->fin_sent = true;
        if (NET_SEQ_GT(t->snd_nxt, t->snd_max))
            t->snd_max = t->snd_nxt;
        if (t->t_rexmt == NET_NEVER)
            net_tcp_arm_rexmt(t);
    }
    if (t->ack_now)
        net_tcp_send_ack(t);
    /* zero window with data waiting and nothing in flight: probe it */
    if (sends_data(t) && t->snd_wnd == 0 && t->snd.len > 0 && t->snd_una == t->snd_max &&
        t->t_persist == NET_NEVER) {
        if (!t->persist_backoff)
            t->persist_backoff = t->rto;
        t->t_persist = t->st->now + t->persist_backoff;
    }
}

void net_tcp_send_rst(struct net_stack *st, uint32_t src, uint32_t dst, uint16_t sport,
                      uint16_t dport, uint32_t seq, uint32_t ack, bool with_ack)
{
    if (!st->addr)
        return;
    struct pkt *p = net_ip_alloc(st, NET_TCP_HLEN);
    if (!p)
        return;
    struct net_tcp_hdr *th = (struct net_tcp_hdr *)p->data;
    memset(th, 0, sizeof *th);
    os_put_be16(&th->sport, sport);
    os_put_be16(&th->dport, dport);
    os_put_be32(&th->seq, seq);
    os_put_be32(&th->ack, with_ack ? ack : 0);
    th->off = (NET_TCP_HLEN / 4) << 4;
    th->flags = NET_TCP_RST | (with_ack ? NET_TCP_ACK : 0);
    os_put_be16(&th->csum, net_csum_fold(net_csum_add(
                               net_csum_pseudo(src, dst, NET_IP_PROTO_TCP, NET_TCP_HLEN),
                               th, NET_TCP_HLEN)));
    st->stats.tcp_rst_sent++;
    net_ip_output(st, p, src, dst, NET_IP_PROTO_TCP);
}
