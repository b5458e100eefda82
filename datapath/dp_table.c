/*
 * dp_table.c — OpenFlow 1.0 flow table semantics (see dp_table.h).
 *
 * Two "ftables" (normal, emergency), each a classifier plus a list of its
 * entries in insertion order (the walk order of non-strict commands, stats
 * and expiry callbacks) and a size limit.  One expiry heap (min-heap on
 * flow->deadline_ns) holds every entry with a timeout; emergency entries have
 * none, so only normal entries are ever in it.
 *
 * Choices where OpenFlow 1.0 leaves room (documented for the agent):
 *  - DP_FF_EMERG on any command selects the emergency table: ADD and MODIFY*
 *    act on it, DELETE* delete only from it.  Without the flag ADD and
 *    MODIFY* touch only the normal table, while DELETE* delete matching
 *    entries from both (as the OpenFlow 1.0 reference switch does; the
 *    emergency ones without a removal callback).  EMERG with a non-zero
 *    timeout is -EINVAL for ADD and MODIFY* (a modify may add); DELETE*
 *    ignore the timeouts.
 *  - ADD of an entry with identical match and priority replaces it in place:
 *    new actions, cookie, timeouts and flags; counters cleared; created_ns and
 *    used_ns = now.  No removal callback for the replaced entry.
 *  - MODIFY / MODIFY_STRICT change the actions only: counters, cookie,
 *    timeouts, flags and created_ns are kept.  out_port is ignored.  When
 *    nothing is selected the flow is added (CHECK_OVERLAP honoured then).
 *  - CHECK_OVERLAP: -EEXIST when an entry of the same priority overlaps,
 *    including an identical one.
 *  - Timeouts: an entry expires when now >= used_ns + idle (idle) or
 *    now >= created_ns + hard (hard); when both have passed the reason is
 *    HARD.
 *  - Matches are normalised on the way in: padding bits of the mask and key
 *    bits outside the mask are cleared.
 */
#include "dp_table.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "dp_cache.h"
#include "dp_classifier.h"
#include "dp_slab.h"
#include "os/clock.h"
#include "os/mem.h"

#define CACHE_ENTRIES 8192u
#define SLAB_FIRST_CHUNK (16u << 10) /* bytes: 64 entries */
#define HEAP_NONE UINT32_MAX

struct dp_ftable {
    struct dp_classifier cls;
    struct dp_flow *head, *tail; /* insertion order */
    uint32_t n, max;
};

struct dp_table {
    struct dp_ftable normal, emerg;
    struct dp_ftable *active;  /* &normal, or &emerg in emergency mode */
    struct dp_cache cache;     /* wildcard lookups of the active table */
    struct dp_slab flows;      /* every entry of both ftables */
    struct dp_flow **heap;     /* expiry min-heap on deadline_ns */
    uint32_t heap_n, heap_cap;
    uint64_t lookups, matched, cache_hits;
};

/* ---- small helpers ----------------------------------------------------- */

static struct dp_ftable *ftable_of(struct dp_table *t, const struct dp_flow *f)
{
    return (f->flags & DP_FF_EMERG) ? &t->emerg : &t->normal;
}

static void normalize(struct dp_match *out, const struct dp_match *in)
{
    for (int i = 0; i < DP_KEY_WORDS; i++) {
        out->mask.w[i] = in->mask.w[i] & dp_cls_exact_mask.w[i];
        out->key.w[i] = in->key.w[i] & out->mask.w[i];
    }
}

/* Returns true when `e` is equal to or more specific than filter `f`
 * (OpenFlow 1.0 non-strict selection). */
static bool match_covers(const struct dp_match *f, const struct dp_match *e)
{
    uint64_t bad = 0;
    for (int i = 0; i < DP_KEY_WORDS; i++)
        bad |= (f->mask.w[i] & ~e->mask.w[i]) | ((e->key.w[i] & f->mask.w[i]) ^ f->key.w[i]);
    return bad == 0;
}

static bool port_ok(const struct dp_flow *f, uint16_t out_port)
{
    return out_port == DP_PORT_NONE || dp_flow_outputs_to(f, out_port);
}

bool dp_flow_outputs_to(const struct dp_flow *flow, uint16_t port)
{
    for (uint16_t i = 0; i < flow->n_actions; i++) {
        const struct dp_action *a = &flow->actions[i];
        if (a->type == DP_ACT_OUTPUT && a->u.output.port == port)
            return true;
        if (a->type == DP_ACT_ENQUEUE && a->u.enqueue.port == port)
            return true;
    }
    return false;
}

bool dp_match_is_exact(const struct dp_match *m)
{
    for (int i = 0; i < DP_KEY_WORDS; i++)
        if ((m->mask.w[i] & dp_cls_exact_mask.w[i]) != dp_cls_exact_mask.w[i])
            return false;
    return true;
}

/* Checks fm's action list and, when it is too long to live inside an entry,
 * makes a heap copy in *heap (else *heap = NULL).  Returns 0, -EINVAL
 * (n_actions without actions) or -ENOMEM. */
static int actions_prepare(const struct dp_flow_mod *fm, struct dp_action **heap)
{
    *heap = NULL;
    if (fm->n_actions == 0)
        return 0;
    if (!fm->actions)
        return -EINVAL;
    if (fm->n_actions <= DP_FLOW_INLINE_ACTS)
        return 0;
    *heap = os_malloc((size_t)fm->n_actions * sizeof **heap);
    if (!*heap)
        return -ENOMEM;
    memcpy(*heap, fm->actions, (size_t)fm->n_actions * sizeof **heap);
    return 0;
}

/* Frees f's heap action list, if it has one.  Returns nothing. */
static void flow_free_actions(struct dp_flow *f)
{
    if (f->actions != f->inline_acts)
        os_free(f->actions);
    f->actions = f->inline_acts;
    f->n_actions = 0;
}

/* Replaces f's actions with fm's: `heap` from actions_prepare (taken over),
 * or, when NULL, fm's list copied inline.  Cannot fail.  Returns nothing. */
static void flow_set_actions(struct dp_flow *f, const struct dp_flow_mod *fm,
                             struct dp_action *heap)
{
    flow_free_actions(f);
    if (heap) {
        f->actions = heap;
    } else if (fm->n_actions) {
        memcpy(f->inline_acts, fm->actions, (size_t)fm->n_actions * sizeof *fm->actions);
    }
    f->n_actions = fm->n_actions;
}

/* ---- expiry heap ------------------------------------------------------- */

static uint64_t flow_hard_deadline(const struct dp_flow *f)
{
    return f->hard_timeout ? f->created_ns + f->hard_timeout * OS_NS_PER_SEC : UINT64_MAX;
}

static uint64_t flow_deadline(const struct dp_flow *f)
{
    uint64_t d = flow_hard_deadline(f);
    if (f->idle_timeout && f->used_ns + f->idle_timeout * OS_NS_PER_SEC < d)
        d = f->used_ns + f->idle_timeout * OS_NS_PER_SEC;
    return d;
}

static void heap_set(struct dp_table *t, uint32_t i, struct dp_flow *f)
{
    t->heap[i] = f;
    f->heap_idx = i;
}

static void heap_sift_up(struct dp_table *t, uint32_t i)
{
    struct dp_flow *f = t->heap[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (t->heap[p]->deadline_ns <= f->deadline_ns)
            break;
        heap_set(t, i, t->heap[p]);
        i = p;
    }
    heap_set(t, i, f);
}

static void heap_sift_down(struct dp_table *t, uint32_t i)
{
    struct dp_flow *f = t->heap[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= t->heap_n)
            break;
        if (c + 1 < t->heap_n && t->heap[c + 1]->deadline_ns < t->heap[c]->deadline_ns)
            c++;
        if (f->deadline_ns <= t->heap[c]->deadline_ns)
            break;
        heap_set(t, i, t->heap[c]);
        i = c;
    }
    heap_set(t, i, f);
}

/* Makes room for one more heap element.  Returns 0 or -ENOMEM. */
static int heap_reserve(struct dp_table *t)
{
    if (t->heap_n < t->heap_cap)
        return 0;
    uint32_t cap = t->heap_cap ? t->heap_cap * 2 : 64;
    struct dp_flow **h = os_realloc(t->heap, (size_t)cap * sizeof *h);
    if (!h)
        return -ENOMEM;
    t->heap = h;
    t->heap_cap = cap;
    return 0;
}

static void heap_remove(struct dp_table *t, struct dp_flow *f)
{
    uint32_t i = f->heap_idx;
    if (i == HEAP_NONE)
        return;
    f->heap_idx = HEAP_NONE;
    struct dp_flow *last = t->heap[--t->heap_n];
    if (last == f)
        return;
    heap_set(t, i, last);
    heap_sift_up(t, i);
    heap_sift_down(t, last->heap_idx);
}

/* (Re)schedules `f` after its timeouts or times changed.  The caller has
 * reserved heap room when `f` has a timeout. */
static void heap_schedule(struct dp_table *t, struct dp_flow *f)
{
    if (!f->idle_timeout && !f->hard_timeout) {
        heap_remove(t, f);
        return;
    }
    f->deadline_ns = flow_deadline(f);
    if (f->heap_idx == HEAP_NONE) {
        f->heap_idx = t->heap_n++;
        t->heap[f->heap_idx] = f;
    }
    heap_sift_up(t, f->heap_idx);
    heap_sift_down(t, f->heap_idx);
}

/* ---- entries ----------------------------------------------------------- */

static void list_append(struct dp_ftable *ft, struct dp_flow *f)
{
    f->lnext = NULL;
    f->lprev = ft->tail;
    if (ft->tail)
        ft->tail->lnext = f;
    else
        ft->head = f;
    ft->tail = f;
}

static void list_unlink(struct dp_ftable *ft, struct dp_flow *f)
{
    if (f->lprev)
        f->lprev->lnext = f->lnext;
    else
        ft->head = f->lnext;
    if (f->lnext)
        f->lnext->lprev = f->lprev;
    else
        ft->tail = f->lprev;
}

static void flow_free(struct dp_table *t, struct dp_flow *f)
{
    flow_free_actions(f);
    dp_slab_free(&t->flows, f);
}

/* Calls `cb`, then unlinks and frees `f`. */
static void flow_remove(struct dp_table *t, struct dp_flow *f, enum dp_removed_reason why,
                        uint64_t now_ns, dp_removed_cb *cb, void *arg)
{
    struct dp_ftable *ft = ftable_of(t, f);
    if (cb)
        cb(f, why, now_ns, arg);
    dp_classifier_remove(&ft->cls, f);
    list_unlink(ft, f);
    heap_remove(t, f);
    ft->n--;
    flow_free(t, f);
}

/* Sets everything an ADD sets (all but match/priority and table links);
 * `heap` as for flow_set_actions.  Returns nothing. */
static void flow_set_from_mod(struct dp_flow *f, const struct dp_flow_mod *fm,
                              struct dp_action *heap, uint64_t now_ns)
{
    f->idle_timeout = fm->idle_timeout;
    f->hard_timeout = fm->hard_timeout;
    f->flags = fm->flags;
    f->cookie = fm->cookie;
    f->created_ns = now_ns;
    f->used_ns = now_ns;
    f->n_packets = 0;
    f->n_bytes = 0;
    flow_set_actions(f, fm, heap);
}

/* ---- commands ---------------------------------------------------------- */

static int cmd_add(struct dp_table *t, struct dp_ftable *ft, const struct dp_flow_mod *fm,
                   const struct dp_match *m, uint64_t now_ns)
{
    if ((fm->flags & DP_FF_CHECK_OVERLAP) && dp_classifier_overlaps(&ft->cls, m, fm->priority))
        return -EEXIST;
    struct dp_flow *old = dp_classifier_find_strict(&ft->cls, m, fm->priority);
    if (!old && ft->n >= ft->max)
        return -ENOSPC;
    bool timed = fm->idle_timeout || fm->hard_timeout;
    if (timed && heap_reserve(t) < 0)
        return -ENOMEM;
    struct dp_action *heap;
    int rc = actions_prepare(fm, &heap);
    if (rc < 0)
        return rc;
    if (old) { /* identical match and priority: replace, counters cleared */
        flow_set_from_mod(old, fm, heap, now_ns);
        heap_schedule(t, old);
        return 0;
    }
    struct dp_flow *f = dp_slab_alloc(&t->flows);
    if (!f) {
        os_free(heap);
        return -ENOMEM;
    }
    f->match = *m;
    f->priority = fm->priority;
    f->heap_idx = HEAP_NONE;
    f->actions = f->inline_acts;
    flow_set_from_mod(f, fm, heap, now_ns);
    if (dp_classifier_insert(&ft->cls, f) < 0) {
        flow_free(t, f);
        return -ENOMEM;
    }
    list_append(ft, f);
    ft->n++;
    heap_schedule(t, f);
    return 0;
}

static int cmd_modify_strict(struct dp_table *t, struct dp_ftable *ft,
                             const struct dp_flow_mod *fm, const struct dp_match *m,
                             uint64_t now_ns)
{
    struct dp_flow *f = dp_classifier_find_strict(&ft->cls, m, fm->priority);
    if (!f)
        return cmd_add(t, ft, fm, m, now_ns);
    struct dp_action *heap;
    int rc = actions_prepare(fm, &heap);
    if (rc == 0)
        flow_set_actions(f, fm, heap);
    return rc;
}

/* Non-strict modify: all or nothing, so every heap copy of the actions is
 * made before the first entry changes (inline copies cannot fail). */
static int cmd_modify(struct dp_table *t, struct dp_ftable *ft, const struct dp_flow_mod *fm,
                      const struct dp_match *m, uint64_t now_ns)
{
    uint32_t n = 0;
    for (const struct dp_flow *f = ft->head; f; f = f->lnext)
        n += match_covers(m, &f->match);
    if (n == 0)
        return cmd_add(t, ft, fm, m, now_ns);
    if (fm->n_actions && !fm->actions)
        return -EINVAL;
    struct dp_action **copies = NULL;
    if (fm->n_actions > DP_FLOW_INLINE_ACTS) {
        copies = os_calloc(n, sizeof *copies);
        if (!copies)
            return -ENOMEM;
        for (uint32_t i = 0; i < n; i++) {
            if (actions_prepare(fm, &copies[i]) < 0) {
                for (uint32_t j = 0; j < i; j++)
                    os_free(copies[j]);
                os_free(copies);
                return -ENOMEM;
            }
        }
    }
    uint32_t i = 0;
    for (struct dp_flow *f = ft->head; f; f = f->lnext)
        if (match_covers(m, &f->match)) {
            flow_set_actions(f, fm, copies ? copies[i] : NULL);
            i++;
        }
    os_free(copies);
    return 0;
}

static void cmd_delete(struct dp_table *t, struct dp_ftable *ft, const struct dp_flow_mod *fm,
                       const struct dp_match *m, bool strict, uint64_t now_ns,
                       dp_removed_cb *cb, void *arg)
{
    if (strict) {
        struct dp_flow *f = dp_classifier_find_strict(&ft->cls, m, fm->priority);
        if (f && port_ok(f, fm->out_port))
            flow_remove(t, f, DP_RR_DELETE, now_ns, cb, arg);
        return;
    }
    struct dp_flow *next;
    for (struct dp_flow *f = ft->head; f; f = next) {
        next = f->lnext;
        if (match_covers(m, &f->match) && port_ok(f, fm->out_port))
            flow_remove(t, f, DP_RR_DELETE, now_ns, cb, arg);
    }
}

int dp_table_apply(struct dp_table *t, const struct dp_flow_mod *fm, uint64_t now_ns,
                   dp_removed_cb *cb, void *arg)
{
    struct dp_match m;
    normalize(&m, &fm->match);
    bool emerg = fm->flags & DP_FF_EMERG;
    struct dp_ftable *ft = emerg ? &t->emerg : &t->normal;
    bool timed = fm->idle_timeout || fm->hard_timeout;
    int rc = 0;

    switch (fm->command) {
    case DP_FC_ADD:
    case DP_FC_MODIFY:
    case DP_FC_MODIFY_STRICT:
        if (emerg && timed)
            return -EINVAL;
        if (fm->command == DP_FC_ADD)
            rc = cmd_add(t, ft, fm, &m, now_ns);
        else if (fm->command == DP_FC_MODIFY)
            rc = cmd_modify(t, ft, fm, &m, now_ns);
        else
            rc = cmd_modify_strict(t, ft, fm, &m, now_ns);
        break;
    case DP_FC_DELETE:
    case DP_FC_DELETE_STRICT:
        cmd_delete(t, ft, fm, &m, fm->command == DP_FC_DELETE_STRICT, now_ns, cb, arg);
        if (!emerg) {
            cmd_delete(t, &t->emerg, fm, &m, fm->command == DP_FC_DELETE_STRICT, now_ns,
                       NULL, NULL);
            dp_classifier_commit(&t->emerg.cls);
        }
        break;
    default:
        return -EINVAL;
    }
    if (rc == 0) {
        dp_classifier_commit(&ft->cls);
        dp_cache_invalidate(&t->cache);
    }
    return rc;
}

/* ---- lookup, expiry, walks ---------------------------------------------- */

struct dp_flow *dp_table_lookup(struct dp_table *t, const struct dp_key *key)
{
    const struct dp_classifier *c = &t->active->cls;
    uint32_t h = dp_cls_hash_exact(key);
    struct dp_flow *f = dp_classifier_lookup_exact(c, key, h);
    t->lookups++;
    if (!f && c->n_subs) {
        if (dp_cache_lookup(&t->cache, key, h, &f)) {
            t->cache_hits++;
        } else {
            f = dp_classifier_lookup_wild(c, key);
            dp_cache_insert(&t->cache, key, h, f);
        }
    }
    if (f)
        t->matched++;
    return f;
}

void dp_table_lookup_burst(struct dp_table *t, const struct dp_key *const keys[], unsigned n,
                           struct dp_flow *flows[])
{
    const struct dp_classifier *c = &t->active->cls;
    const struct dp_subtable *ex = &c->exact;
    uint32_t h[DP_TABLE_BURST];
    if (n > DP_TABLE_BURST) { /* not a burst: no prefetching, same results */
        for (unsigned i = 0; i < n; i++)
            flows[i] = dp_table_lookup(t, keys[i]);
        return;
    }
    /* 1. hash, and start fetching each key's first exact slot */
    for (unsigned i = 0; i < n; i++) {
        h[i] = dp_cls_hash_exact(keys[i]);
        dp_classifier_prefetch_exact(c, h[i]);
        if (c->n_subs)
            __builtin_prefetch(&t->cache.e[(h[i] & t->cache.set_mask) * 2]);
    }
    /* 2. find each key's first slot of its hash (from cache after step 1)
     * and start fetching that flow: both lines, the key and the counters.
     * Walking past the home slot matters: near load 1/2 about a quarter of
     * the entries sit after it, and each was a dependent miss in step 3. */
    uint32_t cand[DP_TABLE_BURST];
    for (unsigned i = 0; i < n && ex->n_flows; i++) {
        cand[i] = dp_classifier_exact_slot(c, h[i]);
        if (cand[i] != DP_CLS_NO_SLOT) {
            const struct dp_flow *f = ex->slots[cand[i]].flow;
            __builtin_prefetch(f);
            __builtin_prefetch((const char *)f + 64);
        }
    }
    /* 3. the exact table and the per-key cache, now mostly from cache */
    const struct dp_key *wild[DP_TABLE_BURST];
    uint8_t widx[DP_TABLE_BURST];
    unsigned nw = 0;
    for (unsigned i = 0; i < n; i++) {
        struct dp_flow *f =
            ex->n_flows ? dp_classifier_lookup_exact_at(c, keys[i], h[i], cand[i]) : NULL;
        t->lookups++;
        if (!f && c->n_subs) {
            if (dp_cache_lookup(&t->cache, keys[i], h[i], &f)) {
                t->cache_hits++;
            } else {
                wild[nw] = keys[i];
                widx[nw++] = (uint8_t)i;
            }
        }
        flows[i] = f;
        t->matched += f != NULL;
    }
    /* 4. the tuple-space search for the rest, their trie walks overlapped */
    if (nw) {
        struct dp_flow *wf[DP_TABLE_BURST];
        dp_classifier_lookup_wild_burst(c, wild, nw, wf);
        for (unsigned j = 0; j < nw; j++) {
            flows[widx[j]] = wf[j];
            t->matched += wf[j] != NULL;
            dp_cache_insert(&t->cache, wild[j], h[widx[j]], wf[j]);
        }
    }
}

unsigned dp_table_expire(struct dp_table *t, uint64_t now_ns, dp_removed_cb *cb, void *arg)
{
    unsigned n = 0;
    while (t->heap_n && t->heap[0]->deadline_ns <= now_ns) {
        struct dp_flow *f = t->heap[0];
        uint64_t d = flow_deadline(f);
        if (d > now_ns) { /* hit since scheduled: the idle deadline moved */
            f->deadline_ns = d;
            heap_sift_down(t, 0);
            continue;
        }
        enum dp_removed_reason why =
            flow_hard_deadline(f) <= now_ns ? DP_RR_HARD_TIMEOUT : DP_RR_IDLE_TIMEOUT;
        flow_remove(t, f, why, now_ns, cb, arg);
        n++;
    }
    if (n) {
        dp_classifier_commit(&t->normal.cls);
        dp_classifier_commit(&t->emerg.cls);
        dp_cache_invalidate(&t->cache);
    }
    return n;
}

uint64_t dp_table_next_expiry(const struct dp_table *t)
{
    return t->heap_n ? t->heap[0]->deadline_ns : UINT64_MAX;
}

unsigned dp_table_visit(const struct dp_table *t, const struct dp_match *filter,
                        uint16_t out_port, bool emerg, dp_visit_cb *visit, void *arg)
{
    struct dp_match m;
    normalize(&m, filter);
    const struct dp_ftable *ft = emerg ? &t->emerg : &t->normal;
    unsigned n = 0;
    for (const struct dp_flow *f = ft->head; f; f = f->lnext) {
        if (!match_covers(&m, &f->match) || !port_ok(f, out_port))
            continue;
        n++;
        if (visit && visit(f, arg))
            break;
    }
    return n;
}

void dp_table_set_emergency(struct dp_table *t, bool on)
{
    struct dp_ftable *want = on ? &t->emerg : &t->normal;
    if (t->active != want) {
        t->active = want;
        dp_cache_invalidate(&t->cache);
    }
}

void dp_table_get_stats(const struct dp_table *t, struct dp_table_stats *st)
{
    st->active = t->normal.n;
    st->max = t->normal.max;
    st->lookups = t->lookups;
    st->matched = t->matched;
    st->n_emerg = t->emerg.n;
    st->n_masks = dp_classifier_n_masks(&t->normal.cls);
    st->cache_hits = t->cache_hits;
}

/* ---- life cycle --------------------------------------------------------- */

static void ftable_fini(struct dp_table *t, struct dp_ftable *ft)
{
    struct dp_flow *next;
    for (struct dp_flow *f = ft->head; f; f = next) {
        next = f->lnext;
        flow_free(t, f);
    }
    ft->head = ft->tail = NULL;
    dp_classifier_fini(&ft->cls);
}

struct dp_table *dp_table_create(uint32_t max_flows)
{
    struct dp_table *t = os_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->normal.max = t->emerg.max = max_flows;
    t->active = &t->normal;
    dp_slab_init(&t->flows, sizeof(struct dp_flow), SLAB_FIRST_CHUNK);
    if (dp_classifier_init(&t->normal.cls) < 0 || dp_classifier_init(&t->emerg.cls) < 0 ||
        dp_cache_init(&t->cache, CACHE_ENTRIES) < 0) {
        dp_table_destroy(t);
        return NULL;
    }
    return t;
}

void dp_table_destroy(struct dp_table *t)
{
    if (!t)
        return;
    ftable_fini(t, &t->normal);
    ftable_fini(t, &t->emerg);
    dp_slab_fini(&t->flows);
    dp_cache_fini(&t->cache);
    os_free(t->heap);
    os_free(t);
}
