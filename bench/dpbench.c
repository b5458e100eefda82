/*
 * dpbench.c — the datapath alone: Mpps, ns and TSC cycles per packet.
 *
 * usage: dpbench [--runs N] [--seconds S] [--packets N] [--only a,b]
 *                [--csv FILE] [--ceiling MPPS] [--list]
 *
 * For each scenario (dpbench_scen.c): a struct dp with in-memory ports
 * (bench_memdev.h), the scenario's flows, one warm-up, then `runs` timed
 * runs of a fixed packet count (calibrated so one run lasts about
 * `seconds`, or --packets).  The timed loop is bench_timed_loop: dp_poll
 * (RX template copy, key extraction, lookup, actions, TX count+free) with
 * os_clock_ns once per poll, plus popping and freeing upcalls when the
 * scenario asks.  Prints medians with the min..max spread; --csv appends
 * one line per run.  --ceiling prints each median as a fraction of MPPS
 * (testpmd macswap).  Under callgrind, collect only bench_timed_loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_memdev.h"
#include "bench/dpbench.h"
#include "datapath/dp_pipeline.h"
#include "libos/unix/clock_mode.h"
#include "os/clock.h"
#include "os/pkt.h"

#define MAX_RUNS 64

struct opts {
    unsigned runs;
    double seconds;
    uint64_t packets;
    const char *only;
    const char *csv;
    double ceiling;
};

struct bench {
    const struct dpb_scenario *sc;
    struct pkt_pool *pool;
    struct dp *dp;
    struct netdev *dev[DP_MAX_PORTS];
    unsigned n_dev;
};

struct result {
    uint64_t packets, ns, cycles;
};

static void bench_free(struct bench *b)
{
    dp_destroy(b->dp);
    for (unsigned i = 0; i < b->n_dev; i++)
        netdev_close(b->dev[i]);
    pkt_pool_destroy(b->pool);
}

static int bench_init(struct bench *b, const struct dpb_scenario *sc)
{
    uint8_t tmpl[DPB_HDR_LEN];
    dpb_template(tmpl);
    struct bench_memdev_cfg rx = {
        .tmpl = tmpl,
        .copy_len = DPB_HDR_LEN,
        .frame_len = sc->frame_len,
        .n_flows = sc->traffic_keys,
        .var_ofs = DPB_NW_SRC_OFS,
        .base = DPB_SRC_IP,
    };
    memset(b, 0, sizeof *b);
    b->sc = sc;
    b->pool = pkt_pool_create(8192, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    struct dp_config cfg = {.max_flows = sc->max_flows, .pool = b->pool};
    b->dp = b->pool ? dp_create(&cfg) : NULL;
    if (!b->dp)
        return -ENOMEM;
    for (unsigned i = 0; i < sc->n_ports; i++) {
        char name[16];
        snprintf(name, sizeof name, "mem%u", i + 1);
        b->dev[i] = bench_memdev_create(name, b->pool, i == 0 ? &rx : NULL);
        if (!b->dev[i])
            return -ENOMEM;
        b->n_dev++;
        int err = dp_add_port(b->dp, b->dev[i], (uint16_t)(i + 1));
        if (err)
            return err;
    }
    dpb_setup_flows = dpb_setup_ns = 0;
    return sc->setup(b->dp);
}

/* Pops and frees every upcall. */
static void drain(struct dp *dp)
{
    struct dp_upcall up[PKT_BURST];
    unsigned n;
    while ((n = dp_upcall_pop(dp, up, PKT_BURST)) > 0)
        for (unsigned i = 0; i < n; i++)
            pkt_free(up[i].pkt);
}

/* The harness alone: memdev RX handed straight to the port-2 memdev. */
static void harness_loop(struct bench *b)
{
    struct pkt *pkts[PKT_BURST];
    unsigned n;
    while ((n = netdev_rx_burst(b->dev[0], pkts, PKT_BURST)) > 0) {
        (void)os_clock_ns();
        netdev_tx_burst(b->dev[1], pkts, n);
    }
}

/* The timed loop (callgrind collects only this function). */
__attribute__((noinline)) void bench_timed_loop(struct bench *b, uint64_t packets);
__attribute__((noinline)) void bench_timed_loop(struct bench *b, uint64_t packets)
{
    bench_memdev_set_budget(b->dev[0], packets);
    if (b->sc->harness_only) {
        harness_loop(b);
        return;
    }
    while (bench_memdev_budget(b->dev[0])) {
        dp_poll(b->dp, os_clock_ns());
        if (b->sc->drain_upcalls)
            drain(b->dp);
    }
}

static struct result timed_run(struct bench *b, uint64_t packets)
{
    struct result r = {.packets = packets};
    uint64_t t0 = os_clock_ns(), c0 = os_cycles();
    bench_timed_loop(b, packets);
    r.cycles = os_cycles() - c0;
    r.ns = os_clock_ns() - t0;
    return r;
}

static double mpps(const struct result *r)
{
    return r->ns ? (double)r->packets * 1e3 / (double)r->ns : 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Checks that the packets went where the scenario sends them. */
static void note_counters(struct bench *b, char *note, size_t size)
{
    struct dp_stats st;
    struct dp_table_stats ts;
    dp_get_stats(b->dp, &st);
    dp_table_get_stats(dp_table(b->dp), &ts);
    uint64_t tx = 0;
    for (unsigned i = 1; i < b->n_dev; i++)
        tx += b->dev[i]->stats.tx_packets;
    double hit = ts.lookups ? 100.0 * (double)ts.cache_hits / (double)ts.lookups : 0;
    int n = snprintf(note, size, "flows=%u masks=%u tx/rx=%.2f", ts.active, ts.n_masks,
                     st.rx_packets ? (double)tx / (double)st.rx_packets : 0);
    if (hit > 0)
        n += snprintf(note + n, size - (size_t)n, " cache=%.0f%%", hit);
    if (st.upcalls)
        n += snprintf(note + n, size - (size_t)n, " upcalls/rx=%.2f",
                      (double)st.upcalls / (double)st.rx_packets);
    if (dpb_setup_flows > 1000)
        snprintf(note + n, size - (size_t)n, " install=%.2fMflow/s",
                 (double)dpb_setup_flows * 1e3 / (double)(dpb_setup_ns ? dpb_setup_ns : 1));
}

static void csv_line(const struct opts *o, const char *name, unsigned run, const struct result *r)
{
    if (!o->csv)
        return;
    FILE *f = fopen(o->csv, "a");
    if (!f)
        return;
    fprintf(f, "%s,%u,%llu,%llu,%llu,%.4f\n", name, run, (unsigned long long)r->packets,
            (unsigned long long)r->ns, (unsigned long long)r->cycles, mpps(r));
    fclose(f);
}

static uint64_t calibrate(struct bench *b, const struct opts *o)
{
    if (o->packets)
        return o->packets;
    struct result w = timed_run(b, 1000000); /* warm-up and calibration */
    uint64_t n = (uint64_t)(mpps(&w) * 1e6 * o->seconds);
    return n < 1000000 ? 1000000 : n;
}

static int run_scenario(const struct dpb_scenario *sc, const struct opts *o)
{
    struct bench b;
    int err = bench_init(&b, sc);
    if (err) {
        printf("%-12s setup failed: %s\n", sc->name, strerror(-err));
        bench_free(&b);
        return err;
    }
    uint64_t n = calibrate(&b, o);
    double rate[MAX_RUNS], nsp[MAX_RUNS], cyc[MAX_RUNS];
    for (unsigned i = 0; i < o->runs; i++) {
        struct result r = timed_run(&b, n);
        csv_line(o, sc->name, i, &r);
        rate[i] = mpps(&r);
        nsp[i] = (double)r.ns / (double)r.packets;
        cyc[i] = (double)r.cycles / (double)r.packets;
    }
    char note[160] = "-";
    if (!sc->harness_only)
        note_counters(&b, note, sizeof note);
    double med = median(rate, o->runs);
    printf("%-12s %7.2f %7.2f..%-7.2f %7.1f %8.1f", sc->name, med, rate[0],
           rate[o->runs - 1], median(nsp, o->runs), median(cyc, o->runs));
    if (o->ceiling > 0)
        printf(" %5.2f", med / o->ceiling);
    printf("  %s; %s\n", sc->what, note);
    fflush(stdout);
    bench_free(&b);
    return 0;
}

static bool selected(const char *only, const char *name)
{
    if (!only)
        return true;
    size_t len = strlen(name);
    for (const char *p = only; p && *p;) {
        const char *end = strchr(p, ',');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if (l == len && !strncmp(p, name, l))
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){.runs = 5, .seconds = 0.5};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--list")) {
            for (const struct dpb_scenario *s = dpb_scenarios(); s->name; s++)
                printf("%-12s %s\n", s->name, s->what);
            exit(0);
        }
        if (!v)
            return -EINVAL;
        if (!strcmp(a, "--runs"))
            o->runs = (unsigned)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--seconds"))
            o->seconds = strtod(v, NULL);
        else if (!strcmp(a, "--packets"))
            o->packets = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--only"))
            o->only = v;
        else if (!strcmp(a, "--csv"))
            o->csv = v;
        else if (!strcmp(a, "--ceiling"))
            o->ceiling = strtod(v, NULL);
        else
            return -EINVAL;
        i++;
    }
    return o->runs >= 1 && o->runs <= MAX_RUNS ? 0 : -EINVAL;
}

#define CLOCK_PROBE_READS 100000

int main(int argc, char **argv)
{
    struct opts o;
    if (parse_opts(argc, argv, &o) < 0) {
        fprintf(stderr, "usage: dpbench [--runs 1..%d] [--seconds S] [--packets N] "
                        "[--only a,b] [--csv FILE] [--ceiling MPPS] [--list]\n", MAX_RUNS);
        return 2;
    }
    uint64_t t0 = os_clock_ns(), c0 = os_cycles();
    while (os_clock_ns() - t0 < 50 * OS_NS_PER_MS)
        ;
    double ghz = (double)(os_cycles() - c0) / (double)(os_clock_ns() - t0);
    /* the clock is read once per dp_poll: what one reading costs here */
    uint64_t r0 = os_clock_ns();
    for (int i = 0; i < CLOCK_PROBE_READS; i++)
        (void)os_clock_ns();
    double clk_ns = (double)(os_clock_ns() - r0) / (CLOCK_PROBE_READS + 1);
    printf("dpbench: %u runs per scenario, median and min..max; TSC %.2f GHz; burst %d; "
           "os_clock_ns via %s, %.0f ns a read\n", o.runs, ghz, PKT_BURST, os_clock_mode(),
           clk_ns);
    printf("%-12s %7s %16s %7s %8s%s  %s\n", "scenario", "Mpps", "min..max", "ns/pkt",
           "cyc/pkt", o.ceiling > 0 ? " x_macswap" : "", "what; counters");
    int rc = 0;
    for (const struct dpb_scenario *s = dpb_scenarios(); s->name; s++)
        if (selected(o.only, s->name) && run_scenario(s, &o) < 0)
            rc = 1;
    return rc;
}
