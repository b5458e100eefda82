/*
 * test_ofp_codec.c — the OpenFlow 1.0 codec (openflow/ofp_msg.h,
 * ofp_encode.h, ofp_msg_print.h) against real tools and on every error path.
 *
 * Golden data: tests/unit/data/ofp-golden.txt (made by make-ofp-golden.py
 * from os-ken and ovs-ofctl) and ../shared/conformance/of10-ovs-vectors.tsv
 * (Open vSwitch's own OF1.0 test messages).  Every golden message decodes
 * and re-encodes byte for byte or is rejected with the exact error; every
 * truncation of it is rejected without reading past the buffer (ASan).
 * Tests run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "openflow/ofp_encode.h"
#include "openflow/ofp_msg.h"
#include "openflow/ofp_msg_print.h"

#define GOLDEN "tests/unit/data/ofp-golden.txt"
#define CONFORMANCE "../shared/conformance/of10-ovs-vectors.tsv"

static struct ofp_msg msg;
static struct ofp_err err;
static uint8_t out[70000];
static char text[4096];

/* Parses hex into a static buffer; returns its length (buffer in *buf). */
static size_t unhex(const char *hex, size_t n, uint8_t **buf)
{
    static uint8_t bytes[8192];
    size_t i, len = n / 2;

    assert_true(len <= sizeof bytes);
    for (i = 0; i < len; i++) {
        unsigned v;

        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        bytes[i] = (uint8_t)v;
    }
    *buf = bytes;
    return len;
}

/* Decodes a copy of exactly len bytes (so ASan sees any overread). */
static int decode(const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    memcpy(copy, data, len);
    memset(&err, 0xa5, sizeof err);
    rc = ofp_decode(copy, len, &msg, &err);
    if (rc == 0) { /* exercise the pointers while the buffer lives */
        struct ofp_buf b;

        ofp_buf_init(&b, out, sizeof out);
        ofp_encode(&b, &msg);
        ofp_msg_format(&msg, text, sizeof text);
    }
    free(copy);
    return rc;
}

/* Decodes, re-encodes and formats; fails unless identical. */
static void check_roundtrip(const uint8_t *data, size_t len, const char *what)
{
    struct ofp_buf b;
    int rc, n;

    rc = ofp_decode(data, len, &msg, &err);
    if (rc)
        fail_msg("%s: decode failed with %s/%s", what, ofp_error_type_name(err.type),
                 ofp_error_code_name(err.type, err.code));
    ofp_buf_init(&b, out, sizeof out);
    rc = ofp_encode(&b, &msg);
    if (rc != (int)len || memcmp(out, data, len)) {
        char hex[2 * 2048 + 1] = "";
        for (size_t i = 0; i < b.len && i < 2048; i++)
            sprintf(hex + 2 * i, "%02x", out[i]);
        fail_msg("%s: re-encoded %d bytes differently: %s", what, rc, hex);
    }
    n = ofp_msg_format(&msg, text, sizeof text);
    assert_true(n > 0);
    assert_null(strchr(text, '\n'));
}

static void check_error(const uint8_t *data, size_t len, const char *type,
                        const char *code, const char *what)
{
    int rc = ofp_decode(data, len, &msg, &err);
    const char *t, *c;

    if (rc == 0)
        fail_msg("%s: decoded, expected %s %s", what, type, code);
    assert_int_equal(rc, -71 /* EPROTO */);
    t = ofp_error_type_name(err.type);
    c = ofp_error_code_name(err.type, err.code);
    if (!t || !c || strcmp(t, type) || strcmp(c, code))
        fail_msg("%s: got %s %s, expected %s %s", what, t ? t : "?", c ? c : "?", type, code);
}

/* Every proper prefix (with the header's length left as it is) is
 * rejected, and decoding it never touches memory past it. */
static void check_prefixes(const uint8_t *data, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        assert_int_not_equal(decode(data, i), 0);
}

static void test_golden_messages_roundtrip_or_fail_exactly(void **state)
{
    FILE *f = fopen(GOLDEN, "r");
    char line[16384];
    unsigned n_ok = 0, n_err = 0;

    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        char *hex = line, *exp, *src, *e1, *e2;
        uint8_t *buf;
        size_t len;

        if (line[0] == '#' || line[0] == '\n')
            continue;
        exp = strchr(hex, '\t');
        assert_non_null(exp);
        *exp++ = '\0';
        src = strchr(exp, '\t');
        assert_non_null(src);
        *src++ = '\0';
        src[strcspn(src, "\n")] = '\0';
        len = unhex(hex, strlen(hex), &buf);
        if (!strcmp(exp, "ok")) {
            check_roundtrip(buf, len, src);
            n_ok++;
        } else {
            e1 = strtok(exp, " "); /* "error" */
            e1 = strtok(NULL, " ");
            e2 = strtok(NULL, " ");
            assert_non_null(e2);
            check_error(buf, len, e1, e2, src);
            n_err++;
        }
        check_prefixes(buf, len);
    }
    fclose(f);
    print_message("golden: %u decoded and re-encoded, %u rejected as expected\n", n_ok, n_err);
    assert_true(n_ok >= 100);
}

/* What a plain OpenFlow 1.0 switch must do with a conformance vector, from
 * the tsv's type and title columns: NULL = decode and re-encode. */
static void conformance_expect(const char *type, const char *title, const char **et,
                               const char **ec)
{
    const char *st = strstr(type, "OFPST_");

    *et = *ec = NULL;
    if (strstr(title, "truncated") || strstr(title, "cut off")
        || strstr(title, "only uses part")) {
        *et = "OFPET_BAD_REQUEST";
        *ec = "OFPBRC_BAD_LEN";
    } else if (strstr(type, "OFPT_VENDOR") || strstr(type, "OFPST_VENDOR")) {
        *et = "OFPET_BAD_REQUEST";
        *ec = "OFPBRC_BAD_VENDOR";
    } else if (st && st[6] >= '0' && st[6] <= '9') {
        *et = "OFPET_BAD_REQUEST";
        *ec = "OFPBRC_BAD_STAT";
    }
}

/* Zeroes the fields of the wire ofp_match at p that its wildcards cover,
 * as ofp_types.h promises a decoded match has them (Open vSwitch's test
 * vectors carry values there).  Written independently of the codec:
 * byte offsets straight from the spec.  Returns true if it changed p. */
static bool zero_wildcarded(uint8_t *p)
{
    static const struct { uint32_t bit; unsigned off, len; } f[] = {
        { OFPFW_IN_PORT, 4, 2 }, { OFPFW_DL_SRC, 6, 6 }, { OFPFW_DL_DST, 12, 6 },
        { OFPFW_DL_VLAN, 18, 2 }, { OFPFW_DL_VLAN_PCP, 20, 1 }, { OFPFW_DL_TYPE, 22, 2 },
        { OFPFW_NW_TOS, 24, 1 }, { OFPFW_NW_PROTO, 25, 1 }, { OFPFW_TP_SRC, 36, 2 },
        { OFPFW_TP_DST, 38, 2 },
    };
    uint32_t wc = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
    uint8_t before[40];
    unsigned i, shift;

    memcpy(before, p, sizeof before);
    for (i = 0; i < sizeof f / sizeof f[0]; i++)
        if (wc & f[i].bit)
            memset(p + f[i].off, 0, f[i].len);
    for (shift = OFPFW_NW_SRC_SHIFT, i = 28; i <= 32; shift = OFPFW_NW_DST_SHIFT, i += 4) {
        unsigned bits = (wc >> shift) & 63, b;
        uint32_t a = (uint32_t)p[i] << 24 | p[i + 1] << 16 | p[i + 2] << 8 | p[i + 3];

        a = bits >= 32 ? 0 : a & ~(uint32_t)((1ull << bits) - 1);
        for (b = 0; b < 4; b++)
            p[i + b] = (uint8_t)(a >> (24 - 8 * b));
    }
    return memcmp(before, p, sizeof before) != 0;
}

/* Applies zero_wildcarded() to every match in the message.  Returns true
 * if it changed anything. */
static bool normalize_matches(uint8_t *m, size_t len)
{
    uint16_t st = len >= 12 ? (uint16_t)(m[8] << 8 | m[9]) : 0xffff;
    bool changed = false;
    size_t off;

    if ((m[1] == OFPT_FLOW_MOD && len >= 72) || (m[1] == OFPT_FLOW_REMOVED && len >= 88))
        return zero_wildcarded(m + 8);
    if (m[1] == OFPT_STATS_REQUEST && (st == OFPST_FLOW || st == OFPST_AGGREGATE) && len >= 56)
        return zero_wildcarded(m + 12);
    if (m[1] == OFPT_STATS_REPLY && st == OFPST_FLOW)
        for (off = 12; off + 88 <= len && (m[off] << 8 | m[off + 1]) >= 88;
             off += m[off] << 8 | m[off + 1])
            changed |= zero_wildcarded(m + off + 4);
    return changed;
}

static void test_ovs_conformance_vectors(void **state)
{
    FILE *f = fopen(CONFORMANCE, "r");
    char line[16384];
    unsigned n = 0, n_ok = 0, n_norm = 0;

    if (!f) {
        print_message("skipped: %s not found\n", CONFORMANCE);
        skip();
    }
    while (fgets(line, sizeof line, f)) {
        char *col[4] = { line, NULL, NULL, NULL };
        const char *et, *ec;
        uint8_t *buf;
        size_t len;
        int i;

        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        for (i = 1; i < 4; i++) {
            col[i] = strchr(col[i - 1], '\t');
            assert_non_null(col[i]);
            *col[i]++ = '\0';
        }
        len = unhex(col[0], strlen(col[0]), &buf);
        check_prefixes(buf, len);
        conformance_expect(col[1], col[3], &et, &ec);
        if (et) {
            check_error(buf, len, et, ec, col[3]);
        } else {
            n_norm += normalize_matches(buf, len);
            check_roundtrip(buf, len, col[3]);
            n_ok++;
        }
        n++;
    }
    fclose(f);
    print_message("conformance: %u vectors, %u decoded and re-encoded (%u after zeroing "
                  "wildcarded match fields), %u rejected as expected\n",
                  n, n_ok, n_norm, n - n_ok);
    assert_int_equal(n, 91);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_messages_roundtrip_or_fail_exactly),
        cmocka_unit_test(test_ovs_conformance_vectors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
