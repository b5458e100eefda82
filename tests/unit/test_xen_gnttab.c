/*
 * test_xen_gnttab.c — grant table v1 bookkeeping (libos/xen/gnttab_core.c)
 * on host pages standing in for Xen's grant frames; the test plays Xen by
 * setting the reading/writing bits a mapping sets.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "libos/xen/gnttab.h"
#include "libos/xen/gnttab_core.c"

#define FRAMES 3

struct fx {
    struct gnt_table t;
    struct xen_grant_entry_v1 *pages[FRAMES];
    unsigned grown;
};

/* grow callback: hands out the next prepared page. */
static int fx_grow(struct gnt_table *t, void *arg)
{
    struct fx *x = arg;
    if (x->grown >= FRAMES)
        return -ENOSPC;
    return gnt_table_add_frame(t, x->pages[x->grown++]);
}

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    assert_non_null(x);
    for (unsigned i = 0; i < FRAMES; i++) {
        x->pages[i] = aligned_alloc(4096, 4096);
        assert_non_null(x->pages[i]);
        memset(x->pages[i], 0, 4096);
    }
    gnt_table_init(&x->t, FRAMES, fx_grow, x);
    assert_int_equal(fx_grow(&x->t, x), 0);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    gnt_table_fini(&x->t);
    for (unsigned i = 0; i < FRAMES; i++)
        free(x->pages[i]);
    free(x);
    return 0;
}

static void grant_fills_the_entry(void **state)
{
    struct fx *x = *state;
    grant_ref_t ref;
    assert_int_equal(gnt_grant(&x->t, 0, 0x12345, false, &ref), 0);
    struct xen_grant_entry_v1 *e = gnt_entry(&x->t, ref);
    assert_non_null(e);
    assert_int_equal(e->frame, 0x12345);
    assert_int_equal(e->domid, 0);
    assert_int_equal(e->flags, GTF_permit_access);
    assert_int_equal(x->t.st.in_use, 1);
}

static void readonly_grant_sets_the_readonly_flag(void **state)
{
    struct fx *x = *state;
    grant_ref_t ref;
    assert_int_equal(gnt_grant(&x->t, 3, 7, true, &ref), 0);
    assert_int_equal(gnt_entry(&x->t, ref)->flags, GTF_permit_access | GTF_readonly);
    assert_int_equal(gnt_entry(&x->t, ref)->domid, 3);
}

static void reserved_references_are_never_handed_out(void **state)
{
    struct fx *x = *state;
    grant_ref_t ref;
    for (unsigned i = 0; i < GNT_ENTRIES_PER_FRAME - GNTTAB_NR_RESERVED_ENTRIES; i++) {
        assert_int_equal(gnt_grant(&x->t, 0, i, false, &ref), 0);
        assert_true(ref >= GNTTAB_NR_RESERVED_ENTRIES);
        assert_true(ref < GNT_ENTRIES_PER_FRAME);
    }
    assert_int_equal(x->grown, 1);
    assert_int_equal(gnt_end(&x->t, 1), -EINVAL); /* the toolstack's xenstore entry */
}

static void end_frees_the_reference_for_reuse(void **state)
{
    struct fx *x = *state;
    grant_ref_t a, b;
    assert_int_equal(gnt_grant(&x->t, 0, 1, false, &a), 0);
    assert_int_equal(gnt_end(&x->t, a), 0);
    assert_int_equal(gnt_entry(&x->t, a)->flags, 0);
    assert_int_equal(gnt_grant(&x->t, 0, 2, false, &b), 0);
    assert_int_equal(a, b); /* LIFO: the warm entry again */
    assert_int_equal(x->t.st.in_use, 1);
}

static void end_of_a_mapped_grant_is_busy_and_keeps_it(void **state)
{
    struct fx *x = *state;
    grant_ref_t ref;
    assert_int_equal(gnt_grant(&x->t, 0, 1, false, &ref), 0);
    gnt_entry(&x->t, ref)->flags |= GTF_writing; /* Xen: the backend maps it */
    assert_int_equal(gnt_end(&x->t, ref), -EBUSY);
    assert_int_equal(x->t.st.busy, 1);
    assert_int_equal(x->t.st.in_use, 1);
    gnt_entry(&x->t, ref)->flags &= (uint16_t)~GTF_writing; /* unmapped */
    assert_int_equal(gnt_end(&x->t, ref), 0);
    gnt_entry(&x->t, ref)->flags = 0;
}

static void double_end_and_foreign_references_are_refused(void **state)
{
    struct fx *x = *state;
    grant_ref_t ref;
    assert_int_equal(gnt_grant(&x->t, 0, 1, false, &ref), 0);
    assert_int_equal(gnt_end(&x->t, ref), 0);
    assert_int_equal(gnt_end(&x->t, ref), -EINVAL);
    assert_int_equal(gnt_end(&x->t, 100000), -EINVAL);
    assert_int_equal(gnt_end(&x->t, ref + 1), -EINVAL); /* never granted */
    assert_int_equal(x->t.st.in_use, 0);
}

static void the_table_grows_then_reports_exhaustion(void **state)
{
    struct fx *x = *state;
    grant_ref_t ref;
    unsigned total = FRAMES * GNT_ENTRIES_PER_FRAME - GNTTAB_NR_RESERVED_ENTRIES;
    for (unsigned i = 0; i < total; i++)
        assert_int_equal(gnt_grant(&x->t, 0, i, false, &ref), 0);
    assert_int_equal(x->grown, FRAMES);
    assert_int_equal(gnt_grant(&x->t, 0, 1, false, &ref), -ENOSPC);
    assert_int_equal(x->t.st.exhausted, 1);
    assert_int_equal(gnt_end(&x->t, ref), 0); /* the last one granted */
    assert_int_equal(gnt_grant(&x->t, 0, 1, false, &ref), 0);
}

static void frames_beyond_32_bits_are_refused(void **state)
{
    struct fx *x = *state;
    grant_ref_t ref = 99;
    assert_int_equal(gnt_grant(&x->t, 0, 1ull << 32, false, &ref), -EINVAL);
    assert_int_equal(ref, 99);
    assert_int_equal(x->t.st.in_use, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(grant_fills_the_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(readonly_grant_sets_the_readonly_flag, setup, teardown),
        cmocka_unit_test_setup_teardown(reserved_references_are_never_handed_out, setup, teardown),
        cmocka_unit_test_setup_teardown(end_frees_the_reference_for_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(end_of_a_mapped_grant_is_busy_and_keeps_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(double_end_and_foreign_references_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_table_grows_then_reports_exhaustion, setup, teardown),
        cmocka_unit_test_setup_teardown(frames_beyond_32_bits_are_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
