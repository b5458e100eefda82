/*
 * virtio_net.h — the virtio-net driver (kvm target): os/netdev.h class
 * "virtio", spec "virtio:N" = the N-th virtio-net device in discovery order
 * (PCI scan order on q35, bus 0 first and depth first behind bridges; then
 * virtio-mmio devices in command-line hint order, or on microvm without
 * hints from the highest slot down, which is QEMU's -device order).
 *
 * virtio_net_discover() finds the devices (PCI vendor 0x1af4 device 0x1041 or
 * transitional 0x1000, modern transport; virtio-mmio version 1 or 2 at the
 * command-line hints or, on a machine without PCI, at microvm's 24 fixed
 * slots).  It is idempotent
 * and is called by the first open if nobody called it before.  The data
 * path follows os/netdev.h: RX descriptors point at pool buffers that are
 * handed up as packets (zero copy); TX posts the packet's own buffer with
 * the virtio_net_hdr pushed into its headroom and frees it when the device
 * returns it.  "virtio:N,queues=Q" uses Q queue pairs (VIRTIO_NET_F_MQ with
 * the control queue); the default is every pair the device offers, at most
 * 4; all are polled by rx_burst, and tx_burst keeps each flow on one pair.
 * arm_rx_wakeup is implemented: each device interrupts one vector of its
 * own (MSI-X on PCI, its I/O APIC line on MMIO) for RX frames only, and only
 * between an arm and the next rx_burst (see virtio_net.c).
 * Single-threaded; nothing blocks (device resets, control commands and a
 * full TX ring wait at most a bounded time).
 */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H

#include "os/netdev.h"

extern const struct netdev_class virtio_net_class;

/* Discovers the virtio-net devices.  Returns how many there are. */
unsigned virtio_net_discover(void);

/* Writes a one-line description of device `i` ("pci 00:02.0" or
 * "mmio 0xfeb00e00") into buf.  Returns buf, or NULL when i is out of
 * range. */
const char *virtio_net_describe(unsigned i, char *buf, unsigned len);

#endif /* VIRTIO_NET_H */
