/* serial.c — the 16550 console on COM1 (see serial.h). */
#include "libos/x86_64/serial.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libos/x86_64/cpu.h"

#define COM1 0x3f8
#define LSR_THRE 0x20
#define TX_SPIN_MAX 100000

void serial_init(void)
{
    cpu_outb(COM1 + 1, 0x00); /* no interrupts */
    cpu_outb(COM1 + 3, 0x80); /* DLAB */
    cpu_outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
    cpu_outb(COM1 + 1, 0x00);
    cpu_outb(COM1 + 3, 0x03); /* 8N1 */
    cpu_outb(COM1 + 2, 0x07); /* FIFO on, cleared */
    cpu_outb(COM1 + 4, 0x03); /* DTR, RTS */
}

/* Sends one byte once the transmitter is free (bounded wait). */
static void serial_putc(char c)
{
    for (unsigned i = 0; i < TX_SPIN_MAX && !(cpu_inb(COM1 + 5) & LSR_THRE); i++)
        cpu_pause();
    cpu_outb(COM1, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

void serial_puts(const char *s)
{
    serial_write(s, strlen(s));
}

void serial_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1)
        n = (int)sizeof buf - 1;
    if (n > 0)
        serial_write(buf, (size_t)n);
}
