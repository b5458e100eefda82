/*
 * fault_netdev.c — the fault-injecting wrapper of fault_netdev.h.
 */
#include "fault_netdev.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/mem.h"
#include "os/rand.h"

struct fault_dir {
    struct pkt *held;        /* a frame delayed for reordering */
};

struct fault_dev {
    struct netdev dev;
    struct netdev *inner;
    struct fault_spec spec;
    struct os_rand rng;
    struct fault_dir rx, tx;
    struct fault_counts counts;
};

/* Returns true with probability permille/1000. */
static int chance(struct fault_dev *f, unsigned permille)
{
    return permille && os_rand_next(&f->rng) % 1000 < permille;
}

/* Applies the faults to pkts[0..n) into out[] (room for 2n + 1).  Returns
 * the count in out. */
static unsigned apply(struct fault_dev *f, struct fault_dir *d, struct pkt **pkts, unsigned n,
                      struct pkt **out)
{
    unsigned k = 0;
    for (unsigned i = 0; i < n; i++) {
        struct pkt *p = pkts[i];
        if (chance(f, f->spec.loss)) {
            f->counts.lost++;
            pkt_free(p);
            continue;
        }
        if (chance(f, f->spec.corrupt) && p->len > 14 && !pkt_is_shared(p)) {
            uint32_t at = 14 + (uint32_t)(os_rand_next(&f->rng) % (p->len - 14));
            p->data[at] ^= (uint8_t)(1u << (os_rand_next(&f->rng) % 8));
            f->counts.corrupted++;
        }
        if (chance(f, f->spec.dup)) {
            struct pkt *c = pkt_copy(p);
            if (c) {
                out[k++] = c;
                f->counts.duplicated++;
            }
        }
        if (!d->held && chance(f, f->spec.reorder)) {
            d->held = p;
            f->counts.reordered++;
            continue;
        }
        out[k++] = p;
    }
    return k;
}

/* The netdev_class operations (os/netdev.h); each returns what that
 * interface says. */

static unsigned fault_rx_burst(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    struct fault_dev *f = dev->priv;
    struct pkt *in[PKT_BURST], *out[2 * PKT_BURST + 1];
    unsigned want = n / 2 ? n / 2 : 1; /* room for duplicates */
    unsigned got = netdev_rx_burst(f->inner, in, want);
    struct pkt *late = f->rx.held;
    f->rx.held = NULL;
    unsigned k = apply(f, &f->rx, in, got, out);
    if (late)
        out[k++] = late; /* after this burst's frames: reordered */
    if (k > n) { /* cannot happen with want = n/2, but stay in bounds */
        pkt_free_burst(out + n, k - n);
        k = n;
    }
    memcpy(pkts, out, k * sizeof *out);
    dev->stats = f->inner->stats;
    return k;
}

static unsigned fault_tx_burst(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    struct fault_dev *f = dev->priv;
    struct pkt *out[2 * PKT_BURST + 1];
    unsigned sent = 0;
    while (n) {
        unsigned chunk = n > PKT_BURST ? PKT_BURST : n;
        struct pkt *late = f->tx.held;
        f->tx.held = NULL;
        unsigned k = apply(f, &f->tx, pkts, chunk, out);
        if (late)
            out[k++] = late;
        for (unsigned i = 0; i < k; i += PKT_BURST)
            sent += netdev_tx_burst(f->inner, out + i, k - i > PKT_BURST ? PKT_BURST : k - i);
        pkts += chunk;
        n -= chunk;
    }
    return sent;
}

static int fault_flush(struct netdev *dev)
{
    struct fault_dev *f = dev->priv;
    return netdev_flush(f->inner);
}

static void fault_close(struct netdev *dev)
{
    struct fault_dev *f = dev->priv;
    pkt_free(f->rx.held);
    pkt_free(f->tx.held);
    netdev_close(f->inner);
    os_free(f);
}

static int fault_open(const char *arg, struct pkt_pool *pool, struct netdev **out)
{
    return -EOPNOTSUPP;
}

static const struct netdev_class fault_class = {
    .type = "fault",
    .open = fault_open,
    .rx_burst = fault_rx_burst,
    .tx_burst = fault_tx_burst,
    .flush = fault_flush,
    .close = fault_close,
};

int fault_wrap(struct netdev *inner, const struct fault_spec *spec, struct netdev **out)
{
    struct fault_dev *f = os_calloc(1, sizeof *f);
    if (!f)
        return -ENOMEM;
    f->dev = *inner;
    f->dev.cls = &fault_class;
    f->dev.priv = f;
    f->inner = inner;
    f->spec = *spec;
    os_rand_seed(&f->rng, spec->seed ? spec->seed : 1);
    *out = &f->dev;
    return 0;
}

void fault_get_counts(const struct netdev *dev, struct fault_counts *c)
{
    *c = ((const struct fault_dev *)dev->priv)->counts;
}

/* Parses a percentage with at most one decimal into per mille.  Returns 0
 * or -EINVAL. */
static int parse_pct(const char *s, unsigned *permille)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || v < 0 || v > 100)
        return -EINVAL;
    *permille = (unsigned)(v * 10 + 0.5);
    return 0;
}

int fault_parse(const char *s, struct fault_spec *f)
{
    char buf[256];
    memset(f, 0, sizeof *f);
    if (strlen(s) >= sizeof buf)
        return -EINVAL;
    strcpy(buf, s);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq)
            return -EINVAL;
        *eq++ = '\0';
        int rc = 0;
        if (!strcmp(tok, "loss"))
            rc = parse_pct(eq, &f->loss);
        else if (!strcmp(tok, "dup"))
            rc = parse_pct(eq, &f->dup);
        else if (!strcmp(tok, "reorder"))
            rc = parse_pct(eq, &f->reorder);
        else if (!strcmp(tok, "corrupt"))
            rc = parse_pct(eq, &f->corrupt);
        else if (!strcmp(tok, "seed"))
            f->seed = strtoull(eq, NULL, 0);
        else
            rc = -EINVAL;
        if (rc)
            return rc;
    }
    return 0;
}
