/* console.c — the ring-buffered serial console of the kvm target (see
 * console.h); os_console_write for os/log.h and libos/pvh/console.c. */
#include "libos/kvm/console.h"

#include <stddef.h>

#include "libos/x86_64/serial.h"
#include "os/log.h"

#define RING 8192u /* a power of two */

static char ring[RING];
static size_t head, tail; /* free-running: bytes written in, bytes drained */

bool kvm_console_drain(unsigned max)
{
    while (max && tail != head) {
        size_t at = tail % RING, n = head - tail;
        if (n > RING - at)
            n = RING - at; /* up to the end of the array */
        if (n > max)
            n = max;
        serial_write(ring + at, n);
        tail += n;
        max -= (unsigned)n;
    }
    return tail != head;
}

void kvm_console_flush(void)
{
    kvm_console_drain(RING);
}

void os_console_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (head - tail == RING)
            kvm_console_drain(RING / 4); /* full: make room, oldest first */
        ring[head++ % RING] = s[i];
    }
}
