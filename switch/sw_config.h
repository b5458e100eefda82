/*
 * sw_config.h — the switch's configuration and its command-line parser.
 *
 * One vocabulary on every target: the unix program parses argv, the
 * unikernels split their kernel command line into words and call the same
 * parser.  Option names follow DESIGN.md ("as Open vSwitch spells them").
 * The parser stores pointers into the argument strings (it copies nothing),
 * so the words must outlive the config.
 *
 * Pure code; any caller.
 */
#ifndef SW_CONFIG_H
#define SW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_MAX_PORTS 64
#define SW_MAX_CONTROLLERS 8
#define SW_DEFAULT_MAX_CONNECTIONS 256
#define SW_DEFAULT_QUEUE_BUDGET_MB 64

enum sw_fail_mode { SW_FAIL_SECURE = 0, SW_FAIL_STANDALONE = 1 };

struct sw_config {
    const char *ports[SW_MAX_PORTS];   /* netdev specs; port i+1 */
    unsigned n_ports;
    const char *flows_file;            /* --flows FILE (ovs-ofctl add-flows syntax) */
    uint64_t dpid;                     /* --dpid HEX; 0 = derive from the first MAC */
    const char *controllers[SW_MAX_CONTROLLERS]; /* --controller tcp:HOST[:PORT] */
    unsigned n_controllers;
    const char *listens[SW_MAX_CONTROLLERS];     /* --listen ptcp:PORT[:IP] */
    unsigned n_listens;
    uint32_t max_connections;          /* --max-connections N: passive clients at once */
    uint32_t queue_budget_mb;          /* --queue-budget MB: all send queues together */
    enum sw_fail_mode fail_mode;       /* --fail-mode; default secure */
    const char *apps;                  /* --app LIST (embedded controller) */
    uint32_t max_flows;                /* --max-flows N; default 65536 */
    uint32_t n_packets;                /* --packets N: packet pool size */
    uint32_t packet_slot;              /* bytes per packet buffer, 0 = PKT_DEFAULT_SLOT
                                        * (not an option: the xen image sets a page
                                        * so netfront grants whole pages) */
    int log_level;                     /* --log-level err|warn|info|debug */
    uint32_t stats_interval_ms;        /* --stats-interval MS: print counters; 0 = off */
    const char *mgmt;                  /* --mgmt PORTSPEC|local: the unikernel's TCP/IP
                                        * interface (a NIC, or in band on LOCAL) */
    const char *ip;                    /* --ip ADDR/LEN[,GW] | dhcp (unikernel; default dhcp) */
    bool help;                         /* --help */
    bool version;                      /* --version */
};

/* Fills `cfg` with the defaults.  Returns nothing. */
void sw_config_init(struct sw_config *cfg);

/* Parses argv[1..argc) into cfg (call sw_config_init first).  Options take
 * their value as the next word or after '='.  Returns 0, or -EINVAL with a
 * one-line reason in err (unknown option, missing or malformed value, too
 * many ports). */
int sw_config_parse(struct sw_config *cfg, int argc, char *const argv[], char *err,
                    size_t errlen);

/* Returns the --help text. */
const char *sw_config_usage(void);

#endif /* SW_CONFIG_H */
