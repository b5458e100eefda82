/* test_sw_config.c — the command-line parser. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "switch/sw_config.h"

/* Parses a NULL-terminated word list.  Returns the parser's result. */
static int parse(struct sw_config *cfg, char *err, const char **words)
{
    char *argv[32] = { "sluice" };
    int argc = 1;
    while (*words)
        argv[argc++] = (char *)*words++;
    sw_config_init(cfg);
    return sw_config_parse(cfg, argc, argv, err, 256);
}

static void test_ports_in_order(void **state)
{
    struct sw_config c;
    char err[256];
    const char *w[] = { "--port", "tap:a", "--port=pcap:x.pcap,y.pcap", "--port", "afpacket:eth0", NULL };
    assert_int_equal(parse(&c, err, w), 0);
    assert_int_equal(c.n_ports, 3);
    assert_string_equal(c.ports[0], "tap:a");
    assert_string_equal(c.ports[1], "pcap:x.pcap,y.pcap");
    assert_string_equal(c.ports[2], "afpacket:eth0");
}

static void test_all_options(void **state)
{
    struct sw_config c;
    char err[256];
    const char *w[] = { "--port", "tap:a", "--flows", "f.txt", "--dpid", "0x00000000000000ab",
                        "--controller", "tcp:127.0.0.1:6653", "--listen", "ptcp:6634",
                        "--fail-mode", "standalone", "--app", "learning", "--max-flows", "100",
                        "--packets", "4096", "--log-level", "debug", "--stats-interval", "500", NULL };
    assert_int_equal(parse(&c, err, w), 0);
    assert_string_equal(c.flows_file, "f.txt");
    assert_int_equal(c.dpid, 0xab);
    assert_int_equal(c.n_controllers, 1);
    assert_int_equal(c.n_listens, 1);
    assert_int_equal(c.fail_mode, SW_FAIL_STANDALONE);
    assert_string_equal(c.apps, "learning");
    assert_int_equal(c.max_flows, 100);
    assert_int_equal(c.n_packets, 4096);
    assert_int_equal(c.stats_interval_ms, 500);
}

static void test_defaults(void **state)
{
    struct sw_config c;
    char err[256];
    const char *w[] = { "--port", "tap:a", NULL };
    assert_int_equal(parse(&c, err, w), 0);
    assert_int_equal(c.fail_mode, SW_FAIL_SECURE);
    assert_int_equal(c.max_flows, 65536);
    assert_null(c.flows_file);
}

static void test_unknown_option(void **state)
{
    struct sw_config c;
    char err[256];
    const char *w[] = { "--port", "tap:a", "--bogus", "1", NULL };
    assert_int_equal(parse(&c, err, w), -EINVAL);
    assert_non_null(strstr(err, "--bogus"));
}

static void test_missing_value(void **state)
{
    struct sw_config c;
    char err[256];
    const char *w[] = { "--port", NULL };
    assert_int_equal(parse(&c, err, w), -EINVAL);
    assert_non_null(strstr(err, "needs a value"));
}

static void test_bad_values(void **state)
{
    struct sw_config c;
    char err[256];
    const char *bad[][3] = {
        { "--dpid", "xyz", NULL }, { "--dpid", "11112222333344445", NULL },
        { "--fail-mode", "open", NULL }, { "--max-flows", "0", NULL },
        { "--max-flows", "-5", NULL }, { "--controller", "udp:1.2.3.4", NULL },
        { "--listen", "ptcp:", NULL }, { "--port", "noprefix", NULL },
        { "--log-level", "loud", NULL }, { "--packets", "12abc", NULL },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *w[] = { "--port", "tap:a", bad[i][0], bad[i][1], NULL };
        assert_int_equal(parse(&c, err, w), -EINVAL);
        assert_non_null(strstr(err, bad[i][0]));
    }
}

static void test_mgmt_and_ip(void **state)
{
    struct sw_config c;
    char err[256];
    const char *w[] = { "--port", "virtio:0", "--mgmt", "virtio:2", "--ip=10.0.0.5/24,10.0.0.1",
                        NULL };
    assert_int_equal(parse(&c, err, w), 0);
    assert_string_equal(c.mgmt, "virtio:2");
    assert_string_equal(c.ip, "10.0.0.5/24,10.0.0.1");
    const char *l[] = { "--port", "virtio:0", "--mgmt", "local", NULL };
    assert_int_equal(parse(&c, err, l), 0);
    assert_string_equal(c.mgmt, "local");
    assert_null(c.ip);
}

static void test_mgmt_needs_a_port_spec(void **state)
{
    struct sw_config c;
    char err[256];
    const char *bad[] = { "virtio", "virtio:", "", NULL };
    for (int i = 0; bad[i]; i++) {
        const char *w[] = { "--port", "tap:a", "--mgmt", bad[i], NULL };
        assert_int_equal(parse(&c, err, w), -EINVAL);
        assert_non_null(strstr(err, "--mgmt"));
    }
}

static void test_no_ports(void **state)
{
    struct sw_config c;
    char err[256];
    const char *w[] = { "--flows", "x", NULL };
    assert_int_equal(parse(&c, err, w), -EINVAL);
    const char *h[] = { "--help", NULL };
    assert_int_equal(parse(&c, err, h), 0);
    assert_true(c.help);
}

static void test_too_many_ports(void **state)
{
    struct sw_config c;
    char err[256];
    char *argv[2 * SW_MAX_PORTS + 4] = { "sluice" };
    int argc = 1;
    for (int i = 0; i <= SW_MAX_PORTS; i++) {
        argv[argc++] = "--port";
        argv[argc++] = "tap:x";
    }
    sw_config_init(&c);
    assert_int_equal(sw_config_parse(&c, argc, argv, err, sizeof err), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ports_in_order),
        cmocka_unit_test(test_all_options),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_unknown_option),
        cmocka_unit_test(test_missing_value),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_mgmt_and_ip),
        cmocka_unit_test(test_mgmt_needs_a_port_spec),
        cmocka_unit_test(test_no_ports),
        cmocka_unit_test(test_too_many_ports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
