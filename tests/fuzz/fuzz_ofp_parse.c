/*
 * fuzz_ofp_parse.c — libFuzzer target for the ovs-ofctl flow syntax parser
 * (openflow/ofp_parse*.c, used by --flows files and the static= app) and
 * the flow printer (openflow/ofp_print.c).
 *
 * Input: byte 0 picks the command whose rules apply (add, mod, mod --strict,
 * del, del --strict); the rest is the flow text, not NUL-terminated (it
 * sits at the end of libFuzzer's exact-size buffer, so a read past it is an
 * ASan report; ofp_parse_flow_n stops at a NUL).
 *  - Rejected text must come with a one-line message.
 *  - Accepted text: ofp_format_flow_mod must give a NUL-terminated line
 *    whose length it returns, also when truncated.  The flow is then
 *    written back as text (ofp_format_match + the flow keywords that are
 *    not default + ofp_format_actions for add/mod) and parsed again under
 *    the same command: it must parse, give the same flow_mod field by
 *    field, and print the same line.
 * Once per input the whole text also goes through ofp_parse_flows (the
 * --flows file reader, with a callback that prints every flow).
 * A violated property traps.  Built by tests/fuzz/run.sh (freestanding).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "openflow/ofp_match.h"
#include "openflow/ofp_parse.h"
#include "openflow/ofp_print.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) FUZZ_CHECK(x)

static const enum ofp_parse_cmd cmds[] = {
    OFP_PARSE_ADD, OFP_PARSE_MODIFY, OFP_PARSE_MODIFY_STRICT,
    OFP_PARSE_DELETE, OFP_PARSE_DELETE_STRICT,
};

static struct of_flow_mod fm1, fm2;
static char line1[16384], line2[16384], again[16384], text[4200];

/* Returns true when the two flow_mods are equal field by field. */
static bool flow_mod_eq(const struct of_flow_mod *a, const struct of_flow_mod *b)
{
    if (!ofp_match_equal(&a->match, &b->match) || a->cookie != b->cookie ||
        a->command != b->command || a->idle_timeout != b->idle_timeout ||
        a->hard_timeout != b->hard_timeout || a->priority != b->priority ||
        a->buffer_id != b->buffer_id || a->out_port != b->out_port ||
        a->flags != b->flags || a->n_actions != b->n_actions)
        return false;
    return !memcmp(a->actions, b->actions, a->n_actions * sizeof a->actions[0]);
}

/* Appends the printf-style text to again[*len...].  Returns nothing. */
static void add(size_t *len, const char *fmt, unsigned long long v)
{
    int n = snprintf(again + *len, sizeof again - *len, fmt, v);
    CHECK(n >= 0 && (size_t)n < sizeof again - *len);
    *len += (size_t)n;
}

/* Writes fm1 back as flow text under cmd into `again`.  Returns nothing. */
static void unparse(enum ofp_parse_cmd cmd)
{
    size_t len;
    int n = ofp_format_match(&fm1.match, again, sizeof again);
    CHECK(n >= 0 && (size_t)n < sizeof again);
    len = (size_t)n;
    if (fm1.priority != OFP_DEFAULT_PRIORITY)
        add(&len, " priority=%llu", fm1.priority);
    if (fm1.cookie)
        add(&len, " cookie=0x%llx", fm1.cookie);
    if (fm1.idle_timeout)
        add(&len, " idle_timeout=%llu", fm1.idle_timeout);
    if (fm1.hard_timeout)
        add(&len, " hard_timeout=%llu", fm1.hard_timeout);
    if (fm1.out_port != OFPP_NONE)
        add(&len, " out_port=%llu", fm1.out_port);
    if (fm1.flags & OFPFF_SEND_FLOW_REM)
        add(&len, " send_flow_rem", 0);
    if (fm1.flags & OFPFF_CHECK_OVERLAP)
        add(&len, " check_overlap", 0);
    if (fm1.flags & OFPFF_EMERG)
        add(&len, " emergency", 0);
    if (cmd == OFP_PARSE_DELETE || cmd == OFP_PARSE_DELETE_STRICT)
        return;
    add(&len, " actions=", 0);
    n = ofp_format_actions(fm1.actions, fm1.n_actions, again + len, sizeof again - len);
    CHECK(n >= 0 && (size_t)n < sizeof again - len);
}

/* ofp_parse_flows callback: prints the flow.  Returns 0. */
static int print_cb(const struct of_flow_mod *fm, unsigned line, void *arg, char *why,
                    size_t whylen)
{
    char buf[64];
    (void)arg;
    CHECK(line >= 1);
    int n = ofp_format_flow_mod(fm, buf, sizeof buf);
    CHECK(n >= 0 && strlen(buf) == ((size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1));
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[160], err2[160];

    if (size < 1 || size - 1 >= sizeof text)
        return 0;
    enum ofp_parse_cmd cmd = cmds[data[0] % (sizeof cmds / sizeof cmds[0])];
    const char *s = (const char *)data + 1;
    size_t n = size - 1;

    memcpy(text, s, n);
    text[n] = '\0';
    err[0] = '\0';
    int rc = ofp_parse_flows(text, "fuzz", cmd, print_cb, NULL, err, sizeof err);
    CHECK(rc >= 0 || (err[0] && !strchr(err, '\n')));

    err[0] = '\0';
    if (ofp_parse_flow_n(s, n, cmd, &fm1, err, sizeof err) != 0) {
        CHECK(err[0] != '\0' && !strchr(err, '\n'));
        return 0;
    }
    CHECK(fm1.n_actions <= OF_MAX_ACTIONS && fm1.command == (uint16_t)cmd);

    int l1 = ofp_format_flow_mod(&fm1, line1, sizeof line1);
    CHECK(l1 > 0 && (size_t)l1 < sizeof line1 && strlen(line1) == (size_t)l1);
    CHECK(!strchr(line1, '\n'));
    char small[17];
    CHECK(ofp_format_flow_mod(&fm1, small, sizeof small) == l1);
    CHECK(strlen(small) == ((size_t)l1 < sizeof small ? (size_t)l1 : sizeof small - 1));

    unparse(cmd);
    err2[0] = '\0';
    if (ofp_parse_flow(again, cmd, &fm2, err2, sizeof err2) != 0) {
        fuzz_fail("re-parse of '%s' (printed from '%.*s') failed: %s", again, (int)n, s,
                  err2);
    }
    if (!flow_mod_eq(&fm1, &fm2)) {
        fuzz_fail("re-parse of '%s' (from '%.*s') gives another flow", again, (int)n, s);
    }
    int l2 = ofp_format_flow_mod(&fm2, line2, sizeof line2);
    if (l2 != l1 || strcmp(line1, line2)) {
        fuzz_fail("printed '%s' then '%s'", line1, line2);
    }
    return 0;
}
