/*
 * bench_memdev.h — an in-memory netdev for the datapath benchmark.
 *
 * A memdev is a `struct netdev` whose rx_burst manufactures frames from a
 * template and whose tx_burst counts and frees, so a benchmark driving
 * dp_poll measures Sluice's own packet path and nothing of the kernel.
 *
 * RX, per packet (this IS inside the timed loop and is reported separately
 * as the "harness" scenario so it can be subtracted): one pool buffer from
 * pkt_alloc_burst (the pool is a LIFO stack, so the same few hot buffers
 * are recycled), a copy of the first `copy_len` template bytes (60: the
 * headers; the rest of a large frame is whatever the slot held, the
 * datapath never reads it), len = frame_len, and, when n_flows > 1, a
 * 32-bit big-endian value base + idx written at var_ofs, where idx is
 * uniformly random in [0, n_flows) from an xorshift generator.
 * TX: bytes and packets counted, then pkt_free_burst.
 *
 * `budget` bounds the number of packets RX hands out (0 = unbounded): the
 * benchmark sets it and polls until the device is dry.
 *
 * Ownership: the memdev owns nothing but its private state; packets follow
 * os/netdev.h (RX gives owned packets, TX takes every packet).  Single
 * thread.  Callers: bench/dpbench.c only.
 */
#ifndef BENCH_MEMDEV_H
#define BENCH_MEMDEV_H

#include <stdint.h>

#include "os/netdev.h"

struct bench_memdev_cfg {
    const uint8_t *tmpl; /* template frame */
    uint32_t copy_len;   /* template bytes copied per packet (<= 128) */
    uint32_t frame_len;  /* frame length handed up (>= copy_len) */
    uint32_t n_flows;    /* 0 or 1: every frame is the template */
    uint32_t var_ofs;    /* where base + idx is written (n_flows > 1) */
    uint32_t base;       /* first value written at var_ofs */
};

/* Creates a memdev named `name` drawing from `pool` with RX described by
 * `cfg` (NULL: RX never returns a packet).  Returns the netdev (close it with
 * netdev_close) or NULL when memory is exhausted. */
struct netdev *bench_memdev_create(const char *name, struct pkt_pool *pool,
                                   const struct bench_memdev_cfg *cfg);

/* Lets RX hand out `n` more packets (replacing what was left).  Returns
 * nothing. */
void bench_memdev_set_budget(struct netdev *dev, uint64_t n);

/* Returns the packets RX may still hand out. */
uint64_t bench_memdev_budget(const struct netdev *dev);

#endif /* BENCH_MEMDEV_H */
