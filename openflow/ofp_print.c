/*
 * ofp_print.c — flows, matches and actions printed as ovs-ofctl prints
 * them.  See ofp_print.h.
 */
#include "ofp_print.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "ofp_match.h"
#include "ofp_parse_priv.h"

/* An snprintf-style output buffer: len counts every byte, written or not. */
struct fbuf {
    char *buf;
    size_t size, len;
};

__attribute__((format(printf, 2, 3))) static void put(struct fbuf *b, const char *fmt, ...)
{
    va_list ap;
    char *dst = b->len < b->size ? b->buf + b->len : NULL;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(dst, dst ? b->size - b->len : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len += (size_t)n;
}

static void fbuf_init(struct fbuf *b, char *buf, size_t size)
{
    b->buf = buf;
    b->size = buf ? size : 0;
    b->len = 0;
    if (b->size)
        buf[0] = '\0';
}

static void put_port(struct fbuf *b, uint16_t port)
{
    const char *name = ofp_port_name(port);

    if (name)
        put(b, "%s", name);
    else
        put(b, "%u", port);
}

static void put_mac(struct fbuf *b, const uint8_t *a)
{
    put(b, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void put_ip(struct fbuf *b, uint32_t a)
{
    put(b, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

/* Starts one comma-separated item. */
static void item(struct fbuf *b, bool *first)
{
    if (!*first)
        put(b, ",");
    *first = false;
}

static void put_nw(struct fbuf *b, bool *first, const char *name, uint32_t addr, unsigned plen)
{
    if (!plen)
        return;
    item(b, first);
    put(b, "%s=", name);
    put_ip(b, addr);
    if (plen < 32)
        put(b, "/%u", plen);
}

static void put_vlan(struct fbuf *b, bool *first, const struct of_match *m)
{
    uint32_t w = m->wildcards;

    if (!(w & OFPFW_DL_VLAN) && m->dl_vlan == OFP_VLAN_NONE) {
        item(b, first);
        put(b, "vlan_tci=0x0000");
        return;
    }
    if (!(w & OFPFW_DL_VLAN)) {
        item(b, first);
        put(b, "dl_vlan=%u", m->dl_vlan);
    }
    if (!(w & OFPFW_DL_VLAN_PCP)) {
        item(b, first);
        put(b, "dl_vlan_pcp=%u", m->dl_vlan_pcp);
    }
}

/* ovs's match_format() for the OpenFlow 1.0 fields.  Returns whether
 * anything was printed. */
static bool put_match(struct fbuf *b, const struct of_match *m, bool show_prio, unsigned prio)
{
    const struct ofp_proto_name *p = ofp_proto_of_match(m);
    uint32_t w = m->wildcards;
    bool first = true, typed = !(w & OFPFW_DL_TYPE);
    bool arp = typed && (m->dl_type == OFP_ETH_TYPE_ARP || m->dl_type == OFP_ETH_TYPE_RARP);
    bool icmp = p && p->has_nw_proto && p->nw_proto == OFP_IPPROTO_ICMP;

    if (show_prio && prio != OFP_DEFAULT_PRIORITY) {
        item(b, &first);
        put(b, "priority=%u", prio);
    }
    if (p) {
        item(b, &first);
        put(b, "%s", p->name);
    }
    if (!(w & OFPFW_IN_PORT)) {
        item(b, &first);
        put(b, "in_port=");
        put_port(b, m->in_port);
    }
    put_vlan(b, &first, m);
    if (!(w & OFPFW_DL_SRC)) {
        item(b, &first);
        put(b, "dl_src=");
        put_mac(b, m->dl_src);
    }
    if (!(w & OFPFW_DL_DST)) {
        item(b, &first);
        put(b, "dl_dst=");
        put_mac(b, m->dl_dst);
    }
    if (typed && !p) {
        item(b, &first);
        put(b, "dl_type=0x%04x", m->dl_type);
    }
    put_nw(b, &first, arp ? "arp_spa" : "nw_src", m->nw_src, ofp_match_nw_src_plen(m));
    put_nw(b, &first, arp ? "arp_tpa" : "nw_dst", m->nw_dst, ofp_match_nw_dst_plen(m));
    if (!(w & OFPFW_NW_PROTO) && !(p && p->has_nw_proto)) {
        item(b, &first);
        put(b, "%s=%u", arp ? "arp_op" : "nw_proto", m->nw_proto);
    }
    if (!(w & OFPFW_NW_TOS)) {
        item(b, &first);
        put(b, "nw_tos=%u", m->nw_tos);
    }
    if (!(w & OFPFW_TP_SRC)) {
        item(b, &first);
        put(b, "%s=%u", icmp ? "icmp_type" : "tp_src", m->tp_src);
    }
    if (!(w & OFPFW_TP_DST)) {
        item(b, &first);
        put(b, "%s=%u", icmp ? "icmp_code" : "tp_dst", m->tp_dst);
    }
    return !first;
}

static void put_action(struct fbuf *b, const struct of_action *a)
{
    switch (a->type) {
    case OFPAT_OUTPUT:
        if (a->u.output.port < OFPP_MAX)
            put(b, "output:");
        put_port(b, a->u.output.port);
        if (a->u.output.port == OFPP_CONTROLLER)
            put(b, ":%u", a->u.output.max_len);
        break;
    case OFPAT_ENQUEUE:
        put(b, "enqueue:");
        put_port(b, a->u.enqueue.port);
        put(b, ":%" PRIu32, a->u.enqueue.queue_id);
        break;
    case OFPAT_SET_VLAN_VID: put(b, "mod_vlan_vid:%u", a->u.vlan_vid); break;
    case OFPAT_SET_VLAN_PCP: put(b, "mod_vlan_pcp:%u", a->u.vlan_pcp); break;
    case OFPAT_STRIP_VLAN: put(b, "strip_vlan"); break;
    case OFPAT_SET_DL_SRC: put(b, "mod_dl_src:"); put_mac(b, a->u.dl_addr); break;
    case OFPAT_SET_DL_DST: put(b, "mod_dl_dst:"); put_mac(b, a->u.dl_addr); break;
    case OFPAT_SET_NW_SRC: put(b, "mod_nw_src:"); put_ip(b, a->u.nw_addr); break;
    case OFPAT_SET_NW_DST: put(b, "mod_nw_dst:"); put_ip(b, a->u.nw_addr); break;
    case OFPAT_SET_NW_TOS: put(b, "mod_nw_tos:%u", a->u.nw_tos); break;
    case OFPAT_SET_TP_SRC: put(b, "mod_tp_src:%u", a->u.tp_port); break;
    case OFPAT_SET_TP_DST: put(b, "mod_tp_dst:%u", a->u.tp_port); break;
    case OFPAT_VENDOR: put(b, "vendor:0x%" PRIx32, a->u.vendor); break;
    default: put(b, "unknown_action:%u", a->type); break;
    }
}

static void put_actions(struct fbuf *b, const struct of_action *a, unsigned n)
{
    if (!n)
        put(b, "drop");
    for (unsigned i = 0; i < n; i++) {
        if (i)
            put(b, ",");
        put_action(b, &a[i]);
    }
}

static const char *command_name(uint16_t command)
{
    static const char *const names[] = { "ADD", "MOD", "MOD_STRICT", "DEL", "DEL_STRICT" };
    return command <= OFPFC_DELETE_STRICT ? names[command] : NULL;
}

static void put_flags(struct fbuf *b, uint16_t flags)
{
    if (flags & OFPFF_SEND_FLOW_REM)
        put(b, "send_flow_rem ");
    if (flags & OFPFF_CHECK_OVERLAP)
        put(b, "check_overlap ");
    if (flags & OFPFF_EMERG)
        put(b, "emergency ");
    flags &= (uint16_t)~(OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP | OFPFF_EMERG);
    if (flags)
        put(b, "flags:0x%x ", flags);
}

int ofp_format_port(uint16_t port, char *buf, size_t size)
{
    struct fbuf b;

    fbuf_init(&b, buf, size);
    put_port(&b, port);
    return (int)b.len;
}

int ofp_format_match(const struct of_match *m, char *buf, size_t size)
{
    struct fbuf b;

    fbuf_init(&b, buf, size);
    put_match(&b, m, false, 0);
    return (int)b.len;
}

int ofp_format_actions(const struct of_action *a, unsigned n, char *buf, size_t size)
{
    struct fbuf b;

    fbuf_init(&b, buf, size);
    put_actions(&b, a, n);
    return (int)b.len;
}

int ofp_format_flow_mod(const struct of_flow_mod *fm, char *buf, size_t size)
{
    const char *cmd = command_name(fm->command);
    unsigned prio = fm->match.wildcards & OFPFW_ALL ? fm->priority : UINT16_MAX;
    unsigned n = fm->n_actions <= OF_MAX_ACTIONS ? fm->n_actions : OF_MAX_ACTIONS;
    struct fbuf b;

    fbuf_init(&b, buf, size);
    if (cmd)
        put(&b, "%s ", cmd);
    else
        put(&b, "cmd:%u ", fm->command);
    if (put_match(&b, &fm->match, true, prio))
        put(&b, " ");
    if (fm->cookie && fm->cookie != UINT64_MAX)
        put(&b, "cookie:0x%" PRIx64 " ", fm->cookie);
    if (fm->idle_timeout)
        put(&b, "idle:%u ", fm->idle_timeout);
    if (fm->hard_timeout)
        put(&b, "hard:%u ", fm->hard_timeout);
    if (fm->buffer_id != OFP_NO_BUFFER)
        put(&b, "buf:0x%" PRIx32 " ", fm->buffer_id);
    if (fm->out_port != OFPP_NONE) {
        put(&b, "out_port:");
        put_port(&b, fm->out_port);
        put(&b, " ");
    }
    put_flags(&b, fm->flags);
    put(&b, "actions=");
    put_actions(&b, fm->actions, n);
    return (int)b.len;
}
