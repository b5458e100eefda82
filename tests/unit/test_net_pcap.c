/*
 * test_net_pcap.c — pcap-driven TCP cases for libos/net: each
 * tests/unit/data/net/CASE.pcap holds what a peer sends (made with scapy by
 * make-net-pcaps.py, with Linux's SYN options), CASE.expect what the stack
 * must answer (written from the RFCs, not from the stack).  Frames are
 * replayed on their capture clock; the application accepts on port 80,
 * echoes what it reads and closes at the peer's FIN or an error.  The
 * stack's answers (ARP left out) are printed "FLAGS seq=S ack=A len=N"
 * (seq relative to the stack's ISN once known, ack to the peer's) and
 * compared line by line.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "libos/net/net_wire.h"
#include "net_harness.h"

#define DIR "tests/unit/data/net/"
#define IRS 1000u

struct replay {
    struct net_tcp *l, *c;
    bool closed;
    bool have_iss;
    uint32_t iss;
    char out[4096];
    size_t used;
};

/* Appends the stack's transmitted segments to r->out.  Returns nothing. */
static void collect(struct nh *h, struct replay *r)
{
    struct nh_seg s;
    while (nh_tx_count(h)) {
        if (!nh_pop_tcp(h, &s))
            continue;
        if ((s.flags & NET_TCP_SYN) && (s.flags & NET_TCP_ACK) && !r->have_iss) {
            r->iss = s.seq;
            r->have_iss = true;
        }
        /* flags in the order the expect files write them: P R S F A */
        static const struct { uint8_t bit; char c; } names[] = {
            { NET_TCP_PSH, 'P' }, { NET_TCP_RST, 'R' }, { NET_TCP_SYN, 'S' },
            { NET_TCP_FIN, 'F' }, { NET_TCP_ACK, 'A' },
        };
        char f[8];
        int k = 0;
        for (unsigned i = 0; i < 5; i++)
            if (s.flags & names[i].bit)
                f[k++] = names[i].c;
        f[k] = '\0';
        uint32_t seq = r->have_iss ? s.seq - r->iss : s.seq;
        int n;
        if (s.flags & NET_TCP_ACK)
            n = snprintf(r->out + r->used, sizeof r->out - r->used, "%s seq=%u ack=%u len=%u\n",
                         f, seq, s.ack - IRS, s.len);
        else
            n = snprintf(r->out + r->used, sizeof r->out - r->used, "%s seq=%u len=%u\n", f,
                         seq, s.len);
        assert_true(n > 0 && (size_t)n < sizeof r->out - r->used);
        r->used += (size_t)n;
    }
}

/* The application's turn.  Returns nothing. */
static void app(struct replay *r)
{
    char buf[2048];
    if (!r->c && net_tcp_accept(r->l, &r->c) < 0)
        return;
    if (r->closed)
        return;
    long n;
    while ((n = net_tcp_read(r->c, buf, sizeof buf)) > 0)
        net_tcp_write(r->c, buf, (size_t)n);
    if (n == 0 || (n < 0 && n != -EAGAIN)) {
        net_tcp_close(r->c);
        r->closed = true;
    }
}

/* Rewrites the ack field of frame f (which has the A flag) as the stack's
 * ISN plus what the script wrote, and fixes the checksum.  Returns
 * nothing. */
static void fix_ack(uint8_t *f, size_t len, const struct replay *r)
{
    struct net_ip_hdr *ip = (struct net_ip_hdr *)(f + NET_ETH_HLEN);
    unsigned ihl = (ip->ver_ihl & 15) * 4u;
    struct net_tcp_hdr *th = (struct net_tcp_hdr *)((uint8_t *)ip + ihl);
    if (!(th->flags & NET_TCP_ACK) || !r->have_iss)
        return;
    os_put_be32(&th->ack, r->iss + os_get_be32(&th->ack));
    uint16_t tl = (uint16_t)(os_get_be16(&ip->tot_len) - ihl);
    th->csum = 0;
    os_put_be16(&th->csum, net_csum_fold(net_csum_add(
                               net_csum_pseudo(net_get_ip(ip->src), net_get_ip(ip->dst),
                                               NET_IP_PROTO_TCP, tl), th, tl)));
}

/* Replays CASE.pcap and compares with CASE.expect.  Returns nothing. */
static void run_case(const char *name)
{
    char path[256], errbuf[PCAP_ERRBUF_SIZE];
    struct nh h;
    struct replay r = { 0 };
    assert_int_equal(nh_setup(&h, NULL, name), 0);
    assert_int_equal(net_tcp_listen(h.st, 0, 80, &r.l), 0);
    snprintf(path, sizeof path, DIR "%s.pcap", name);
    pcap_t *pc = pcap_open_offline(path, errbuf);
    assert_non_null(pc);
    struct pcap_pkthdr *ph;
    const u_char *data;
    uint64_t t0 = h.now;
    while (pcap_next_ex(pc, &ph, &data) == 1) {
        uint8_t f[2048];
        assert_true(ph->caplen <= sizeof f);
        memcpy(f, data, ph->caplen);
        fix_ack(f, ph->caplen, &r);
        nh_advance(&h, t0 + (uint64_t)ph->ts.tv_sec * 1000000000ull +
                           (uint64_t)ph->ts.tv_usec * 1000ull);
        collect(&h, &r);
        nh_frame(&h, f, ph->caplen);
        collect(&h, &r);
        app(&r);
        collect(&h, &r);
    }
    pcap_close(pc);
    char want[4096] = { 0 };
    snprintf(path, sizeof path, DIR "%s.expect", name);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t got = fread(want, 1, sizeof want - 1, fp);
    fclose(fp);
    want[got] = '\0';
    if (strcmp(want, r.out))
        print_error("%s: the stack answered\n%s--- expected\n%s", name, r.out, want);
    assert_string_equal(r.out, want);
    if (r.c && !r.closed)
        net_tcp_abort(r.c);
    net_tcp_close(r.l);
    nh_teardown(&h);
}

static void test_echo_close(void **state) { run_case("echo_close"); }
static void test_rst_in_window_then_exact(void **state) { run_case("rst_in_window_then_exact"); }
static void test_syn_to_closed_port(void **state) { run_case("syn_to_closed_port"); }
static void test_syn_retransmitted_in_syn_rcvd(void **state)
{
    run_case("syn_retransmitted_in_syn_rcvd");
}
static void test_out_of_order_then_hole(void **state) { run_case("out_of_order_then_hole"); }
static void test_syn_on_established(void **state) { run_case("syn_on_established"); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo_close),
        cmocka_unit_test(test_rst_in_window_then_exact),
        cmocka_unit_test(test_syn_to_closed_port),
        cmocka_unit_test(test_syn_retransmitted_in_syn_rcvd),
        cmocka_unit_test(test_out_of_order_then_hole),
        cmocka_unit_test(test_syn_on_established),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
