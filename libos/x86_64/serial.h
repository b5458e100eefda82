/*
 * serial.h — the 16550 UART on COM1 (I/O port 0x3f8): the unikernel's
 * console.  Polled output only, 115200 8N1, FIFO on; "\n" is sent as
 * "\r\n".  Writes wait for an empty transmitter with a bounded spin, then
 * fill its 16-byte FIFO (one status read per 16 bytes), so a missing UART
 * costs time but never hangs.  Unbuffered: the kvm platform's console
 * (libos/kvm/console.h) queues in front of it.  Any caller.
 */
#ifndef X86_SERIAL_H
#define X86_SERIAL_H

#include <stddef.h>

/* Programs the UART.  Returns nothing. */
void serial_init(void);

/* Writes `n` bytes of `s`.  Returns nothing. */
void serial_write(const char *s, size_t n);

#endif /* X86_SERIAL_H */
