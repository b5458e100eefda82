/* ctl_harness.c — see ctl_harness.h. */
#include "ctl_harness.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "openflow/ofp_encode.h"

struct cth_sent cth_sent;
uint64_t cth_now = 2000;

int cth_send(void *handle, const void *msg, size_t len)
{
    struct ofp_err err;
    size_t i = cth_sent.n;
    assert(i < CTH_MAX_MSGS && len <= sizeof cth_sent.raw[0]);
    memcpy(cth_sent.raw[i], msg, len);
    cth_sent.len[i] = len;
    int rc = ofp_decode(cth_sent.raw[i], len, &cth_sent.msg[i], &err);
    assert(rc == 0);
    cth_sent.n++;
    return 0;
}

void cth_reset(void)
{
    cth_sent.n = 0;
    cth_now = 2000;
}

size_t cth_count(uint8_t type)
{
    size_t n = 0;
    for (size_t i = 0; i < cth_sent.n; i++)
        n += cth_sent.msg[i].type == type;
    return n;
}

const struct ofp_msg *cth_nth(uint8_t type, size_t k)
{
    for (size_t i = 0; i < cth_sent.n; i++)
        if (cth_sent.msg[i].type == type && k-- == 0)
            return &cth_sent.msg[i];
    return NULL;
}

struct ctl_dp *cth_join(struct ctl *ctl, uint64_t dpid, unsigned n_ports)
{
    struct ofp_port_desc ports[16];
    struct ofp_features f = { .datapath_id = dpid, .n_buffers = 256, .n_tables = 1 };
    uint8_t buf[2048];
    struct ofp_buf b;
    assert(n_ports <= 16);
    memset(ports, 0, sizeof ports);
    for (unsigned i = 0; i < n_ports; i++) {
        ports[i].port_no = (uint16_t)(i + 1);
        ports[i].hw_addr[5] = (uint8_t)(i + 1);
        snprintf(ports[i].name, sizeof ports[i].name, "p%u", i + 1);
    }
    struct ctl_dp *dp = ctl_dp_connected(ctl, (void *)0x1, 1000);
    ofp_buf_init(&b, buf, sizeof buf);
    ofp_encode_features_reply(&b, 1, &f, ports, n_ports);
    ctl_dp_message(ctl, dp, buf, b.len, 1000);
    cth_reset();
    return dp;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

size_t cth_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t type,
               const void *payload, size_t plen)
{
    memcpy(buf, dst, 6);
    memcpy(buf + 6, src, 6);
    put16(buf + 12, type);
    if (plen)
        memcpy(buf + 14, payload, plen);
    size_t len = 14 + plen;
    if (len < 60) {
        memset(buf + len, 0, 60 - len);
        len = 60;
    }
    return len;
}

size_t cth_ip_l4(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint32_t nw_src,
                 uint32_t nw_dst, uint8_t proto, uint16_t tp_src, uint16_t tp_dst)
{
    uint8_t ip[40];
    memset(ip, 0, sizeof ip);
    ip[0] = 0x45;
    put16(ip + 2, sizeof ip);
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, nw_src);
    put32(ip + 16, nw_dst);
    put16(ip + 20, tp_src);
    put16(ip + 22, tp_dst);
    return cth_eth(buf, dst, src, 0x0800, ip, sizeof ip);
}

void cth_packet_in(struct ctl *ctl, struct ctl_dp *dp, uint32_t buffer_id, uint16_t in_port,
                   const uint8_t *frame, size_t len)
{
    cth_packet_in_cut(ctl, dp, buffer_id, in_port, frame, len, len);
}

void cth_packet_in_cut(struct ctl *ctl, struct ctl_dp *dp, uint32_t buffer_id,
                       uint16_t in_port, const uint8_t *frame, size_t len, size_t cut)
{
    uint8_t buf[2048];
    struct ofp_buf b;
    struct ofp_packet_in_msg pi = { .buffer_id = buffer_id, .total_len = (uint16_t)len,
                                    .in_port = in_port, .reason = OFPR_ACTION,
                                    .data = { frame, cut < len ? cut : len } };
    if (cut >= len)
        pi.reason = OFPR_NO_MATCH;
    ofp_buf_init(&b, buf, sizeof buf);
    assert(ofp_encode_packet_in(&b, 0, &pi) > 0);
    ctl_dp_message(ctl, dp, buf, b.len, cth_now);
}

void cth_port_status(struct ctl *ctl, struct ctl_dp *dp, uint8_t reason, uint16_t port_no,
                     uint32_t state)
{
    uint8_t buf[256];
    struct ofp_buf b;
    struct ofp_port_desc d;
    memset(&d, 0, sizeof d);
    d.port_no = port_no;
    d.state = state;
    snprintf(d.name, sizeof d.name, "p%u", port_no);
    ofp_buf_init(&b, buf, sizeof buf);
    assert(ofp_encode_port_status(&b, 0, reason, &d) > 0);
    ctl_dp_message(ctl, dp, buf, b.len, cth_now);
}
