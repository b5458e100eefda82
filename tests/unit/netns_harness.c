/* netns_harness.c — see netns_harness.h. */
#include "netns_harness.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "os/byteorder.h"

bool nh_have_ns;

bool nh_enter_netns(const char *who)
{
    if (geteuid() == 0 && unshare(CLONE_NEWNET) == 0) {
        nh_have_ns = true;
        nh_sh("ip link set lo up");
    } else {
        fprintf(stderr, "%s: needs root (unshare CLONE_NEWNET): skipping\n", who);
    }
    return nh_have_ns;
}

int nh_sh(const char *fmt, ...)
{
    char cmd[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

int nh_raw_socket(const char *ifname)
{
    int s = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
    assert_true(s >= 0);
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                              .sll_ifindex = (int)if_nametoindex(ifname)};
    assert_int_equal(bind(s, (struct sockaddr *)&sll, sizeof sll), 0);
    return s;
}

uint32_t nh_test_frame(uint8_t *f, uint32_t payload, uint16_t tci, bool tagged)
{
    memset(f, 0xff, 6);
    memcpy(f + 6, "\x02\x00\x00\x00\x00\x09", 6);
    uint32_t off = 12;
    if (tagged) {
        os_put_be16(f + 12, 0x8100);
        os_put_be16(f + 14, tci);
        off = 16;
    }
    os_put_be16(f + off, NH_ETYPE_TEST);
    for (uint32_t i = 0; i < payload; i++)
        f[off + 2 + i] = (uint8_t)(i * 3);
    return off + 2 + payload;
}
