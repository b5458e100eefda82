/*
 * ofbench.c — the control plane: OpenFlow 1.0 rates against any switch
 * listening on ptcp:.
 *
 * usage: ofbench [--flows N] [--batch B] [--extra M] [--echo K]
 *                [--packet-in SECONDS] HOST:PORT
 *
 * Default mode, in order, on one connection:
 *   clear      DELETE of every flow + barrier
 *   install    N exact-match flow_mods (all twelve fields; nw_src varies)
 *              in batches of B, each batch confirmed by a barrier before
 *              the next is sent: flows/s = N / total time
 *   at_n       M more adds with N installed, same batching: flows/s
 *   dump       one OFPST_FLOW request for all flows; seconds until the last
 *              reply without REPLY_MORE; the entry count is checked
 *   echo       K sequential ECHO round trips: median (min..max) microseconds
 *   delete     DELETE of everything + barrier: seconds
 * --packet-in S: only sets miss_send_len 128, clears the table and counts
 * PACKET_IN messages for S seconds (the caller feeds the datapath with misses): packet_in/s.
 *
 * Output: a human line per test, and one machine line per figure
 * "result NAME VALUE" that bench/run.sh parses.  Errors from the switch
 * are counted and reported (e.g. table full).  Exit status 0, or 1 when a
 * step failed or timed out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/ofbench_conn.h"
#include "openflow/of10.h"
#include "os/clock.h"

#define OFB_TIMEOUT_MS 60000

struct ofb_opts {
    uint32_t flows, batch, extra, echo;
    double packet_in_s;
    char host[64];
    uint16_t port;
};

static void result(const char *name, double v, const char *unit)
{
    printf("result %s %.6g %s\n", name, v, unit);
    fflush(stdout);
}

static double secs_since(uint64_t t0)
{
    return (double)(os_clock_ns() - t0) / 1e9;
}

/* Appends one exact-match ADD for flow `i` (nw_src = 10.0.0.0 + i). */
static int add_flow(struct ofb_conn *c, uint32_t i)
{
    static struct of_flow_mod fm; /* big (128 actions): not on the stack */
    fm = (struct of_flow_mod){
        .match = {.wildcards = 0, .in_port = 1, .dl_src = {2, 0, 0, 0, 0, 1},
                  .dl_dst = {2, 0, 0, 0, 0, 2}, .dl_vlan = OFP_VLAN_NONE, .dl_type = 0x0800,
                  .nw_proto = 17, .nw_src = 0x0a000000u + i, .nw_dst = 0x0a000002u,
                  .tp_src = 1024, .tp_dst = 5001},
        .command = OFPFC_ADD,
        .priority = 0x8000,
        .buffer_id = OFP_NO_BUFFER,
        .out_port = OFPP_NONE,
        .n_actions = 1,
    };
    fm.actions[0] = (struct of_action){.type = OFPAT_OUTPUT, .u.output = {.port = 2}};
    struct ofp_buf *b = ofb_out(c, 256);
    return b && ofp_encode_flow_mod(b, ofb_xid(c), &fm) > 0 ? 0 : -EIO;
}

static int delete_all(struct ofb_conn *c)
{
    static struct of_flow_mod fm;
    fm = (struct of_flow_mod){.match = {.wildcards = OFPFW_ALL}, .command = OFPFC_DELETE,
                              .buffer_id = OFP_NO_BUFFER, .out_port = OFPP_NONE};
    struct ofp_buf *b = ofb_out(c, 256);
    if (!b || ofp_encode_flow_mod(b, ofb_xid(c), &fm) < 0)
        return -EIO;
    return ofb_barrier(c, OFB_TIMEOUT_MS);
}

/* Adds flows [first, first + n) in barrier-confirmed batches.  Returns
 * flows per second, or -1 on failure. */
static double install(struct ofb_conn *c, uint32_t first, uint32_t n, uint32_t batch)
{
    uint64_t errs0 = c->n_errors, t0 = os_clock_ns();
    for (uint32_t done = 0; done < n;) {
        uint32_t k = n - done < batch ? n - done : batch;
        for (uint32_t j = 0; j < k; j++)
            if (add_flow(c, first + done + j) < 0)
                return -1;
        if (ofb_barrier(c, OFB_TIMEOUT_MS) < 0)
            return -1;
        done += k;
    }
    double s = secs_since(t0);
    if (c->n_errors != errs0)
        printf("  %llu ERROR replies (last type %u code %u)\n",
               (unsigned long long)(c->n_errors - errs0), c->last_err_type, c->last_err_code);
    return (double)n / s;
}

/* Dumps every flow.  Returns seconds, or -1; *entries = flows received. */
static double dump(struct ofb_conn *c, uint64_t *entries)
{
    struct ofp_stats_request_msg r = {
        .type = OFPST_FLOW,
        .u.flow = {.match = {.wildcards = OFPFW_ALL}, .table_id = 0xff, .out_port = OFPP_NONE},
    };
    uint32_t xid = ofb_xid(c);
    struct ofp_buf *b = ofb_out(c, 128);
    uint64_t t0 = os_clock_ns();
    if (!b || ofp_encode_stats_request(b, xid, &r) < 0 || ofb_flush(c) < 0)
        return -1;
    *entries = 0;
    for (;;) {
        struct ofp_msg m;
        if (ofb_wait(c, OFPT_STATS_REPLY, xid, &m, OFB_TIMEOUT_MS) != 1)
            return -1;
        *entries += m.u.stats_reply.n_entries;
        if (!(m.u.stats_reply.flags & OFPSF_REPLY_MORE))
            break;
    }
    return secs_since(t0);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* k sequential echoes.  Returns 0 or -1; fills median/min/max in us. */
static int echo(struct ofb_conn *c, uint32_t k, double out[3])
{
    uint64_t *rtt = calloc(k, sizeof *rtt);
    if (!rtt)
        return -1;
    for (uint32_t i = 0; i < k; i++) {
        struct ofp_msg m;
        uint32_t xid = ofb_xid(c);
        uint64_t t0 = os_clock_ns();
        struct ofp_buf *b = ofb_out(c, 64);
        if (!b || ofp_encode_echo(b, OFPT_ECHO_REQUEST, xid, "sluice!!", 8) < 0 ||
            ofb_flush(c) < 0 || ofb_wait(c, OFPT_ECHO_REPLY, xid, &m, 5000) != 1) {
            free(rtt);
            return -1;
        }
        rtt[i] = os_clock_ns() - t0;
    }
    qsort(rtt, k, sizeof *rtt, cmp_u64);
    out[0] = (double)rtt[k / 2] / 1e3;
    out[1] = (double)rtt[0] / 1e3;
    out[2] = (double)rtt[k - 1] / 1e3;
    free(rtt);
    return 0;
}

/* Counts PACKET_IN for `secs` seconds, after SET_CONFIG miss_send_len 128
 * (Open vSwitch sends no table-miss packet_in to a connection accepted on a
 * ptcp: listener until it sets one) and emptying the table.  Returns
 * packet_in/s or -1. */
static double packet_in(struct ofb_conn *c, double secs)
{
    struct ofp_buf *b = ofb_out(c, 16);
    if (!b || ofp_encode_config(b, OFPT_SET_CONFIG, ofb_xid(c), 0, 128) < 0 ||
        delete_all(c) < 0)
        return -1;
    uint64_t t0 = os_clock_ns(), n0 = c->n_packet_in;
    uint64_t end = t0 + (uint64_t)(secs * 1e9);
    while (os_clock_ns() < end) {
        struct ofp_msg m;
        if (ofb_recv(c, &m, 100) < 0)
            return -1;
    }
    return (double)(c->n_packet_in - n0) / secs_since(t0);
}

static int run_control(struct ofb_conn *c, const struct ofb_opts *o)
{
    if (delete_all(c) < 0)
        return -1;
    double r = install(c, 0, o->flows, o->batch);
    printf("install   %u exact flows, batches of %u + barrier: %.0f flows/s\n", o->flows,
           o->batch, r);
    if (r < 0)
        return -1;
    result("install_flows_per_s", r, "flows/s");
    r = install(c, o->flows, o->extra, o->batch);
    printf("at_n      %u more with %u installed: %.0f flows/s\n", o->extra, o->flows, r);
    if (r < 0)
        return -1;
    result("at_n_flows_per_s", r, "flows/s");
    uint64_t n = 0;
    double s = dump(c, &n);
    printf("dump      %llu flows in %.3f s (expected %u)\n", (unsigned long long)n, s,
           o->flows + o->extra);
    if (s < 0)
        return -1;
    result("dump_s", s, "s");
    result("dump_entries", (double)n, "flows");
    double e[3];
    if (echo(c, o->echo, e) < 0)
        return -1;
    printf("echo      %u round trips: median %.1f us (%.1f..%.1f)\n", o->echo, e[0], e[1], e[2]);
    result("echo_rtt_us", e[0], "us");
    uint64_t t0 = os_clock_ns();
    if (delete_all(c) < 0)
        return -1;
    s = secs_since(t0);
    printf("delete    all flows: %.3f s\n", s);
    result("delete_all_s", s, "s");
    return 0;
}

static int parse(int argc, char **argv, struct ofb_opts *o)
{
    *o = (struct ofb_opts){.flows = 100000, .batch = 1000, .extra = 10000, .echo = 1000};
    const char *target = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-') {
            target = a;
            continue;
        }
        if (!v)
            return -1;
        if (!strcmp(a, "--flows"))
            o->flows = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--batch"))
            o->batch = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--extra"))
            o->extra = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--echo"))
            o->echo = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--packet-in"))
            o->packet_in_s = strtod(v, NULL);
        else
            return -1;
        i++;
    }
    const char *colon = target ? strrchr(target, ':') : NULL;
    if (!colon || (size_t)(colon - target) >= sizeof o->host || !o->batch || !o->echo)
        return -1;
    memcpy(o->host, target, (size_t)(colon - target));
    o->port = (uint16_t)strtoul(colon + 1, NULL, 10);
    return o->port ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct ofb_opts o;
    if (parse(argc, argv, &o) < 0) {
        fprintf(stderr, "usage: ofbench [--flows N] [--batch B] [--extra M] [--echo K] "
                        "[--packet-in SECONDS] HOST:PORT\n");
        return 2;
    }
    struct ofb_conn c;
    int rc = 1;
    if (ofb_connect(&c, o.host, o.port) == 0) {
        if (o.packet_in_s > 0) {
            double r = packet_in(&c, o.packet_in_s);
            printf("packet_in %.0f /s over %.1f s\n", r, o.packet_in_s);
            if (r >= 0) {
                result("packet_in_per_s", r, "msgs/s");
                rc = 0;
            }
        } else {
            rc = run_control(&c, &o) < 0;
        }
        if (rc)
            fprintf(stderr, "ofbench: a step failed or timed out\n");
    }
    ofb_close(&c);
    return rc;
}
