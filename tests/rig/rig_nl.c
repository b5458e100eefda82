/*
 * rig_nl.c — links and addresses through rtnetlink (libnl-route-3), in the
 * network namespace that was current when the socket was opened.
 */
#include "rig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>

struct rig_nl {
    struct nl_sock *sk;
};

/* Maps a (negative) libnl error to a negative errno. */
static int nl2errno(int nle)
{
    switch (nle < 0 ? -nle : nle) {
    case 0:
        return 0;
    case NLE_EXIST:
        return -EEXIST;
    case NLE_NODEV:
    case NLE_OBJ_NOTFOUND:
        return -ENODEV;
    case NLE_PERM:
    case NLE_NOACCESS:
        return -EPERM;
    case NLE_NOMEM:
        return -ENOMEM;
    case NLE_BUSY:
        return -EBUSY;
    case NLE_NOADDR:
        return -EADDRNOTAVAIL;
    case NLE_RANGE:
        return -ERANGE;
    case NLE_OPNOTSUPP:
        return -EOPNOTSUPP;
    case NLE_INVAL:
        return -EINVAL;
    default:
        return -EIO;
    }
}

/* Prints "sluice-rig: WHAT NAME: reason" for libnl error nle and returns
 * it as a negative errno. */
static int report(int nle, const char *what, const char *name)
{
    fprintf(stderr, "sluice-rig: %s %s: %s\n", what, name, nl_geterror(nle));
    return nl2errno(nle);
}

int rig_nl_open(struct rig_nl **out)
{
    struct rig_nl *nl = calloc(1, sizeof *nl);
    if (!nl)
        return -ENOMEM;
    nl->sk = nl_socket_alloc();
    int rc = nl->sk ? nl_connect(nl->sk, NETLINK_ROUTE) : -NLE_NOMEM;
    if (rc < 0) {
        rc = report(rc, "netlink", "socket");
        rig_nl_close(nl);
        return rc;
    }
    *out = nl;
    return 0;
}

void rig_nl_close(struct rig_nl *nl)
{
    if (!nl)
        return;
    if (nl->sk)
        nl_socket_free(nl->sk);
    free(nl);
}

/* Fetches link `name`.  Returns 0 (*out owned by the caller), -ENODEV, or
 * another -errno. */
static int get_link(struct rig_nl *nl, const char *name, struct rtnl_link **out)
{
    if (strlen(name) >= IFNAMSIZ)
        return -ENODEV;
    int rc = rtnl_link_get_kernel(nl->sk, 0, name, out);
    return rc < 0 ? nl2errno(rc) : 0;
}

int rig_link_exists(struct rig_nl *nl, const char *name)
{
    struct rtnl_link *l;
    int rc = get_link(nl, name, &l);
    if (rc == -ENODEV)
        return 0;
    if (rc)
        return rc;
    rtnl_link_put(l);
    return 1;
}

int rig_link_add_veth(struct rig_nl *nl, const char *name, const char *peer, int peer_nsfd)
{
    struct rtnl_link *l = rtnl_link_veth_alloc();
    if (!l)
        return -ENOMEM;
    struct rtnl_link *p = rtnl_link_veth_get_peer(l);
    rtnl_link_set_name(l, name);
    rtnl_link_set_name(p, peer);
    if (peer_nsfd >= 0)
        rtnl_link_set_ns_fd(p, peer_nsfd);
    rtnl_link_put(p);
    int rc = rtnl_link_add(nl->sk, l, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_veth_release(l);
    return rc < 0 ? report(rc, "create veth", name) : 0;
}

int rig_link_add_bridge(struct rig_nl *nl, const char *name)
{
    struct rtnl_link *l = rtnl_link_bridge_alloc();
    if (!l)
        return -ENOMEM;
    rtnl_link_set_name(l, name);
    int rc = rtnl_link_add(nl->sk, l, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(l);
    return rc < 0 ? report(rc, "create bridge", name) : 0;
}

int rig_link_del(struct rig_nl *nl, const char *name)
{
    struct rtnl_link *l;
    int rc = get_link(nl, name, &l);
    if (rc == -ENODEV)
        return 0;
    if (rc)
        return rc;
    rc = rtnl_link_delete(nl->sk, l);
    rtnl_link_put(l);
    if (rc < 0 && nl2errno(rc) != -ENODEV)
        return report(rc, "delete", name);
    return 0;
}

int rig_link_set(struct rig_nl *nl, const char *name, const struct rig_link_cfg *cfg)
{
    struct rtnl_link *orig;
    int rc = get_link(nl, name, &orig);
    if (rc)
        return rc == -ENODEV ? (fprintf(stderr, "sluice-rig: %s: no such link\n", name), rc)
                             : rc;
    struct rtnl_link *ch = rtnl_link_alloc();
    struct nl_addr *mac = NULL;
    if (!ch) {
        rtnl_link_put(orig);
        return -ENOMEM;
    }
    if (cfg->rename)
        rtnl_link_set_name(ch, cfg->rename);
    if (cfg->mac) {
        mac = nl_addr_build(AF_LLC, cfg->mac, 6);
        if (mac)
            rtnl_link_set_addr(ch, mac);
    }
    if (cfg->mtu)
        rtnl_link_set_mtu(ch, cfg->mtu);
    if (cfg->up)
        rtnl_link_set_flags(ch, IFF_UP);
    rc = rtnl_link_change(nl->sk, orig, ch, 0);
    rtnl_link_put(ch);
    rtnl_link_put(orig);
    if (mac)
        nl_addr_put(mac);
    return rc < 0 ? report(rc, "configure", name) : 0;
}

int rig_link_mac(struct rig_nl *nl, const char *name, uint8_t mac[6])
{
    struct rtnl_link *l;
    int rc = get_link(nl, name, &l);
    if (rc)
        return rc;
    struct nl_addr *a = rtnl_link_get_addr(l);
    if (a && nl_addr_get_len(a) == 6)
        memcpy(mac, nl_addr_get_binary_addr(a), 6);
    else
        rc = -EADDRNOTAVAIL;
    rtnl_link_put(l);
    return rc;
}

int rig_link_enslave(struct rig_nl *nl, const char *name, const char *master)
{
    struct rtnl_link *m, *l;
    int rc = get_link(nl, master, &m);
    if (rc)
        return rc;
    rc = get_link(nl, name, &l);
    if (rc) {
        rtnl_link_put(m);
        return rc;
    }
    rc = rtnl_link_enslave(nl->sk, m, l);
    rtnl_link_put(l);
    rtnl_link_put(m);
    return rc < 0 ? report(rc, "add to bridge", name) : 0;
}

int rig_addr_add(struct rig_nl *nl, const char *name, uint32_t addr, unsigned plen)
{
    struct rtnl_link *l;
    int rc = get_link(nl, name, &l);
    if (rc)
        return rc;
    int ifindex = rtnl_link_get_ifindex(l);
    rtnl_link_put(l);

    uint32_t be = htonl(addr);
    struct nl_addr *local = nl_addr_build(AF_INET, &be, 4);
    struct rtnl_addr *a = rtnl_addr_alloc();
    if (!local || !a) {
        nl_addr_put(local);
        rtnl_addr_put(a);
        return -ENOMEM;
    }
    nl_addr_set_prefixlen(local, (int)plen);
    rtnl_addr_set_ifindex(a, ifindex);
    rtnl_addr_set_local(a, local);
    rtnl_addr_set_prefixlen(a, (int)plen);
    rc = rtnl_addr_add(nl->sk, a, 0);
    rtnl_addr_put(a);
    nl_addr_put(local);
    if (rc < 0 && nl2errno(rc) != -EEXIST)
        return report(rc, "add address to", name);
    return 0;
}

struct name_list {
    char (*names)[IFNAMSIZ];
    size_t n, cap;
    const char *prefix;
};

static void collect(struct nl_object *obj, void *arg)
{
    struct name_list *nlst = arg;
    const char *name = rtnl_link_get_name((struct rtnl_link *)obj);
    if (!name || strncmp(name, nlst->prefix, strlen(nlst->prefix)) || nlst->n == nlst->cap)
        return;
    snprintf(nlst->names[nlst->n++], IFNAMSIZ, "%s", name);
}

int rig_link_foreach_prefix(struct rig_nl *nl, const char *prefix,
                            void (*fn)(const char *name, void *arg), void *arg)
{
    struct nl_cache *cache;
    int rc = rtnl_link_alloc_cache(nl->sk, AF_UNSPEC, &cache);
    if (rc < 0)
        return report(rc, "list links", prefix);
    struct name_list lst = {.cap = 1024, .prefix = prefix};
    lst.names = calloc(lst.cap, sizeof *lst.names);
    if (!lst.names) {
        nl_cache_free(cache);
        return -ENOMEM;
    }
    nl_cache_foreach(cache, collect, &lst);
    nl_cache_free(cache);
    for (size_t i = 0; i < lst.n; i++)
        fn(lst.names[i], arg);
    free(lst.names);
    return 0;
}
