/*
 * log.c — os/log.h on Linux: one line per message on stderr,
 * "LEVEL module: message".  The default threshold is INFO; the environment
 * variable SLUICE_LOG (err, warn, info, debug) overrides it at the first
 * use, and os_log_set_level overrides both.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "os/log.h"

static enum os_log_level log_level = OS_LOG_INFO;
static bool log_level_set;

static const char *const log_names[] = {"ERR", "WARN", "INFO", "DEBUG"};

/* Applies SLUICE_LOG once, unless the level was set explicitly. */
static void log_init(void)
{
    if (log_level_set)
        return;
    log_level_set = true;
    const char *env = getenv("SLUICE_LOG");
    int lvl = env ? os_log_level_from_name(env) : -1;
    if (lvl >= 0)
        log_level = (enum os_log_level)lvl;
}

enum os_log_level os_log_set_level(enum os_log_level level)
{
    log_init();
    enum os_log_level old = log_level;
    log_level = level;
    return old;
}

enum os_log_level os_log_get_level(void)
{
    log_init();
    return log_level;
}

int os_log_level_from_name(const char *name)
{
    static const struct { const char *name; enum os_log_level level; } names[] = {
        {"err", OS_LOG_ERR},   {"error", OS_LOG_ERR}, {"warn", OS_LOG_WARN},
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
    log_init();
    if (level > log_level)
        return;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    unsigned idx = (unsigned)level < 4 ? (unsigned)level : 3;
    /* One fprintf so concurrent lines do not interleave mid-line. */
    fprintf(stderr, "%s %s: %s\n", log_names[idx], module ? module : "-", msg);
}

void os_log(enum os_log_level level, const char *module, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    os_vlog(level, module, fmt, ap);
    va_end(ap);
}
