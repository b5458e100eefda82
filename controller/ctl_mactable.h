/*
 * ctl_mactable.h — the learning app's MAC table: MAC -> port, with aging.
 *
 * A fixed array of CTL_MAC_ENTRIES entries indexed by a chained hash on the
 * MAC (CTL_MAC_BUCKETS heads), so a lookup touches a handful of entries
 * whatever the table holds.  Free entries sit on a free list; when none is
 * left the least recently seen entry is reused (a scan, only when full).
 * An entry not seen for `aging_ns` is dropped when a lookup meets it.
 *
 * Ownership: the caller allocates the struct (zeroed or not) and calls
 * ctl_mac_init; nothing inside is allocated.  Single-threaded; used by
 * controller/ctl_learning.c only.
 */
#ifndef CTL_MACTABLE_H
#define CTL_MACTABLE_H

#include <stdint.h>

#define CTL_MAC_ENTRIES 1024
#define CTL_MAC_BUCKETS 1024 /* a power of two */

struct ctl_mac_entry {
    uint8_t mac[6];
    uint16_t port;       /* 0 = free */
    uint16_t next;       /* index + 1 of the next entry in the chain; 0 = end */
    uint64_t seen_ns;
};

struct ctl_mactable {
    struct ctl_mac_entry e[CTL_MAC_ENTRIES];
    uint16_t head[CTL_MAC_BUCKETS]; /* index + 1 of the first entry; 0 = none */
    uint16_t free_head;             /* index + 1 of the first free entry */
    uint64_t aging_ns;
};

/* Empties the table; entries live `aging_ns` without being seen.
 * Returns nothing. */
void ctl_mac_init(struct ctl_mactable *t, uint64_t aging_ns);

/* Returns the live entry for mac, or NULL; an entry older than the aging
 * time at `now` is removed on the way. */
struct ctl_mac_entry *ctl_mac_find(struct ctl_mactable *t, const uint8_t mac[6], uint64_t now);

/* Adds mac (not in the table) on `port` seen at `now`, reusing the least
 * recently seen entry when the table is full.  Returns the entry. */
struct ctl_mac_entry *ctl_mac_add(struct ctl_mactable *t, const uint8_t mac[6], uint16_t port,
                                  uint64_t now);

/* Removes entry e.  Returns nothing. */
void ctl_mac_remove(struct ctl_mactable *t, struct ctl_mac_entry *e);

#endif /* CTL_MACTABLE_H */
