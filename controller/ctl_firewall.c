/* ctl_firewall.c — the firewall app: drop flows and packet_in filtering
 * (the rules and the enforcement are described in ctl_firewall.h). */
#include "ctl_firewall.h"

#include <stdio.h>
#include <string.h>

#include "ctl_app.h"
#include "os/log.h"
#include "os/mem.h"

struct fw_priv {
    struct ctl_fw_rules rules;
    bool exact;                    /* later apps must install exact flows */
    uint32_t tested;               /* OFPFW_* fields some rule constrains */
    uint64_t denied, allowed;      /* packet_in decisions */
    uint64_t undecided;            /* denied: a tested field was cut off */
};

/* Sends a drop flow (no actions) for `m`. */
static void drop_flow(struct ctl_dp *dp, const struct of_match *m, uint16_t priority,
                      uint16_t idle, uint32_t buffer_id)
{
    struct of_flow_mod fm;
    memset(&fm, 0, sizeof fm);
    fm.match = *m;
    fm.cookie = CTL_FW_COOKIE;
    fm.command = OFPFC_ADD;
    fm.idle_timeout = idle;
    fm.priority = priority;
    fm.buffer_id = buffer_id;
    fm.out_port = OFPP_NONE;
    ctl_send_flow_mod(dp, &fm);
}

static void fw_join(struct ctl_app *app, struct ctl_dp *dp)
{
    struct fw_priv *f = app->priv;
    unsigned n = 0;
    for (size_t i = 0; i < f->rules.n; i++) {
        if (!ctl_fw_deny_installable(&f->rules, i))
            continue;
        drop_flow(dp, &f->rules.rules[i].match, (uint16_t)(CTL_FW_PRIORITY - i), 0,
                  OFP_NO_BUFFER);
        n++;
    }
    OS_INFO("firewall", "%016llx: %u drop flows, %zu rules, default %s%s",
            (unsigned long long)dp->dpid, n, f->rules.n,
            f->rules.default_allow ? "allow" : "deny", f->exact ? ", exact flows" : "");
}

/* Returns the OFPFW_* bits (NW_SRC/NW_DST as their _ALL bit) of the
 * fields that some rule of the list constrains. */
static uint32_t rules_fields(const struct ctl_fw_rules *r)
{
    uint32_t f = 0;
    for (size_t i = 0; i < r->n; i++) {
        uint32_t w = r->rules[i].match.wildcards;
        f |= ~w & (OFPFW_ALL & ~(uint32_t)(OFPFW_NW_SRC_MASK | OFPFW_NW_DST_MASK));
        if (((w & OFPFW_NW_SRC_MASK) >> OFPFW_NW_SRC_SHIFT) < 32)
            f |= OFPFW_NW_SRC_ALL;
        if (((w & OFPFW_NW_DST_MASK) >> OFPFW_NW_DST_SHIFT) < 32)
            f |= OFPFW_NW_DST_ALL;
    }
    return f;
}

static enum ctl_verdict fw_packet_in(struct ctl_app *app, struct ctl_dp *dp,
                                     struct ctl_pi_ctx *ctx)
{
    struct fw_priv *f = app->priv;
    const struct of_match *k = &ctx->pkt->key;
    if (!ctx->pkt->valid) {
        f->denied++;
        return CTL_STOP; /* not even Ethernet: nothing to forward */
    }
    if (ctx->pkt->unseen & f->tested) {
        /* the switch cut off a field a rule looks at: the list cannot
         * decide, and no flow may be built from a partial key: drop it */
        f->denied++;
        f->undecided++;
        return CTL_STOP;
    }
    if (ctl_fw_allows(&f->rules, k, NULL)) {
        f->allowed++;
        ctx->exact_flows |= f->exact;
        return CTL_CONTINUE;
    }
    f->denied++;
    drop_flow(dp, k, CTL_FW_EXACT_PRIORITY, CTL_FW_IDLE, ctx->pi->buffer_id);
    return CTL_STOP;
}

static void fw_destroy(struct ctl_app *app)
{
    struct fw_priv *f = app->priv;
    ctl_fw_rules_free(&f->rules);
}

static const struct ctl_app_ops fw_ops = {
    .name = "firewall",
    .join = fw_join,
    .packet_in = fw_packet_in,
    .destroy = fw_destroy,
};

struct ctl_app *ctl_firewall_create(const char *text, const char *name, char *err,
                                    size_t errlen)
{
    struct ctl_app *app = ctl_app_alloc(&fw_ops, sizeof(struct fw_priv));
    if (!app) {
        snprintf(err, errlen, "%s: out of memory", name ? name : "-");
        return NULL;
    }
    struct fw_priv *f = app->priv;
    if (ctl_fw_rules_parse(text, name, &f->rules, err, errlen) < 0) {
        ctl_app_free(app);
        return NULL;
    }
    f->exact = !f->rules.default_allow;
    f->tested = rules_fields(&f->rules);
    for (size_t i = 0; i < f->rules.n; i++)
        if (!f->rules.rules[i].allow && !ctl_fw_deny_installable(&f->rules, i))
            f->exact = true;
    return app;
}
