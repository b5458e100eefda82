/* ctl_mactable.c — the learning app's MAC table (see ctl_mactable.h). */
#include "ctl_mactable.h"

#include <string.h>

/* Returns the bucket of mac. */
static uint32_t mac_bucket(const uint8_t mac[6])
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (int i = 0; i < 6; i++)
        h = (h ^ mac[i]) * 16777619u;
    return (h ^ (h >> 15)) & (CTL_MAC_BUCKETS - 1);
}

void ctl_mac_init(struct ctl_mactable *t, uint64_t aging_ns)
{
    memset(t, 0, sizeof *t);
    t->aging_ns = aging_ns;
    for (uint16_t i = 0; i < CTL_MAC_ENTRIES; i++)
        t->e[i].next = (uint16_t)(i + 2 <= CTL_MAC_ENTRIES ? i + 2 : 0);
    t->free_head = 1;
}

void ctl_mac_remove(struct ctl_mactable *t, struct ctl_mac_entry *e)
{
    uint16_t idx = (uint16_t)(e - t->e + 1);
    uint16_t *link = &t->head[mac_bucket(e->mac)];
    while (*link && *link != idx)
        link = &t->e[*link - 1].next;
    if (*link)
        *link = e->next;
    e->port = 0;
    e->next = t->free_head;
    t->free_head = idx;
}

struct ctl_mac_entry *ctl_mac_find(struct ctl_mactable *t, const uint8_t mac[6], uint64_t now)
{
    for (uint16_t i = t->head[mac_bucket(mac)]; i; i = t->e[i - 1].next) {
        struct ctl_mac_entry *e = &t->e[i - 1];
        if (memcmp(e->mac, mac, 6) != 0)
            continue;
        if (now - e->seen_ns > t->aging_ns) {
            ctl_mac_remove(t, e);
            return NULL;
        }
        return e;
    }
    return NULL;
}

/* Returns the least recently seen entry (the table is full). */
static struct ctl_mac_entry *mac_oldest(struct ctl_mactable *t)
{
    struct ctl_mac_entry *old = &t->e[0];
    for (size_t i = 1; i < CTL_MAC_ENTRIES; i++)
        if (t->e[i].seen_ns < old->seen_ns)
            old = &t->e[i];
    return old;
}

struct ctl_mac_entry *ctl_mac_add(struct ctl_mactable *t, const uint8_t mac[6], uint16_t port,
                                  uint64_t now)
{
    if (!t->free_head)
        ctl_mac_remove(t, mac_oldest(t));
    uint16_t idx = t->free_head;
    struct ctl_mac_entry *e = &t->e[idx - 1];
    t->free_head = e->next;
    memcpy(e->mac, mac, 6);
    e->port = port;
    e->seen_ns = now;
    uint32_t b = mac_bucket(mac);
    e->next = t->head[b];
    t->head[b] = idx;
    return e;
}
