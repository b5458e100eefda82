/*
 * netdev.c — netdev dispatch (implements the non-inline part of os/netdev.h).
 *
 * Parses "type:arg" specs, finds the class in the target's registry
 * (netdev_classes()) and supplies the defaults for the optional class
 * operations.  Control path only; portable code.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "os/byteorder.h"
#include "os/log.h"
#include "os/netdev.h"

/* Returns the class whose type is the `len` bytes at `type`, or NULL. */
static const struct netdev_class *netdev_find_class(const char *type, size_t len)
{
    const struct netdev_class *const *cls = netdev_classes();
    for (; cls && *cls; cls++) {
        const char *t = (*cls)->type;
        if (t && strlen(t) == len && strncmp(t, type, len) == 0)
            return *cls;
    }
    return NULL;
}

/* Logs the list of known types after an unknown one.  Returns nothing. */
static void netdev_log_unknown(const char *spec, size_t len)
{
    char known[128];
    size_t used = 0;
    known[0] = '\0';
    const struct netdev_class *const *cls = netdev_classes();
    for (; cls && *cls && used < sizeof known; cls++) {
        int n = snprintf(known + used, sizeof known - used, "%s%s", used ? ", " : "",
                         (*cls)->type);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    os_log(OS_LOG_ERR, "netdev", "'%s': unknown device type '%.*s' (known: %s)", spec,
           (int)len, spec, known[0] ? known : "none");
}

int netdev_open(const char *spec, struct pkt_pool *pool, struct netdev **out)
{
    if (!out)
        return -EINVAL;
    *out = NULL;
    if (!spec) {
        os_log(OS_LOG_ERR, "netdev", "no device spec given");
        return -EINVAL;
    }
    const char *colon = strchr(spec, ':');
    if (!colon || colon == spec) {
        os_log(OS_LOG_ERR, "netdev", "'%s': malformed device spec, expected TYPE:ARG", spec);
        return -EINVAL;
    }
    size_t tlen = (size_t)(colon - spec);
    const struct netdev_class *cls = netdev_find_class(spec, tlen);
    if (!cls) {
        netdev_log_unknown(spec, tlen);
        return -EINVAL;
    }
    const char *arg = colon + 1;
    if (arg[0] == '\0') {
        os_log(OS_LOG_ERR, "netdev", "'%s': missing argument after '%.*s:'", spec, (int)tlen,
               spec);
        return -EINVAL;
    }
    struct netdev *dev = NULL;
    int err = cls->open(arg, pool, &dev);
    if (err < 0)
        return err;
    if (!dev) {
        os_log(OS_LOG_ERR, "netdev", "'%s': driver returned no device", spec);
        return -EIO;
    }
    if (!dev->cls)
        dev->cls = cls;
    if (!dev->pool)
        dev->pool = pool;
    *out = dev;
    return 0;
}

void netdev_close(struct netdev *dev)
{
    if (dev)
        dev->cls->close(dev);
}

int netdev_flush(struct netdev *dev)
{
    return dev->cls->flush ? dev->cls->flush(dev) : 0;
}

int netdev_next_rx_ts(struct netdev *dev, uint64_t *ts)
{
    if (dev->cls->next_rx_ts)
        return dev->cls->next_rx_ts(dev, ts);
    return netdev_rx_done(dev) ? -ENODATA : -EAGAIN;
}

int netdev_set_up(struct netdev *dev, bool up)
{
    return dev->cls->set_up ? dev->cls->set_up(dev, up) : 0;
}

bool netdev_poll_link(struct netdev *dev)
{
    return dev->cls->poll_link ? dev->cls->poll_link(dev) : false;
}

int netdev_arm_rx_wakeup(struct netdev *dev)
{
    return dev->cls->arm_rx_wakeup ? dev->cls->arm_rx_wakeup(dev) : -EOPNOTSUPP;
}

uint32_t netdev_flow_hash(const struct pkt *p)
{
    const uint8_t *b = p->data;
    uint32_t h = 2166136261u;
    unsigned end = p->len < 12 ? p->len : 12;
    if (p->len >= 34 && os_get_be16(b + 12) == 0x0800) {
        unsigned ihl = (b[14] & 0xfu) * 4u;
        bool l4 = (b[23] == 6 || b[23] == 17) && !(os_get_be16(b + 20) & 0x3fff);
        end = l4 && p->len >= 14 + ihl + 4 ? 14 + ihl + 4 : 34;
    }
    for (unsigned i = 0; i < end; i++)
        if (i < 12 || i >= 26)
            h = (h ^ b[i]) * 16777619u; /* FNV-1a */
    h ^= h >> 16; /* FNV's low bits are weak: finish with murmur3's mixer */
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return h;
}
