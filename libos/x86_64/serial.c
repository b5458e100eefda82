/* serial.c — the 16550 console on COM1 (see serial.h). */
#include "libos/x86_64/serial.h"

#include "libos/x86_64/cpu.h"

#define COM1 0x3f8
#define LSR_THRE 0x20
#define TX_SPIN_MAX 100000
#define TX_FIFO 16 /* bytes the transmit FIFO takes once THRE says it is empty */

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

/* Waits (bounded) until the transmitter is empty. */
static void serial_wait_thre(void)
{
    for (unsigned i = 0; i < TX_SPIN_MAX && !(cpu_inb(COM1 + 5) & LSR_THRE); i++)
        cpu_pause();
}

void serial_write(const char *s, size_t n)
{
    unsigned room = 0; /* bytes the FIFO still takes without asking */
    for (size_t i = 0; i < n; i++) {
        unsigned need = s[i] == '\n' ? 2 : 1;
        if (room < need) {
            serial_wait_thre();
            room = TX_FIFO;
        }
        if (s[i] == '\n')
            cpu_outb(COM1, '\r');
        cpu_outb(COM1, (uint8_t)s[i]);
        room -= need;
    }
}

