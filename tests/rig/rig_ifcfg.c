/*
 * rig_ifcfg.c — interface settings rtnetlink does not cover, in the current
 * network namespace: offloads through the legacy SIOCETHTOOL commands (what
 * `ethtool -K` does on kernels without the ethtool netlink family), IPv6
 * through its sysctl, and persistent tap devices through /dev/net/tun.
 */
#include "rig.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* One offload: its get/set commands and its place in struct rig_offloads. */
struct feature {
    const char *name;
    uint32_t get, set;
    size_t off;
};

/* In the order they are turned on (dependencies first: TSO needs SG and TX
 * checksumming); they are turned off in reverse. */
static const struct feature features[] = {
    {"tx-checksum", ETHTOOL_GTXCSUM, ETHTOOL_STXCSUM, offsetof(struct rig_offloads, tx_csum)},
    {"rx-checksum", ETHTOOL_GRXCSUM, ETHTOOL_SRXCSUM, offsetof(struct rig_offloads, rx_csum)},
    {"scatter-gather", ETHTOOL_GSG, ETHTOOL_SSG, offsetof(struct rig_offloads, sg)},
    {"tso", ETHTOOL_GTSO, ETHTOOL_STSO, offsetof(struct rig_offloads, tso)},
    {"gso", ETHTOOL_GGSO, ETHTOOL_SGSO, offsetof(struct rig_offloads, gso)},
    {"gro", ETHTOOL_GGRO, ETHTOOL_SGRO, offsetof(struct rig_offloads, gro)},
};
#define N_FEATURES (sizeof features / sizeof features[0])

/* Runs ethtool command cmd with value *data on ifname through socket s.
 * Returns 0 or -errno. */
static int ethtool(int s, const char *ifname, uint32_t cmd, uint32_t *data)
{
    struct ethtool_value v = {.cmd = cmd, .data = *data};
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    ifr.ifr_data = (void *)&v;
    if (ioctl(s, SIOCETHTOOL, &ifr) < 0)
        return -errno;
    *data = v.data;
    return 0;
}

static int with_socket(const char *ifname, int *s)
{
    *s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (*s < 0) {
        int e = errno;
        fprintf(stderr, "sluice-rig: socket for %s: %s\n", ifname, strerror(e));
        return -e;
    }
    return 0;
}

int rig_offload_get(const char *ifname, struct rig_offloads *o)
{
    int s, rc = with_socket(ifname, &s);
    if (rc)
        return rc;
    for (size_t i = 0; i < N_FEATURES && !rc; i++) {
        uint32_t v = 0;
        rc = ethtool(s, ifname, features[i].get, &v);
        *(bool *)((char *)o + features[i].off) = v != 0;
    }
    close(s);
    return rc;
}

int rig_offload_set(const char *ifname, bool on)
{
    int s, rc = with_socket(ifname, &s);
    if (rc)
        return rc;
    for (size_t k = 0; k < N_FEATURES && !rc; k++) {
        const struct feature *f = &features[on ? k : N_FEATURES - 1 - k];
        uint32_t v = on;
        rc = ethtool(s, ifname, f->set, &v);
        if (!rc) {
            v = 0;
            rc = ethtool(s, ifname, f->get, &v);
            if (!rc && (v != 0) != on)
                rc = -EOPNOTSUPP;
        }
        if (rc)
            fprintf(stderr, "sluice-rig: %s: cannot turn %s %s: %s\n", ifname, f->name,
                    on ? "on" : "off", strerror(-rc));
    }
    close(s);
    return rc;
}

int rig_ipv6_disable(const char *ifname)
{
    char path[128];
    snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -errno; /* no IPv6 in this kernel: fine */
    int rc = write(fd, "1", 1) == 1 ? 0 : -errno;
    close(fd);
    return rc;
}

int rig_tap_add(const char *name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        fprintf(stderr, "sluice-rig: /dev/net/tun: %s\n", strerror(e));
        return -e;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    int rc = 0;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETPERSIST, 1) < 0) {
        rc = -errno;
        fprintf(stderr, "sluice-rig: create tap %s: %s\n", name, strerror(-rc));
    }
    close(fd);
    return rc;
}
