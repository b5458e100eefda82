/*
 * console.c — pvh_printf/pvh_puts (libos/pvh/plat.h) over the platform's
 * os_console_write (serial port on kvm, PV console ring on xen).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libos/pvh/plat.h"
#include "os/log.h"

void pvh_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1)
        n = (int)sizeof buf - 1;
    if (n > 0)
        os_console_write(buf, (size_t)n);
}

void pvh_puts(const char *s)
{
    os_console_write(s, strlen(s));
}
