/* boot_trace.c — boot-phase marks (see boot_trace.h). */
#include "libos/pvh/boot_trace.h"

#include <stdint.h>

#include "libos/pvh/plat.h"

static struct { const char *name; uint64_t ns; } marks[BOOT_TRACE_MAX];
static unsigned n_marks, dropped;

void boot_trace_mark(const char *name)
{
    if (n_marks == BOOT_TRACE_MAX) {
        dropped++;
        return;
    }
    marks[n_marks].name = name;
    marks[n_marks++].ns = plat_since_entry_ns();
}

void boot_trace_print(void)
{
    uint64_t prev = 0;
    for (unsigned i = 0; i < n_marks; i++) {
        uint64_t t = marks[i].ns, d = t - prev;
        pvh_printf("boot-trace: %-10s %4lu.%03lu ms  (+%lu.%03lu ms)\n", marks[i].name,
                   (unsigned long)(t / 1000000), (unsigned long)(t / 1000 % 1000),
                   (unsigned long)(d / 1000000), (unsigned long)(d / 1000 % 1000));
        prev = t;
    }
    if (dropped)
        pvh_printf("boot-trace: %u later mark(s) dropped\n", dropped);
}
