/*
 * uk_target.h — what the shared unikernel program (uk_main.c) needs to know
 * about the image it is linked into: the kvm image (switch/kvm/, virtio-net
 * ports) or the xen image (switch/xen/, netfront ports).
 *
 * Each image defines exactly one `uk_target`.  uk_main.c runs the same
 * command line, embedded controller, flows and run loop on every image; only
 * the port devices and a few words of help differ.  Called from os_main()
 * on the single CPU; nothing here blocks beyond a driver's bounded waits.
 */
#ifndef UK_TARGET_H
#define UK_TARGET_H

struct uk_target {
    const char *name;       /* "kvm", "xen": banner and --version */
    const char *port_type;  /* netdev type of the NICs: "virtio", "netfront" */
    /* Finds the NICs.  Returns how many there are (ports default to all of
     * them, "TYPE:0", "TYPE:1", ... in this order). */
    unsigned (*discover)(void);
    /* Writes a one-line description of NIC i into buf.  Returns buf, or
     * NULL when i is out of range. */
    const char *(*describe)(unsigned i, char *buf, unsigned len);
    const char *help;       /* target-specific lines appended to --help */
    /* Optional (NULL: never): polled by the run loop; returns the reason
     * ("poweroff", "reboot") once the platform asks the program to stop
     * (on xen: `xl shutdown` / `xl reboot`), else NULL. */
    const char *(*stop_requested)(void);
    /* Bytes per packet buffer; 0 = PKT_DEFAULT_SLOT.  The xen image uses a
     * page: netfront grants a whole page per receive buffer.  Applies to
     * the switch's pool and to a management NIC's (uk_net.c). */
    unsigned packet_slot;
    /* Buffers of an out-of-band management NIC's pool (--mgmt TYPE:N);
     * 0 = 640 (a virtio NIC posts up to 256 RX buffers per queue). */
    unsigned mgmt_packets;
};

extern const struct uk_target uk_target;

#endif /* UK_TARGET_H */
