/*
 * ofp_parse.c — flow-level keywords of the ovs-ofctl flow syntax (priority,
 * timeouts, cookie, flags, out_port, table, actions=) and flow files.  Match
 * fields are in ofp_parse_match.c, actions in ofp_parse_action.c.
 * See ofp_parse.h.
 */
#include "ofp_match.h"
#include "ofp_parse_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define V(kv) (int)(kv)->val.n, (kv)->val.s
#define K(kv) (int)(kv)->key.n, (kv)->key.s

struct pstate {
    struct of_flow_mod *fm;
    enum ofp_parse_cmd cmd;
    struct ofp_match_names seen;
    struct ofp_perr *e;
};

static bool is_del(enum ofp_parse_cmd cmd)
{
    return cmd == OFP_PARSE_DELETE || cmd == OFP_PARSE_DELETE_STRICT;
}

static const char *cmd_name(enum ofp_parse_cmd cmd)
{
    switch (cmd) {
    case OFP_PARSE_ADD: return "add-flow";
    case OFP_PARSE_MODIFY: return "mod-flows";
    case OFP_PARSE_MODIFY_STRICT: return "mod-flows --strict";
    case OFP_PARSE_DELETE: return "del-flows";
    default: return "del-flows --strict";
    }
}

static bool is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Splits `text` at the first "actions=" (or "action=") that starts an item.
 * Returns true with the two parts, false if there is none. */
static bool split_actions(struct ofp_str text, struct ofp_str *match, struct ofp_str *acts)
{
    for (size_t i = 0; i + 6 <= text.n; i++) {
        size_t j = i + 6;
        if ((i && !is_sep(text.s[i - 1])) || memcmp(text.s + i, "action", 6))
            continue;
        if (j < text.n && text.s[j] == 's')
            j++;
        while (j < text.n && (text.s[j] == ' ' || text.s[j] == '\t'))
            j++;
        if (j < text.n && text.s[j] == '=') {
            *match = (struct ofp_str){ text.s, i };
            *acts = (struct ofp_str){ text.s + j + 1, text.n - j - 1 };
            return true;
        }
    }
    return false;
}

static int parse_u16_kw(const struct ofp_kv *kv, uint16_t *out, struct ofp_perr *e)
{
    uint64_t x;

    if (ofp_parse_uint(kv->val, 0, UINT16_MAX, &x))
        return ofp_perr(e, "%.*s: '%.*s' is not a 16-bit number (0 to 65535)", K(kv), V(kv));
    *out = (uint16_t)x;
    return 0;
}

static int parse_cookie(struct pstate *st, const struct ofp_kv *kv)
{
    uint64_t x;

    if (memchr(kv->val.s, '/', kv->val.n))
        return ofp_perr(st->e, "cookie: '%.*s': %s", V(kv),
                        st->cmd == OFP_PARSE_ADD
                            ? "flow additions cannot use a cookie mask"
                            : "matching cookies needs OpenFlow 1.1 or Nicira extensions");
    if (is_del(st->cmd))
        return ofp_perr(st->e, "cookie: %s cannot set a cookie", cmd_name(st->cmd));
    if (ofp_parse_uint(kv->val, 0, UINT64_MAX, &x))
        return ofp_perr(st->e, "cookie: '%.*s' is not a 64-bit number", V(kv));
    st->fm->cookie = x;
    return 0;
}

static int parse_flag(struct pstate *st, const struct ofp_kv *kv, uint16_t flag)
{
    if (is_del(st->cmd))
        return ofp_perr(st->e, "%.*s is not allowed in %s", K(kv), cmd_name(st->cmd));
    if (kv->delim)
        return ofp_perr(st->e, "%.*s takes no value", K(kv));
    st->fm->flags |= flag;
    return 0;
}

/* A flow keyword that is not a match field.  Returns 0 or -EINVAL. */
static int parse_keyword(struct pstate *st, const struct ofp_kv *kv)
{
    struct of_flow_mod *fm = st->fm;
    uint64_t x;

    if (ofp_str_eq(kv->key, "send_flow_rem"))
        return parse_flag(st, kv, OFPFF_SEND_FLOW_REM);
    if (ofp_str_eq(kv->key, "check_overlap"))
        return parse_flag(st, kv, OFPFF_CHECK_OVERLAP);
    if (ofp_str_eq(kv->key, "emergency"))
        return parse_flag(st, kv, OFPFF_EMERG);
    if (ofp_str_eq(kv->key, "actions") || ofp_str_eq(kv->key, "action"))
        return ofp_perr(st->e, is_del(st->cmd) ? "actions are not allowed in %s"
                                               : "%s: actions must be written actions=LIST",
                        cmd_name(st->cmd));
    if (ofp_str_eq(kv->key, "duration") || ofp_str_eq(kv->key, "n_packets")
        || ofp_str_eq(kv->key, "n_bytes") || ofp_str_eq(kv->key, "idle_age")
        || ofp_str_eq(kv->key, "hard_age"))
        return 0; /* statistics in dump-flows output */
    if (!ofp_str_eq(kv->key, "priority") && !ofp_str_eq(kv->key, "idle_timeout")
        && !ofp_str_eq(kv->key, "hard_timeout") && !ofp_str_eq(kv->key, "cookie")
        && !ofp_str_eq(kv->key, "out_port") && !ofp_str_eq(kv->key, "table"))
        return ofp_perr(st->e, "unknown field '%.*s'", K(kv));
    if (!kv->val.n)
        return ofp_perr(st->e, "%.*s: missing value", K(kv));
    if (ofp_str_eq(kv->key, "cookie"))
        return parse_cookie(st, kv);
    if (ofp_str_eq(kv->key, "table")) {
        if (ofp_parse_uint(kv->val, 10, 0, &x))
            return ofp_perr(st->e, "table: '%.*s': OpenFlow 1.0 has only table 0", V(kv));
        return 0;
    }
    if (ofp_str_eq(kv->key, "out_port")) {
        if (!is_del(st->cmd))
            return ofp_perr(st->e, "out_port is only allowed in del-flows, not in %s",
                            cmd_name(st->cmd));
        if (ofp_parse_port(kv->val.s, kv->val.n, &fm->out_port))
            return ofp_perr(st->e, "out_port: '%.*s' is not a port number or name", V(kv));
        return 0;
    }
    if (ofp_str_eq(kv->key, "priority")) {
        if (st->cmd == OFP_PARSE_DELETE)
            return ofp_perr(st->e, "priority is not allowed in del-flows (only with --strict)");
        return parse_u16_kw(kv, &fm->priority, st->e);
    }
    if (is_del(st->cmd))
        return ofp_perr(st->e, "%.*s is not allowed in %s", K(kv), cmd_name(st->cmd));
    return parse_u16_kw(kv, ofp_str_eq(kv->key, "idle_timeout") ? &fm->idle_timeout
                                                                 : &fm->hard_timeout,
                        st->e);
}

static void init_flow_mod(struct of_flow_mod *fm, enum ofp_parse_cmd cmd)
{
    memset(fm, 0, sizeof *fm);
    ofp_match_init_catchall(&fm->match);
    fm->command = (uint16_t)cmd;
    fm->priority = OFP_DEFAULT_PRIORITY;
    fm->buffer_id = OFP_NO_BUFFER;
    fm->out_port = OFPP_NONE;
}

int ofp_parse_flow_n(const char *text, size_t len, enum ofp_parse_cmd cmd,
                     struct of_flow_mod *fm, char *err, size_t errlen)
{
    struct ofp_perr e = { err, errlen };
    struct pstate st = { .fm = fm, .cmd = cmd, .e = &e };
    struct ofp_str all = { text, text ? strnlen(text, len) : 0 }, match = all, acts;
    bool has_acts = false;
    const char *pos;
    struct ofp_kv kv;
    int r;

    if (err && errlen)
        err[0] = '\0';
    if ((unsigned)cmd > OFP_PARSE_DELETE_STRICT)
        return ofp_perr(&e, "unknown flow_mod command %d", (int)cmd);
    init_flow_mod(fm, cmd);
    if (!is_del(cmd)) {
        has_acts = split_actions(all, &match, &acts);
        if (!has_acts)
            return ofp_perr(&e, "%s needs actions=... at the end (actions=drop to drop)",
                            cmd_name(cmd));
    }
    pos = match.s;
    while (ofp_lex_next(&pos, match.s + match.n, &kv)) {
        r = ofp_parse_match_field(&kv, &fm->match, &st.seen, &e);
        if (r == -ENOENT)
            r = parse_keyword(&st, &kv);
        if (r)
            return r;
    }
    r = ofp_check_match(&fm->match, &st.seen, &e);
    if (r)
        return r;
    if ((fm->flags & OFPFF_EMERG) && (fm->idle_timeout || fm->hard_timeout))
        return ofp_perr(&e, "emergency flows cannot have timeouts "
                        "(OFPFMFC_BAD_EMERG_TIMEOUT)");
    return has_acts ? ofp_parse_actions(acts, fm, &e) : 0;
}

int ofp_parse_flow(const char *text, enum ofp_parse_cmd cmd, struct of_flow_mod *fm,
                   char *err, size_t errlen)
{
    return ofp_parse_flow_n(text, text ? strlen(text) : 0, cmd, fm, err, errlen);
}

int ofp_parse_flows(const char *text, const char *filename, enum ofp_parse_cmd cmd,
                    ofp_parse_flow_cb *cb, void *arg, char *err, size_t errlen)
{
    struct of_flow_mod fm;
    char msg[256];
    unsigned line = 0;
    int count = 0;

    if (err && errlen)
        err[0] = '\0';
    if (!filename)
        filename = "-";
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *hash = memchr(p, '#', len);
        size_t i = 0;
        int r;

        line++;
        if (hash)
            len = (size_t)(hash - p);
        while (i < len && is_sep(p[i]) && p[i] != ',')
            i++;
        if (i < len) {
            r = ofp_parse_flow_n(p, len, cmd, &fm, msg, sizeof msg);
            if (!r && cb) {
                msg[0] = '\0';
                r = cb(&fm, line, arg, msg, sizeof msg);
                if (r && !msg[0])
                    snprintf(msg, sizeof msg, "flow refused: %s", strerror(r < 0 ? -r : r));
            }
            if (r) {
                if (err && errlen)
                    snprintf(err, errlen, "%s:%u: %s", filename, line, msg);
                return r < 0 ? r : -EINVAL;
            }
            count++;
        }
        p = nl ? nl + 1 : p + len + strlen(p + len);
    }
    return count;
}
