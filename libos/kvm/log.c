/*
 * log.c — the kvm target's console for os/log.h (levels and formatting are
 * libos/common/log.c): the 16550 serial port.
 */
#include "libos/x86_64/serial.h"
#include "os/log.h"

void os_console_write(const char *s, size_t len)
{
    serial_write(s, len);
}
