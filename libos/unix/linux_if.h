/*
 * linux_if.h — small Linux network-interface helpers for the unix netdevs.
 *
 * SIOC* ioctls by interface name (flags, MTU, MAC, ethtool), shared by the
 * tap and AF_PACKET drivers.  Each call opens and closes its own control
 * socket: these run on the control path only (open, link polling).
 * Hosted code; unix target only.
 */
#ifndef LINUX_IF_H
#define LINUX_IF_H

#include <net/if.h>
#include <stdbool.h>

/* Runs one SIOC* ioctl on interface `name` (copied into ifr).  Returns 0
 * or a negative errno. */
int linux_if_ioctl(unsigned long req, const char *name, struct ifreq *ifr);

/* Returns the interface flags (IFF_*) of `name`, or a negative errno. */
int linux_if_get_flags(const char *name);

/* Sets or clears IFF_UP on `name`.  Returns 0 or a negative errno. */
int linux_if_set_up(const char *name, bool up);

/* Returns true when `name` has carrier (IFF_RUNNING); false when it has
 * not or cannot be queried. */
bool linux_if_running(const char *name);

/* Claims interface `name` for one port of this process (tap and afpacket
 * ports share the claims); `driver` labels the error logged on failure.
 * Returns 0, or -EBUSY when a port already uses it (the same interface as
 * two ports would receive every frame twice) or -ENOSPC past
 * LINUX_IF_MAX_CLAIMS interfaces. */
#define LINUX_IF_MAX_CLAIMS 128
int linux_if_claim(const char *driver, const char *name);

/* Gives back a claim of linux_if_claim (none held: ignored).  Returns
 * nothing. */
void linux_if_release(const char *name);

struct netdev;

/* Refreshes dev->link_up from the carrier of the interface named
 * dev->name.  Returns true when it changed (a netdev poll_link op). */
bool linux_if_poll_link(struct netdev *dev);

#endif /* LINUX_IF_H */
