/*
 * dp_ptrie.c — the prefix trie (see dp_ptrie.h).
 */
#include "dp_ptrie.h"

#include <stddef.h>
#include <string.h>

#include "os/mem.h"

#define PTRIE_MIN_CAP 64u
#define PTRIE_BUDGET_BASE 4096u
#define PTRIE_BUDGET_PER_PREFIX 24u /* random /32s need about 17 */

static unsigned bit_at(uint32_t prefix, unsigned d)
{
    return (prefix >> (31 - d)) & 1;
}

void dp_ptrie_init(struct dp_ptrie *t)
{
    memset(t, 0, sizeof *t);
    t->max_nodes_base = PTRIE_BUDGET_BASE;
    t->max_nodes_per_prefix = PTRIE_BUDGET_PER_PREFIX;
}

void dp_ptrie_fini(struct dp_ptrie *t)
{
    uint32_t base = t->max_nodes_base, per = t->max_nodes_per_prefix;
    os_free(t->nodes);
    memset(t, 0, sizeof *t);
    t->max_nodes_base = base;
    t->max_nodes_per_prefix = per;
}

/* Makes sure `need` more nodes can be taken without failing, within the
 * budget.  Returns 0 or -1. */
static int ptrie_reserve(struct dp_ptrie *t, uint32_t need)
{
    uint32_t n_free = t->cap - t->n_nodes;
    for (uint32_t i = t->free_head; i && n_free < need; i = t->nodes[i].child[0])
        n_free++;
    if (n_free >= need)
        return 0;
    uint64_t budget = t->max_nodes_base + (uint64_t)t->max_nodes_per_prefix * (t->n_prefixes + 1);
    if ((uint64_t)t->n_nodes + need > budget)
        return -1;
    uint32_t cap = t->cap ? t->cap : PTRIE_MIN_CAP;
    while (cap - t->n_nodes < need)
        cap *= 2;
    if ((uint64_t)cap > budget)
        cap = (uint32_t)budget;
    struct dp_ptrie_node *nodes = os_realloc(t->nodes, (size_t)cap * sizeof *nodes);
    if (!nodes)
        return -1;
    t->nodes = nodes;
    t->cap = cap;
    return 0;
}

/* Takes a reserved node and clears it.  Returns its index. */
static uint32_t ptrie_take(struct dp_ptrie *t)
{
    uint32_t i = t->free_head;
    if (i)
        t->free_head = t->nodes[i].child[0];
    else
        i = t->n_nodes++;
    memset(&t->nodes[i], 0, sizeof t->nodes[i]);
    return i;
}

/* Sets (on) or clears bit `len` - 1 in the path_bits of node n's subtree.
 * Recursion depth is at most 33. */
static void subtree_bit(struct dp_ptrie *t, uint32_t n, unsigned len, bool on)
{
    uint32_t bit = 1u << (len - 1);
    if (on)
        t->nodes[n].path_bits |= bit;
    else
        t->nodes[n].path_bits &= ~bit;
    for (int b = 0; b < 2; b++)
        if (t->nodes[n].child[b])
            subtree_bit(t, t->nodes[n].child[b], len, on);
}

/* Recomputes the stem (dp_ptrie.h) after a change.  Returns nothing. */
static void stem_update(struct dp_ptrie *t)
{
    uint32_t n = 0, len = 0, prefix = 0;
    while (len < 32) {
        const struct dp_ptrie_node *node = &t->nodes[n];
        if (!node->child[0] == !node->child[1])
            break; /* none or two */
        unsigned b = node->child[1] ? 1 : 0;
        prefix |= (uint32_t)b << (31 - len);
        n = node->child[b];
        len++;
    }
    t->stem_node = n;
    t->stem_len = len;
    t->stem_prefix = prefix;
}

/* Fills jump[first .. first + 2^(bits - depth)) for the walk below node n
 * at `depth` levels past the stem (dp_ptrie.h). */
static void jump_fill(struct dp_ptrie *t, uint32_t n, unsigned depth, uint32_t first)
{
    unsigned bits = t->jump_bits;
    if (depth == bits) {
        t->jump[first] = n;
        return;
    }
    uint32_t half = 1u << (bits - depth - 1);
    for (unsigned b = 0; b < 2; b++) {
        uint32_t c = t->nodes[n].child[b];
        uint32_t start = first + b * half;
        if (c) {
            jump_fill(t, c, depth + 1, start);
        } else {
            for (uint32_t i = 0; i < half; i++)
                t->jump[start + i] = n | DP_PTRIE_JUMP_END;
        }
    }
}

/* Recomputes the stem and the jump table after a change.  Returns
 * nothing. */
static void shortcuts_update(struct dp_ptrie *t)
{
    stem_update(t);
    t->jump_bits = 32 - t->stem_len < DP_PTRIE_JUMP_BITS ? 32 - t->stem_len
                                                          : DP_PTRIE_JUMP_BITS;
    if (t->jump_bits)
        jump_fill(t, t->stem_node, 0, 0);
}

/* Gives up on the trie: frees the nodes, keeps counting. */
static void degrade(struct dp_ptrie *t)
{
    uint32_t n = t->n_prefixes;
    dp_ptrie_fini(t);
    t->n_prefixes = n;
    t->degraded = true;
}

void dp_ptrie_add(struct dp_ptrie *t, uint32_t prefix, unsigned len)
{
    if (len < 1 || len > 32)
        return;
    if (t->degraded) {
        t->n_prefixes++;
        return;
    }
    /* How deep does the existing path go? */
    uint32_t n = 0;
    unsigned d = 0;
    if (t->n_nodes) {
        while (d < len && t->nodes[n].child[bit_at(prefix, d)]) {
            n = t->nodes[n].child[bit_at(prefix, d)];
            d++;
        }
    }
    uint32_t need = (len - d) + (t->n_nodes ? 0 : 1);
    if (need && ptrie_reserve(t, need) < 0) {
        degrade(t);
        t->n_prefixes++;
        return;
    }
    if (!t->n_nodes)
        ptrie_take(t); /* the root, index 0 */
    for (; d < len; d++) {
        uint32_t c = ptrie_take(t);
        t->nodes[c].path_bits = t->nodes[n].path_bits;
        t->nodes[n].child[bit_at(prefix, d)] = c;
        n = c;
    }
    if (t->nodes[n].n_rules++ == 0)
        subtree_bit(t, n, len, true);
    t->n_prefixes++;
    shortcuts_update(t);
}

void dp_ptrie_remove(struct dp_ptrie *t, uint32_t prefix, unsigned len)
{
    if (len < 1 || len > 32 || !t->n_prefixes)
        return;
    if (t->degraded) {
        if (--t->n_prefixes == 0)
            dp_ptrie_fini(t); /* empty: a fresh trie from here on */
        return;
    }
    uint32_t path[33];
    uint32_t n = 0;
    path[0] = 0;
    for (unsigned d = 0; d < len; d++) {
        n = t->nodes[n].child[bit_at(prefix, d)];
        if (!n)
            return; /* never added: nothing to uncount */
        path[d + 1] = n;
    }
    if (!t->nodes[n].n_rules)
        return;
    if (--t->nodes[n].n_rules == 0)
        subtree_bit(t, n, len, false);
    t->n_prefixes--;
    /* Free the empty tail of the path, bottom up (never the root). */
    for (unsigned d = len; d > 0; d--) {
        struct dp_ptrie_node *node = &t->nodes[path[d]];
        if (node->n_rules || node->child[0] || node->child[1])
            break;
        t->nodes[path[d - 1]].child[bit_at(prefix, d - 1)] = 0;
        node->child[0] = t->free_head;
        t->free_head = path[d];
    }
    shortcuts_update(t);
}

/* dp_ptrie_lookup_burst for n <= DP_PTRIE_BURST addresses. */
static void lookup_chunk(const struct dp_ptrie *t, const uint32_t addr[], unsigned n,
                         uint64_t out[])
{
    const struct dp_ptrie_node *nodes = t->nodes;
    uint32_t node[DP_PTRIE_BURST];
    uint8_t act[DP_PTRIE_BURST]; /* addresses still walking */
    unsigned na = 0;
    uint32_t stem_mask = (uint32_t)(~0ull << (32 - t->stem_len));
    for (unsigned i = 0; i < n; i++) {
        uint32_t diff = (addr[i] ^ t->stem_prefix) & stem_mask;
        if (diff) {
            unsigned common = (unsigned)__builtin_clz(diff);
            out[i] = (uint64_t)(nodes[t->stem_node].path_bits &
                                (uint32_t)((1ull << common) - 1)) << 1;
        } else {
            node[i] = t->stem_node;
            act[na++] = (uint8_t)i;
        }
    }
    unsigned d0 = t->stem_len;
    if (t->jump_bits) {
        unsigned still = 0;
        for (unsigned j = 0; j < na; j++) {
            unsigned i = act[j];
            uint32_t e = t->jump[(uint32_t)((uint64_t)addr[i] << d0) >> (32 - t->jump_bits)];
            node[i] = e & ~DP_PTRIE_JUMP_END;
            if (e & DP_PTRIE_JUMP_END)
                out[i] = (uint64_t)nodes[node[i]].path_bits << 1;
            else
                act[still++] = (uint8_t)i;
        }
        na = still;
        d0 += t->jump_bits;
    }
    for (unsigned d = d0; d < 32 && na; d++) {
        unsigned still = 0;
        for (unsigned j = 0; j < na; j++) {
            unsigned i = act[j];
            uint32_t c = nodes[node[i]].child[(addr[i] >> (31 - d)) & 1];
            if (c) {
                node[i] = c;
                act[still++] = (uint8_t)i;
            } else {
                out[i] = (uint64_t)nodes[node[i]].path_bits << 1;
            }
        }
        na = still;
    }
    for (unsigned j = 0; j < na; j++)
        out[act[j]] = (uint64_t)nodes[node[act[j]]].path_bits << 1;
}

void dp_ptrie_lookup_burst(const struct dp_ptrie *t, const uint32_t addr[], unsigned n,
                           uint64_t out[])
{
    if (!t->n_prefixes || t->degraded) {
        for (unsigned i = 0; i < n; i++)
            out[i] = t->n_prefixes ? DP_PTRIE_ALL_LENGTHS : 0;
        return;
    }
    for (unsigned i = 0; i < n; i += DP_PTRIE_BURST)
        lookup_chunk(t, addr + i, n - i < DP_PTRIE_BURST ? n - i : DP_PTRIE_BURST, out + i);
}
