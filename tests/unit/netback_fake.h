/*
 * netback_fake.h — the backend side of one netfront queue, played in host
 * memory for tests/unit/test_netfront_*.c and the netfront fuzzer: it reads
 * the frontend's requests from the shared ring pages, checks their grants
 * in the frontend's grant table (granted to the right domain, read-only for
 * TX, writable for RX), copies frames into RX pages or out of TX pages, and
 * writes responses — well-formed ones, or whatever a test wants.
 *
 * Guest frame numbers: the netfront code asks xen_virt_to_gfn(); on the
 * host this file numbers pages in first-seen order (a pointer's page gets
 * the same number every time) and nb_gfn_to_virt() maps a number back, so
 * grants carry small numbers as on a real guest.  Test code only.
 */
#ifndef TESTS_NETBACK_FAKE_H
#define TESTS_NETBACK_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "libos/xen/gnttab.h"
#include "netfront/netif.h"

struct nb_queue {
    struct netif_tx_sring *tx;
    struct netif_rx_sring *rx;
    struct gnt_table *gnt;
    uint16_t domid;                /* the backend's domain */
    uint32_t tx_req_cons, tx_rsp_prod;
    uint32_t rx_req_cons, rx_rsp_prod;
    unsigned bad_grants;           /* requests whose grant did not check out */
};

/* Attaches to a queue's ring pages, given as the frontend's grant
 * references.  Returns 0, or -1 when a ring grant is not valid. */
int nb_attach(struct nb_queue *b, struct gnt_table *g, uint16_t domid, grant_ref_t tx_ref,
              grant_ref_t rx_ref);

/* Returns the RX requests posted and not yet answered. */
unsigned nb_rx_posted(const struct nb_queue *b);

/* Answers the next RX request with `len` bytes of `frame` at `offset` and
 * `flags`.  Returns 0, or -1 when no request is posted or its grant is
 * bad. */
int nb_rx_frame(struct nb_queue *b, const void *frame, uint16_t len, uint16_t offset,
                uint16_t flags);

/* Answers the next RX request with response `r` exactly as given (id
 * included).  Returns 0, or -1 when none is posted. */
int nb_rx_raw(struct nb_queue *b, struct netif_rx_response r);

/* Takes the next TX request and the frame it points at (NULL when its
 * grant is bad).  Returns 1, or 0 when there is none. */
int nb_tx_take(struct nb_queue *b, struct netif_tx_request *req, const uint8_t **data);

/* Writes a TX response.  Returns nothing. */
void nb_tx_respond(struct nb_queue *b, uint16_t id, int16_t status);

/* Makes the responses written so far visible (rsp_prod).  Returns true
 * when the frontend asked to be notified (rsp_event passed) on either
 * ring. */
bool nb_publish(struct nb_queue *b);

/* Returns the page of guest frame `gfn` (see above), or NULL. */
void *nb_gfn_to_virt(uint64_t gfn);

#endif /* TESTS_NETBACK_FAKE_H */
