/*
 * fuzz_ofp_decode.c — libFuzzer target for the OpenFlow 1.0 decoder.
 *
 * Any input: ofp_decode() must return 0 or -EPROTO without reading outside
 * the input (ASan) or undefined behaviour (UBSan).  When it decodes, the
 * message must re-encode (into a roomy buffer, and -ENOSPC without a
 * write past cap into a tight one), the re-encoding must decode again and
 * re-encode to the same bytes (the codec's normal form is stable), every
 * list getter / iterator must run to its end, and the printer must
 * produce one NUL-terminated line.  A violated property aborts.
 * Built by tests/fuzz/run.sh with the portable flags (freestanding).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "openflow/ofp_encode.h"
#include "openflow/ofp_msg.h"
#include "openflow/ofp_msg_print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static struct ofp_msg m1, m2;
static uint8_t out1[70000], out2[70000];
static struct ofp_flow_stats_entry fse;

static void walk_lists(const struct ofp_msg *m)
{
    struct ofp_port_desc pd;
    struct ofp_table_stats_entry ts;
    struct ofp_port_stats_entry ps;
    struct ofp_queue_stats_entry qs;
    struct ofp_queue_desc qd;
    struct ofp_iter it;
    size_t i;

    for (i = 0; ofp_msg_port_at(m, i, &pd); i++)
        ;
    for (i = 0; ofp_msg_table_stats_at(m, i, &ts); i++)
        ;
    for (i = 0; ofp_msg_port_stats_at(m, i, &ps); i++)
        ;
    for (i = 0; ofp_msg_queue_stats_at(m, i, &qs); i++)
        ;
    ofp_flow_stats_iter_init(&it, m);
    while (ofp_flow_stats_next(&it, &fse))
        ;
    CHECK(it.left == 0);
    ofp_queue_iter_init(&it, m);
    while (ofp_queue_next(&it, &qd))
        ;
    CHECK(it.left == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ofp_err err;
    struct ofp_buf b, tight;
    uint8_t small[24];
    char line[512];
    int n1, n2, n;

    if (ofp_decode(data, size, &m1, &err) != 0)
        return 0;
    walk_lists(&m1);
    n = ofp_msg_format(&m1, line, sizeof line);
    CHECK(n >= 0 && memchr(line, '\0', sizeof line) && !memchr(line, '\n', strlen(line)));
    ofp_msg_format(&m1, line, 7);
    CHECK(strlen(line) <= 6);

    ofp_buf_init(&tight, small, sizeof small);
    n = ofp_encode(&tight, &m1);
    CHECK(n < 0 ? tight.len == 0 : (size_t)n == tight.len && tight.len <= sizeof small);

    ofp_buf_init(&b, out1, sizeof out1);
    n1 = ofp_encode(&b, &m1);
    CHECK(n1 > 0 && (size_t)n1 == b.len && (size_t)n1 == size);
    CHECK(ofp_decode(out1, (size_t)n1, &m2, &err) == 0);
    ofp_buf_init(&b, out2, sizeof out2);
    n2 = ofp_encode(&b, &m2);
    CHECK(n2 == n1 && memcmp(out1, out2, (size_t)n1) == 0);
    return 0;
}
