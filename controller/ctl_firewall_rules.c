/* ctl_firewall_rules.c — the firewall's rules file and decisions (ctl_firewall.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_firewall.h"
#include "ctl_pkt.h"
#include "openflow/ofp_match.h"
#include "openflow/ofp_parse.h"
#include "os/mem.h"

/* Trims white space around s[0, *len).  Returns the new start. */
static const char *trim(const char *s, size_t *len)
{
    while (*len && isspace((unsigned char)*s)) {
        s++;
        (*len)--;
    }
    while (*len && isspace((unsigned char)s[*len - 1]))
        (*len)--;
    return s;
}

/* Returns true when word w (length n) is `lit`. */
static bool word_is(const char *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

/* Appends a rule.  Returns 0 or -ENOMEM. */
static int add_rule(struct ctl_fw_rules *r, size_t *cap, bool allow,
                    const struct of_match *m, unsigned line)
{
    if (r->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        struct ctl_fw_rule *nr = os_realloc(r->rules, ncap * sizeof *nr);
        if (!nr)
            return -ENOMEM;
        r->rules = nr;
        *cap = ncap;
    }
    r->rules[r->n].allow = allow;
    r->rules[r->n].match = *m;
    r->rules[r->n].line = line;
    r->n++;
    return 0;
}

/* Parses the match text s[0, n) into m.  Returns 0 or -EINVAL with a
 * message in msg. */
static int parse_match(const char *s, size_t n, struct of_match *m, char *msg, size_t mlen)
{
    if (n == 0) {
        ofp_match_init_catchall(m);
        return 0;
    }
    static struct of_flow_mod fm; /* 2 KiB; parsing is single-threaded */
    if (ofp_parse_flow_n(s, n, OFP_PARSE_DELETE, &fm, msg, mlen) < 0)
        return -EINVAL;
    if (fm.out_port != OFPP_NONE || fm.cookie || fm.idle_timeout || fm.hard_timeout ||
        fm.flags) {
        snprintf(msg, mlen, "a rule takes match fields only");
        return -EINVAL;
    }
    *m = fm.match;
    return 0;
}

/* Parses one line s[0, n) (comment already cut).  Returns 0 or a negative
 * errno with a message in msg. */
static int parse_line(struct ctl_fw_rules *r, size_t *cap, bool *seen_default,
                      const char *s, size_t n, unsigned line, char *msg, size_t mlen)
{
    size_t w = 0;
    while (w < n && !isspace((unsigned char)s[w]))
        w++;
    size_t rest_len = n - w;
    const char *rest = trim(s + w, &rest_len);
    if (word_is(s, w, "default")) {
        if (*seen_default) {
            snprintf(msg, mlen, "a second 'default' line");
            return -EINVAL;
        }
        *seen_default = true;
        if (word_is(rest, rest_len, "allow") || word_is(rest, rest_len, "deny")) {
            r->default_allow = rest[0] == 'a';
            return 0;
        }
        snprintf(msg, mlen, "'default' takes 'allow' or 'deny'");
        return -EINVAL;
    }
    bool allow = word_is(s, w, "allow");
    if (!allow && !word_is(s, w, "deny")) {
        snprintf(msg, mlen, "a rule starts with 'allow', 'deny' or 'default'");
        return -EINVAL;
    }
    struct of_match m;
    int rc = parse_match(rest, rest_len, &m, msg, mlen);
    if (rc == 0 && r->n >= CTL_FW_MAX_RULES) {
        snprintf(msg, mlen, "more than %d rules", CTL_FW_MAX_RULES);
        rc = -EINVAL;
    }
    if (rc == 0 && (rc = add_rule(r, cap, allow, &m, line)) < 0)
        snprintf(msg, mlen, "out of memory");
    return rc;
}

int ctl_fw_rules_parse(const char *text, const char *name, struct ctl_fw_rules *out,
                       char *err, size_t errlen)
{
    size_t cap = 0;
    bool seen_default = false;
    unsigned line = 0;
    memset(out, 0, sizeof *out);
    out->default_allow = true;
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *hash = memchr(p, '#', n);
        size_t len = hash ? (size_t)(hash - p) : n;
        const char *s = trim(p, &len);
        line++;
        char msg[200];
        if (len) {
            int rc = parse_line(out, &cap, &seen_default, s, len, line, msg, sizeof msg);
            if (rc < 0) {
                snprintf(err, errlen, "%s:%u: %s", name ? name : "-", line, msg);
                ctl_fw_rules_free(out);
                return rc;
            }
        }
        p += n + (nl ? 1 : 0);
    }
    return 0;
}

void ctl_fw_rules_free(struct ctl_fw_rules *r)
{
    os_free(r->rules);
    r->rules = NULL;
    r->n = 0;
}

bool ctl_fw_allows(const struct ctl_fw_rules *r, const struct of_match *key, int *rule_idx)
{
    for (size_t i = 0; i < r->n; i++) {
        if (ctl_match_covers(&r->rules[i].match, key)) {
            if (rule_idx)
                *rule_idx = (int)i;
            return r->rules[i].allow;
        }
    }
    if (rule_idx)
        *rule_idx = -1;
    return r->default_allow;
}

bool ctl_fw_deny_installable(const struct ctl_fw_rules *r, size_t i)
{
    if (i >= r->n || r->rules[i].allow)
        return false;
    for (size_t j = 0; j < i; j++)
        if (r->rules[j].allow && ctl_match_overlaps(&r->rules[j].match, &r->rules[i].match))
            return false;
    return true;
}
