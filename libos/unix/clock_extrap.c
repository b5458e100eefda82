/* clock_extrap.c — cycle-counter extrapolation of a slow clock (see
 * clock_extrap.h). */
#include "libos/unix/clock_extrap.h"

/* Takes a reference reading at `tsc`, (re)computing the rate once
 * CLK_EXTRAP_CAL_NS have passed since the first one.  Returns it. */
static uint64_t clk_sync(struct clk_extrap *c, uint64_t tsc, uint64_t (*ref)(void))
{
    uint64_t ns = ref();
    if (!c->cal_tsc) {
        c->cal_tsc = tsc;
        c->cal_ns = ns;
    } else if (ns - c->cal_ns >= CLK_EXTRAP_CAL_NS && tsc > c->cal_tsc) {
        c->mult = (uint64_t)(((unsigned __int128)(ns - c->cal_ns) << 32) / (tsc - c->cal_tsc));
    }
    c->tsc0 = tsc;
    c->ns0 = ns;
    if (c->mult)
        c->sync_tsc = tsc + (uint64_t)(((unsigned __int128)CLK_EXTRAP_SYNC_NS << 32) / c->mult);
    return ns;
}

uint64_t clk_extrap_read(struct clk_extrap *c, uint64_t tsc, uint64_t (*ref)(void))
{
    uint64_t ns;
    if (!c->mult || tsc >= c->sync_tsc || tsc < c->tsc0)
        ns = clk_sync(c, tsc, ref);
    else
        ns = c->ns0 + (uint64_t)(((unsigned __int128)(tsc - c->tsc0) * c->mult) >> 32);
    if (ns < c->last)
        ns = c->last;
    c->last = ns;
    return ns;
}
