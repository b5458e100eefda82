/*
 * uk_net.c — the unikernel images' TCP/IP interface (uk_net.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libos/net/net.h"
#include "libos/net/net_pair.h"
#include "libos/net/net_stream.h"
#include "libos/pvh/plat.h"
#include "os/log.h"
#include "os/mem.h"
#include "os/rand.h"
#include "switch/sw_switch.h"
#include "switch/unikernel/uk_net.h"
#include "switch/unikernel/uk_target.h"

#define MGMT_PACKETS 640  /* default: a virtio NIC posts up to 256 RX buffers per queue */
#define LOCAL_PACKETS 256
/* OpenFlow control traffic, not bulk data: 16 KiB windows each way keep a
 * connection at 32 KiB of buffers (16 connections: 512 KiB). */
#define UK_TCP_BUF (16u << 10)
#define UK_TCP_CONNS 24

struct uk_net {
    struct pkt_pool *pool;
    struct netdev *dev;      /* the stack's NIC, or its end of the link */
    struct netdev *local;    /* in band: the datapath's end (LOCAL), else NULL */
    struct net_stack *st;
};

/* Returns true when cfg needs the stack. */
static bool needs_stack(const struct sw_config *cfg)
{
    return cfg->n_controllers || cfg->n_listens || cfg->mgmt || cfg->ip;
}

/* Sets the address from --ip (default DHCP).  Returns 0 or -EINVAL
 * (printed). */
static int set_address(struct uk_net *n, const char *ip, uint64_t now_ns)
{
    if (!ip || !strcmp(ip, "dhcp"))
        return net_start_dhcp(n->st, now_ns);
    uint32_t a, gw;
    uint8_t plen;
    if (net_parse_ipspec(ip, &a, &plen, &gw) < 0 || net_set_static(n->st, a, plen, gw, now_ns) < 0) {
        pvh_printf("sluice: --ip '%s': expected ADDR/LEN[,GATEWAY] (e.g. 10.0.0.5/24,10.0.0.1) "
                   "or dhcp\n", ip);
        return -EINVAL;
    }
    return 0;
}

/* Opens the stack's netdev: the --mgmt NIC, or the internal link.  Returns
 * 0 or a negative errno (printed). */
static int open_dev(struct uk_net *n, const struct sw_config *cfg)
{
    bool in_band = !cfg->mgmt || !strcmp(cfg->mgmt, "local");
    /* A management NIC's buffers are what the image's NICs need (netfront:
     * page-sized slots, fewer of them); the in-band link's are ordinary. */
    unsigned mgmt = uk_target.mgmt_packets ? uk_target.mgmt_packets : MGMT_PACKETS;
    unsigned slot = !in_band && uk_target.packet_slot ? uk_target.packet_slot : PKT_DEFAULT_SLOT;
    n->pool = pkt_pool_create(in_band ? LOCAL_PACKETS : mgmt, slot, PKT_DEFAULT_HEADROOM);
    if (!n->pool) {
        pvh_printf("sluice: no memory for the TCP/IP stack's packets\n");
        return -ENOMEM;
    }
    if (!in_band) {
        int rc = netdev_open(cfg->mgmt, n->pool, &n->dev);
        if (rc < 0)
            pvh_printf("sluice: --mgmt %s: cannot open (%d)\n", cfg->mgmt, rc);
        return rc;
    }
    uint8_t mac[6];
    uint64_t r = cfg->dpid ? cfg->dpid : os_rand_u64();
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)(r >> (8 * (5 - i)));
    mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02); /* unicast, locally administered */
    int rc = net_pair_create(mac, "LOCAL", &n->local, &n->dev);
    if (rc < 0)
        pvh_printf("sluice: no memory for the LOCAL port\n");
    return rc;
}

int uk_net_start(const struct sw_config *cfg, uint64_t now_ns, struct uk_net **out)
{
    *out = NULL;
    if (!needs_stack(cfg))
        return 0;
    for (unsigned i = 0; cfg->mgmt && i < cfg->n_ports; i++) {
        if (!strcmp(cfg->ports[i], cfg->mgmt)) {
            pvh_printf("sluice: --mgmt %s is also --port %u: a management NIC is the stack's "
                       "alone\n", cfg->mgmt, i + 1);
            return -EINVAL;
        }
    }
    struct uk_net *n = os_calloc(1, sizeof *n);
    if (!n)
        return -ENOMEM;
    int rc = open_dev(n, cfg);
    if (rc == 0) {
        struct net_config nc = { .max_conns = UK_TCP_CONNS, .snd_buf = UK_TCP_BUF,
                                 .rcv_buf = UK_TCP_BUF };
        rc = net_create(n->dev, n->pool, &nc, &n->st);
        if (rc < 0)
            pvh_printf("sluice: cannot create the TCP/IP stack (%d)\n", rc);
    }
    if (rc == 0)
        rc = set_address(n, cfg->ip, now_ns);
    if (rc < 0) {
        uk_net_stop(n);
        return rc;
    }
    net_stream_attach(n->st);
    pvh_printf("sluice: TCP/IP on %s (%s), address %s\n", n->dev->name,
               n->local ? "in band, datapath port LOCAL" : "out of band",
               cfg->ip ? cfg->ip : "by DHCP");
    *out = n;
    return 0;
}

int uk_net_attach(struct uk_net *n, struct sw_switch *sw)
{
    if (!n || !n->local)
        return 0;
    int rc = sw_switch_add_local_port(sw, n->local);
    if (rc < 0)
        pvh_printf("sluice: cannot add the LOCAL port (%d)\n", rc);
    return rc;
}

unsigned uk_net_poll(struct uk_net *n, uint64_t now_ns)
{
    return n ? net_poll(n->st, now_ns) : 0;
}

uint64_t uk_net_deadline(const struct uk_net *n)
{
    return n ? net_next_deadline(n->st) : UINT64_MAX;
}

int uk_net_arm_wakeup(struct uk_net *n)
{
    if (!n)
        return 0;
    if (n->local && netdev_arm_rx_wakeup(n->local) == -EAGAIN)
        return -EAGAIN; /* the stack sent frames the datapath has not taken yet */
    return net_arm_wakeup(n->st);
}

void uk_net_report(const struct uk_net *n, void (*emit)(const char *line, void *arg), void *arg)
{
    if (!n)
        return;
    char line[256], ip[16];
    uint32_t a;
    uint8_t plen;
    bool up = net_get_addr(n->st, &a, &plen);
    const struct net_stats *s = net_get_stats(n->st);
    snprintf(line, sizeof line,
             "net %s %s/%u rx %lu tx %lu tcp open %lu closed %lu aborted %lu busy %u "
             "retransmits %lu dropped %lu, stack heap %lu KiB",
             n->dev->name, up ? net_ip_str(a, ip, sizeof ip) : "none", up ? plen : 0,
             (unsigned long)s->rx_frames, (unsigned long)s->tx_frames,
             (unsigned long)s->tcp_conns_opened, (unsigned long)s->tcp_conns_closed,
             (unsigned long)s->tcp_conns_aborted, net_busy_conns(n->st),
             (unsigned long)s->tcp_retransmits,
             (unsigned long)(s->tcp_bad + s->ip_bad + s->rx_bad_eth + s->arp_bad + s->udp_bad),
             (unsigned long)(net_mem_used(n->st) >> 10));
    emit(line, arg);
}

void uk_net_stop(struct uk_net *n)
{
    if (!n)
        return;
    net_stream_attach(NULL);
    net_destroy(n->st);
    netdev_close(n->dev);
    netdev_close(n->local);
    if (n->pool)
        pkt_pool_destroy(n->pool);
    os_free(n);
}
