/* netback_fake.c — a netfront queue's backend in host memory (see
 * netback_fake.h). */
#include "netback_fake.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_SLOTS 16384

static uintptr_t pages[PAGE_SLOTS]; /* page address by gfn - 1 */
static unsigned n_pages;

uint64_t xen_virt_to_gfn(const void *p);

uint64_t xen_virt_to_gfn(const void *p)
{
    uintptr_t page = (uintptr_t)p & ~(uintptr_t)4095;
    for (unsigned i = 0; i < n_pages; i++)
        if (pages[i] == page)
            return i + 1;
    if (n_pages == PAGE_SLOTS)
        abort();
    pages[n_pages++] = page;
    return n_pages;
}

void *nb_gfn_to_virt(uint64_t gfn)
{
    return gfn >= 1 && gfn <= n_pages ? (void *)pages[gfn - 1] : NULL;
}

/* Returns the page behind grant `ref` if it is granted to b's domain (and
 * writable when `write`), else NULL (counted). */
static void *nb_grant_page(struct nb_queue *b, grant_ref_t ref, bool write)
{
    struct xen_grant_entry_v1 *e = NULL;
    if (ref < b->gnt->n_frames * GNT_ENTRIES_PER_FRAME)
        e = &b->gnt->frames[ref / GNT_ENTRIES_PER_FRAME][ref % GNT_ENTRIES_PER_FRAME];
    if (!e || !(e->flags & GTF_permit_access) || e->domid != b->domid ||
        (write && (e->flags & GTF_readonly))) {
        b->bad_grants++;
        return NULL;
    }
    return nb_gfn_to_virt(e->frame);
}

int nb_attach(struct nb_queue *b, struct gnt_table *g, uint16_t domid, grant_ref_t tx_ref,
              grant_ref_t rx_ref)
{
    memset(b, 0, sizeof *b);
    b->gnt = g;
    b->domid = domid;
    b->tx = nb_grant_page(b, tx_ref, true);
    b->rx = nb_grant_page(b, rx_ref, true);
    return b->tx && b->rx ? 0 : -1;
}

unsigned nb_rx_posted(const struct nb_queue *b)
{
    return __atomic_load_n(&b->rx->h.req_prod, __ATOMIC_ACQUIRE) - b->rx_req_cons;
}

int nb_rx_raw(struct nb_queue *b, struct netif_rx_response r)
{
    if (!nb_rx_posted(b))
        return -1;
    b->rx_req_cons++;
    b->rx->ring[b->rx_rsp_prod++ & (NETIF_RX_RING_SIZE - 1)].rsp = r;
    return 0;
}

int nb_rx_frame(struct nb_queue *b, const void *frame, uint16_t len, uint16_t offset,
                uint16_t flags)
{
    if (!nb_rx_posted(b))
        return -1;
    struct netif_rx_request req = b->rx->ring[b->rx_req_cons & (NETIF_RX_RING_SIZE - 1)].req;
    uint8_t *page = nb_grant_page(b, req.gref, true);
    if (!page || offset + len > 4096)
        return -1;
    memcpy(page + offset, frame, len);
    return nb_rx_raw(b, (struct netif_rx_response){ req.id, offset, flags, (int16_t)len });
}

int nb_tx_take(struct nb_queue *b, struct netif_tx_request *req, const uint8_t **data)
{
    if (__atomic_load_n(&b->tx->h.req_prod, __ATOMIC_ACQUIRE) == b->tx_req_cons)
        return 0;
    *req = b->tx->ring[b->tx_req_cons++ & (NETIF_TX_RING_SIZE - 1)].req;
    const uint8_t *page = nb_grant_page(b, req->gref, false);
    *data = page && req->offset + req->size <= 4096 ? page + req->offset : NULL;
    return 1;
}

void nb_tx_respond(struct nb_queue *b, uint16_t id, int16_t status)
{
    b->tx->ring[b->tx_rsp_prod++ & (NETIF_TX_RING_SIZE - 1)].rsp =
        (struct netif_tx_response){ id, status };
}

/* Publishes `prod` on ring header h.  Returns true when the frontend asked
 * for an event in (old, prod]. */
static bool nb_publish_ring(struct netif_sring_hdr *h, uint32_t prod)
{
    uint32_t old = h->rsp_prod;
    __atomic_store_n(&h->rsp_prod, prod, __ATOMIC_RELEASE);
    return (uint32_t)(prod - h->rsp_event) < (uint32_t)(prod - old);
}

bool nb_publish(struct nb_queue *b)
{
    bool a = nb_publish_ring(&b->tx->h, b->tx_rsp_prod);
    bool c = nb_publish_ring(&b->rx->h, b->rx_rsp_prod);
    return a || c;
}
