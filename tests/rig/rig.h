/*
 * rig.h — the host test rig (`sluice-rig`): a topology of hosts in network
 * namespaces wired to switch ports, built through rtnetlink (libnl-3 /
 * libnl-route-3), the tun ioctls and the ethtool ioctl.  Never shells out.
 *
 * Modules (one job each, all hosted Linux code, all private to the rig):
 *   rig_topo.c    the topology file: parse and validate, derive names
 *   rig_nl.c      rtnetlink links and addresses in the current namespace
 *   rig_netns.c   named namespaces the way `ip netns add` makes them
 *                 (/run/netns/NAME bind mounts), entering and leaving them
 *   rig_ifcfg.c   settings outside rtnetlink: offloads (SIOCETHTOOL), IPv6
 *                 sysctl, persistent tap devices (/dev/net/tun)
 *   rig_up.c      `up` and `down`: idempotent, undo journal on failure
 *   sluice_rig.c  the command line
 *
 * Names.  A prefix is 1..RIG_PREFIX_MAX characters of [a-z0-9] (no '-'), so
 * "<prefix>-" names exactly one run: `down` removes every root-namespace
 * link and every namespace whose name starts with "<prefix>-", which makes
 * it safe against parallel runs with other prefixes and robust against a
 * topology file edited between `up` and `down`.  Host i (1-based) gets
 * namespace "<prefix>-<host>" holding interface "eth0" (plus "lo", up) and
 * in the root namespace the other veth end "<prefix>-p<i>", in tap mode also
 * tap "<prefix>-t<i>" and bridge "<prefix>-b<i>"; bridge mode adds one bridge
 * "<prefix>-br".
 *
 * Errors: functions return 0 or a negative errno and print one line saying
 * what failed to stderr ("sluice-rig: ...").  Lookups return 1 (present),
 * 0 (absent) or a negative errno.  Removal of something absent succeeds.
 */
#ifndef RIG_H
#define RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RIG_PREFIX_MAX 10  /* "<prefix>-p32" fits IFNAMSIZ-1 = 15 */
#define RIG_HOSTNAME_MAX 15
#define RIG_MAX_HOSTS 32
#define RIG_NAME_MAX 64    /* buffer size for any derived name */
#define RIG_HOST_IF "eth0" /* the host's interface inside its namespace */

enum rig_mode {
    RIG_MODE_VETH,   /* switch port = root end of the host's veth (afpacket) */
    RIG_MODE_TAP,    /* host veth -> bridge <p>-b<i> <- tap <p>-t<i> (tap port) */
    RIG_MODE_BRIDGE, /* every host veth on one Linux bridge <p>-br (no switch) */
};

struct rig_host {
    char name[RIG_HOSTNAME_MAX + 1];
    uint32_t addr; /* IPv4, host byte order */
    unsigned plen; /* 0..32 */
    bool has_mac;
    uint8_t mac[6];
    unsigned mtu; /* 0 = the topology's mtu */
};

struct rig_topo {
    char prefix[RIG_PREFIX_MAX + 1];
    enum rig_mode mode;
    bool offload;  /* offloads on (as users have them) or off */
    unsigned mtu;  /* 0 = kernel default (1500) */
    unsigned n_hosts;
    struct rig_host hosts[RIG_MAX_HOSTS];
};

/* --- rig_topo.c ---------------------------------------------------------- */

/* Parses topology text (NUL-terminated) into *t.  Returns 0, or -EINVAL with
 * "LINE: reason" in err.  Nothing is created: every check that can be made
 * without the kernel is made here. */
int rig_topo_parse(const char *text, struct rig_topo *t, char *err, size_t errlen);

/* Reads and parses file `path`.  Returns 0 or a negative errno (message in err). */
int rig_topo_load(const char *path, struct rig_topo *t, char *err, size_t errlen);

/* Returns true when `p` is a valid prefix (see the essay above). */
bool rig_prefix_valid(const char *p);

/* Writes "<prefix>-<what><i>" (or "<prefix>-<what>" when i == 0) into
 * out[RIG_NAME_MAX].  Returns out. */
char *rig_name(const struct rig_topo *t, const char *what, unsigned i, char *out);

/* Writes host i's (0-based) namespace name "<prefix>-<host>" into out. Returns out. */
char *rig_ns_name(const struct rig_topo *t, unsigned i, char *out);

/* Returns the mode's name ("veth", "tap", "bridge"). */
const char *rig_mode_name(enum rig_mode m);

/* --- rig_nl.c: rtnetlink in the namespace current when rig_nl_open ran --- */

struct rig_nl;

struct rig_link_cfg {
    const char *rename;   /* NULL = keep the name */
    const uint8_t *mac;   /* NULL = keep */
    unsigned mtu;         /* 0 = keep */
    bool up;              /* set IFF_UP (never clears it) */
};

/* Opens a route socket in the current namespace.  Returns 0 or -errno. */
int rig_nl_open(struct rig_nl **out);
void rig_nl_close(struct rig_nl *nl);

/* Returns 1 when link `name` exists, 0 when not, or -errno. */
int rig_link_exists(struct rig_nl *nl, const char *name);

/* Creates veth pair `name` <-> `peer`; with peer_nsfd >= 0 the peer is
 * created directly inside that namespace.  Returns 0 or -errno (-EEXIST). */
int rig_link_add_veth(struct rig_nl *nl, const char *name, const char *peer, int peer_nsfd);

/* Creates bridge `name` (STP off).  Returns 0 or -errno (-EEXIST). */
int rig_link_add_bridge(struct rig_nl *nl, const char *name);

/* Deletes link `name`.  Returns 0 (also when absent) or -errno. */
int rig_link_del(struct rig_nl *nl, const char *name);

/* Applies *cfg to link `name`.  Returns 0 or -errno. */
int rig_link_set(struct rig_nl *nl, const char *name, const struct rig_link_cfg *cfg);

/* Reads the MAC address of link `name` into mac[6].  Returns 0 or -errno. */
int rig_link_mac(struct rig_nl *nl, const char *name, uint8_t mac[6]);

/* Makes `name` a port of bridge `master`.  Returns 0 or -errno. */
int rig_link_enslave(struct rig_nl *nl, const char *name, const char *master);

/* Adds IPv4 address/plen to `name`; an address already there is fine.
 * Returns 0 or -errno. */
int rig_addr_add(struct rig_nl *nl, const char *name, uint32_t addr, unsigned plen);

/* Calls fn(name, arg) for every link whose name starts with `prefix`.
 * Names are copied first, so fn may delete links.  Returns 0 or -errno. */
int rig_link_foreach_prefix(struct rig_nl *nl, const char *prefix,
                            void (*fn)(const char *name, void *arg), void *arg);

/* --- rig_netns.c --------------------------------------------------------- */

/* Creates named namespace /run/netns/NAME as `ip netns add` does.  Returns
 * 1 when created, 0 when it already existed, or -errno. */
int rig_netns_add(const char *name);

/* Removes /run/netns/NAME (unmount + unlink).  Returns 0 (also when absent)
 * or -errno. */
int rig_netns_del(const char *name);

/* Opens namespace NAME.  Returns an O_RDONLY fd or -errno. */
int rig_netns_open(const char *name);

/* Enters namespace NAME; *saved receives an fd of the namespace left behind.
 * Returns 0 or -errno (then nothing changed). */
int rig_netns_enter(const char *name, int *saved);

/* Returns to the namespace `saved` and closes it.  Returns 0 or -errno. */
int rig_netns_leave(int saved);

/* Calls fn(name, arg) for each namespace in /run/netns starting with
 * `prefix`.  Returns 0 or -errno. */
int rig_netns_foreach_prefix(const char *prefix, void (*fn)(const char *name, void *arg),
                             void *arg);

/* --- rig_ifcfg.c (current namespace) ------------------------------------ */

/* Offloads of an interface, as ethtool -k names them. */
struct rig_offloads {
    bool tx_csum, rx_csum, sg, tso, gso, gro;
};

/* Sets tx/rx checksum, scatter-gather, TSO, GSO and GRO all on or all off.
 * Returns 0 or -errno. */
int rig_offload_set(const char *ifname, bool on);

/* Reads the offloads of ifname into *o.  Returns 0 or -errno. */
int rig_offload_get(const char *ifname, struct rig_offloads *o);

/* Turns IPv6 off on ifname (no DAD/RS chatter on test links).
 * Returns 0 or -errno. */
int rig_ipv6_disable(const char *ifname);

/* Creates persistent tap `name` (IFF_TAP|IFF_NO_PI, no vnet header, single
 * queue: what `sluice --port tap:NAME` and QEMU attach to).
 * Returns 0 or -errno. */
int rig_tap_add(const char *name);

/* --- rig_up.c ------------------------------------------------------------ */

/* Builds topology *t (idempotent) and prints one line per switch port /
 * host / bridge to stdout.  On failure removes what this call created and
 * returns -errno.  Env SLUICE_RIG_FAIL_AFTER=N fails after N creations
 * (a test hook for the undo path). */
int rig_up(const struct rig_topo *t);

/* Removes every link and namespace named "<prefix>-*".  Returns 0 or the
 * first -errno (it keeps going after a failure). */
int rig_down(const char *prefix);

#endif
