/* sw_config.c — the switch's command-line parser. */
#include "sw_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/log.h"

static const char usage[] =
    "usage: sluice --port SPEC [--port SPEC]... [options]\n"
    "\n"
    "An OpenFlow 1.0 switch.  Ports are numbered from 1 in the order given.\n"
    "\n"
    "Ports (unix target):\n"
    "  --port tap:NAME          a tap device (created if absent)\n"
    "  --port afpacket:IFNAME   an existing interface through a TPACKET_V3 ring\n"
    "  --port pcap:IN[,OUT]     frames read from IN.pcap, sent ones written to OUT.pcap;\n"
    "                           IN may be '-' (no input).  With only pcap ports the\n"
    "                           switch replays the inputs merged by timestamp, on the\n"
    "                           captures' own clock, and exits when they are exhausted.\n"
    "Flows and control:\n"
    "  --flows FILE             load flows in `ovs-ofctl add-flows` syntax\n"
    "  --dpid HEX               datapath id (default: from the first port's MAC)\n"
    "  --controller tcp:HOST[:PORT]  connect to an OpenFlow controller (default port 6653)\n"
    "  --listen ptcp:PORT[:IP]  accept OpenFlow connections (e.g. ovs-ofctl)\n"
    "  --max-connections N      clients accepted at once on the --listen ports\n"
    "                           (default 256); more are closed at accept\n"
    "  --queue-budget MB        memory all OpenFlow send queues may hold together\n"
    "                           (default 64); see README \"Limits\"\n"
    "  --fail-mode secure|standalone  without a controller: keep flows and drop misses\n"
    "                           (secure, default) or act as a MAC-learning switch\n"
    "  --app LIST               embedded controller apps: learning[=idle:N], static=FILE,\n"
    "                           firewall=FILE\n"
    "Unikernel images (their own TCP/IP stack for --controller/--listen):\n"
    "  --mgmt PORTSPEC|local    a management NIC the flow table never sees (out of band),\n"
    "                           or `local`: in band on the datapath's LOCAL port (the\n"
    "                           default without --mgmt; the flow table must pass it)\n"
    "  --ip ADDR/LEN[,GATEWAY]|dhcp  the stack's address (default: DHCP)\n"
    "Tuning and diagnostics:\n"
    "  --max-flows N            flow table size (default 65536)\n"
    "  --packets N              packet buffers in the pool (default 8192)\n"
    "  --stats-interval MS      print port counters every MS milliseconds\n"
    "  --log-level LEVEL        err, warn, info (default) or debug\n"
    "  --help, --version\n"
    "\n"
    "On exit (end of pcap inputs, SIGINT or SIGTERM) the switch prints its port and\n"
    "flow counters.\n";

const char *sw_config_usage(void)
{
    return usage;
}

void sw_config_init(struct sw_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->fail_mode = SW_FAIL_SECURE;
    cfg->max_flows = 65536;
    cfg->n_packets = 8192;
    cfg->max_connections = SW_DEFAULT_MAX_CONNECTIONS;
    cfg->queue_budget_mb = SW_DEFAULT_QUEUE_BUDGET_MB;
    cfg->log_level = OS_LOG_INFO;
}

/* Parses a whole unsigned number in [min, max].  Returns 0 or -EINVAL. */
static int parse_u64(const char *s, int base, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    if (!s || !*s || *s == '-')
        return -EINVAL;
    unsigned long long v = strtoull(s, &end, base);
    if (*end || v < min || v > max)
        return -EINVAL;
    *out = v;
    return 0;
}

/* Appends `val` to a bounded list.  Returns 0 or -EINVAL when full. */
static int push(const char **list, unsigned *n, unsigned max, const char *val)
{
    if (*n >= max)
        return -EINVAL;
    list[(*n)++] = val;
    return 0;
}

/* Applies one option with its value.  Returns 0, -EINVAL (bad value, reason
 * in err) or -ENOENT (unknown option). */
static int apply(struct sw_config *cfg, const char *name, const char *val, char *err,
                 size_t errlen)
{
    uint64_t v;
    if (!strcmp(name, "port")) {
        if (!strchr(val, ':'))
            goto bad;
        if (push(cfg->ports, &cfg->n_ports, SW_MAX_PORTS, val)) {
            snprintf(err, errlen, "--port: at most %d ports", SW_MAX_PORTS);
            return -EINVAL;
        }
    } else if (!strcmp(name, "flows")) {
        cfg->flows_file = val;
    } else if (!strcmp(name, "dpid")) {
        if (!strncmp(val, "0x", 2))
            val += 2;
        if (strlen(val) > 16 || parse_u64(val, 16, 0, UINT64_MAX, &v))
            goto bad;
        cfg->dpid = v;
    } else if (!strcmp(name, "controller")) {
        if (strncmp(val, "tcp:", 4) || !val[4])
            goto bad;
        if (push(cfg->controllers, &cfg->n_controllers, SW_MAX_CONTROLLERS, val))
            goto bad;
    } else if (!strcmp(name, "listen")) {
        if (strncmp(val, "ptcp:", 5) || !val[5])
            goto bad;
        if (push(cfg->listens, &cfg->n_listens, SW_MAX_CONTROLLERS, val))
            goto bad;
    } else if (!strcmp(name, "fail-mode")) {
        if (!strcmp(val, "secure"))
            cfg->fail_mode = SW_FAIL_SECURE;
        else if (!strcmp(val, "standalone"))
            cfg->fail_mode = SW_FAIL_STANDALONE;
        else
            goto bad;
    } else if (!strcmp(name, "app")) {
        cfg->apps = val;
    } else if (!strcmp(name, "max-flows")) {
        if (parse_u64(val, 10, 1, 1u << 24, &v))
            goto bad;
        cfg->max_flows = (uint32_t)v;
    } else if (!strcmp(name, "packets")) {
        if (parse_u64(val, 10, 256, 1u << 22, &v))
            goto bad;
        cfg->n_packets = (uint32_t)v;
    } else if (!strcmp(name, "max-connections")) {
        if (parse_u64(val, 10, 1, 65536, &v))
            goto bad;
        cfg->max_connections = (uint32_t)v;
    } else if (!strcmp(name, "queue-budget")) {
        if (parse_u64(val, 10, 1, 4096, &v))
            goto bad;
        cfg->queue_budget_mb = (uint32_t)v;
    } else if (!strcmp(name, "stats-interval")) {
        if (parse_u64(val, 10, 0, 86400000, &v))
            goto bad;
        cfg->stats_interval_ms = (uint32_t)v;
    } else if (!strcmp(name, "mgmt")) {
        if (strcmp(val, "local") && (!strchr(val, ':') || val[strlen(val) - 1] == ':'))
            goto bad;
        cfg->mgmt = val;
    } else if (!strcmp(name, "ip")) {
        if (!*val)
            goto bad;
        cfg->ip = val; /* checked where the stack is made (libos/net net_parse_ipspec) */
    } else if (!strcmp(name, "log-level")) {
        int l = os_log_level_from_name(val);
        if (l < 0)
            goto bad;
        cfg->log_level = l;
    } else {
        return -ENOENT;
    }
    return 0;
bad:
    snprintf(err, errlen, "--%s: invalid value '%s'", name, val);
    return -EINVAL;
}

int sw_config_parse(struct sw_config *cfg, int argc, char *const argv[], char *err,
                    size_t errlen)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            cfg->help = true;
            continue;
        }
        if (!strcmp(arg, "--version")) {
            cfg->version = true;
            continue;
        }
        if (strncmp(arg, "--", 2) || !arg[2]) {
            snprintf(err, errlen, "unexpected argument '%s' (see --help)", arg);
            return -EINVAL;
        }
        char name[32];
        const char *eq = strchr(arg + 2, '=');
        size_t len = eq ? (size_t)(eq - (arg + 2)) : strlen(arg + 2);
        if (len >= sizeof name) {
            snprintf(err, errlen, "unknown option '%s' (see --help)", arg);
            return -EINVAL;
        }
        memcpy(name, arg + 2, len);
        name[len] = '\0';
        const char *val = eq ? eq + 1 : NULL;
        if (!val && i + 1 >= argc) {
            /* Last word: an unknown option is reported as unknown, a known
             * one as missing its value (apply on a scratch copy tells). */
            struct sw_config scratch = *cfg;
            bool known = apply(&scratch, name, "", err, errlen) != -ENOENT;
            snprintf(err, errlen, known ? "--%s needs a value (see --help)"
                                        : "unknown option '--%s' (see --help)", name);
            return -EINVAL;
        }
        if (!val)
            val = argv[++i];
        int rc = apply(cfg, name, val, err, errlen);
        if (rc == -ENOENT) {
            snprintf(err, errlen, "unknown option '--%s' (see --help)", name);
            return -EINVAL;
        }
        if (rc)
            return rc;
    }
    if (!cfg->help && !cfg->version && cfg->n_ports == 0) {
        snprintf(err, errlen, "no --port given (see --help)");
        return -EINVAL;
    }
    return 0;
}
