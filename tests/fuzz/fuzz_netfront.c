/*
 * fuzz_netfront.c — libFuzzer target for netfront's data path
 * (netfront/netfront.c) facing a hostile netback: arbitrary RX and TX
 * responses (ids, offsets, lengths, statuses, flags, extra-info and
 * multi-slot chains), arbitrary frame bytes in the granted pages (so the
 * checksum-blank completion of libos/common/offload.c parses them),
 * impossible ring indexes, grants the backend keeps mapped, interleaved
 * with receive, transmit and wake-up arming.  The grant table is the real
 * one (libos/xen/gnttab_core.c, on tests/unit/xen/plat_fake.c's pages);
 * event channels only count.
 *
 * Input: a sequence of records, each an opcode byte and its operands:
 *   0 RX response: 8 raw bytes (id, offset, flags, status) and 1 + up to
 *     64 frame bytes written into the page of the slot it answers
 *   1 publish the responses written so far (rsp_prod)
 *   2 set rsp_prod of the RX ring (1 byte: 0 = TX ring) to 4 raw bytes
 *   3 receive (burst size from 1 byte)
 *   4 transmit 1 byte's worth of packets (length and offset from 2 bytes)
 *   5 TX response: 4 raw bytes (id, status), published
 *   6 the backend keeps an RX page mapped (slot from 1 byte)
 *   7 arm the wake-up
 * Properties: every packet handed up lies inside its slot, is 1..1518
 * bytes long and comes from the pool; after the queue is destroyed every
 * pool packet is back except those whose grant the backend still holds.
 * A violated property traps.  Built by tests/fuzz/run.sh.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libos/xen/xen.h"
#include "netfront/netfront_priv.h"
#include "os/clock.h"
#include "os/mem.h"
#include "os/pkt.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/unit/xen/plat_fake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_POOL 48

/* ---- the platform: tests/unit/xen/plat_fake.c (grant table, event
 * channels), and here: ---- */
uint64_t xen_virt_to_gfn(const void *p)
{
    return ((uintptr_t)p >> 12) & 0xfffffffu; /* nobody maps it back here */
}

struct xs_client *xen_xs(void)
{
    return NULL; /* the control path is linked, never reached */
}

/* A clock that moves 10 us per reading, so bounded waits end quickly. */
uint64_t os_clock_ns(void)
{
    static uint64_t now = 1;
    return now += 10000;
}

const struct netdev_class *const *netdev_classes(void)
{
    static const struct netdev_class *const none[] = { NULL };
    return none;
}

/* Reads n bytes at *pos into out (zero-filled past the end).  Returns
 * nothing. */
static void take(const uint8_t *d, size_t size, size_t *pos, void *out, size_t n)
{
    memset(out, 0, n);
    size_t k = *pos < size ? size - *pos : 0;
    memcpy(out, d + *pos, k < n ? k : n);
    *pos += n;
}

/* Checks a packet handed up and frees it.  Returns nothing. */
static void check_rx(struct pkt *p)
{
    FUZZ_CHECK(p->refcnt == 1);
    FUZZ_CHECK(p->len >= 1 && p->len <= 1518);
    FUZZ_CHECK(p->data >= p->buf && p->data + p->len <= p->buf + p->buf_size);
    pkt_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct netfront nf;
    struct pkt_pool *pool = pkt_pool_create(FZ_POOL, 4096, 128);
    if (!pool)
        return 0;
    memset(&nf, 0, sizeof nf);
    xen_fake_reset(4);
    nf.nd.pool = pool;
    nf.nd.priv = &nf;
    nf.nd.cls = &netfront_class;
    nf.n_queues = 1;
    nf.state = NF_CONNECTED;
    FUZZ_CHECK(nf_queue_create(&nf, 0) == 0);
    struct nf_queue *q = nf.q[0];
    uint32_t rx_prod_pvt = 0, tx_prod_pvt = 0;
    unsigned held = 0; /* RX pages the backend keeps */
    size_t pos = 0;
    while (pos < size) {
        uint8_t op = data[pos++] & 7, b = 0;
        struct pkt *pk[PKT_BURST];
        switch (op) {
        case 0: {
            struct netif_rx_response r;
            uint8_t flen;
            take(data, size, &pos, &r, sizeof r);
            take(data, size, &pos, &flen, 1);
            flen &= 63;
            struct pkt *slot = q->rx_pkt[rx_prod_pvt & (NETIF_RX_RING_SIZE - 1)];
            if (slot) {
                size_t off = r.offset < 4096 - 64 ? r.offset : 0;
                take(data, size, &pos, slot->buf + off, flen);
            }
            q->rx->ring[rx_prod_pvt++ & (NETIF_RX_RING_SIZE - 1)].rsp = r;
            break;
        }
        case 1:
            q->rx->h.rsp_prod = rx_prod_pvt;
            break;
        case 2: {
            uint32_t v;
            take(data, size, &pos, &b, 1);
            take(data, size, &pos, &v, 4);
            (b ? &q->rx->h : &q->tx->h)->rsp_prod = v;
            break;
        }
        case 3: {
            take(data, size, &pos, &b, 1);
            unsigned n = (b % PKT_BURST) + 1;
            unsigned got = netfront_class.rx_burst(&nf.nd, pk, n);
            FUZZ_CHECK(got <= n);
            for (unsigned i = 0; i < got; i++)
                check_rx(pk[i]);
            break;
        }
        case 4: {
            uint8_t lo[2];
            take(data, size, &pos, &b, 1);
            take(data, size, &pos, lo, 2);
            unsigned n = pkt_alloc_burst(pool, pk, (b % 8) + 1);
            for (unsigned i = 0; i < n; i++) {
                pk[i]->data = pk[i]->buf + (lo[1] << 4);
                pk[i]->len = (uint32_t)lo[0] << 3;
            }
            FUZZ_CHECK(netfront_class.tx_burst(&nf.nd, pk, n) <= n);
            break;
        }
        case 5: {
            struct netif_tx_response r;
            take(data, size, &pos, &r, sizeof r);
            q->tx->ring[tx_prod_pvt++ & (NETIF_TX_RING_SIZE - 1)].rsp = r;
            q->tx->h.rsp_prod = tx_prod_pvt;
            break;
        }
        case 6: {
            take(data, size, &pos, &b, 1);
            unsigned s = b & (NETIF_RX_RING_SIZE - 1);
            if (q->rx_pkt[s]) {
                struct xen_grant_entry_v1 *e = gnt_entry(&xen_fake_gnt, q->rx_gref[s]);
                if (e && !(e->flags & GTF_writing)) {
                    e->flags |= GTF_writing;
                    held++;
                }
            }
            break;
        }
        default: {
            int rc = netfront_class.arm_rx_wakeup(&nf.nd);
            FUZZ_CHECK(rc == 0 || rc == -EAGAIN);
            break;
        }
        }
    }
    nf_queue_destroy(&nf, 0);
    /* What is missing from the pool is what the backend still maps. */
    FUZZ_CHECK(FZ_POOL - pkt_pool_avail(pool) <= held);
    FUZZ_CHECK(xen_fake_gnt.st.in_use <= held);
    pkt_pool_destroy(pool);
    xen_fake_fini();
    return 0;
}
