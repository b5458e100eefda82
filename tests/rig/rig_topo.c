/*
 * rig_topo.c — the topology file (format in tests/rig/README.md): parse,
 * validate, and derive the names of everything a topology creates.
 */
#include "rig.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 8
#define MAX_MTU 65535
#define MIN_MTU 68
#define MAX_FILE (64 * 1024)

static bool name_valid(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
            return false;
    return true;
}

bool rig_prefix_valid(const char *p)
{
    return name_valid(p, RIG_PREFIX_MAX);
}

static bool parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    if (!isdigit((unsigned char)s[0]))
        return false;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = (unsigned)v;
    return true;
}

static bool parse_cidr(const char *s, uint32_t *addr, unsigned *plen)
{
    char buf[32];
    const char *slash = strchr(s, '/');
    if (!slash || (size_t)(slash - s) >= sizeof buf)
        return false;
    memcpy(buf, s, (size_t)(slash - s));
    buf[slash - s] = '\0';
    struct in_addr a;
    if (inet_pton(AF_INET, buf, &a) != 1 || !parse_uint(slash + 1, 0, 32, plen))
        return false;
    *addr = ntohl(a.s_addr);
    return true;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
    unsigned b[6];
    char tail;
    if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
                                  &b[4], &b[5], &tail) != 6)
        return false;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return true;
}

/* host NAME ADDR/PLEN [mac MAC] [mtu N].  Returns NULL or the reason. */
static const char *parse_host(struct rig_topo *t, char **tok, int n)
{
    if (n < 3 || n % 2 == 0)
        return "expected: host NAME ADDR/PREFIX [mac MAC] [mtu N]";
    if (t->n_hosts >= RIG_MAX_HOSTS)
        return "too many hosts (at most 32)";
    struct rig_host *h = &t->hosts[t->n_hosts];
    memset(h, 0, sizeof *h);
    if (!name_valid(tok[1], RIG_HOSTNAME_MAX))
        return "host name: 1-15 characters of [a-z0-9]";
    for (unsigned i = 0; i < t->n_hosts; i++)
        if (!strcmp(t->hosts[i].name, tok[1]))
            return "duplicate host name";
    strcpy(h->name, tok[1]);
    if (!parse_cidr(tok[2], &h->addr, &h->plen))
        return "invalid IPv4 address/prefix";
    for (int i = 3; i < n; i += 2) {
        if (!strcmp(tok[i], "mac")) {
            if (!parse_mac(tok[i + 1], h->mac))
                return "invalid MAC (expected xx:xx:xx:xx:xx:xx)";
            h->has_mac = true;
        } else if (!strcmp(tok[i], "mtu")) {
            if (!parse_uint(tok[i + 1], MIN_MTU, MAX_MTU, &h->mtu))
                return "invalid mtu (68..65535)";
        } else {
            return "unknown host option (mac, mtu)";
        }
    }
    t->n_hosts++;
    return NULL;
}

/* One tokenized line.  Returns NULL or the reason it is wrong. */
static const char *parse_line(struct rig_topo *t, char **tok, int n)
{
    const char *kw = tok[0];
    if (!strcmp(kw, "host"))
        return parse_host(t, tok, n);
    if (n != 2)
        return "expected: KEYWORD VALUE";
    const char *v = tok[1];
    if (!strcmp(kw, "prefix")) {
        if (!rig_prefix_valid(v))
            return "prefix: 1-10 characters of [a-z0-9]";
        strcpy(t->prefix, v);
    } else if (!strcmp(kw, "switch-port")) {
        if (!strcmp(v, "veth"))
            t->mode = RIG_MODE_VETH;
        else if (!strcmp(v, "tap"))
            t->mode = RIG_MODE_TAP;
        else if (!strcmp(v, "bridge"))
            t->mode = RIG_MODE_BRIDGE;
        else
            return "switch-port: veth, tap or bridge";
    } else if (!strcmp(kw, "offload")) {
        if (strcmp(v, "on") && strcmp(v, "off"))
            return "offload: on or off";
        t->offload = !strcmp(v, "on");
    } else if (!strcmp(kw, "mtu")) {
        if (!parse_uint(v, MIN_MTU, MAX_MTU, &t->mtu))
            return "invalid mtu (68..65535)";
    } else {
        return "unknown keyword (prefix, switch-port, host, offload, mtu)";
    }
    return NULL;
}

/* Splits line (in place) at whitespace, stopping at '#'.  Returns the
 * token count, or -1 when there are too many. */
static int tokenize(char *line, char **tok)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    int n = 0;
    for (char *s = strtok(line, " \t\r"); s; s = strtok(NULL, " \t\r")) {
        if (n == MAX_TOKENS)
            return -1;
        tok[n++] = s;
    }
    return n;
}

int rig_topo_parse(const char *text, struct rig_topo *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    strcpy(t->prefix, "sr");
    t->mode = RIG_MODE_VETH;
    char *copy = strdup(text);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    const char *why = NULL;
    unsigned lineno = 0;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line && !why;
         line = strtok_r(NULL, "\n", &save)) {
        char *tok[MAX_TOKENS];
        lineno++;
        int n = tokenize(line, tok);
        if (n < 0)
            why = "too many words";
        else if (n > 0)
            why = parse_line(t, tok, n);
    }
    free(copy);
    if (!why && t->n_hosts == 0) {
        why = "no host";
        lineno = 0;
    }
    if (why) {
        snprintf(err, errlen, "line %u: %s", lineno, why);
        return -EINVAL;
    }
    return 0;
}

int rig_topo_load(const char *path, struct rig_topo *t, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    char *buf = malloc(MAX_FILE + 1);
    size_t len = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
    int bad = !buf || ferror(f) || len > MAX_FILE;
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s: cannot read (or larger than 64 KiB)", path);
        free(buf);
        return -EIO;
    }
    buf[len] = '\0';
    char msg[200];
    int rc = rig_topo_parse(buf, t, msg, sizeof msg);
    free(buf);
    if (rc)
        snprintf(err, errlen, "%s: %s", path, msg);
    return rc;
}

char *rig_name(const struct rig_topo *t, const char *what, unsigned i, char *out)
{
    if (i)
        snprintf(out, RIG_NAME_MAX, "%s-%s%u", t->prefix, what, i);
    else
        snprintf(out, RIG_NAME_MAX, "%s-%s", t->prefix, what);
    return out;
}

char *rig_ns_name(const struct rig_topo *t, unsigned i, char *out)
{
    snprintf(out, RIG_NAME_MAX, "%s-%s", t->prefix, t->hosts[i].name);
    return out;
}

const char *rig_mode_name(enum rig_mode m)
{
    switch (m) {
    case RIG_MODE_TAP:
        return "tap";
    case RIG_MODE_BRIDGE:
        return "bridge";
    default:
        return "veth";
    }
}
