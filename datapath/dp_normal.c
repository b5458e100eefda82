/*
 * dp_normal.c — MAC learning table for the NORMAL action.
 */
#include "datapath/dp_normal.h"

#include <string.h>

#include "datapath/dp_action.h"
#include "datapath/dp_key.h"
#include "os/mem.h"

#define WAYS 4
#define DEFAULT_AGING_NS (300ull * 1000000000ull)

struct mac_entry {
    uint64_t used_ns;
    uint64_t id;   /* MAC in the low 48 bits, VLAN in the high 16 */
    uint16_t port; /* 0 = empty slot */
};

struct dp_normal {
    struct mac_entry *e; /* n_buckets * WAYS */
    uint32_t bucket_mask;
    uint64_t aging_ns;
    struct dp_normal_stats st;
};

struct dp_normal *dp_normal_create(uint32_t max_entries, uint64_t aging_ns)
{
    uint32_t n = 64;
    while (n < max_entries && n < (1u << 24))
        n <<= 1;
    struct dp_normal *t = os_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->e = os_calloc(n, sizeof *t->e);
    if (!t->e) {
        os_free(t);
        return NULL;
    }
    t->bucket_mask = n / WAYS - 1;
    t->aging_ns = aging_ns ? aging_ns : DEFAULT_AGING_NS;
    return t;
}

void dp_normal_destroy(struct dp_normal *t)
{
    if (!t)
        return;
    os_free(t->e);
    os_free(t);
}

static uint64_t mac_id(const uint8_t *m, uint16_t vlan)
{
    return (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 | (uint64_t)m[2] << 24 |
           (uint64_t)m[3] << 16 | (uint64_t)m[4] << 8 | m[5] | (uint64_t)vlan << 48;
}

static struct mac_entry *bucket(const struct dp_normal *t, uint64_t id)
{
    uint64_t h = id * 0x9e3779b97f4a7c15ull;
    return &t->e[((h >> 32) & t->bucket_mask) * WAYS];
}

static bool live(const struct dp_normal *t, const struct mac_entry *e, uint64_t now)
{
    return e->port && !(now > e->used_ns && now - e->used_ns > t->aging_ns);
}

/* Returns the live entry for id, or NULL. */
static struct mac_entry *find(const struct dp_normal *t, uint64_t id, uint64_t now)
{
    struct mac_entry *b = bucket(t, id);
    for (int i = 0; i < WAYS; i++)
        if (b[i].id == id && live(t, &b[i], now))
            return &b[i];
    return NULL;
}

/* Learns id on port: refreshes its entry, or takes an empty or aged-out
 * slot of its bucket, or else replaces the bucket's least recently seen
 * entry. */
static void learn(struct dp_normal *t, uint64_t id, uint16_t port, uint64_t now)
{
    struct mac_entry *b = bucket(t, id), *victim = NULL;
    for (int i = 0; i < WAYS; i++) {
        bool alive = live(t, &b[i], now);
        if (b[i].port && b[i].id == id) {
            if (!alive)
                t->st.learned++;
            else if (b[i].port != port)
                t->st.moved++;
            b[i].port = port;
            b[i].used_ns = now;
            return;
        }
        if (!alive) {
            if (!victim || live(t, victim, now))
                victim = &b[i];
        } else if (!victim || (live(t, victim, now) && b[i].used_ns < victim->used_ns)) {
            victim = &b[i];
        }
    }
    if (live(t, victim, now))
        t->st.evicted++;
    t->st.learned++;
    victim->id = id;
    victim->port = port;
    victim->used_ns = now;
}

uint16_t dp_normal_decide(struct dp_normal *t, const uint8_t src[6], const uint8_t dst[6],
                          uint16_t vlan, uint16_t in_port, uint64_t now_ns)
{
    if (!(src[0] & 1))
        learn(t, mac_id(src, vlan), in_port, now_ns);
    if (dst[0] & 1) {
        t->st.flooded++;
        return DP_PORT_FLOOD;
    }
    const struct mac_entry *e = find(t, mac_id(dst, vlan), now_ns);
    if (!e) {
        t->st.flooded++;
        return DP_PORT_FLOOD;
    }
    if (e->port == in_port) {
        t->st.dropped++;
        return DP_PORT_NONE;
    }
    t->st.forwarded++;
    return e->port;
}

uint16_t dp_normal_lookup(const struct dp_normal *t, const uint8_t mac[6], uint16_t vlan,
                          uint64_t now_ns)
{
    const struct mac_entry *e = find(t, mac_id(mac, vlan), now_ns);
    return e ? e->port : DP_PORT_NONE;
}

unsigned dp_normal_flush_port(struct dp_normal *t, uint16_t port)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < (t->bucket_mask + 1) * WAYS; i++)
        if (t->e[i].port == port) {
            t->e[i].port = 0;
            n++;
        }
    return n;
}

void dp_normal_flush(struct dp_normal *t)
{
    memset(t->e, 0, sizeof *t->e * (t->bucket_mask + 1) * WAYS);
}

void dp_normal_get_stats(const struct dp_normal *t, uint64_t now_ns, struct dp_normal_stats *st)
{
    *st = t->st;
    st->entries = 0;
    for (uint32_t i = 0; i < (t->bucket_mask + 1) * WAYS; i++)
        if (live(t, &t->e[i], now_ns))
            st->entries++;
}
