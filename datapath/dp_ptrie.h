/*
 * dp_ptrie.h — which prefix lengths of an IPv4 field can match an address.
 *
 * The tuple-space classifier keeps one subtable per mask; with nw_src (or
 * nw_dst) prefixes of many lengths a lookup used to hash and probe every one
 * of them.  A prefix trie over the rules' nw_src (nw_dst) prefixes answers,
 * in one walk down the address's bits, the set of prefix lengths L for which
 * some rule's prefix of length L equals the address's first L bits.  A
 * subtable whose field mask is a /L prefix can hold a match for the packet
 * only when L is in that set, so the lookup skips the others without hashing
 * (the "prefix tracking" of Open vSwitch's classifier, in its simplest form).
 *
 * Invariants:
 *  - a binary trie in one array of 16-byte nodes (index 0 = root, the empty
 *    prefix; child index 0 = none); a node at depth d stands for a d-bit
 *    prefix and counts the rules whose prefix is exactly that one;
 *  - a node with no rules and no children is freed at once (free list);
 *  - every node's path_bits is the answer for an address whose walk ends
 *    there, so a lookup is one walk and no backtracking;
 *  - prefixes are counted, so equal prefixes of several rules are fine;
 *    every dp_ptrie_remove must match an earlier dp_ptrie_add;
 *  - memory is bounded: when an add would take the trie past
 *    max_nodes_base + max_nodes_per_prefix * prefixes nodes, or allocation
 *    fails, the trie becomes `degraded`: it only counts, and every lookup
 *    answers "every length" (no skipping: slower, never wrong).  It is
 *    rebuilt empty when its last prefix is removed.
 *
 * Ownership: the owner (dp_classifier) embeds the struct and calls
 * dp_ptrie_fini.  Add and remove run on the control path (add may
 * allocate); lookup allocates nothing and writes nothing.  Single-threaded.
 */
#ifndef DP_PTRIE_H
#define DP_PTRIE_H

#include <stdbool.h>
#include <stdint.h>

#define DP_PTRIE_ALL_LENGTHS 0x1fffffffeull /* bits 1..32 */
#define DP_PTRIE_JUMP_BITS 8
#define DP_PTRIE_JUMP_END 0x80000000u

struct dp_ptrie_node {
    uint32_t child[2];  /* node indexes, 0 = none */
    uint32_t n_rules;   /* rules whose prefix ends here */
    uint32_t path_bits; /* bit L-1 set when the node or an ancestor at depth
                         * L (1..32) has rules */
};
_Static_assert(sizeof(struct dp_ptrie_node) == 16, "four nodes per cache line");

struct dp_ptrie {
    struct dp_ptrie_node *nodes; /* nodes[0] is the root once allocated */
    uint32_t n_nodes;            /* nodes in use or on the free list, root included */
    uint32_t cap;                /* allocated nodes */
    uint32_t free_head;          /* free list through child[0], 0 = empty */
    uint32_t n_prefixes;         /* prefixes added and not removed */
    bool degraded;               /* over budget: counting only (see above) */
    uint32_t max_nodes_base, max_nodes_per_prefix; /* the node budget */
    /* The stem: the chain of single-child nodes from the root, which every
     * walk follows (typically the rules' common network).  A lookup jumps
     * to its end instead of walking it bit by bit. */
    uint32_t stem_node;          /* the first node without exactly one child */
    uint32_t stem_len;           /* its depth */
    uint32_t stem_prefix;        /* its prefix (bits past stem_len zero) */
    /* The jump table: for each value of the jump_bits address bits after
     * the stem, the deepest node the walk reaches within those bits, with
     * DP_PTRIE_JUMP_END set when the walk ends there.  A lookup takes the
     * stem and the next jump_bits levels in two loads. */
    uint32_t jump_bits;          /* min(DP_PTRIE_JUMP_BITS, 32 - stem_len) */
    uint32_t jump[1u << DP_PTRIE_JUMP_BITS];
};

/* Initialises an empty trie with the default node budget (no allocation).
 * Returns nothing. */
void dp_ptrie_init(struct dp_ptrie *t);

/* Frees the trie's memory; it is empty and usable again.  Returns nothing. */
void dp_ptrie_fini(struct dp_ptrie *t);

/* Counts one rule whose prefix is the first `len` bits of `prefix` (host
 * order; bits past len are ignored).  `len` must be 1..32 (anything else is
 * ignored).  Never fails: over budget or out of memory the trie degrades.
 * Returns nothing. */
void dp_ptrie_add(struct dp_ptrie *t, uint32_t prefix, unsigned len);

/* Uncounts one rule added with the same prefix and length.  Returns
 * nothing. */
void dp_ptrie_remove(struct dp_ptrie *t, uint32_t prefix, unsigned len);

/* Returns a bit set with bit L (1..32) set when some counted prefix of
 * length L equals the first L bits of `addr` (host order): 0 when the trie
 * is empty, DP_PTRIE_ALL_LENGTHS when it is degraded. */
static inline uint64_t dp_ptrie_lookup(const struct dp_ptrie *t, uint32_t addr)
{
    if (!t->n_prefixes)
        return 0;
    if (t->degraded)
        return DP_PTRIE_ALL_LENGTHS;
    const struct dp_ptrie_node *nodes = t->nodes;
    uint32_t diff = (addr ^ t->stem_prefix) & (uint32_t)(~0ull << (32 - t->stem_len));
    if (diff) { /* leaves the stem after `common` bits: lengths 1..common */
        unsigned common = (unsigned)__builtin_clz(diff);
        return (uint64_t)(nodes[t->stem_node].path_bits & (uint32_t)((1ull << common) - 1)) << 1;
    }
    uint32_t n = t->stem_node, last;
    unsigned d = t->stem_len;
    if (t->jump_bits) {
        uint32_t j = t->jump[(uint32_t)((uint64_t)addr << d) >> (32 - t->jump_bits)];
        n = j & ~DP_PTRIE_JUMP_END;
        if (j & DP_PTRIE_JUMP_END)
            return (uint64_t)nodes[n].path_bits << 1;
        d += t->jump_bits;
    }
    for (; d < 32; d++) {
        last = n;
        n = nodes[n].child[(addr >> (31 - d)) & 1];
        if (!n)
            return (uint64_t)nodes[last].path_bits << 1;
    }
    return (uint64_t)nodes[n].path_bits << 1;
}

/* Burst form of dp_ptrie_lookup: out[i] = dp_ptrie_lookup(t, addr[i]) for
 * i < n.  Up to DP_PTRIE_BURST addresses walk in lock step, one level at a
 * time, so their node loads overlap instead of queueing behind each other;
 * a larger n is done in chunks.  Returns nothing. */
#define DP_PTRIE_BURST 32
void dp_ptrie_lookup_burst(const struct dp_ptrie *t, const uint32_t addr[], unsigned n,
                           uint64_t out[]);

/* Returns the prefix length of `mask` (host order) when it is a CIDR mask
 * (ones then zeros: 0..32), or -1 when it is not. */
static inline int dp_ptrie_prefix_len(uint32_t mask)
{
    uint32_t inv = ~mask;
    if (inv & (inv + 1))
        return -1; /* the zeros are not a contiguous low run */
    return mask ? 32 - __builtin_ctz(mask) : 0; /* ones then zeros: 32 - trailing zeros */
}

#endif /* DP_PTRIE_H */
