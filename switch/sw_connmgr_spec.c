/*
 * sw_connmgr_spec.c — parsing "tcp:HOST[:PORT]" and "ptcp:PORT[:IP]".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sw_connmgr.h"

/* Parses a decimal port in [min, 65535] spanning all of s.  Returns 0 or
 * -EINVAL. */
static int spec_port(const char *s, unsigned min, uint16_t *port)
{
    char *end;
    if (!*s || *s < '0' || *s > '9' || strlen(s) > 5)
        return -EINVAL;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || v < min || v > 65535)
        return -EINVAL;
    *port = (uint16_t)v;
    return 0;
}

/* Copies n bytes of s into dst[len] as a string.  Returns 0 or -EINVAL. */
static int spec_copy(char *dst, size_t len, const char *s, size_t n)
{
    if (n >= len)
        return -EINVAL;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

/* Splits "ADDR" / "[ADDR]" / "ADDR:PORT" / "[ADDR]:PORT" at the address.
 * addr and alen name the address, rest points after it (at ':' or NUL).
 * Returns 0 or -EINVAL. */
static int spec_addr(const char *s, const char **addr, size_t *alen, const char **rest)
{
    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (!close)
            return -EINVAL;
        *addr = s + 1;
        *alen = (size_t)(close - s - 1);
        *rest = close + 1;
        return **rest == '\0' || **rest == ':' ? 0 : -EINVAL;
    }
    const char *colon = strchr(s, ':');
    if (colon && strchr(colon + 1, ':'))
        colon = NULL; /* a bare IPv6 address: no port */
    *addr = s;
    *alen = colon ? (size_t)(colon - s) : strlen(s);
    *rest = s + *alen;
    return 0;
}

int sw_connmgr_parse_target(const char *spec, char *host, size_t hostlen, uint16_t *port)
{
    const char *addr, *rest;
    size_t alen;
    if (!spec || strncmp(spec, "tcp:", 4) != 0 || spec_addr(spec + 4, &addr, &alen, &rest) < 0)
        return -EINVAL;
    if (alen == 0 || spec_copy(host, hostlen, addr, alen) < 0)
        return -EINVAL;
    *port = SW_CONNMGR_DEFAULT_PORT;
    return *rest == ':' ? spec_port(rest + 1, 1, port) : 0;
}

int sw_connmgr_parse_listen(const char *spec, uint16_t *port, char *ip, size_t iplen)
{
    char num[8];
    if (!spec || strncmp(spec, "ptcp:", 5) != 0)
        return -EINVAL;
    const char *p = spec + 5, *colon = strchr(p, ':');
    size_t plen = colon ? (size_t)(colon - p) : strlen(p);
    if (spec_copy(num, sizeof num, p, plen) < 0 || spec_port(num, 0, port) < 0)
        return -EINVAL;
    if (!colon)
        return spec_copy(ip, iplen, "", 0);
    const char *ipstr = colon + 1;
    size_t n = strlen(ipstr);
    if (n >= 2 && ipstr[0] == '[' && ipstr[n - 1] == ']') {
        ipstr++;
        n -= 2;
    }
    if (n == 0)
        return -EINVAL;
    return spec_copy(ip, iplen, ipstr, n);
}
