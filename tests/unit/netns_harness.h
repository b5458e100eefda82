/*
 * netns_harness.h — test helper for the unit tests that need real Linux
 * interfaces (test_netdev_tap, test_netdev_afpacket): a private network
 * namespace for the whole test binary, shell commands, raw sockets and a
 * recognisable test frame.  Linked into every unit test binary; names are
 * prefixed nh_.  Hosted test code only.
 *
 * nh_enter_netns() moves the process into a new network namespace, so the
 * interfaces a test makes vanish with the process even when it crashes.
 * Without root the tests that need it skip (NH_NEED_NS).
 */
#ifndef NETNS_HARNESS_H
#define NETNS_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#define NH_ETYPE_TEST 0x88b5 /* IEEE local experimental */

/* True once nh_enter_netns() succeeded. */
extern bool nh_have_ns;

/* In a cmocka test: skips it when there is no private namespace. */
#define NH_NEED_NS()                                                                         \
    do {                                                                                     \
        if (!nh_have_ns) {                                                                   \
            print_message("not root: skipped\n");                                           \
            skip();                                                                          \
        }                                                                                    \
    } while (0)

/* Unshares the network namespace (root only) and sets lo up; prints why to
 * stderr, naming `who`, when it cannot.  Returns nh_have_ns. */
bool nh_enter_netns(const char *who);

/* Runs the printf-formatted shell command.  Returns system()'s status. */
int nh_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens a non-blocking raw AF_PACKET socket bound to `ifname` (asserts on
 * failure).  Returns the fd. */
int nh_raw_socket(const char *ifname);

/* Writes a broadcast test frame from 02:00:00:00:00:09 with ethertype
 * NH_ETYPE_TEST (802.1Q-tagged with `tci` when `tagged`) and `payload`
 * bytes 0, 3, 6, ... into f.  Returns its length. */
uint32_t nh_test_frame(uint8_t *f, uint32_t payload, uint16_t tci, bool tagged);

#endif /* NETNS_HARNESS_H */
