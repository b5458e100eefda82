/*
 * log.c — the unix target's console for os/log.h (levels and formatting
 * are libos/common/log.c): standard error, one write per line.
 */
#include <unistd.h>

#include "os/log.h"

void os_console_write(const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDERR_FILENO, s, len);
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}
