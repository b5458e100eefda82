/*
 * rig_up.c — `sluice-rig up` and `down`.
 *
 * up is idempotent: each object is created only when absent, and every
 * setting is (re)applied.  Each object this call creates is written in a
 * journal; on the first failure the journal is undone in reverse, so a
 * failed `up` removes exactly what it added and nothing that was there
 * before.  down removes everything named "<prefix>-*" (see rig.h).
 */
#include "rig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JOURNAL_MAX (4 * RIG_MAX_HOSTS + 4)

enum jkind { J_LINK, J_NETNS };

struct up_ctx {
    const struct rig_topo *t;
    struct rig_nl *nl; /* root namespace */
    struct {
        enum jkind kind;
        char name[RIG_NAME_MAX];
    } journal[JOURNAL_MAX];
    unsigned n_journal;
    long fail_after; /* test hook: fail after this many creations; -1 = never */
};

/* Records a created object.  Returns 0, or -ECANCELED when the test hook
 * says this creation is the one after which to fail. */
static int journal_add(struct up_ctx *c, enum jkind kind, const char *name)
{
    if (c->n_journal < JOURNAL_MAX) {
        c->journal[c->n_journal].kind = kind;
        snprintf(c->journal[c->n_journal].name, RIG_NAME_MAX, "%s", name);
        c->n_journal++;
    }
    if (c->fail_after >= 0 && (long)c->n_journal >= c->fail_after) {
        fprintf(stderr, "sluice-rig: injected failure after %u creations "
                        "(SLUICE_RIG_FAIL_AFTER)\n", c->n_journal);
        return -ECANCELED;
    }
    return 0;
}

static void journal_undo(struct up_ctx *c)
{
    while (c->n_journal > 0) {
        c->n_journal--;
        const char *name = c->journal[c->n_journal].name;
        if (c->journal[c->n_journal].kind == J_LINK)
            rig_link_del(c->nl, name);
        else
            rig_netns_del(name);
    }
}

static unsigned host_mtu(const struct rig_topo *t, unsigned i)
{
    return t->hosts[i].mtu ? t->hosts[i].mtu : t->mtu;
}

/* Creates root-namespace bridge `name` unless present, then brings it up.
 * Returns 0 or -errno. */
static int ensure_bridge(struct up_ctx *c, const char *name, unsigned mtu)
{
    int rc = rig_link_exists(c->nl, name);
    if (rc == 0) {
        rc = rig_link_add_bridge(c->nl, name);
        if (!rc)
            rc = journal_add(c, J_LINK, name);
    }
    if (rc < 0)
        return rc;
    struct rig_link_cfg cfg = {.mtu = mtu, .up = true};
    rc = rig_link_set(c->nl, name, &cfg);
    return rc ? rc : rig_ipv6_disable(name);
}

/* Sets MTU, up, IPv6 off and offloads on link `name` of the current
 * namespace (socket nl).  Returns 0 or -errno. */
static int setup_veth_end(const struct rig_topo *t, struct rig_nl *nl, const char *name,
                          const uint8_t *mac, unsigned mtu)
{
    struct rig_link_cfg cfg = {.mac = mac, .mtu = mtu, .up = true};
    int rc = rig_link_set(nl, name, &cfg);
    if (!rc)
        rc = rig_ipv6_disable(name);
    if (!rc)
        rc = rig_offload_set(name, t->offload);
    return rc;
}

/* Inside host i's namespace: lo up, eth0 configured and addressed.
 * Returns 0 or -errno (always back in the root namespace). */
static int setup_inside(struct up_ctx *c, unsigned i, const char *ns)
{
    const struct rig_host *h = &c->t->hosts[i];
    int saved, rc = rig_netns_enter(ns, &saved);
    if (rc)
        return rc;
    struct rig_nl *nl = NULL;
    rc = rig_nl_open(&nl);
    if (!rc) {
        struct rig_link_cfg lo = {.up = true};
        rc = rig_link_set(nl, "lo", &lo);
    }
    if (!rc)
        rc = setup_veth_end(c->t, nl, RIG_HOST_IF, h->has_mac ? h->mac : NULL,
                            host_mtu(c->t, i));
    if (!rc)
        rc = rig_addr_add(nl, RIG_HOST_IF, h->addr, h->plen);
    rig_nl_close(nl);
    if (rc)
        fprintf(stderr, "sluice-rig: (that was inside namespace %s)\n", ns);
    int rc2 = rig_netns_leave(saved);
    return rc ? rc : rc2;
}

/* The tap mode's per-host bridge <p>-b<i> joining veth end `port` and tap
 * <p>-t<i>.  Returns 0 or -errno. */
static int setup_tap(struct up_ctx *c, unsigned i, const char *port)
{
    char tap[RIG_NAME_MAX], br[RIG_NAME_MAX];
    rig_name(c->t, "t", i + 1, tap);
    rig_name(c->t, "b", i + 1, br);
    unsigned mtu = host_mtu(c->t, i);
    int rc = ensure_bridge(c, br, mtu);
    if (!rc)
        rc = rig_link_exists(c->nl, tap);
    if (rc == 0) {
        rc = rig_tap_add(tap);
        if (!rc)
            rc = journal_add(c, J_LINK, tap);
    }
    if (rc < 0)
        return rc;
    struct rig_link_cfg cfg = {.mtu = mtu, .up = true};
    rc = rig_link_set(c->nl, tap, &cfg);
    if (!rc)
        rc = rig_ipv6_disable(tap);
    if (!rc)
        rc = rig_link_enslave(c->nl, tap, br);
    if (!rc)
        rc = rig_link_enslave(c->nl, port, br);
    return rc;
}

/* Everything for host i.  Returns 0 or -errno. */
static int host_up(struct up_ctx *c, unsigned i)
{
    char ns[RIG_NAME_MAX], port[RIG_NAME_MAX];
    rig_ns_name(c->t, i, ns);
    rig_name(c->t, "p", i + 1, port);

    int rc = rig_netns_add(ns);
    if (rc == 1)
        rc = journal_add(c, J_NETNS, ns);
    if (rc < 0)
        return rc;
    rc = rig_link_exists(c->nl, port);
    if (rc == 0) {
        int nsfd = rig_netns_open(ns);
        if (nsfd < 0)
            return nsfd;
        rc = rig_link_add_veth(c->nl, port, RIG_HOST_IF, nsfd);
        close(nsfd);
        if (!rc)
            rc = journal_add(c, J_LINK, port);
    }
    if (rc < 0)
        return rc;
    rc = setup_veth_end(c->t, c->nl, port, NULL, host_mtu(c->t, i));
    if (!rc)
        rc = setup_inside(c, i, ns);
    if (!rc && c->t->mode == RIG_MODE_TAP)
        rc = setup_tap(c, i, port);
    if (!rc && c->t->mode == RIG_MODE_BRIDGE) {
        char br[RIG_NAME_MAX];
        rc = rig_link_enslave(c->nl, port, rig_name(c->t, "br", 0, br));
    }
    return rc;
}

/* Reads host i's MAC from inside its namespace.  Returns 0 or -errno. */
static int host_mac(const struct rig_topo *t, unsigned i, uint8_t mac[6])
{
    char ns[RIG_NAME_MAX];
    int saved, rc = rig_netns_enter(rig_ns_name(t, i, ns), &saved);
    if (rc)
        return rc;
    struct rig_nl *nl;
    rc = rig_nl_open(&nl);
    if (!rc) {
        rc = rig_link_mac(nl, RIG_HOST_IF, mac);
        rig_nl_close(nl);
    }
    rig_netns_leave(saved);
    return rc;
}

static void print_topology(const struct rig_topo *t)
{
    char name[RIG_NAME_MAX];
    for (unsigned i = 0; i < t->n_hosts; i++) {
        if (t->mode == RIG_MODE_VETH)
            printf("port %u afpacket:%s\n", i + 1, rig_name(t, "p", i + 1, name));
        else if (t->mode == RIG_MODE_TAP)
            printf("port %u tap:%s\n", i + 1, rig_name(t, "t", i + 1, name));
    }
    if (t->mode == RIG_MODE_BRIDGE)
        printf("bridge %s\n", rig_name(t, "br", 0, name));
    for (unsigned i = 0; i < t->n_hosts; i++) {
        const struct rig_host *h = &t->hosts[i];
        uint8_t mac[6] = {0};
        uint32_t be = htonl(h->addr);
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &be, ip, sizeof ip);
        host_mac(t, i, mac);
        printf("host %s %s %s %s/%u %02x:%02x:%02x:%02x:%02x:%02x\n", h->name,
               rig_ns_name(t, i, name), RIG_HOST_IF, ip, h->plen, mac[0], mac[1], mac[2],
               mac[3], mac[4], mac[5]);
    }
    fflush(stdout);
}

int rig_up(const struct rig_topo *t)
{
    static struct up_ctx c; /* the journal is large-ish; one up per process */
    memset(&c, 0, sizeof c);
    c.t = t;
    const char *fa = getenv("SLUICE_RIG_FAIL_AFTER");
    c.fail_after = fa && *fa ? strtol(fa, NULL, 10) : -1;
    int rc = rig_nl_open(&c.nl);
    if (rc)
        return rc;
    if (t->mode == RIG_MODE_BRIDGE) {
        char br[RIG_NAME_MAX];
        rc = ensure_bridge(&c, rig_name(t, "br", 0, br), t->mtu);
    }
    for (unsigned i = 0; i < t->n_hosts && !rc; i++)
        rc = host_up(&c, i);
    if (rc) {
        fprintf(stderr, "sluice-rig: up failed; removing the %u object(s) it created\n",
                c.n_journal);
        journal_undo(&c);
    }
    rig_nl_close(c.nl);
    if (!rc)
        print_topology(t);
    return rc;
}

struct down_ctx {
    struct rig_nl *nl;
    int rc;
};

static void down_link(const char *name, void *arg)
{
    struct down_ctx *d = arg;
    int rc = rig_link_del(d->nl, name);
    if (rc && !d->rc)
        d->rc = rc;
}

static void down_netns(const char *name, void *arg)
{
    struct down_ctx *d = arg;
    int rc = rig_netns_del(name);
    if (rc && !d->rc)
        d->rc = rc;
}

int rig_down(const char *prefix)
{
    char pfx[RIG_NAME_MAX];
    snprintf(pfx, sizeof pfx, "%s-", prefix);
    struct down_ctx d = {0};
    int rc = rig_nl_open(&d.nl);
    if (rc)
        return rc;
    rc = rig_link_foreach_prefix(d.nl, pfx, down_link, &d);
    rig_nl_close(d.nl);
    int rc2 = rig_netns_foreach_prefix(pfx, down_netns, &d);
    return d.rc ? d.rc : rc ? rc : rc2;
}
