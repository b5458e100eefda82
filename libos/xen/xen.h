/*
 * xen.h — the xen target's platform (a Xen PVH domU): what libos/xen offers
 * the netfront driver and the xen image beyond libos/pvh/plat.h.
 *
 * Boot (start.c, entered from libos/x86_64/boot.S through plat_start):
 * early console on port 0xe9; IDT (libos/x86_64/trap.h); Xen found through
 * the CPUID hypervisor leaves; the hypercall page (hypercall.S) filled
 * through the MSR that leaf base+2 names; hvm_start_info checked (a memory
 * map is required) and copied; page allocator (libos/pvh/mem.h); W^X page
 * tables (libos/x86_64/paging.h: pg_init); shared_info mapped
 * onto an allocated page (XENMEM_add_to_physmap); the clock from the
 * vCPU's pvclock (clock.c); the PV console ring (console.c); event
 * channels with the upcall vector and the one-shot timer (evtchn.c,
 * idle.c); the grant table (gnttab.c); the xenstore connection (xs_plat.c)
 * and the watch on control/shutdown (shutdown.c); the command line split
 * into words; then os_main() and plat_exit() with its result.
 *
 * Exit (shutdown.c, plat_exit): exit code 0 -> SCHEDOP_shutdown(poweroff),
 * or (reboot) when the toolstack asked for a reboot; 1 (runtime failure),
 * 2 (bad command line) and 3 (CPU exception) -> (crash), so that xl's
 * on_poweroff / on_crash apply.  The console ring is drained (bounded)
 * first.  Without Xen (another hypervisor) the image says so on port 0xe9
 * and halts.
 *
 * Single vCPU; interrupts are enabled only inside plat_idle_until's halt.
 * None of these may be called from an interrupt handler.
 */
#ifndef XEN_XEN_H
#define XEN_XEN_H

#include <stdbool.h>
#include <stdint.h>

#include "libos/xen/gnttab.h"
#include "libos/xen/xen_abi.h"
#include "libos/xen/xs.h"

/* hypercall.S: calls hypercall `nr` with up to five arguments.  Returns
 * Xen's result (0 or a negative Xen errno, which matches Linux's). */
long xen_hypercall(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3,
                   unsigned long a4, unsigned long a5);

/* Returns true once the hypercall page is installed (start.c). */
bool xen_hypercalls_ready(void);

/* Returns the shared_info page (NULL before it is mapped). */
struct xen_shared_info *xen_shared_info(void);

/* Reads HVM parameter `index` of this domain.  Returns 0 and sets *val, or
 * a negative errno. */
int xen_hvm_get_param(uint32_t index, uint64_t *val);

/* Finds a ring page the toolstack set up (HVM parameters `pfn_param` and
 * `port_param`: the console's or xenstore's), maps it read-write and sets
 * *port to its event channel.  Returns the page, or NULL when the
 * parameters are missing or out of range. */
void *xen_ring_page(uint32_t pfn_param, uint32_t port_param, uint32_t *port);

/* Returns the guest frame number of a pointer into our memory (identity
 * mapped: the physical address >> 12).  A function rather than inline so
 * that host tests of the drivers can number their pages themselves. */
uint64_t xen_virt_to_gfn(const void *p);

/* ---- event channels (evtchn.c) ---- */

/* Installs the upcall vector (HVM_PARAM_CALLBACK_IRQ, vector type) and
 * binds VIRQ_TIMER.  Returns 0 or a negative errno. */
int xen_evtchn_init(void);

/* Allocates a port that domain `remote` may bind to (a backend's event
 * channel), unmasked.  Returns 0 and sets *port, or a negative errno. */
int xen_evtchn_alloc_unbound(uint16_t remote, uint32_t *port);

/* Unmasks an existing port (e.g. xenstore's, the console's) so that its
 * events wake the CPU.  Returns nothing. */
void xen_evtchn_unmask(uint32_t port);

/* Closes a port we allocated.  Returns 0 or a negative errno. */
int xen_evtchn_close(uint32_t port);

/* Signals the other end of `port`.  Returns 0 or a negative errno. */
int xen_evtchn_notify(uint32_t port);

/* Clears the upcall flag and every pending bit (the rings and xenstore are
 * the truth; the bits only make the next event wake the CPU).  Returns how
 * many ports were pending. */
unsigned xen_evtchn_consume(void);

/* Returns the port of VIRQ_TIMER. */
uint32_t xen_timer_port(void);

/* Counters for the exit report: upcalls taken, idle halts. */
uint64_t xen_evtchn_upcalls(void);
uint64_t xen_idle_halts(void);

/* ---- grant table (gnttab.c) ---- */

/* Sets up the grant table (version 1) with its first frames.  Returns 0 or
 * a negative errno. */
int xen_gnttab_init(void);

/* Returns the grant table (for gnt_grant / gnt_end). */
struct gnt_table *xen_gnttab(void);

/* ---- xenstore (xs_plat.c) ---- */

/* Connects to xenstored through the page and event channel the toolstack
 * gave (HVM_PARAM_STORE_PFN / _EVTCHN).  Returns 0 or a negative errno. */
int xen_xs_init(void);

/* Returns the xenstore client, or NULL before xen_xs_init succeeded. */
struct xs_client *xen_xs(void);

/* ---- console (console.c) ---- */

/* Switches the console from port 0xe9 to the PV console ring.  Returns 0,
 * or a negative errno (the console stays on port 0xe9). */
int xen_console_init(void);

/* Waits (at most timeout_ns) until xenconsoled has read everything written.
 * Returns true when the ring is empty. */
bool xen_console_flush(uint64_t timeout_ns);

/* ---- clock (clock.c) ---- */

/* Starts os_clock_ns on the pvclock of vCPU 0.  Returns nothing. */
void xen_clock_init(void);

/* Returns nanoseconds between two TSC readings a <= b by the pvclock
 * scale. */
uint64_t xen_tsc_delta_ns(uint64_t a, uint64_t b);

/* ---- toolstack control (shutdown.c) ---- */

/* Watches control/shutdown and advertises the features we honour.
 * Returns 0 or a negative errno (then the domain can only be destroyed). */
int xen_control_init(void);

/* Polls xenstore (non-blocking) for a shutdown request.  Returns the
 * request ("poweroff", "reboot", ...) once when the toolstack wrote one
 * that ends the program, else NULL. */
const char *xen_stop_requested(void);

#endif /* XEN_XEN_H */
