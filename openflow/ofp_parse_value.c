/*
 * ofp_parse_value.c — the flow-syntax lexer and value parsers (numbers,
 * IPv4 addresses, Ethernet addresses, ports).  See ofp_parse_priv.h.
 */
#include "ofp_parse_priv.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ofp_perr(struct ofp_perr *e, const char *fmt, ...)
{
    va_list ap;

    if (e && e->buf && e->size) {
        va_start(ap, fmt);
        vsnprintf(e->buf, e->size, fmt, ap);
        va_end(ap);
        /* Messages quote the input: keep them one printable line. */
        for (char *c = e->buf; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
    }
    return -EINVAL;
}

static bool is_in(char c, const char *set)
{
    return c != '\0' && strchr(set, c) != NULL;
}

/* Length of the value at s..end up to a delimiter in `delims`, skipping
 * over balanced parentheses (ovs's parse_value()). */
static size_t value_len(const char *s, const char *end, const char *delims)
{
    size_t n = 0, len = (size_t)(end - s);

    while (n < len && !is_in(s[n], delims)) {
        if (s[n] == '(') {
            int level = 0;
            do {
                if (s[n] == '(')
                    level++;
                else if (s[n] == ')')
                    level--;
                n++;
            } while (level > 0 && n < len);
        } else {
            n++;
        }
    }
    return n;
}

bool ofp_lex_next(const char **pos, const char *end, struct ofp_kv *kv)
{
    const char *p = *pos;
    const char *delims;
    size_t n;

    while (p < end && is_in(*p, ", \t\r\n"))
        p++;
    if (p >= end) {
        *pos = p;
        return false;
    }
    kv->key.s = p;
    while (p < end && !is_in(*p, ":=(, \t\r\n"))
        p++;
    kv->key.n = (size_t)(p - kv->key.s);
    kv->delim = p < end && is_in(*p, ":=(") ? *p : 0;
    kv->val.s = p;
    kv->val.n = 0;
    if (p < end)
        p++; /* past the delimiter, whichever it was */
    if (!kv->delim) {
        *pos = p;
        return true;
    }
    delims = kv->delim == '(' ? ")" : ", \t\r\n";
    n = value_len(p, end, delims);
    kv->val.s = p;
    kv->val.n = n;
    p += n;
    if (p < end)
        p++; /* past the value's delimiter */
    *pos = p;
    return true;
}

bool ofp_str_eq(struct ofp_str a, const char *lit)
{
    return strlen(lit) == a.n && !memcmp(a.s, lit, a.n);
}

bool ofp_str_caseeq(struct ofp_str a, const char *lit)
{
    return strlen(lit) == a.n && !strncasecmp(a.s, lit, a.n);
}

static int digit_value(char c)
{
    if (isdigit((unsigned char)c))
        return c - '0';
    if (isxdigit((unsigned char)c))
        return tolower((unsigned char)c) - 'a' + 10;
    return 99;
}

int ofp_parse_uint(struct ofp_str v, int base, uint64_t max, uint64_t *out)
{
    size_t i = 0;
    uint64_t x = 0;
    bool range = false;

    if (base == 0) {
        if (v.n > 2 && v.s[0] == '0' && (v.s[1] == 'x' || v.s[1] == 'X')) {
            base = 16;
            i = 2;
        } else if (v.n > 1 && v.s[0] == '0') {
            base = 8;
            i = 1;
        } else {
            base = 10;
        }
    }
    if (i >= v.n)
        return -EINVAL;
    for (; i < v.n; i++) {
        int d = digit_value(v.s[i]);
        if (d >= base)
            return -EINVAL;
        if (x > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            range = true;
        else
            x = x * (uint64_t)base + (uint64_t)d;
    }
    if (range || x > max)
        return -ERANGE;
    *out = x;
    return 0;
}

int ofp_parse_ipv4(struct ofp_str v, uint32_t *addr)
{
    uint32_t a = 0;
    size_t i = 0;

    for (int part = 0; part < 4; part++) {
        unsigned x = 0, digits = 0;
        if (part > 0) {
            if (i >= v.n || v.s[i] != '.')
                return -EINVAL;
            i++;
        }
        for (; i < v.n && isdigit((unsigned char)v.s[i]); i++, digits++) {
            x = x * 10 + (unsigned)(v.s[i] - '0');
            if (x > 255)
                return -EINVAL;
        }
        if (!digits)
            return -EINVAL;
        a = a << 8 | x;
    }
    if (i != v.n)
        return -EINVAL;
    *addr = a;
    return 0;
}

int ofp_parse_mac(struct ofp_str v, uint8_t mac[6])
{
    size_t i = 0;

    for (int part = 0; part < 6; part++) {
        unsigned x = 0, digits = 0;
        if (part > 0) {
            if (i >= v.n || v.s[i] != ':')
                return -EINVAL;
            i++;
        }
        for (; i < v.n && isxdigit((unsigned char)v.s[i]) && digits < 2; i++, digits++)
            x = x * 16 + (unsigned)digit_value(v.s[i]);
        if (!digits)
            return -EINVAL;
        mac[part] = (uint8_t)x;
    }
    return i == v.n ? 0 : -EINVAL;
}

static const struct {
    const char *name;
    uint16_t port;
} port_names[] = {
    { "IN_PORT", OFPP_IN_PORT }, { "TABLE", OFPP_TABLE },
    { "NORMAL", OFPP_NORMAL },   { "FLOOD", OFPP_FLOOD },
    { "ALL", OFPP_ALL },         { "CONTROLLER", OFPP_CONTROLLER },
    { "LOCAL", OFPP_LOCAL },     { "ANY", OFPP_NONE },
    { "NONE", OFPP_NONE },
};
#define N_PORT_NAMES (sizeof port_names / sizeof port_names[0])

const char *ofp_port_name(uint16_t port)
{
    for (size_t i = 0; i < N_PORT_NAMES; i++)
        if (port_names[i].port == port)
            return port_names[i].name;
    return NULL;
}

int ofp_parse_port(const char *s, size_t len, uint16_t *port)
{
    struct ofp_str v = { s, len };
    uint64_t x;

    for (size_t i = 0; i < N_PORT_NAMES; i++) {
        if (ofp_str_caseeq(v, port_names[i].name)) {
            *port = port_names[i].port;
            return 0;
        }
    }
    if (ofp_parse_uint(v, 10, UINT16_MAX, &x))
        return -EINVAL;
    *port = (uint16_t)x;
    return 0;
}
