/*
 * netfront.h — the Xen network frontend (xen target): os/netdev.h class
 * "netfront", spec "netfront:N[,queues=Q]" = the vif whose xenstore
 * directory is device/vif/N (N is xl's devid: vif 0, 1, ... in the order
 * of the domain's `vif = [...]`).
 *
 * Control path (netfront_xs.c): the xen/io/netif.h handshake over xenstore
 * — wait (bounded) for the backend's InitWait, read its features
 * (feature-rx-copy is required; split event channels and
 * multi-queue-max-queues are used when offered), publish per queue the ring
 * references and event channels with request-rx-copy, feature-rx-notify and
 * the offload flags in one transaction, switch to Connected and wait
 * (bounded) for the backend's Connected.  Afterwards watches on the
 * frontend directory and the backend state drive a small state machine from
 * netdev_poll_link: a backend that goes away (`xl network-detach`) is the
 * link going down — rings stopped, frontend Closed, grants revoked once the
 * backend is Closed — and a backend that comes back with the same devid
 * (`xl network-attach ... devid=N`) is connected again and the link comes
 * up; the switch reports both as PORT_STATUS.  close() walks the frontend
 * through Closing and Closed, waiting (bounded) for the backend each time.
 *
 * Data path (netfront.c): "Q" queues (default: as many as the backend
 * offers, at most NETFRONT_MAX_QUEUES), each with its TX and RX rings.
 * Zero copy both ways: RX requests grant pages of the switch's packet pool
 * (which must have page-sized, page-aligned slots: sw_config.packet_slot),
 * and the backend's response makes the very same page the received packet;
 * TX grants the packet's own page read-only and frees the packet when its
 * response comes back.  Checksum-blank frames (a Linux sender offloaded the
 * checksum) are completed before they are handed up (libos/common/offload.h).
 * Every response is copied out of the ring once and checked (id, status,
 * offset + length within the page, flags that were not negotiated); a bad
 * one is counted and dropped, a ring whose indexes are impossible stops
 * that queue (logged once).  arm_rx_wakeup re-enables the rings' response
 * events so that a frame (or a TX completion while buffers are short) wakes
 * the idle domain through its event channel.
 *
 * Single-threaded; nothing blocks beyond bounded waits (open, close, a full
 * TX ring).
 */
#ifndef NETFRONT_NETFRONT_H
#define NETFRONT_NETFRONT_H

#include "os/netdev.h"

#define NETFRONT_MAX_QUEUES 4
#define NETFRONT_MAX_DEVS 16

extern const struct netdev_class netfront_class;

/* Lists the vifs (device/vif/N in xenstore) in devid order.  Returns how
 * many there are (0 when xenstore is not connected). */
unsigned netfront_discover(void);

/* Writes "vif N (backend PATH)" for the i-th discovered vif into buf.
 * Returns buf, or NULL when i is out of range. */
const char *netfront_describe(unsigned i, char *buf, unsigned len);

#endif /* NETFRONT_NETFRONT_H */
