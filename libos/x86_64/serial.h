/*
 * serial.h — the 16550 UART on COM1 (I/O port 0x3f8): the unikernel's
 * console.  Polled output only, 115200 8N1; "\n" is sent as "\r\n".  Writes
 * wait for the transmitter with a bounded spin, so a missing UART costs time
 * but never hangs.  Used by the log and the exception dump; any caller.
 */
#ifndef X86_SERIAL_H
#define X86_SERIAL_H

#include <stddef.h>

/* Programs the UART.  Returns nothing. */
void serial_init(void);

/* Writes `n` bytes of `s`.  Returns nothing. */
void serial_write(const char *s, size_t n);

/* Writes a NUL-terminated string.  Returns nothing. */
void serial_puts(const char *s);

/* printf-style line to the console (no level, no prefix), at most 512
 * bytes.  Returns nothing. */
void serial_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* X86_SERIAL_H */
