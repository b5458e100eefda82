/*
 * fuzz_ctl_pkt.c — differential libFuzzer target: the controller's packet_in
 * parser (controller/ctl_pkt.c) against the datapath's key extraction
 * (datapath/dp_key.c).
 *
 * Input: byte 0 picks where the switch cut the packet_in data (the seeds
 * are tests/fuzz/corpus/dp_key, whose byte 0 picks an action list there),
 * the rest is an Ethernet frame.  Properties, any one failing traps:
 *  1. ctl_pkt_parse of the whole frame equals the datapath key turned into
 *     an of_match (switch/sw_flowconv.c, every field exact) and normalised
 *     (ofp_match_normalize), and has no unseen fields;
 *  2. the flow the controller would install from it (sw_match_to_dp)
 *     matches the frame's datapath key;
 *  3. ctl_pkt_parse_cut of the first `cut` bytes gives a flow that still
 *     matches the whole frame's datapath key, and differs from (1) only in
 *     the fields it reports unseen.
 * Both parsers read the frame where it sits in libFuzzer's exact-size
 * buffer, so a read past the end is an ASan report.
 * Built by tests/fuzz/run.sh with the portable flags (freestanding).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "controller/ctl_pkt.h"
#include "datapath/dp_key.h"
#include "openflow/ofp_match.h"
#include "openflow/ofp_print.h"
#include "switch/sw_flowconv.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The datapath's key as a normalised, all-exact of_match. */
static void ref_match(const struct dp_key *key, struct of_match *out)
{
    struct dp_match dm;
    dm.key = *key;
    memset(&dm.mask, 0xff, sizeof dm.mask);
    dm.mask.pad0 = 0;
    memset(dm.mask.pad1, 0, sizeof dm.mask.pad1);
    sw_match_from_dp(&dm, out);
    ofp_match_normalize(out);
}

/* Returns true when the flow `m` matches the datapath key. */
static bool flow_hits(const struct of_match *m, const struct dp_key *key)
{
    struct dp_match dm;
    sw_match_to_dp(m, &dm);
    return dp_match_hit(&dm, key);
}

/* Traps with both matches printed. */
static void mismatch(const char *what, size_t cut, size_t len, const struct of_match *got,
                     const struct of_match *want)
{
    char g[400], w[400];
    ofp_format_match(got, g, sizeof g);
    ofp_format_match(want, w, sizeof w);
    fuzz_fail("%s (cut %zu of %zu)\n  ctl:  0x%06x %s\n  want: 0x%06x %s", what, cut, len,
              (unsigned)got->wildcards, g, (unsigned)want->wildcards, w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dp_key key;
    struct of_match want;
    struct ctl_pkt whole, part;

    if (size < 1)
        return 0;
    const uint8_t *frame = data + 1;
    size_t len = size - 1;
    size_t cut = len ? data[0] % (len + 1) : 0;

    dp_key_extract(frame, (uint32_t)len, 3, &key, NULL);
    ref_match(&key, &want);
    bool valid = ctl_pkt_parse(frame, len, 3, &whole);
    if (!ofp_match_equal(&whole.key, &want))
        mismatch("whole frame", len, len, &whole.key, &want);
    FUZZ_CHECK(valid == (len >= 14) && whole.valid == valid && whole.unseen == 0);
    if (!flow_hits(&whole.key, &key))
        mismatch("flow misses its packet", len, len, &whole.key, &want);

    ctl_pkt_parse_cut(frame, cut, len, 3, &part);
    FUZZ_CHECK(part.valid == (cut >= 14));
    if (!flow_hits(&part.key, &key))
        mismatch("cut packet_in's flow misses its packet", cut, len, &part.key, &want);
    whole.key.wildcards |= part.unseen;
    ofp_match_normalize(&whole.key);
    if (!ofp_match_equal(&part.key, &whole.key))
        mismatch("cut packet_in lost a field it could see", cut, len, &part.key, &whole.key);
    return 0;
}
