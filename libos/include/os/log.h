/*
 * os/log.h — logging with levels.
 *
 * Lines go to the target's console (stderr on unix, the serial port or PV
 * console on the unikernels) as "LEVEL module: message".  The threshold is
 * global; messages above it cost one comparison.  Never use logging on the
 * per-packet path except behind a rate limit: count instead.
 */
#ifndef OS_LOG_H
#define OS_LOG_H

#include <stdarg.h>

enum os_log_level { OS_LOG_ERR = 0, OS_LOG_WARN = 1, OS_LOG_INFO = 2, OS_LOG_DBG = 3 };

/* Sets the threshold: messages with level > `level` are dropped.
 * Returns the previous threshold. */
enum os_log_level os_log_set_level(enum os_log_level level);

/* Returns the current threshold. */
enum os_log_level os_log_get_level(void);

/* Parses "err", "warn", "info" or "debug".  Returns the level or -1. */
int os_log_level_from_name(const char *name);

/* Writes one line.  `module` names the caller ("dp", "ofp", ...); a trailing
 * newline is added.  Returns nothing. */
void os_log(enum os_log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* va_list form of os_log.  Returns nothing. */
void os_vlog(enum os_log_level level, const char *module, const char *fmt, va_list ap);

/* Writes len bytes (whole lines) to the target's console.  Provided by
 * each target's libos for libos/common/log.c; others call os_log.
 * Returns nothing. */
#include <stddef.h>
void os_console_write(const char *s, size_t len);

#define OS_ERR(mod, ...) os_log(OS_LOG_ERR, mod, __VA_ARGS__)
#define OS_WARN(mod, ...) os_log(OS_LOG_WARN, mod, __VA_ARGS__)
#define OS_INFO(mod, ...) os_log(OS_LOG_INFO, mod, __VA_ARGS__)
#define OS_DBG(mod, ...) os_log(OS_LOG_DBG, mod, __VA_ARGS__)

#endif /* OS_LOG_H */
