/*
 * ofp_parse_action.c — the `actions=` list of the flow syntax (OpenFlow 1.0
 * actions as ovs-ofctl spells them).  See ofp_parse.h.
 */
#include "ofp_parse_priv.h"

#include <errno.h>
#include <string.h>

#define V(kv) (int)(kv)->val.n, (kv)->val.s
#define K(kv) (int)(kv)->key.n, (kv)->key.s

struct actx {
    struct of_flow_mod *fm;
    struct ofp_perr *e;
};

typedef int action_fn(struct actx *, const struct ofp_kv *, struct of_action *);

/* Ports an output action may name (ovs's ofpact_check_output_port()). */
static bool output_port_ok(uint16_t port)
{
    return port < OFPP_MAX || (port >= OFPP_IN_PORT && port <= OFPP_LOCAL);
}

static void set_output(struct of_action *a, uint16_t port)
{
    a->type = OFPAT_OUTPUT;
    a->u.output.port = port;
    a->u.output.max_len = port == OFPP_CONTROLLER ? UINT16_MAX : 0;
}

static int act_output(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    uint16_t port;

    if (ofp_parse_port(kv->val.s, kv->val.n, &port))
        return ofp_perr(c->e, "actions: output: '%.*s' is not a port number or name", V(kv));
    if (!output_port_ok(port))
        return ofp_perr(c->e, "actions: output: port %.*s cannot be output to "
                        "(OFPBAC_BAD_OUT_PORT)", V(kv));
    set_output(a, port);
    return 0;
}

static int act_controller(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    struct ofp_str v = kv->val;
    uint64_t max_len = UINT16_MAX;

    if (kv->delim == '(' && v.n) {
        const char *pos = v.s;
        struct ofp_kv in;
        while (ofp_lex_next(&pos, v.s + v.n, &in)) {
            if (!ofp_str_eq(in.key, "max_len"))
                return ofp_perr(c->e, "actions: controller: only max_len=N is supported in "
                                "OpenFlow 1.0, not '%.*s'", (int)in.key.n, in.key.s);
            if (ofp_parse_uint(in.val, 10, UINT16_MAX, &max_len))
                return ofp_perr(c->e, "actions: controller: invalid max_len '%.*s' "
                                "(0 to 65535)", (int)in.val.n, in.val.s);
        }
    } else if (v.n && ofp_parse_uint(v, 10, UINT16_MAX, &max_len)) {
        return ofp_perr(c->e, "actions: controller: invalid max_len '%.*s' (0 to 65535)",
                        V(kv));
    }
    set_output(a, OFPP_CONTROLLER);
    a->u.output.max_len = (uint16_t)max_len;
    return 0;
}

static int act_enqueue(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    struct ofp_str port_s = kv->val, queue_s = { NULL, 0 };
    uint64_t queue;
    uint16_t port;

    for (size_t i = 0; i < kv->val.n; i++) {
        if (kv->val.s[i] == ':' || kv->val.s[i] == ',') {
            port_s.n = i;
            queue_s.s = kv->val.s + i + 1;
            queue_s.n = kv->val.n - i - 1;
            break;
        }
    }
    if (!queue_s.s || !port_s.n || !queue_s.n)
        return ofp_perr(c->e, "actions: enqueue: '%.*s': the syntax is enqueue:PORT:QUEUE or "
                        "enqueue(PORT,QUEUE)", V(kv));
    if (ofp_parse_port(port_s.s, port_s.n, &port))
        return ofp_perr(c->e, "actions: enqueue: '%.*s' is not a port number or name",
                        (int)port_s.n, port_s.s);
    if (port >= OFPP_MAX && port != OFPP_IN_PORT && port != OFPP_LOCAL)
        return ofp_perr(c->e, "actions: enqueue: port %.*s has no queues "
                        "(OFPBAC_BAD_OUT_PORT)", (int)port_s.n, port_s.s);
    if (ofp_parse_uint(queue_s, 0, UINT32_MAX, &queue))
        return ofp_perr(c->e, "actions: enqueue: '%.*s' is not a queue id (0 to 4294967295)",
                        (int)queue_s.n, queue_s.s);
    a->type = OFPAT_ENQUEUE;
    a->u.enqueue.port = port;
    a->u.enqueue.queue_id = (uint32_t)queue;
    return 0;
}

/* mod_vlan_vid, mod_vlan_pcp, mod_nw_tos, mod_tp_src, mod_tp_dst. */
static int act_number(struct actx *c, const struct ofp_kv *kv, struct of_action *a,
                      uint16_t type, uint64_t max, const char *what)
{
    uint64_t x;

    if (ofp_parse_uint(kv->val, 0, max, &x) || (type == OFPAT_SET_NW_TOS && (x & 3)))
        return ofp_perr(c->e, "actions: %.*s: '%.*s' is not %s", K(kv), V(kv), what);
    a->type = type;
    switch (type) {
    case OFPAT_SET_VLAN_VID: a->u.vlan_vid = (uint16_t)x; break;
    case OFPAT_SET_VLAN_PCP: a->u.vlan_pcp = (uint8_t)x; break;
    case OFPAT_SET_NW_TOS: a->u.nw_tos = (uint8_t)x; break;
    default: a->u.tp_port = (uint16_t)x; break;
    }
    return 0;
}

static int act_vlan_vid(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    return act_number(c, kv, a, OFPAT_SET_VLAN_VID, 4095, "a VLAN ID (0 to 4095)");
}

static int act_vlan_pcp(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    return act_number(c, kv, a, OFPAT_SET_VLAN_PCP, 7, "a VLAN priority (0 to 7)");
}

static int act_nw_tos(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    return act_number(c, kv, a, OFPAT_SET_NW_TOS, 255,
                      "a ToS value (a multiple of 4, 0 to 252: the ECN bits must be 0)");
}

static int act_tp_src(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    return act_number(c, kv, a, OFPAT_SET_TP_SRC, 65535, "a port number (0 to 65535)");
}

static int act_tp_dst(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    return act_number(c, kv, a, OFPAT_SET_TP_DST, 65535, "a port number (0 to 65535)");
}

static int act_strip_vlan(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    a->type = OFPAT_STRIP_VLAN;
    return 0;
}

static int act_dl(struct actx *c, const struct ofp_kv *kv, struct of_action *a, uint16_t type)
{
    if (ofp_parse_mac(kv->val, a->u.dl_addr))
        return ofp_perr(c->e, "actions: %.*s: '%.*s' is not an Ethernet address", K(kv),
                        V(kv));
    a->type = type;
    return 0;
}

static int act_dl_src(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    return act_dl(c, kv, a, OFPAT_SET_DL_SRC);
}

static int act_dl_dst(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    return act_dl(c, kv, a, OFPAT_SET_DL_DST);
}

static int act_nw(struct actx *c, const struct ofp_kv *kv, struct of_action *a, uint16_t type)
{
    if (ofp_parse_ipv4(kv->val, &a->u.nw_addr))
        return ofp_perr(c->e, "actions: %.*s: '%.*s' is not an IPv4 address", K(kv), V(kv));
    a->type = type;
    return 0;
}

static int act_nw_src(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    return act_nw(c, kv, a, OFPAT_SET_NW_SRC);
}

static int act_nw_dst(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    return act_nw(c, kv, a, OFPAT_SET_NW_DST);
}

static const struct {
    const char *name;
    action_fn *fn;
    bool takes_arg;
} actions[] = {
    { "output", act_output, true },
    { "controller", act_controller, false },
    { "enqueue", act_enqueue, true },
    { "mod_vlan_vid", act_vlan_vid, true },
    { "mod_vlan_pcp", act_vlan_pcp, true },
    { "strip_vlan", act_strip_vlan, false },
    { "mod_dl_src", act_dl_src, true },
    { "mod_dl_dst", act_dl_dst, true },
    { "mod_nw_src", act_nw_src, true },
    { "mod_nw_dst", act_nw_dst, true },
    { "mod_nw_tos", act_nw_tos, true },
    { "mod_tp_src", act_tp_src, true },
    { "mod_tp_dst", act_tp_dst, true },
};
#define N_ACTIONS (sizeof actions / sizeof actions[0])

/* One item of the list into *a.  Returns 0, 1 for "drop", or -EINVAL. */
static int parse_one(struct actx *c, const struct ofp_kv *kv, struct of_action *a)
{
    uint16_t port;

    memset(a, 0, sizeof *a);
    if (ofp_str_caseeq(kv->key, "drop"))
        return kv->delim ? ofp_perr(c->e, "actions: drop takes no argument") : 1;
    for (size_t i = 0; i < N_ACTIONS; i++) {
        if (!ofp_str_caseeq(kv->key, actions[i].name))
            continue;
        if (actions[i].takes_arg && !kv->val.n)
            return ofp_perr(c->e, "actions: %s: missing argument", actions[i].name);
        if (!actions[i].takes_arg && actions[i].fn != act_controller && kv->delim)
            return ofp_perr(c->e, "actions: %s takes no argument", actions[i].name);
        return actions[i].fn(c, kv, a);
    }
    if (!ofp_parse_port(kv->key.s, kv->key.n, &port)) {
        struct ofp_kv as_output = { .key = { "output", 6 }, .val = kv->key, .delim = ':' };
        if (kv->delim)
            return ofp_perr(c->e, "actions: %.*s takes no argument", K(kv));
        return act_output(c, &as_output, a);
    }
    return ofp_perr(c->e, "actions: unknown action '%.*s'", K(kv));
}

int ofp_parse_actions(struct ofp_str text, struct of_flow_mod *fm, struct ofp_perr *e)
{
    struct actx c = { fm, e };
    const char *pos = text.s;
    struct of_action scratch;
    struct ofp_kv kv;
    bool drop = false;

    fm->n_actions = 0;
    while (ofp_lex_next(&pos, text.s + text.n, &kv)) {
        int r;
        if (fm->n_actions >= OF_MAX_ACTIONS)
            return ofp_perr(e, "actions: more than %d actions (OFPBAC_TOO_MANY)",
                            OF_MAX_ACTIONS);
        r = parse_one(&c, &kv, &scratch);
        if (r < 0)
            return r;
        if (r == 1)
            drop = true;
        else
            fm->actions[fm->n_actions++] = scratch;
        if (drop && fm->n_actions)
            return ofp_perr(e, "actions: \"drop\" must not be accompanied by any other "
                            "action");
    }
    return 0;
}
