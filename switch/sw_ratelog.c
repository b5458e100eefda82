/* sw_ratelog.c — one log line, then a summary count (see sw_ratelog.h). */
#include "sw_ratelog.h"

#include "os/log.h"

void sw_ratelog_tick(struct sw_ratelog *r, uint64_t now_ns, int level, const char *module,
                     const char *what)
{
    if (!r->open || now_ns - r->window_start < SW_RATELOG_WINDOW_NS)
        return;
    if (r->suppressed)
        os_log((enum os_log_level)level, module, "%llu more: %s in the last %llu s",
               (unsigned long long)r->suppressed, what,
               (unsigned long long)((now_ns - r->window_start) / 1000000000ull));
    r->open = false;
    r->suppressed = 0;
}

bool sw_ratelog_event(struct sw_ratelog *r, uint64_t now_ns, int level, const char *module,
                      const char *what)
{
    sw_ratelog_tick(r, now_ns, level, module, what);
    r->total++;
    if (r->open) {
        r->suppressed++;
        return false;
    }
    r->open = true;
    r->window_start = now_ns;
    return true;
}

uint64_t sw_ratelog_deadline(const struct sw_ratelog *r)
{
    return r->open && r->suppressed ? r->window_start + SW_RATELOG_WINDOW_NS : UINT64_MAX;
}
