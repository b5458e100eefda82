/*
 * sluice_xen.c — the xen image's uk_target (switch/unikernel/uk_target.h):
 * its ports are netfront vifs, "netfront:N" for device/vif/N in devid
 * order; packet buffers are whole pages (netfront grants one page per
 * receive buffer and sends a packet from its own page), also for a
 * management vif (--mgmt netfront:N, the TCP/IP stack's); `xl shutdown` and
 * `xl reboot` stop the run loop through control/shutdown.
 */
#include "libos/xen/xen.h"
#include "netfront/netfront.h"
#include "switch/unikernel/uk_target.h"

const struct uk_target uk_target = {
    .name = "xen",
    .port_type = "netfront",
    .discover = netfront_discover,
    .describe = netfront_describe,
    .help = "  ports are netfront:N, the vif with devid N (xl's vif list order; default:\n"
            "  all of them), netfront:N,queues=Q to use at most Q queues;\n"
            "  the options come from xl's extra=\"...\"; xl shutdown stops the switch;\n",
    .stop_requested = xen_stop_requested,
    .packet_slot = XEN_PAGE_SIZE,
    .mgmt_packets = 128, /* 512 KiB: netfront posts 16-32 per queue for a pool this size */
};
