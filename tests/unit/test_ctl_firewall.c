/* test_ctl_firewall.c — the firewall rules file, packet matching, and the
 * firewall app composed with learning; the static app. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "controller/ctl.h"
#include "controller/ctl_app.h"
#include "controller/ctl_firewall.h"
#include "controller/ctl_pkt.h"
#include "ctl_harness.h"
#include "openflow/ofp_encode.h"
#include "os/log.h"

static const uint8_t MAC_A[6] = { 2, 0, 0, 0, 0, 0xa };
static const uint8_t MAC_B[6] = { 2, 0, 0, 0, 0, 0xb };
#define IP_A 0x0a000001u /* 10.0.0.1 */
#define IP_B 0x0a000002u
#define IP_X 0x0b000001u /* 11.0.0.1 */

static void test_pkt_parse_tcp_fields(void **state)
{
    uint8_t f[128];
    struct ctl_pkt p;
    size_t len = cth_ip_l4(f, MAC_B, MAC_A, IP_A, IP_B, 6, 40000, 22);
    assert_true(ctl_pkt_parse(f, len, 3, &p));
    assert_int_equal(p.key.wildcards & ~(uint32_t)OFPFW_DL_VLAN_PCP, 0);
    assert_int_equal(p.key.in_port, 3);
    assert_int_equal(p.key.dl_type, 0x0800);
    assert_int_equal(p.key.dl_vlan, OFP_VLAN_NONE);
    assert_int_equal(p.key.nw_proto, 6);
    assert_int_equal(p.key.nw_src, IP_A);
    assert_int_equal(p.key.tp_src, 40000);
    assert_int_equal(p.key.tp_dst, 22);
}

static void test_pkt_parse_never_reads_past_short_frames(void **state)
{
    uint8_t f[128];
    struct ctl_pkt p;
    size_t len = cth_ip_l4(f, MAC_B, MAC_A, IP_A, IP_B, 6, 1, 2);
    for (size_t n = 0; n < len; n++) {
        uint8_t *copy = test_malloc(n ? n : 1);
        memcpy(copy, f, n);
        bool ok = ctl_pkt_parse(copy, n, 1, &p);
        assert_int_equal(ok, n >= 14);
        test_free(copy);
    }
    assert_false(ctl_pkt_parse(NULL, 0, 1, &p));
}

static void test_rules_parse_and_decide_first_match(void **state)
{
    struct ctl_fw_rules r;
    char err[200];
    const char *text = "# comment\n"
                       "deny tcp,tp_dst=22   # no ssh\n"
                       "\n"
                       "allow ip,nw_src=10.0.0.0/24\n"
                       "default deny\n";
    assert_int_equal(ctl_fw_rules_parse(text, "fw", &r, err, sizeof err), 0);
    assert_int_equal(r.n, 2);
    assert_false(r.default_allow);
    uint8_t f[128];
    struct ctl_pkt p;
    int idx;
    ctl_pkt_parse(f, cth_ip_l4(f, MAC_B, MAC_A, IP_A, IP_B, 6, 5555, 22), 1, &p);
    assert_false(ctl_fw_allows(&r, &p.key, &idx));
    assert_int_equal(idx, 0);
    ctl_pkt_parse(f, cth_ip_l4(f, MAC_B, MAC_A, IP_A, IP_B, 6, 5555, 80), 1, &p);
    assert_true(ctl_fw_allows(&r, &p.key, &idx));
    assert_int_equal(idx, 1);
    ctl_pkt_parse(f, cth_ip_l4(f, MAC_B, MAC_A, IP_X, IP_B, 17, 5555, 80), 1, &p);
    assert_false(ctl_fw_allows(&r, &p.key, &idx));
    assert_int_equal(idx, -1);
    ctl_fw_rules_free(&r);
}

static void test_rules_errors_name_the_line(void **state)
{
    struct ctl_fw_rules r;
    char err[200];
    assert_true(ctl_fw_rules_parse("allow ip\npermit tcp\n", "fw", &r, err, sizeof err) < 0);
    assert_non_null(strstr(err, "fw:2:"));
    assert_true(ctl_fw_rules_parse("deny tcp,tp_dst=99999\n", "fw", &r, err, sizeof err) < 0);
    assert_non_null(strstr(err, "fw:1:"));
    assert_true(ctl_fw_rules_parse("deny tcp actions=drop\n", "fw", &r, err, sizeof err) < 0);
    assert_true(ctl_fw_rules_parse("default maybe\n", "fw", &r, err, sizeof err) < 0);
    assert_true(ctl_fw_rules_parse("default deny\ndefault allow\n", "f", &r, err, sizeof err) < 0);
    assert_true(ctl_fw_rules_parse("deny idle_timeout=5\n", "f", &r, err, sizeof err) < 0);
    assert_int_equal(ctl_fw_rules_parse("deny\n", "f", &r, err, sizeof err), 0);
    assert_int_equal(r.rules[0].match.wildcards, OFPFW_ALL);
    ctl_fw_rules_free(&r);
}

static void test_deny_shadowed_by_allow_is_not_installable(void **state)
{
    struct ctl_fw_rules r;
    char err[200];
    const char *text = "allow ip,nw_src=10.0.0.0/24\n"
                       "deny tcp,tp_dst=22\n"          /* overlaps rule 0 */
                       "deny ip,nw_src=11.0.0.0/8\n";  /* disjoint from rule 0 */
    assert_int_equal(ctl_fw_rules_parse(text, "fw", &r, err, sizeof err), 0);
    assert_false(ctl_fw_deny_installable(&r, 0));
    assert_false(ctl_fw_deny_installable(&r, 1));
    assert_true(ctl_fw_deny_installable(&r, 2));
    ctl_fw_rules_free(&r);
}

/* A controller with firewall(rules) then learning, joined to a dp. */
static struct ctl *fw_ctl(const char *rules, struct ctl_dp **dp)
{
    char err[200];
    struct ctl *ctl = ctl_create(cth_send);
    struct ctl_app *fw = ctl_firewall_create(rules, "fw", err, sizeof err);
    assert_non_null(fw);
    ctl_add_app(ctl, fw);
    ctl_add_app(ctl, ctl_learning_create(CTL_LEARN_IDLE));
    ctl_dp_connected(ctl, (void *)1, 0);
    cth_reset();
    *dp = NULL;
    /* join by hand to keep the join-time flows in the recording */
    uint8_t buf[512];
    struct ofp_buf b;
    struct ofp_features f = { .datapath_id = 9 };
    struct ofp_port_desc ports[2] = { { .port_no = 1 }, { .port_no = 2 } };
    ofp_buf_init(&b, buf, sizeof buf);
    ofp_encode_features_reply(&b, 1, &f, ports, 2);
    *dp = ctl_first_dp(ctl);
    ctl_dp_message(ctl, *dp, buf, b.len, 0);
    return ctl;
}

static void test_join_installs_deny_rules_as_drop_flows(void **state)
{
    struct ctl_dp *dp;
    struct ctl *ctl = fw_ctl("deny tcp,tp_dst=22\nallow ip\ndeny udp\n", &dp);
    assert_int_equal(cth_count(OFPT_FLOW_MOD), 1); /* udp is shadowed by "allow ip" */
    const struct of_flow_mod *fm = &cth_nth(OFPT_FLOW_MOD, 0)->u.flow_mod;
    assert_int_equal(fm->command, OFPFC_ADD);
    assert_int_equal(fm->n_actions, 0);
    assert_int_equal(fm->priority, CTL_FW_PRIORITY);
    assert_int_equal(fm->match.tp_dst, 22);
    assert_int_equal(fm->match.nw_proto, 6);
    assert_int_equal(fm->idle_timeout, 0);
    ctl_destroy(ctl);
}

static void test_denied_packet_in_gets_exact_drop_and_stops(void **state)
{
    struct ctl_dp *dp;
    uint8_t f[128];
    struct ctl *ctl = fw_ctl("deny tcp,tp_dst=22\n", &dp);
    cth_reset();
    cth_packet_in(ctl, dp, 5, 1, f, cth_ip_l4(f, MAC_B, MAC_A, IP_A, IP_B, 6, 4444, 22));
    assert_int_equal(cth_sent.n, 1); /* no flood by learning */
    const struct of_flow_mod *fm = &cth_nth(OFPT_FLOW_MOD, 0)->u.flow_mod;
    assert_int_equal(fm->priority, CTL_FW_EXACT_PRIORITY);
    assert_int_equal(fm->buffer_id, 5);
    assert_int_equal(fm->n_actions, 0);
    assert_int_equal(fm->match.tp_src, 4444);
    assert_int_equal(fm->match.in_port, 1);
    assert_int_equal(fm->idle_timeout, CTL_FW_IDLE);
    ctl_destroy(ctl);
}

static void test_allowed_packet_in_reaches_learning(void **state)
{
    struct ctl_dp *dp;
    uint8_t f[128];
    struct ctl *ctl = fw_ctl("deny tcp,tp_dst=22\n", &dp);
    cth_reset();
    cth_packet_in(ctl, dp, 5, 1, f, cth_ip_l4(f, MAC_B, MAC_A, IP_A, IP_B, 6, 4444, 80));
    assert_int_equal(cth_count(OFPT_PACKET_OUT), 1); /* flooded by learning */
    cth_reset();
    cth_packet_in(ctl, dp, 6, 2, f, cth_ip_l4(f, MAC_A, MAC_B, IP_B, IP_A, 6, 80, 4444));
    const struct of_flow_mod *fm = &cth_nth(OFPT_FLOW_MOD, 0)->u.flow_mod;
    assert_true(fm->match.wildcards & OFPFW_TP_DST); /* default allow: L2 flows */
    assert_true(fm->priority < CTL_FW_PRIORITY);
    ctl_destroy(ctl);
}

/* The switch cut the packet_in before the TCP ports: with a rule on tp_dst
 * the firewall cannot decide and drops it without any flow; with rules
 * only on fields it saw, the packet goes on. */
static void test_cut_packet_in_is_dropped_when_a_rule_needs_the_cut_fields(void **state)
{
    struct ctl_dp *dp;
    uint8_t f[128];
    size_t len = cth_ip_l4(f, MAC_B, MAC_A, IP_A, IP_B, 6, 4444, 80);
    struct ctl *ctl = fw_ctl("deny tcp,tp_dst=22\n", &dp);
    cth_reset();
    cth_packet_in_cut(ctl, dp, 5, 1, f, len, 14 + 20); /* Ethernet + IPv4 only */
    assert_int_equal(cth_sent.n, 0);
    ctl_destroy(ctl);

    ctl = fw_ctl("deny ip,nw_src=10.9.9.9\n", &dp);
    cth_reset();
    cth_packet_in_cut(ctl, dp, 5, 1, f, len, 14 + 20);
    assert_int_equal(cth_count(OFPT_PACKET_OUT), 1); /* flooded by learning */
    ctl_destroy(ctl);
}

static void test_default_deny_makes_learning_flows_exact(void **state)
{
    struct ctl_dp *dp;
    uint8_t f[128];
    struct ctl *ctl = fw_ctl("allow ip,nw_src=10.0.0.0/24\nallow arp\ndefault deny\n", &dp);
    assert_int_equal(cth_count(OFPT_FLOW_MOD), 0);
    cth_packet_in(ctl, dp, 1, 1, f, cth_ip_l4(f, MAC_B, MAC_A, IP_A, IP_B, 17, 1, 2));
    cth_reset();
    cth_packet_in(ctl, dp, 2, 2, f, cth_ip_l4(f, MAC_A, MAC_B, IP_B, IP_A, 17, 2, 1));
    const struct of_flow_mod *fm = &cth_nth(OFPT_FLOW_MOD, 0)->u.flow_mod;
    assert_int_equal(fm->match.wildcards & ~(uint32_t)OFPFW_DL_VLAN_PCP, 0);
    assert_int_equal(fm->match.tp_src, 2);
    assert_int_equal(fm->actions[0].u.output.port, 1);
    cth_reset();
    cth_packet_in(ctl, dp, 3, 2, f, cth_ip_l4(f, MAC_A, MAC_B, IP_X, IP_A, 17, 2, 1));
    assert_int_equal(cth_sent.n, 1);
    assert_int_equal(cth_nth(OFPT_FLOW_MOD, 0)->u.flow_mod.n_actions, 0); /* dropped */
    ctl_destroy(ctl);
}

static void test_static_app_installs_flows_on_join(void **state)
{
    char err[200];
    struct ctl *ctl = ctl_create(cth_send);
    struct ctl_app *st = ctl_static_create(
        "# two flows\npriority=5,in_port=1,actions=output:2\nin_port=2 actions=output:1\n",
        "flows", err, sizeof err);
    assert_non_null(st);
    ctl_add_app(ctl, st);
    ctl_dp_connected(ctl, (void *)1, 0);
    uint8_t buf[512];
    struct ofp_buf b;
    struct ofp_features f = { .datapath_id = 9 };
    ofp_buf_init(&b, buf, sizeof buf);
    ofp_encode_features_reply(&b, 1, &f, NULL, 0);
    cth_reset();
    ctl_dp_message(ctl, ctl_first_dp(ctl), buf, b.len, 0);
    assert_int_equal(cth_count(OFPT_FLOW_MOD), 2);
    assert_int_equal(cth_nth(OFPT_FLOW_MOD, 0)->u.flow_mod.priority, 5);
    assert_int_equal(cth_nth(OFPT_FLOW_MOD, 1)->u.flow_mod.match.in_port, 2);
    ctl_destroy(ctl);
}

static void test_static_app_refuses_bad_file(void **state)
{
    char err[200];
    assert_null(ctl_static_create("in_port=1,actions=output:2\nbogus=1,actions=drop\n",
                                  "flows", err, sizeof err));
    assert_non_null(strstr(err, "flows:2:"));
}

int main(void)
{
    os_log_set_level(OS_LOG_ERR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pkt_parse_tcp_fields),
        cmocka_unit_test(test_pkt_parse_never_reads_past_short_frames),
        cmocka_unit_test(test_rules_parse_and_decide_first_match),
        cmocka_unit_test(test_rules_errors_name_the_line),
        cmocka_unit_test(test_deny_shadowed_by_allow_is_not_installable),
        cmocka_unit_test(test_join_installs_deny_rules_as_drop_flows),
        cmocka_unit_test(test_denied_packet_in_gets_exact_drop_and_stops),
        cmocka_unit_test(test_allowed_packet_in_reaches_learning),
        cmocka_unit_test(test_cut_packet_in_is_dropped_when_a_rule_needs_the_cut_fields),
        cmocka_unit_test(test_default_deny_makes_learning_flows_exact),
        cmocka_unit_test(test_static_app_installs_flows_on_join),
        cmocka_unit_test(test_static_app_refuses_bad_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
