/*
 * ofp_parse_priv.h — internals shared by the flow-syntax parser files
 * (ofp_parse.c: flow keywords and files; ofp_parse_match.c: match fields;
 * ofp_parse_action.c: actions; ofp_parse_value.c: the lexer and value
 * parsers).  Not for use outside openflow/ofp_parse*.c and ofp_print.c.
 *
 * The parser never copies or modifies the text: it works on slices
 * (pointer + length) and never looks past a slice's end.  Every function
 * that can fail returns 0 or -EINVAL and has then written its message
 * through ofp_perr().
 */
#ifndef OFP_PARSE_PRIV_H
#define OFP_PARSE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp_parse.h"

struct ofp_str {
    const char *s;
    size_t n;
};

/* One `key`, `key=value`, `key:value` or `key(value)` item; delim is '=',
 * ':', '(' or 0 when the key stands alone (val is then empty). */
struct ofp_kv {
    struct ofp_str key, val;
    char delim;
};

/* Where messages go. */
struct ofp_perr {
    char *buf;
    size_t size;
};

/* Writes the message (printf format) into e and returns -EINVAL. */
int ofp_perr(struct ofp_perr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The next item of `*pos` .. `end`, as ovs's ofputil_parse_key_value():
 * skips ", \t\r\n"; the key ends at one of ":=(, \t\r\n"; after ':' or '='
 * the value runs to the next ", \t\r\n" (balanced parentheses included),
 * after '(' to the matching ')'.  Returns false at the end of the text. */
bool ofp_lex_next(const char **pos, const char *end, struct ofp_kv *kv);

/* Returns true if the slice equals the NUL-terminated `lit` exactly, or
 * ignoring ASCII case. */
bool ofp_str_eq(struct ofp_str a, const char *lit);
bool ofp_str_caseeq(struct ofp_str a, const char *lit);

/* Parses an unsigned integer in `base` (0 = C rules: 0x hex, 0 octal;
 * 10 = decimal only) with no sign or spaces, at most `max`.  Returns 0,
 * -EINVAL (not a number) or -ERANGE (above max); writes no message. */
int ofp_parse_uint(struct ofp_str v, int base, uint64_t max, uint64_t *out);

/* Parses dotted-quad a.b.c.d (decimal parts 0..255) into host order.
 * Returns 0 or -EINVAL; writes no message. */
int ofp_parse_ipv4(struct ofp_str v, uint32_t *addr);

/* Parses xx:xx:xx:xx:xx:xx (1 or 2 hex digits per part).
 * Returns 0 or -EINVAL; writes no message. */
int ofp_parse_mac(struct ofp_str v, uint8_t mac[6]);

/* Returns the canonical name of a reserved port (IN_PORT ... LOCAL, ANY for
 * OFPP_NONE), or NULL for a plain port number. */
const char *ofp_port_name(uint16_t port);

/* Match field `kv` into `fm->match`; `seen` remembers the name used for
 * each field (for prerequisite messages).  Returns 0, -EINVAL, or -ENOENT
 * (not a match field: no message written). */
struct ofp_match_names;
int ofp_parse_match_field(const struct ofp_kv *kv, struct of_match *m,
                          struct ofp_match_names *seen, struct ofp_perr *e);

/* Names the user gave to the match fields, by OFPFW bit index. */
struct ofp_match_names {
    const char *name[22];
};

/* Checks prerequisites of the finished match (messages use the names in
 * `seen`).  Returns 0 or -EINVAL. */
int ofp_check_match(const struct of_match *m, const struct ofp_match_names *seen,
                    struct ofp_perr *e);

/* Parses the action list `text` into fm->actions / fm->n_actions.
 * Returns 0 or -EINVAL. */
int ofp_parse_actions(struct ofp_str text, struct of_flow_mod *fm, struct ofp_perr *e);

#endif /* OFP_PARSE_PRIV_H */
