/*
 * dpbench.h — the datapath benchmark's scenarios.
 *
 * A scenario describes the traffic one in-memory port (port 1) produces and
 * the flow table and ports the datapath gets before timing starts.  The
 * driver (dpbench.c) builds a struct dp with `n_ports` memdevs, calls
 * `setup`, then times dp_poll over a fixed number of packets (see
 * bench_memdev.h for exactly what the RX and TX sides do per packet).
 *
 * Every flow forwards to port 2 unless the scenario says otherwise, so the
 * TX count checks that the packets really went through the table.
 * Callers: dpbench.c only.
 */
#ifndef BENCH_DPBENCH_H
#define BENCH_DPBENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "datapath/dp_pipeline.h"

#define DPB_SRC_IP 0x0a000000u /* 10.0.0.0: traffic nw_src = this + flow index */
#define DPB_NW_SRC_OFS 26      /* nw_src offset in the template frame */
#define DPB_HDR_LEN 60         /* template bytes (a 64-byte frame without FCS) */

struct dpb_scenario {
    const char *name;
    const char *what;     /* one line for the table */
    uint32_t traffic_keys;/* distinct nw_src values in the traffic (0/1 = one) */
    uint32_t frame_len;   /* frame length without FCS */
    unsigned n_ports;     /* memdevs, port 1 is the source */
    uint32_t max_flows;   /* table size */
    bool drain_upcalls;   /* pop and free upcalls after each poll */
    bool harness_only;    /* no datapath: memdev RX straight to TX */
    /* Installs the flows.  Returns 0 or a negative errno. */
    int (*setup)(struct dp *dp);
};

/* Returns the scenario table, terminated by an entry with name NULL. */
const struct dpb_scenario *dpb_scenarios(void);

/* Fills frame[0, DPB_HDR_LEN) with the template: Ethernet/IPv4/UDP,
 * 10.0.0.0:1024 -> 10.0.0.2:5001, valid IPv4 checksum, a non-zero UDP
 * checksum (so rewrites update it).  Returns nothing. */
void dpb_template(uint8_t frame[DPB_HDR_LEN]);

/* Counts the flows dp_table_apply installed during setup, and the
 * nanoseconds it took (for the notes column). */
extern uint64_t dpb_setup_flows, dpb_setup_ns;

#endif /* BENCH_DPBENCH_H */
