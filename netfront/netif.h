/*
 * netif.h — the Xen network ring protocol (xen/io/netif.h and io/ring.h of
 * Xen 4.17), written here: request/response layouts, flags, and the shared
 * ring page of each direction.
 *
 * A shared ring page starts with four free-running 32-bit indexes —
 * req_prod (we advance), req_event (the backend asks to be notified when
 * req_prod passes it), rsp_prod (the backend advances), rsp_event (we ask
 * to be notified when rsp_prod passes it) — then 48 bytes of padding, then
 * the entries: a power-of-two array of unions of request and response, the
 * largest that fits the page (256 for both rings).  Requests and responses
 * share slots: the backend writes response i over request i.
 *
 * Everything read from the page is written by the backend and untrusted:
 * the driver copies a response out once and checks every field.
 * tests/unit/test_xen_abi.c checks these layouts against libxen-dev.
 * Pure header.
 */
#ifndef NETFRONT_NETIF_H
#define NETFRONT_NETIF_H

#include <stdint.h>

#include "libos/xen/xen_abi.h"

#define NETTXF_csum_blank (1u << 0)
#define NETTXF_data_validated (1u << 1)
#define NETTXF_more_data (1u << 2)
#define NETTXF_extra_info (1u << 3)

#define NETRXF_data_validated (1u << 0)
#define NETRXF_csum_blank (1u << 1)
#define NETRXF_more_data (1u << 2)
#define NETRXF_extra_info (1u << 3)
#define NETRXF_gso_prefix (1u << 4)

#define XEN_NETIF_EXTRA_FLAG_MORE (1u << 0)

#define NETIF_RSP_DROPPED -2
#define NETIF_RSP_ERROR -1
#define NETIF_RSP_OKAY 0
#define NETIF_RSP_NULL 1 /* a TX response slot that carries no packet */

struct netif_tx_request {
    grant_ref_t gref;
    uint16_t offset;          /* of the data in the granted page */
    uint16_t flags;           /* NETTXF_* */
    uint16_t id;              /* echoed in the response */
    uint16_t size;            /* bytes (the whole frame, on a first slot) */
};
_Static_assert(sizeof(struct netif_tx_request) == 12, "netif_tx_request");

struct netif_tx_response {
    uint16_t id;
    int16_t status;           /* NETIF_RSP_* */
};
_Static_assert(sizeof(struct netif_tx_response) == 4, "netif_tx_response");

struct netif_rx_request {
    uint16_t id;              /* echoed in the response */
    uint16_t pad;
    grant_ref_t gref;         /* a page the backend copies the frame into */
};
_Static_assert(sizeof(struct netif_rx_request) == 8, "netif_rx_request");

struct netif_rx_response {
    uint16_t id;
    uint16_t offset;          /* of the frame in the page */
    uint16_t flags;           /* NETRXF_* */
    int16_t status;           /* < 0: NETIF_RSP_*; else the frame length */
};
_Static_assert(sizeof(struct netif_rx_response) == 8, "netif_rx_response");

/* The slot after a response flagged extra_info (we negotiate nothing that
 * produces one; the driver only needs type and flags to skip it). */
struct netif_extra_info {
    uint8_t type;
    uint8_t flags;            /* XEN_NETIF_EXTRA_FLAG_MORE: another follows */
    uint16_t pad[3];
};
_Static_assert(sizeof(struct netif_extra_info) == 8, "netif_extra_info");

struct netif_sring_hdr {
    uint32_t req_prod, req_event;
    uint32_t rsp_prod, rsp_event;
    uint8_t pvt[4];
    uint8_t pad[44];
};
_Static_assert(sizeof(struct netif_sring_hdr) == 64, "shared ring header");

#define NETIF_TX_RING_SIZE 256u
#define NETIF_RX_RING_SIZE 256u

union netif_tx_entry {
    struct netif_tx_request req;
    struct netif_tx_response rsp;
};

union netif_rx_entry {
    struct netif_rx_request req;
    struct netif_rx_response rsp;
    struct netif_extra_info extra;
};

_Static_assert(sizeof(union netif_tx_entry) == 12 && sizeof(union netif_rx_entry) == 8,
               "ring entries (an RX entry is read in one 8-byte load)");

struct netif_tx_sring {
    struct netif_sring_hdr h;
    union netif_tx_entry ring[NETIF_TX_RING_SIZE];
};
_Static_assert(sizeof(struct netif_tx_sring) <= XEN_PAGE_SIZE &&
               (XEN_PAGE_SIZE - 64) / sizeof(union netif_tx_entry) < 2 * NETIF_TX_RING_SIZE,
               "the TX ring is the largest power of two that fits a page");

struct netif_rx_sring {
    struct netif_sring_hdr h;
    union netif_rx_entry ring[NETIF_RX_RING_SIZE];
};
_Static_assert(sizeof(struct netif_rx_sring) <= XEN_PAGE_SIZE &&
               (XEN_PAGE_SIZE - 64) / sizeof(union netif_rx_entry) < 2 * NETIF_RX_RING_SIZE,
               "the RX ring is the largest power of two that fits a page");

#endif /* NETFRONT_NETIF_H */
