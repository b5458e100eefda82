/*
 * dpbench_scen.c — the scenarios of the datapath benchmark (dpbench.h).
 */
#include "bench/dpbench.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "datapath/dp_key.h"
#include "datapath/dp_table.h"
#include "os/byteorder.h"
#include "os/clock.h"

uint64_t dpb_setup_flows, dpb_setup_ns;

static uint16_t dpb_csum(const uint8_t *p, unsigned n)
{
    uint32_t s = 0;
    for (unsigned i = 0; i + 1 < n; i += 2)
        s += os_get_be16(p + i);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

void dpb_template(uint8_t f[DPB_HDR_LEN])
{
    static const uint8_t eth[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
    memset(f, 0, DPB_HDR_LEN);
    memcpy(f, eth, sizeof eth);
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    os_put_be16(ip + 2, 46);
    ip[8] = 64;
    ip[9] = 17;
    os_put_be32(ip + 12, DPB_SRC_IP);
    os_put_be32(ip + 16, DPB_SRC_IP + 2);
    os_put_be16(ip + 10, dpb_csum(ip, 20));
    uint8_t *udp = ip + 20;
    os_put_be16(udp, 1024);
    os_put_be16(udp + 2, 5001);
    os_put_be16(udp + 4, 26);
    os_put_be16(udp + 6, 0x1234); /* non-zero: rewrites must update it */
}

/* The key of the template with nw_src = DPB_SRC_IP + idx, on port 1. */
static void dpb_key(uint32_t idx, struct dp_key *key)
{
    uint8_t f[DPB_HDR_LEN];
    dpb_template(f);
    os_put_be32(f + DPB_NW_SRC_OFS, DPB_SRC_IP + idx);
    dp_key_extract(f, DPB_HDR_LEN, 1, key, NULL);
}

static void dpb_exact_mask(struct dp_key *m)
{
    memset(m, 0, sizeof *m);
    m->nw_src = m->nw_dst = 0xffffffff;
    m->in_port = m->dl_vlan = m->dl_type = m->tp_src = m->tp_dst = 0xffff;
    memset(m->dl_src, 0xff, 6);
    memset(m->dl_dst, 0xff, 6);
    m->dl_vlan_pcp = m->nw_tos = m->nw_proto = 0xff;
}

static void dpb_mask_key(struct dp_match *m)
{
    for (int i = 0; i < DP_KEY_WORDS; i++)
        m->key.w[i] &= m->mask.w[i];
}

static int dpb_add(struct dp *dp, const struct dp_match *m, uint16_t prio,
                   const struct dp_action *acts, uint16_t n_acts)
{
    struct dp_flow_mod fm = {
        .command = DP_FC_ADD,
        .match = *m,
        .priority = prio,
        .out_port = DP_PORT_NONE,
        .actions = acts,
        .n_actions = n_acts,
    };
    int err = dp_table_apply(dp_table(dp), &fm, 0, NULL, NULL);
    if (!err)
        dpb_setup_flows++;
    return err;
}

static const struct dp_action act_out2 = {.type = DP_ACT_OUTPUT, .u.output.port = 2};

/* n exact-match flows, nw_src = DPB_SRC_IP + 0..n-1, each to port 2. */
static int dpb_exact_flows(struct dp *dp, uint32_t n, const struct dp_action *acts,
                           uint16_t n_acts)
{
    uint64_t t0 = os_clock_ns();
    for (uint32_t i = 0; i < n; i++) {
        struct dp_match m;
        dpb_key(i, &m.key);
        dpb_exact_mask(&m.mask);
        if (i == 0 && !dp_match_is_exact(&m))
            return -EINVAL;
        int err = dpb_add(dp, &m, 0x8000, acts, n_acts);
        if (err)
            return err;
    }
    dpb_setup_ns = os_clock_ns() - t0;
    return 0;
}

static int setup_exact1(struct dp *dp)
{
    return dpb_exact_flows(dp, 1, &act_out2, 1);
}

static int setup_exact10k(struct dp *dp)
{
    return dpb_exact_flows(dp, 10000, &act_out2, 1);
}

static int setup_exact1m(struct dp *dp)
{
    return dpb_exact_flows(dp, 1000000, &act_out2, 1);
}

static int setup_rewrite(struct dp *dp)
{
    static const struct dp_action acts[] = {
        {.type = DP_ACT_SET_NW_SRC, .u.ipv4 = 0xc0a80101},
        {.type = DP_ACT_SET_TP_SRC, .u.tp = 999},
        {.type = DP_ACT_OUTPUT, .u.output.port = 2},
    };
    return dpb_exact_flows(dp, 1, acts, 3);
}

static int setup_flood(struct dp *dp)
{
    static const struct dp_action act = {.type = DP_ACT_OUTPUT,
                                         .u.output.port = DP_PORT_FLOOD};
    return dpb_exact_flows(dp, 1, &act, 1);
}

static int setup_miss(struct dp *dp)
{
    (void)dp;
    return 0;
}

/* 1,000 distinct rules: nw_src prefixes /22../32 inside the traffic's
 * 10.0.0.0/16, with tp_dst exact or wildcarded (22 masks), longer prefixes
 * at higher priority, plus a catch-all ip rule at priority 0 (23 masks): a
 * packet that matches no prefix visits every subtable. */
static int setup_wild1000(struct dp *dp)
{
    uint64_t t0 = os_clock_ns(), rng = 88172645463325252ull;
    struct dp_key tmpl;
    dpb_key(0, &tmpl);
    for (uint32_t i = 0; i < 1000; i++) {
        unsigned plen = 22 + i % 11;
        bool tp = (i / 11) % 2;
        struct dp_match m = {.key = tmpl};
        m.mask.dl_type = 0xffff;
        m.mask.nw_src = plen == 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
        if (tp)
            m.mask.tp_dst = 0xffff;
        uint64_t before = dpb_setup_flows;
        for (int tries = 0; tries < 64 && dpb_setup_flows == before; tries++) {
            rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
            struct dp_table_stats ts0, ts1;
            dp_table_get_stats(dp_table(dp), &ts0);
            m.key.nw_src = DPB_SRC_IP | (uint32_t)(rng >> 48);
            dpb_mask_key(&m);
            int err = dpb_add(dp, &m, (uint16_t)(100 + plen * 2 + tp), &act_out2, 1);
            if (err)
                return err;
            dp_table_get_stats(dp_table(dp), &ts1);
            if (ts1.active == ts0.active) /* replaced an equal rule: try again */
                dpb_setup_flows--;
        }
    }
    struct dp_match all = {.key = tmpl};
    all.mask.dl_type = 0xffff;
    dpb_mask_key(&all);
    int err = dpb_add(dp, &all, 0, &act_out2, 1);
    dpb_setup_ns = os_clock_ns() - t0;
    return err;
}

static const struct dpb_scenario scenarios[] = {
    {"harness", "memdev RX+TX alone, no datapath (subtract)", 1, 60, 2, 16, false, true,
     setup_miss},
    {"exact1", "1 exact-match flow", 1, 60, 2, 16, false, false, setup_exact1},
    {"exact10k", "10k exact flows, uniform random traffic", 10000, 60, 2, 16384, false, false,
     setup_exact10k},
    {"exact1m", "1M exact flows, uniform random traffic", 1000000, 60, 2, 1u << 20, false,
     false, setup_exact1m},
    {"wild1000", "1,000 wildcard rules, 23 masks, 64k src", 65536, 60, 2, 4096, false, false,
     setup_wild1000},
    {"rewrite", "set nw_src+tp_src (csum update), output", 1, 60, 2, 16, false, false,
     setup_rewrite},
    {"flood8", "FLOOD to 8 ports (Mpps = RX)", 1, 60, 9, 16, false, false, setup_flood},
    {"miss", "table miss -> upcall queue, drained", 1, 60, 2, 16, true, false, setup_miss},
    {"exact1_1518", "1 exact flow, 1518-byte frames", 1, 1514, 2, 16, false, false,
     setup_exact1},
    {NULL, NULL, 0, 0, 0, 0, false, false, NULL},
};

const struct dpb_scenario *dpb_scenarios(void)
{
    return scenarios;
}
