/* linux_if.c — small Linux network-interface helpers. */
#include "linux_if.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "os/log.h"
#include "os/netdev.h"

static char claims[LINUX_IF_MAX_CLAIMS][IFNAMSIZ]; /* "" = free slot */

/* Returns the slot holding `name`, or -1. */
static int claim_find(const char *name)
{
    for (int i = 0; i < LINUX_IF_MAX_CLAIMS; i++)
        if (claims[i][0] && strncmp(claims[i], name, IFNAMSIZ) == 0)
            return i;
    return -1;
}

int linux_if_claim(const char *driver, const char *name)
{
    if (claim_find(name) >= 0) {
        OS_ERR(driver, "'%s': already a port of this switch (each frame would arrive "
               "twice)", name);
        return -EBUSY;
    }
    for (int i = 0; i < LINUX_IF_MAX_CLAIMS; i++) {
        if (!claims[i][0]) {
            strncpy(claims[i], name, IFNAMSIZ - 1);
            return 0;
        }
    }
    OS_ERR(driver, "'%s': more than %d interfaces", name, LINUX_IF_MAX_CLAIMS);
    return -ENOSPC;
}

void linux_if_release(const char *name)
{
    int i = claim_find(name);
    if (i >= 0)
        claims[i][0] = '\0';
}

int linux_if_ioctl(unsigned long req, const char *name, struct ifreq *ifr)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -errno;
    strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
    int rc = ioctl(s, req, ifr) < 0 ? -errno : 0;
    close(s);
    return rc;
}

int linux_if_get_flags(const char *name)
{
    struct ifreq ifr = {0};
    int rc = linux_if_ioctl(SIOCGIFFLAGS, name, &ifr);
    return rc < 0 ? rc : (ifr.ifr_flags & 0xffff);
}

int linux_if_set_up(const char *name, bool up)
{
    int flags = linux_if_get_flags(name);
    if (flags < 0)
        return flags;
    struct ifreq ifr = {0};
    ifr.ifr_flags = (short)(up ? flags | IFF_UP : flags & ~IFF_UP);
    return linux_if_ioctl(SIOCSIFFLAGS, name, &ifr);
}

bool linux_if_running(const char *name)
{
    int flags = linux_if_get_flags(name);
    return flags >= 0 && (flags & IFF_RUNNING);
}

bool linux_if_poll_link(struct netdev *dev)
{
    bool up = linux_if_running(dev->name);
    if (up == dev->link_up)
        return false;
    dev->link_up = up;
    return true;
}
