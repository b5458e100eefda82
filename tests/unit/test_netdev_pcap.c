/* Unit tests for netdev dispatch (libos/common/netdev.c) and the pcap netdev
 * (libos/unix/netdev_pcap.c).  Files live in a private temp directory. */
#include <errno.h>
#include <ftw.h>
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "os/clock.h"
#include "os/netdev.h"
#include "os/pkt.h"

static char tmpdir[64];
static struct pkt_pool *pool;

/* Returns "tmpdir/name" in a static buffer (one of four, rotating). */
static const char *tpath(const char *name)
{
    static char bufs[4][128];
    static int i;
    char *b = bufs[i++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", tmpdir, name);
    return b;
}

/* Returns "pcap:ARG" in a static buffer. */
static const char *spec(const char *fmt, ...)
{
    static char b[300];
    va_list ap;
    va_start(ap, fmt);
    strcpy(b, "pcap:");
    vsnprintf(b + 5, sizeof b - 5, fmt, ap);
    va_end(ap);
    return b;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(path);
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/slt%d_pcap_XXXXXX", (int)getpid());
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    return nftw(tmpdir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **state)
{
    (void)state;
    pool = pkt_pool_create(64, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    return pool ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(pkt_pool_avail(pool), pkt_pool_size(pool)); /* nothing leaked */
    pkt_pool_destroy(pool);
    return 0;
}

/* One record to write: frame bytes are i * 7 + seed. */
struct rec {
    uint32_t len;
    uint64_t ts_ns;
};

static void fill_frame(uint8_t *b, uint32_t len, unsigned seed)
{
    for (uint32_t i = 0; i < len; i++)
        b[i] = (uint8_t)(i * 7 + seed);
}

/* Writes `n` records to `path` with the given link type and precision. */
static void write_pcap(const char *path, int dlt, int prec, const struct rec *r, int n)
{
    pcap_t *d = pcap_open_dead_with_tstamp_precision(dlt, 65535, (u_int)prec);
    assert_non_null(d);
    pcap_dumper_t *w = pcap_dump_open(d, path);
    assert_non_null(w);
    static uint8_t frame[65535];
    for (int i = 0; i < n; i++) {
        struct pcap_pkthdr h = {.caplen = r[i].len, .len = r[i].len};
        h.ts.tv_sec = (time_t)(r[i].ts_ns / OS_NS_PER_SEC);
        uint64_t frac = r[i].ts_ns % OS_NS_PER_SEC;
        h.ts.tv_usec = (suseconds_t)(prec == PCAP_TSTAMP_PRECISION_NANO ? frac : frac / 1000);
        fill_frame(frame, r[i].len, (unsigned)i);
        pcap_dump((u_char *)w, &h, frame);
    }
    pcap_dump_close(w);
    pcap_close(d);
}

static const struct rec three[] = {
    {60, 1700000000ull * OS_NS_PER_SEC + 123456000ull},
    {1514, 1700000000ull * OS_NS_PER_SEC + 223456000ull},
    {98, 1700000001ull * OS_NS_PER_SEC + 5000ull},
};

static struct netdev *open_ok(const char *s)
{
    struct netdev *dev = NULL;
    assert_int_equal(netdev_open(s, pool, &dev), 0);
    assert_non_null(dev);
    return dev;
}

static void check_frame(const struct pkt *p, uint32_t len, unsigned seed)
{
    static uint8_t want[65535];
    assert_int_equal(p->len, len);
    fill_frame(want, len, seed);
    assert_memory_equal(p->data, want, len);
}

/* ---- netdev_open dispatch ---- */

static void test_unknown_type_is_einval(void **state)
{
    (void)state;
    struct netdev *dev = (struct netdev *)1;
    assert_int_equal(netdev_open("bogus:x", pool, &dev), -EINVAL);
    assert_null(dev);
}

static void test_malformed_spec_is_einval(void **state)
{
    (void)state;
    struct netdev *dev;
    assert_int_equal(netdev_open("pcap", pool, &dev), -EINVAL);
    assert_int_equal(netdev_open("pcap:", pool, &dev), -EINVAL);
    assert_int_equal(netdev_open(":x", pool, &dev), -EINVAL);
    assert_int_equal(netdev_open("", pool, &dev), -EINVAL);
    assert_int_equal(netdev_open(NULL, pool, &dev), -EINVAL);
    assert_int_equal(netdev_open("pcap:-", pool, &dev), -EINVAL);  /* neither in nor out */
    assert_int_equal(netdev_open("pcap:-,", pool, &dev), -EINVAL);
}

static void test_registry_lists_pcap(void **state)
{
    (void)state;
    int found = 0;
    for (const struct netdev_class *const *c = netdev_classes(); *c; c++)
        found += strcmp((*c)->type, "pcap") == 0;
    assert_int_equal(found, 1);
}

/* ---- pcap input ---- */

static void test_missing_file_is_enoent(void **state)
{
    (void)state;
    struct netdev *dev = NULL;
    assert_int_equal(netdev_open(spec("%s", tpath("nope.pcap")), pool, &dev), -ENOENT);
    assert_null(dev);
}

static void test_read_back_bytes_and_timestamps(void **state)
{
    (void)state;
    write_pcap(tpath("in.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, three, 3);
    struct netdev *dev = open_ok(spec("%s", tpath("in.pcap")));
    assert_true(dev->rx_finite);
    assert_false(dev->rx_eof);
    assert_int_equal(dev->wait_fd, -1);
    uint64_t ts;
    assert_int_equal(netdev_next_rx_ts(dev, &ts), 0);
    assert_int_equal(ts, three[0].ts_ns);
    assert_int_equal(netdev_next_rx_ts(dev, &ts), 0); /* peeking is idempotent */
    assert_int_equal(ts, three[0].ts_ns);

    struct pkt *p[PKT_BURST];
    assert_int_equal(netdev_rx_burst(dev, p, 1), 1);
    check_frame(p[0], 60, 0);
    assert_int_equal(p[0]->ts_ns, three[0].ts_ns);
    assert_int_equal(p[0]->refcnt, 1);
    assert_int_equal(netdev_next_rx_ts(dev, &ts), 0);
    assert_int_equal(ts, three[1].ts_ns);
    assert_int_equal(netdev_rx_burst(dev, p + 1, PKT_BURST - 1), 2);
    check_frame(p[1], 1514, 1);
    check_frame(p[2], 98, 2);
    assert_int_equal(p[1]->ts_ns, three[1].ts_ns);
    assert_int_equal(p[2]->ts_ns, three[2].ts_ns);
    pkt_free_burst(p, 3);

    assert_true(netdev_rx_done(dev));
    assert_int_equal(netdev_next_rx_ts(dev, &ts), -ENODATA);
    assert_int_equal(netdev_rx_burst(dev, p, PKT_BURST), 0);
    assert_int_equal(dev->stats.rx_packets, 3);
    assert_int_equal(dev->stats.rx_bytes, 60 + 1514 + 98);
    assert_int_equal(dev->stats.rx_errors, 0);
    netdev_close(dev);
}

static void test_nanosecond_pcap_keeps_ns(void **state)
{
    (void)state;
    struct rec r[] = {{64, 1700000000ull * OS_NS_PER_SEC + 123456789ull}};
    write_pcap(tpath("nano.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_NANO, r, 1);
    struct netdev *dev = open_ok(spec("%s", tpath("nano.pcap")));
    struct pkt *p;
    assert_int_equal(netdev_rx_burst(dev, &p, 1), 1);
    assert_int_equal(p->ts_ns, r[0].ts_ns);
    pkt_free(p);
    netdev_close(dev);
}

static void test_truncated_record_ends_cleanly(void **state)
{
    (void)state;
    const char *path = tpath("trunc.pcap");
    write_pcap(path, DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, three, 3);
    /* Cut the last record in half: 24 file + 3 * 16 record headers. */
    long full = 24 + 3 * 16 + 60 + 1514 + 98;
    assert_int_equal(truncate(path, full - 50), 0);
    struct netdev *dev = open_ok(spec("%s", path));
    struct pkt *p[PKT_BURST];
    assert_int_equal(netdev_rx_burst(dev, p, PKT_BURST), 2);
    pkt_free_burst(p, 2);
    assert_true(netdev_rx_done(dev));
    assert_int_equal(netdev_rx_burst(dev, p, PKT_BURST), 0);
    assert_int_equal(dev->stats.rx_errors, 1);
    assert_int_equal(dev->stats.rx_frame_err, 1);
    assert_int_equal(dev->stats.rx_packets, 2);
    netdev_close(dev);
}

static void test_truncated_record_header_ends_cleanly(void **state)
{
    (void)state;
    const char *path = tpath("trunc_hdr.pcap");
    write_pcap(path, DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, three, 1);
    FILE *f = fopen(path, "ab");
    fwrite("\x01\x02\x03\x04\x05", 1, 5, f); /* 5 of a record header's 16 bytes */
    fclose(f);
    struct netdev *dev = open_ok(spec("%s", path));
    struct pkt *p[PKT_BURST];
    assert_int_equal(netdev_rx_burst(dev, p, PKT_BURST), 1);
    pkt_free(p[0]);
    assert_true(netdev_rx_done(dev));
    assert_int_equal(dev->stats.rx_errors, 1);
    netdev_close(dev);
}

static void test_truncated_file_header_is_error(void **state)
{
    (void)state;
    const char *path = tpath("short.pcap");
    FILE *f = fopen(path, "wb");
    fwrite("\xd4\xc3\xb2\xa1\x02\x00", 1, 6, f);
    fclose(f);
    struct netdev *dev = NULL;
    assert_int_equal(netdev_open(spec("%s", path), pool, &dev), -EINVAL);
    assert_null(dev);
    f = fopen(tpath("empty.pcap"), "wb");
    fclose(f);
    assert_int_equal(netdev_open(spec("%s", tpath("empty.pcap")), pool, &dev), -EINVAL);
}

static void test_non_ethernet_linktype_rejected(void **state)
{
    (void)state;
    struct rec r[] = {{40, 0}};
    write_pcap(tpath("raw.pcap"), DLT_RAW, PCAP_TSTAMP_PRECISION_MICRO, r, 1);
    struct netdev *dev = NULL;
    assert_int_equal(netdev_open(spec("%s", tpath("raw.pcap")), pool, &dev), -EPROTONOSUPPORT);
    assert_null(dev);
}

static void test_oversized_and_runt_frames_counted_and_skipped(void **state)
{
    (void)state;
    struct pkt_pool *small = pkt_pool_create(8, 256, 64); /* room: 192 bytes */
    struct rec r[] = {{100, 1}, {500, 2}, {10, 3}, {192, 4}, {193, 5}};
    write_pcap(tpath("sizes.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_NANO, r, 5);
    struct netdev *dev = NULL;
    assert_int_equal(netdev_open(spec("%s", tpath("sizes.pcap")), small, &dev), 0);
    struct pkt *p[PKT_BURST];
    assert_int_equal(netdev_rx_burst(dev, p, PKT_BURST), 2);
    check_frame(p[0], 100, 0);
    check_frame(p[1], 192, 3);
    pkt_free_burst(p, 2);
    assert_int_equal(dev->stats.rx_over_err, 2);
    assert_int_equal(dev->stats.rx_dropped, 2);
    assert_int_equal(dev->stats.rx_frame_err, 1);
    assert_int_equal(dev->stats.rx_errors, 3);
    assert_int_equal(dev->stats.rx_packets, 2);
    assert_int_equal(pkt_pool_avail(small), 8);
    netdev_close(dev);
    pkt_pool_destroy(small);
}

static void test_pool_exhaustion_loses_nothing(void **state)
{
    (void)state;
    struct pkt_pool *tiny = pkt_pool_create(2, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    write_pcap(tpath("ex.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, three, 3);
    struct netdev *dev = NULL;
    assert_int_equal(netdev_open(spec("%s", tpath("ex.pcap")), tiny, &dev), 0);
    struct pkt *p[PKT_BURST];
    assert_int_equal(netdev_rx_burst(dev, p, PKT_BURST), 2);
    assert_int_equal(netdev_rx_burst(dev, p + 2, PKT_BURST), 0);
    assert_false(netdev_rx_done(dev));
    pkt_free_burst(p, 2);
    assert_int_equal(netdev_rx_burst(dev, p, PKT_BURST), 1);
    check_frame(p[0], 98, 2);
    pkt_free(p[0]);
    assert_int_equal(dev->stats.rx_dropped, 0);
    netdev_close(dev);
    pkt_pool_destroy(tiny);
}

/* ---- pcap output ---- */

/* Builds a packet of `len` bytes (seed pattern) stamped `ts`. */
static struct pkt *make_pkt(uint32_t len, unsigned seed, uint64_t ts)
{
    struct pkt *p = pkt_alloc(pool);
    fill_frame(pkt_put(p, len), len, seed);
    p->ts_ns = ts;
    return p;
}

/* Reads `path` and checks it holds the `n` records of `r` (seed = index). */
static void check_pcap_file(const char *path, const struct rec *r, int n)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *in = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
    assert_non_null(in);
    assert_int_equal(pcap_datalink(in), DLT_EN10MB);
    assert_int_equal(pcap_snapshot(in), 65535);
    static uint8_t want[65535];
    struct pcap_pkthdr *h;
    const u_char *d;
    for (int i = 0; i < n; i++) {
        assert_int_equal(pcap_next_ex(in, &h, &d), 1);
        assert_int_equal(h->caplen, r[i].len);
        assert_int_equal(h->len, r[i].len);
        uint64_t ts = (uint64_t)h->ts.tv_sec * OS_NS_PER_SEC + (uint64_t)h->ts.tv_usec;
        assert_int_equal(ts, r[i].ts_ns / 1000 * 1000); /* microsecond file */
        fill_frame(want, r[i].len, (unsigned)i);
        assert_memory_equal(d, want, r[i].len);
    }
    assert_int_equal(pcap_next_ex(in, &h, &d), PCAP_ERROR_BREAK);
    pcap_close(in);
}

static void test_tx_writes_out_file(void **state)
{
    (void)state;
    const char *out = tpath("out.pcap");
    struct netdev *dev = open_ok(spec("-,%s", out));
    assert_true(netdev_rx_done(dev));
    uint64_t ts;
    assert_int_equal(netdev_next_rx_ts(dev, &ts), -ENODATA);
    struct pkt *p[3];
    for (int i = 0; i < 3; i++)
        p[i] = make_pkt(three[i].len, (unsigned)i, three[i].ts_ns);
    assert_int_equal(netdev_tx_burst(dev, p, 3), 3);
    assert_int_equal(dev->stats.tx_packets, 3);
    assert_int_equal(dev->stats.tx_bytes, 60 + 1514 + 98);
    netdev_close(dev);
    check_pcap_file(out, three, 3);
}

static void test_flush_makes_output_readable(void **state)
{
    (void)state;
    const char *out = tpath("flush.pcap");
    struct netdev *dev = open_ok(spec(",%s", out));
    struct pkt *p = make_pkt(three[0].len, 0, three[0].ts_ns);
    assert_int_equal(netdev_tx_burst(dev, &p, 1), 1);
    assert_int_equal(netdev_flush(dev), 0);
    check_pcap_file(out, three, 1);
    netdev_close(dev);
}

static void test_shared_packet_tx_drops_one_reference(void **state)
{
    (void)state;
    struct netdev *dev = open_ok(spec("-,%s", tpath("shared.pcap")));
    struct pkt *p = make_pkt(60, 0, 0);
    pkt_ref(p);
    assert_int_equal(netdev_tx_burst(dev, &p, 1), 1);
    assert_int_equal(p->refcnt, 1);
    pkt_free(p);
    netdev_close(dev);
}

static void test_in_and_out_round_trip(void **state)
{
    (void)state;
    write_pcap(tpath("rt_in.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, three, 3);
    struct netdev *dev = open_ok(spec("%s,%s", tpath("rt_in.pcap"), tpath("rt_out.pcap")));
    struct pkt *p[PKT_BURST];
    unsigned n = netdev_rx_burst(dev, p, PKT_BURST);
    assert_int_equal(n, 3);
    assert_int_equal(netdev_tx_burst(dev, p, n), 3);
    netdev_close(dev);
    check_pcap_file(tpath("rt_out.pcap"), three, 3);
}

static void test_tx_without_out_is_dropped(void **state)
{
    (void)state;
    write_pcap(tpath("rx_only.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, three, 1);
    struct netdev *dev = open_ok(spec("%s", tpath("rx_only.pcap")));
    struct pkt *p[2] = {make_pkt(60, 0, 0), make_pkt(70, 0, 0)};
    assert_int_equal(netdev_tx_burst(dev, p, 2), 0);
    assert_int_equal(dev->stats.tx_dropped, 2);
    assert_int_equal(dev->stats.tx_packets, 0);
    assert_int_equal(netdev_flush(dev), 0);
    netdev_close(dev);
}

static void test_unwritable_out_is_error(void **state)
{
    (void)state;
    struct netdev *dev = NULL;
    assert_int_equal(netdev_open(spec("-,%s", tpath("no/such/dir.pcap")), pool, &dev), -ENOENT);
    assert_null(dev);
}

/* ---- identity and defaults ---- */

static void test_name_mac_and_defaults(void **state)
{
    (void)state;
    write_pcap(tpath("a-very-long-capture-name.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO,
               three, 1);
    write_pcap(tpath("port1.pcap"), DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, three, 1);
    struct netdev *a = open_ok(spec("%s", tpath("port1.pcap")));
    struct netdev *b = open_ok(spec("%s", tpath("a-very-long-capture-name.pcap")));
    struct netdev *a2 = open_ok(spec("%s", tpath("port1.pcap")));
    assert_string_equal(a->name, "port1");
    assert_int_equal(strlen(b->name), NETDEV_NAME_MAX - 1);
    assert_int_equal(strncmp(b->name, "a-very-long-cap", 15), 0);
    assert_int_equal(a->mac[0] & 0x03, 0x02); /* locally administered unicast */
    assert_int_equal(b->mac[0] & 0x03, 0x02);
    assert_memory_equal(a->mac, a2->mac, 6);
    assert_memory_not_equal(a->mac, b->mac, 6);
    assert_true(a->link_up);
    assert_true(a->mtu >= 1500);
    assert_int_equal(netdev_set_up(a, false), 0); /* optional op: accepted */
    assert_false(netdev_poll_link(a));
    assert_ptr_equal(a->pool, pool);
    netdev_close(a);
    netdev_close(b);
    netdev_close(a2);
    netdev_close(NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_unknown_type_is_einval),
        T(test_malformed_spec_is_einval),
        T(test_registry_lists_pcap),
        T(test_missing_file_is_enoent),
        T(test_read_back_bytes_and_timestamps),
        T(test_nanosecond_pcap_keeps_ns),
        T(test_truncated_record_ends_cleanly),
        T(test_truncated_record_header_ends_cleanly),
        T(test_truncated_file_header_is_error),
        T(test_non_ethernet_linktype_rejected),
        T(test_oversized_and_runt_frames_counted_and_skipped),
        T(test_pool_exhaustion_loses_nothing),
        T(test_tx_writes_out_file),
        T(test_flush_makes_output_readable),
        T(test_shared_packet_tx_drops_one_reference),
        T(test_in_and_out_round_trip),
        T(test_tx_without_out_is_dropped),
        T(test_unwritable_out_is_error),
        T(test_name_mac_and_defaults),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
