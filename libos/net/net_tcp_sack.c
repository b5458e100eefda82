/*
 * net_tcp_sack.c — the sender's SACK scoreboard (RFC 2018, recovery in the
 * spirit of RFC 6675): what the peer reported holding above snd_una, and
 * the choice of the next segment to retransmit during fast recovery.
 *
 * With SACK, each duplicate ACK in recovery may repair the next hole (a
 * range below the highest SACKed byte the peer does not hold), so several
 * losses in one window cost one round trip instead of one each (NewReno).
 * The scoreboard holds NET_TCP_SACKED_MAX ranges; when a new one does not
 * fit, the lowest is forgotten (the holes below it are still repaired, one
 * per partial ACK).  It is cleared at a retransmission timeout (the peer
 * may renege).
 */
#include "libos/net/net_priv.h"

/* Returns the bytes the scoreboard covers. */
static uint32_t sacked_bytes(const struct net_tcb *t)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < t->n_sacked; i++)
        n += t->sacked[i].end - t->sacked[i].start;
    return n;
}

void net_ranges_absorb(struct net_seq_range *r, uint8_t *n, uint32_t *s, uint32_t *e)
{
    for (unsigned i = 0; i < *n;) {
        if (NET_SEQ_LEQ(*s, r[i].end) && NET_SEQ_GEQ(*e, r[i].start)) {
            if (NET_SEQ_LT(r[i].start, *s))
                *s = r[i].start;
            if (NET_SEQ_GT(r[i].end, *e))
                *e = r[i].end;
            r[i] = r[--*n];
        } else {
            i++;
        }
    }
}

/* Adds [s, e) to the scoreboard, merging what it touches.  Returns
 * nothing. */
static void sacked_add(struct net_tcb *t, uint32_t s, uint32_t e)
{
    net_ranges_absorb(t->sacked, &t->n_sacked, &s, &e);
    if (t->n_sacked == NET_TCP_SACKED_MAX) { /* full: forget the lowest range */
        unsigned low = 0;
        for (unsigned i = 1; i < t->n_sacked; i++)
            if (NET_SEQ_LT(t->sacked[i].start, t->sacked[low].start))
                low = i;
        if (NET_SEQ_LT(s, t->sacked[low].start))
            return;
        t->sacked[low] = t->sacked[--t->n_sacked];
    }
    t->sacked[t->n_sacked++] = (struct net_seq_range){ s, e };
}

bool net_tcp_sack_update(struct net_tcb *t, const uint32_t (*b)[2], unsigned n)
{
    uint32_t before = sacked_bytes(t);
    for (unsigned i = 0; i < n; i++) {
        uint32_t s = b[i][0], e = b[i][1];
        /* only blocks inside what is outstanding, non-empty */
        if (!NET_SEQ_LT(s, e) || NET_SEQ_LEQ(e, t->snd_una) || NET_SEQ_GT(e, t->snd_max))
            continue;
        if (NET_SEQ_LT(s, t->snd_una))
            s = t->snd_una;
        sacked_add(t, s, e);
    }
    return sacked_bytes(t) > before;
}

void net_tcp_sack_prune(struct net_tcb *t)
{
    for (unsigned i = 0; i < t->n_sacked;) {
        struct net_seq_range *r = &t->sacked[i];
        if (NET_SEQ_LEQ(r->end, t->snd_una)) {
            *r = t->sacked[--t->n_sacked];
            continue;
        }
        if (NET_SEQ_LT(r->start, t->snd_una))
            r->start = t->snd_una;
        i++;
    }
}

/* Returns the highest SACKed sequence (end), or snd_una when none. */
static uint32_t sacked_high(const struct net_tcb *t)
{
    uint32_t h = t->snd_una;
    for (unsigned i = 0; i < t->n_sacked; i++)
        if (NET_SEQ_GT(t->sacked[i].end, h))
            h = t->sacked[i].end;
    return h;
}

bool net_tcp_retransmit_next(struct net_tcb *t)
{
    uint32_t end = t->snd_una + t->snd.len; /* after the last data byte */
    uint32_t seq = NET_SEQ_GT(t->rexmit_next, t->snd_una) ? t->rexmit_next : t->snd_una;
    uint32_t limit = end;
    if (t->n_sacked) {
        for (bool moved = true; moved;) { /* step over what the peer holds */
            moved = false;
            for (unsigned i = 0; i < t->n_sacked; i++) {
                const struct net_seq_range *r = &t->sacked[i];
                if (NET_SEQ_LEQ(r->start, seq) && NET_SEQ_LT(seq, r->end)) {
                    seq = r->end;
                    moved = true;
                }
            }
        }
        if (NET_SEQ_GEQ(seq, sacked_high(t)))
            return false; /* nothing below the highest SACK is missing */
        for (unsigned i = 0; i < t->n_sacked; i++) /* up to the next SACKed range */
            if (NET_SEQ_GT(t->sacked[i].start, seq) && NET_SEQ_LT(t->sacked[i].start, limit))
                limit = t->sacked[i].start;
    } else if (seq != t->snd_una) {
        return false; /* NewReno: only the first segment is known lost */
    }
    uint32_t len = NET_SEQ_LT(seq, limit) ? limit - seq : 0;
    if (len > t->mss)
        len = t->mss;
    uint8_t flags = NET_TCP_ACK | (len ? NET_TCP_PSH : 0);
    if (t->fin_sent && seq + len == end)
        flags |= NET_TCP_FIN;
    if (!len && !(flags & NET_TCP_FIN))
        return false;
    t->retransmits++;
    net_tcp_send_segment(t, seq, len, flags);
    t->rexmit_next = seq + len + !!(flags & NET_TCP_FIN);
    return true;
}
