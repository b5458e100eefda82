/*
 * uk_net.h — the unikernel images' TCP/IP interface for the OpenFlow
 * channel: libos/net on a management NIC or in band on the datapath's LOCAL
 * port, with os/stream.h attached to it, so --controller and --listen work
 * on the images as on the unix target.
 *
 * Where it attaches (sw_config: --mgmt, --ip):
 *  - `--mgmt TYPE:N` (out of band): that NIC is the stack's alone; it is
 *    not a switch port (the default port list leaves it out) and the flow
 *    table never sees its frames;
 *  - in band (`--mgmt local`, or no --mgmt): an internal link
 *    (libos/net/net_pair.h) whose other end is the datapath's LOCAL port,
 *    as Open vSwitch's bridge-internal port.  The flow table forwards the
 *    control traffic like any other: with fail-mode standalone (NORMAL)
 *    that needs nothing; in fail-mode secure the operator must pass ARP
 *    and the controller's TCP between the uplink port and LOCAL with
 *    --flows (see libos/net/README.md).
 *  - address: `--ip ADDR/LEN[,GATEWAY]` or DHCP (`--ip dhcp`, the default).
 * The stack exists only when something needs it (--controller, --listen,
 * --mgmt or --ip).
 *
 * Called from os_main (uk_main.c) on the single CPU; nothing blocks.
 */
#ifndef UK_NET_H
#define UK_NET_H

#include <stdint.h>

#include "switch/sw_config.h"

struct uk_net;
struct sw_switch;

/* Makes the stack for cfg at now_ns (before sw_switch_create, whose
 * listeners need it) and attaches os/stream.h to it.  Returns 0 with *out
 * (NULL when cfg needs no stack), -EINVAL for a bad --ip or --mgmt (message
 * printed: a usage error), or another negative errno (message printed). */
int uk_net_start(const struct sw_config *cfg, uint64_t now_ns, struct uk_net **out);

/* In band: adds the internal link's other end to sw as its LOCAL port.
 * Does nothing out of band.  Returns 0 or a negative errno. */
int uk_net_attach(struct uk_net *n, struct sw_switch *sw);

/* One turn of the stack at now_ns (uk_main's loop, every turn).  Returns
 * the frames it received (0 when idle). */
unsigned uk_net_poll(struct uk_net *n, uint64_t now_ns);

/* Returns the stack's next timer (UINT64_MAX: none). */
uint64_t uk_net_deadline(const struct uk_net *n);

/* Before halting: arms the stack's NIC wake-up.  Returns 0, -EAGAIN
 * (frames waiting: do not sleep) or -EOPNOTSUPP (sleep briefly only). */
int uk_net_arm_wakeup(struct uk_net *n);

/* Writes one line about the stack (address, frames, TCP connections, the
 * heap it holds) through emit.  Does nothing for NULL.  Returns nothing. */
void uk_net_report(const struct uk_net *n, void (*emit)(const char *line, void *arg), void *arg);

/* Detaches os/stream.h and frees the stack and its NIC or link (call after
 * sw_switch_destroy).  NULL ignored.  Returns nothing. */
void uk_net_stop(struct uk_net *n);

#endif /* UK_NET_H */
