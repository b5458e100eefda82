/*
 * log.c — os/log.h on every target: a global threshold (INFO until
 * os_log_set_level) and one line per message, "LEVEL module: message",
 * written whole through the target's os_console_write (stderr on unix, the
 * serial port on the unikernels).
 */
#include <stdio.h>
#include <string.h>

#include "os/log.h"

static enum os_log_level log_level = OS_LOG_INFO;
static const char *const log_names[] = {"ERR", "WARN", "INFO", "DEBUG"};

enum os_log_level os_log_set_level(enum os_log_level level)
{
    enum os_log_level old = log_level;
    log_level = level;
    return old;
}

enum os_log_level os_log_get_level(void)
{
    return log_level;
}

int os_log_level_from_name(const char *name)
{
    static const struct { const char *name; enum os_log_level level; } names[] = {
        {"err", OS_LOG_ERR},      {"error", OS_LOG_ERR}, {"warn", OS_LOG_WARN},
        {"warning", OS_LOG_WARN}, {"info", OS_LOG_INFO}, {"debug", OS_LOG_DBG},
        {"dbg", OS_LOG_DBG},
    };
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0)
            return (int)names[i].level;
    return -1;
}

void os_vlog(enum os_log_level level, const char *module, const char *fmt, va_list ap)
{
    if (level > log_level)
        return;
    char msg[1024];
    unsigned idx = (unsigned)level < 4 ? (unsigned)level : 3;
    int n = snprintf(msg, sizeof msg, "%s %s: ", log_names[idx], module ? module : "-");
    if (n < 0 || n >= (int)sizeof msg - 2)
        n = 0;
    int m = vsnprintf(msg + n, sizeof msg - (size_t)n - 1, fmt, ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof msg - 2)
        len = sizeof msg - 2;
    msg[len++] = '\n';
    os_console_write(msg, len); /* one write, so lines do not interleave */
}

void os_log(enum os_log_level level, const char *module, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    os_vlog(level, module, fmt, ap);
    va_end(ap);
}
