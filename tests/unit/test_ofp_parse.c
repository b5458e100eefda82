/*
 * test_ofp_parse.c — the ovs-ofctl flow syntax parser (openflow/ofp_parse.h).
 *
 * The golden file tests/unit/data/ofp-parse-golden.txt was written by
 * make-ofp-parse-golden.sh from ovs-ofctl itself: every "same" line must
 * parse and print exactly as ovs-ofctl printed it, every "rejected" or
 * "stricter" line must be refused with a message.  Tests run from the
 * repository root.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "openflow/ofp_match.h"
#include "openflow/ofp_parse.h"
#include "openflow/ofp_print.h"

#define GOLDEN "tests/unit/data/ofp-parse-golden.txt"

static struct of_flow_mod fm, fm2;
static char err[256], out[8192];

static enum ofp_parse_cmd cmd_of(const char *s)
{
    if (!strcmp(s, "add")) return OFP_PARSE_ADD;
    if (!strcmp(s, "mod")) return OFP_PARSE_MODIFY;
    if (!strcmp(s, "mod-strict")) return OFP_PARSE_MODIFY_STRICT;
    if (!strcmp(s, "del")) return OFP_PARSE_DELETE;
    if (!strcmp(s, "del-strict")) return OFP_PARSE_DELETE_STRICT;
    fail_msg("bad command '%s' in golden file", s);
    return OFP_PARSE_ADD;
}

/* Calls fn(cmd, kind, flow, expected) for every golden line; returns the count. */
static int for_each_golden(void (*fn)(enum ofp_parse_cmd, const char *, const char *,
                                      const char *))
{
    FILE *f = fopen(GOLDEN, "r");
    char line[4096];
    int n = 0;

    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        char *fields[4], *p = line;
        line[strcspn(line, "\n")] = '\0';
        for (int i = 0; i < 4; i++) {
            fields[i] = p;
            p = i < 3 ? strchr(p, '\t') : NULL;
            if (i < 3) {
                assert_non_null(p);
                *p++ = '\0';
            }
        }
        fn(cmd_of(fields[0]), fields[1], fields[2], fields[3]);
        n++;
    }
    fclose(f);
    return n;
}

static int n_same, n_bad;

static void check_same(enum ofp_parse_cmd cmd, const char *kind, const char *flow,
                       const char *expected)
{
    char again[8192];
    int len;

    if (strcmp(kind, "same"))
        return;
    n_same++;
    if (ofp_parse_flow(flow, cmd, &fm, err, sizeof err))
        fail_msg("'%s' rejected: %s", flow, err);
    len = ofp_format_flow_mod(&fm, out, sizeof out);
    assert_int_equal(len, strlen(out));
    if (strcmp(out, expected))
        fail_msg("'%s'\n  printed  '%s'\n  ovs says '%s'", flow, out, expected);

    /* Printing the match and actions and parsing that gives the same flow. */
    len = ofp_format_match(&fm.match, again, sizeof again);
    snprintf(again + len, sizeof again - (size_t)len, "%sactions=", len ? " " : "");
    len = (int)strlen(again);
    ofp_format_actions(fm.actions, fm.n_actions, again + len, sizeof again - (size_t)len);
    if (ofp_parse_flow(again, OFP_PARSE_ADD, &fm2, err, sizeof err))
        fail_msg("re-parsing '%s' (from '%s'): %s", again, flow, err);
    assert_memory_equal(&fm.match, &fm2.match, sizeof fm.match);
    assert_int_equal(fm.n_actions, fm2.n_actions);
    assert_memory_equal(fm.actions, fm2.actions, fm.n_actions * sizeof fm.actions[0]);
}

static void check_bad(enum ofp_parse_cmd cmd, const char *kind, const char *flow,
                      const char *ovs)
{
    if (!strcmp(kind, "same"))
        return;
    n_bad++;
    err[0] = '\0';
    if (ofp_parse_flow(flow, cmd, &fm, err, sizeof err) != -EINVAL) {
        ofp_format_flow_mod(&fm, out, sizeof out);
        fail_msg("'%s' accepted as '%s' (ovs: %s '%s')", flow, out, kind, ovs);
    }
    if (!err[0])
        fail_msg("'%s' rejected without a message", flow);
}

static void test_golden_lines_print_as_ovs_ofctl(void **state)
{
    n_same = 0;
    for_each_golden(check_same);
    assert_true(n_same >= 60);
}

static void test_golden_bad_lines_are_rejected(void **state)
{
    n_bad = 0;
    for_each_golden(check_bad);
    assert_true(n_bad >= 40);
}

/* Every prefix of every golden line, parsed from an unterminated heap copy
 * (ASan catches any read past the end), never crashes. */
static void parse_prefixes(enum ofp_parse_cmd cmd, const char *kind, const char *flow,
                           const char *expected)
{
    size_t n = strlen(flow);

    for (size_t len = 0; len <= n; len++) {
        char *copy = malloc(len ? len : 1);
        int r;
        memcpy(copy, flow, len);
        r = ofp_parse_flow_n(copy, len, cmd, &fm, err, sizeof err);
        assert_true(r == 0 || r == -EINVAL);
        if (!r)
            ofp_format_flow_mod(&fm, out, sizeof out);
        free(copy);
    }
}

static void test_truncated_lines_never_read_past_the_end(void **state)
{
    for_each_golden(parse_prefixes);
}

static void test_mutated_lines_never_crash(void **state)
{
    static const char junk[] = "=:(),/ .x0#\t\xff";
    const char *base = "priority=7,tcp,nw_src=10.0.0.0/8,tp_dst=80 "
                       "actions=enqueue(1,2),controller(max_len=5),mod_dl_src:1:2:3:4:5:6";
    size_t n = strlen(base);
    char *buf = malloc(n);

    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < sizeof junk - 1; j++) {
            int r;
            memcpy(buf, base, n);
            buf[i] = junk[j];
            r = ofp_parse_flow_n(buf, n, OFP_PARSE_ADD, &fm, err, sizeof err);
            assert_true(r == 0 || r == -EINVAL);
        }
    }
    free(buf);
}

struct neg {
    enum ofp_parse_cmd cmd;
    const char *flow, *msg;
};

static const struct neg negatives[] = {
    { OFP_PARSE_ADD, "foo=1 actions=1", "unknown field 'foo'" },
    { OFP_PARSE_ADD, "ip,nw_src=1.2.3 actions=1",
      "nw_src: '1.2.3' is not an IPv4 address or prefix" },
    { OFP_PARSE_ADD, "actions=bar", "actions: unknown action 'bar'" },
    { OFP_PARSE_ADD, "tp_dst=80 actions=1",
      "tp_dst requires tcp, udp, sctp or icmp (dl_type=0x0800 and nw_proto=6, 17, 132 or 1)" },
    { OFP_PARSE_ADD, "ip,tcp_src=1 actions=1", "unknown field 'tcp_src'" },
    { OFP_PARSE_ADD, "in_port=1", "add-flow needs actions=" },
    { OFP_PARSE_MODIFY, "in_port=1", "mod-flows needs actions=" },
    { OFP_PARSE_DELETE, "in_port=1 actions=drop", "actions are not allowed in del-flows" },
    { OFP_PARSE_MODIFY, "out_port=1 actions=1", "out_port is only allowed in del-flows" },
    { OFP_PARSE_DELETE, "priority=5", "priority is not allowed in del-flows" },
    { OFP_PARSE_DELETE_STRICT, "idle_timeout=5", "idle_timeout is not allowed in del-flows" },
    { OFP_PARSE_DELETE, "send_flow_rem", "send_flow_rem is not allowed in del-flows" },
    { OFP_PARSE_DELETE, "cookie=5", "cannot set a cookie" },
    { OFP_PARSE_ADD, "cookie=1/1 actions=1", "cannot use a cookie mask" },
    { OFP_PARSE_MODIFY, "cookie=1/1 actions=1", "matching cookies needs OpenFlow 1.1" },
    { OFP_PARSE_ADD, "dl_vlan=4096 actions=1", "dl_vlan: '4096' is not a VLAN ID" },
    { OFP_PARSE_ADD, "dl_vlan_pcp=8 actions=1", "dl_vlan_pcp: '8' is not a VLAN priority" },
    { OFP_PARSE_ADD, "ip,nw_tos=1 actions=1", "nw_tos: '1' has the ECN bits set" },
    { OFP_PARSE_ADD, "ip,nw_src=1.2.3.4/255.0.255.0 actions=1", "is not a CIDR prefix" },
    { OFP_PARSE_ADD, "ip,nw_dst=1.2.3.4/33 actions=1", "prefix length not between 0 and 32" },
    { OFP_PARSE_ADD, "dl_src=1:2:3:4:5:6/ff:ff:ff:0:0:0 actions=1", "masks are not supported" },
    { OFP_PARSE_ADD, "table=1 actions=1", "only table 0" },
    { OFP_PARSE_ADD, "emergency,idle_timeout=5 actions=1", "emergency flows cannot have timeouts" },
    { OFP_PARSE_ADD, "tcp,icmp_type=8 actions=1", "icmp_type requires icmp" },
    { OFP_PARSE_ADD, "ip,arp_op=1 actions=1", "arp_op requires arp or rarp" },
    { OFP_PARSE_ADD, "nw_src=1.2.3.4 actions=1", "nw_src requires ip, arp or rarp" },
    { OFP_PARSE_ADD, "arp,nw_tos=4 actions=1", "nw_tos requires ip" },
    { OFP_PARSE_ADD, "dl_vlan=0xffff,dl_vlan_pcp=3 actions=1", "dl_vlan_pcp cannot match untagged" },
    { OFP_PARSE_ADD, "vlan_tci=0x1000 actions=1", "only express vlan_tci=0x0000" },
    { OFP_PARSE_ADD, "tcp,tp_dst= actions=1", "tp_dst: missing value" },
    { OFP_PARSE_ADD, "tcp=1 actions=1", "tcp takes no value" },
    { OFP_PARSE_ADD, "actions=1,drop", "\"drop\" must not be accompanied" },
    { OFP_PARSE_ADD, "actions=output:65280", "OFPBAC_BAD_OUT_PORT" },
    { OFP_PARSE_ADD, "actions=enqueue:ALL:1", "has no queues" },
    { OFP_PARSE_ADD, "actions=enqueue:1", "enqueue:PORT:QUEUE" },
    { OFP_PARSE_ADD, "actions=strip_vlan:1", "strip_vlan takes no argument" },
    { OFP_PARSE_ADD, "actions=mod_vlan_vid:4096", "mod_vlan_vid: '4096' is not a VLAN ID" },
    { OFP_PARSE_ADD, "actions=controller(reason=no_match)", "only max_len=N" },
    { OFP_PARSE_ADD, "priority=65536 actions=1", "priority: '65536' is not a 16-bit number" },
    { OFP_PARSE_ADD, "in_port=foo actions=1", "in_port: 'foo' is not a port" },
};

static void test_bad_lines_say_what_is_wrong(void **state)
{
    for (size_t i = 0; i < sizeof negatives / sizeof negatives[0]; i++) {
        const struct neg *t = &negatives[i];
        err[0] = '\0';
        if (ofp_parse_flow(t->flow, t->cmd, &fm, err, sizeof err) != -EINVAL)
            fail_msg("'%s' accepted", t->flow);
        if (!strstr(err, t->msg))
            fail_msg("'%s': message '%s' lacks '%s'", t->flow, err, t->msg);
    }
}

/* Regression (found by tests/fuzz/fuzz_ofp_parse.c): a message quoting a
 * value with a newline or other control byte in it stays one line. */
static void test_messages_quoting_control_bytes_stay_one_line(void **state)
{
    static const char flow[] = "tp_dst((!(\332\n\r\033x)";
    err[0] = '\0';
    assert_int_equal(ofp_parse_flow_n(flow, sizeof flow - 1, OFP_PARSE_DELETE_STRICT, &fm,
                                      err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "tp_dst"));
    for (const char *c = err; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            fail_msg("control byte 0x%02x in '%s'", (unsigned char)*c, err);
}

static void test_too_many_actions_is_rejected(void **state)
{
    char text[2048] = "actions=";

    for (int i = 1; i <= OF_MAX_ACTIONS; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%d", i > 1 ? "," : "", i);
    assert_int_equal(ofp_parse_flow(text, OFP_PARSE_ADD, &fm, err, sizeof err), 0);
    assert_int_equal(fm.n_actions, OF_MAX_ACTIONS);
    strcat(text, ",5");
    assert_int_equal(ofp_parse_flow(text, OFP_PARSE_ADD, &fm, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "more than 128 actions"));
}

static void test_defaults_fill_the_flow_mod(void **state)
{
    assert_int_equal(ofp_parse_flow("actions=drop", OFP_PARSE_ADD, &fm, err, sizeof err), 0);
    assert_int_equal(fm.command, OFPFC_ADD);
    assert_int_equal(fm.match.wildcards, OFPFW_ALL);
    assert_int_equal(fm.priority, OFP_DEFAULT_PRIORITY);
    assert_int_equal(fm.buffer_id, OFP_NO_BUFFER);
    assert_int_equal(fm.out_port, OFPP_NONE);
    assert_int_equal(fm.idle_timeout, 0);
    assert_int_equal(fm.hard_timeout, 0);
    assert_int_equal(fm.cookie, 0);
    assert_int_equal(fm.flags, 0);
    assert_int_equal(fm.n_actions, 0);
    assert_int_equal(ofp_parse_flow("in_port=2,out_port=LOCAL", OFP_PARSE_DELETE_STRICT, &fm,
                                    err, sizeof err), 0);
    assert_int_equal(fm.command, OFPFC_DELETE_STRICT);
    assert_int_equal(fm.out_port, OFPP_LOCAL);
    assert_int_equal(fm.match.wildcards, OFPFW_ALL & ~OFPFW_IN_PORT);
}

static void test_fields_land_in_host_order(void **state)
{
    const char *flow = "tcp,nw_src=10.1.2.3/16,nw_dst=192.168.1.1,tp_src=0x1234,"
                       "dl_src=00:11:22:33:44:55,dl_vlan=100 actions=mod_nw_dst:1.2.3.4,"
                       "enqueue:3:7,controller:99";
    const struct of_match *m = &fm.match;

    assert_int_equal(ofp_parse_flow(flow, OFP_PARSE_ADD, &fm, err, sizeof err), 0);
    assert_int_equal(m->dl_type, 0x0800);
    assert_int_equal(m->nw_proto, 6);
    assert_int_equal(m->nw_src, 0x0a010000);
    assert_int_equal(ofp_match_nw_src_plen(m), 16);
    assert_int_equal(m->nw_dst, 0xc0a80101);
    assert_int_equal(ofp_match_nw_dst_plen(m), 32);
    assert_int_equal(m->tp_src, 0x1234);
    assert_int_equal(m->dl_src[5], 0x55);
    assert_int_equal(m->dl_vlan, 100);
    assert_int_equal((m->wildcards >> OFPFW_NW_SRC_SHIFT) & 63, 16);
    assert_int_equal(fm.n_actions, 3);
    assert_int_equal(fm.actions[0].type, OFPAT_SET_NW_DST);
    assert_int_equal(fm.actions[0].u.nw_addr, 0x01020304);
    assert_int_equal(fm.actions[1].type, OFPAT_ENQUEUE);
    assert_int_equal(fm.actions[1].u.enqueue.port, 3);
    assert_int_equal(fm.actions[1].u.enqueue.queue_id, 7);
    assert_int_equal(fm.actions[2].u.output.port, OFPP_CONTROLLER);
    assert_int_equal(fm.actions[2].u.output.max_len, 99);
}

static void test_emergency_is_a_documented_extension(void **state)
{
    assert_int_equal(ofp_parse_flow("emergency,in_port=1 actions=1", OFP_PARSE_ADD, &fm, err,
                                    sizeof err), 0);
    assert_int_equal(fm.flags, OFPFF_EMERG);
    ofp_format_flow_mod(&fm, out, sizeof out);
    assert_string_equal(out, "ADD in_port=1 emergency actions=output:1");
}

static void test_vlan_tci_zero_reads_back_as_untagged(void **state)
{
    assert_int_equal(ofp_parse_flow("vlan_tci=0x0000 actions=1", OFP_PARSE_ADD, &fm, err,
                                    sizeof err), 0);
    assert_int_equal(fm.match.dl_vlan, OFP_VLAN_NONE);
    assert_int_equal(fm.match.wildcards, OFPFW_ALL & ~OFPFW_DL_VLAN);
}

static void test_error_buffer_may_be_small_or_null(void **state)
{
    char tiny[4] = "xyz";

    assert_int_equal(ofp_parse_flow("foo=1 actions=1", OFP_PARSE_ADD, &fm, NULL, 0), -EINVAL);
    assert_int_equal(ofp_parse_flow("foo=1 actions=1", OFP_PARSE_ADD, &fm, tiny, 0), -EINVAL);
    assert_string_equal(tiny, "xyz");
    assert_int_equal(ofp_parse_flow("foo=1 actions=1", OFP_PARSE_ADD, &fm, tiny, sizeof tiny),
                     -EINVAL);
    assert_string_equal(tiny, "unk");
    assert_int_equal(ofp_parse_flow(NULL, OFP_PARSE_ADD, &fm, err, sizeof err), -EINVAL);
    assert_int_equal(ofp_parse_flow("actions=1", (enum ofp_parse_cmd)9, &fm, err, sizeof err),
                     -EINVAL);
}

struct seen {
    unsigned lines[8];
    uint16_t ports[8];
    int n, fail_at;
    const char *why;        /* the reason the callback gives when it fails */
};

static int collect(const struct of_flow_mod *f, unsigned line, void *arg, char *why, size_t whylen)
{
    struct seen *s = arg;

    if (s->n == s->fail_at) {
        if (s->why)
            snprintf(why, whylen, "%s", s->why);
        return -ENOSPC;
    }
    s->lines[s->n] = line;
    s->ports[s->n++] = f->match.in_port;
    return 0;
}

static const char flow_file[] =
    "# static flows\n"
    "\n"
    "in_port=1 actions=2   # forward\n"
    "   \t\r\n"
    "in_port=2 actions=1\r\n"
    "#in_port=9 actions=9\n"
    "in_port=3,actions=drop";

static void test_flow_file_skips_comments_and_blank_lines(void **state)
{
    struct seen s = { .fail_at = -1 };

    assert_int_equal(ofp_parse_flows(flow_file, "flows.txt", OFP_PARSE_ADD, collect, &s, err,
                                     sizeof err), 3);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.lines[0], 3);
    assert_int_equal(s.lines[1], 5);
    assert_int_equal(s.lines[2], 7);
    assert_int_equal(s.ports[2], 3);
    assert_int_equal(ofp_parse_flows("", "x", OFP_PARSE_ADD, collect, &s, err, sizeof err), 0);
}

static void test_flow_file_error_names_file_and_line(void **state)
{
    struct seen s = { .fail_at = -1 };
    const char *text = "in_port=1 actions=2\n# note\n\nin_port=2,foo=3 actions=1\nactions=1\n";

    assert_int_equal(ofp_parse_flows(text, "flows.txt", OFP_PARSE_ADD, collect, &s, err,
                                     sizeof err), -EINVAL);
    assert_string_equal(err, "flows.txt:4: unknown field 'foo'");
    assert_int_equal(s.n, 1);
    assert_int_equal(ofp_parse_flows("tp_dst=1", NULL, OFP_PARSE_DELETE, NULL, NULL, err,
                                     sizeof err), -EINVAL);
    assert_string_equal(err, "-:1: tp_dst requires tcp, udp, sctp or icmp (dl_type=0x0800 "
                             "and nw_proto=6, 17, 132 or 1)");
}

static void test_flow_file_stops_when_callback_fails(void **state)
{
    struct seen s = { .fail_at = 1 };

    assert_int_equal(ofp_parse_flows(flow_file, "f", OFP_PARSE_ADD, collect, &s, err,
                                     sizeof err), -ENOSPC);
    assert_int_equal(s.n, 1);
    assert_string_equal(err, "f:5: flow refused: No space left on device");
}

/* A refusing callback's own reason is what the message says. */
static void test_flow_file_error_carries_the_callback_reason(void **state)
{
    struct seen s = { .fail_at = 0, .why = "flow table full" };

    assert_int_equal(ofp_parse_flows(flow_file, "f", OFP_PARSE_ADD, collect, &s, err,
                                     sizeof err), -ENOSPC);
    assert_string_equal(err, "f:3: flow table full");
}

static void test_port_names_are_case_insensitive(void **state)
{
    uint16_t port;

    assert_int_equal(ofp_parse_port("local", 5, &port), 0);
    assert_int_equal(port, OFPP_LOCAL);
    assert_int_equal(ofp_parse_port("In_Port", 7, &port), 0);
    assert_int_equal(port, OFPP_IN_PORT);
    assert_int_equal(ofp_parse_port("NONE", 4, &port), 0);
    assert_int_equal(port, OFPP_NONE);
    assert_int_equal(ofp_parse_port("010", 3, &port), 0);
    assert_int_equal(port, 10);
    assert_int_equal(ofp_parse_port("65536", 5, &port), -EINVAL);
    assert_int_equal(ofp_parse_port("0x10", 4, &port), -EINVAL);
    assert_int_equal(ofp_parse_port("", 0, &port), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_lines_print_as_ovs_ofctl),
        cmocka_unit_test(test_golden_bad_lines_are_rejected),
        cmocka_unit_test(test_truncated_lines_never_read_past_the_end),
        cmocka_unit_test(test_mutated_lines_never_crash),
        cmocka_unit_test(test_bad_lines_say_what_is_wrong),
        cmocka_unit_test(test_messages_quoting_control_bytes_stay_one_line),
        cmocka_unit_test(test_too_many_actions_is_rejected),
        cmocka_unit_test(test_defaults_fill_the_flow_mod),
        cmocka_unit_test(test_fields_land_in_host_order),
        cmocka_unit_test(test_emergency_is_a_documented_extension),
        cmocka_unit_test(test_vlan_tci_zero_reads_back_as_untagged),
        cmocka_unit_test(test_error_buffer_may_be_small_or_null),
        cmocka_unit_test(test_flow_file_skips_comments_and_blank_lines),
        cmocka_unit_test(test_flow_file_error_names_file_and_line),
        cmocka_unit_test(test_flow_file_stops_when_callback_fails),
        cmocka_unit_test(test_flow_file_error_carries_the_callback_reason),
        cmocka_unit_test(test_port_names_are_case_insensitive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
