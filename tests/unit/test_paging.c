/*
 * test_paging.c — libos/x86_64/paging.c's tables, built on the host by
 * pg_build (pg_init's half that does not touch CR3) and read back with
 * pg_query: each region of a unikernel-like layout gets its protection at
 * 4 KiB granularity, page 0 and guard pages are unmapped, 2 MiB blocks of
 * one protection stay large pages, MMIO is uncached and may not touch the
 * image, and an unmapped address is described as what it is.  Table pages
 * come from the unix os_page_alloc (mmap), so the tables live at host
 * addresses while they describe the guest's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <cmocka.h>

#include "libos/x86_64/paging.c"

/* pg_init (not called here) names the linker's symbols. */
char __text_start[1], __text_end[1], __rodata_start[1], __rodata_end[1], __image_data_start[1],
    __image_end[1];

#define MIB (1ull << 20)

/* The layout QEMU gives an 8 MiB guest: low RAM, the BIOS hole, RAM from
 * 1 MiB; an image at 1 MiB; the heap after it. */
static const struct hvm_memmap_entry memmap[] = {
    { 0, 0x9fc00, HVM_MEMMAP_RAM, 0 },
    { 0x9fc00, 0x400, 2, 0 },
    { 0xf0000, 0x10000, 2, 0 },
    { MIB, 7 * MIB, HVM_MEMMAP_RAM, 0 },
    { 0x7fe0000 , 0x20000, E820_ACPI, 0 },
};
static const struct pg_layout img = {
    0x100000, 0x121000, 0x121000, 0x127000, 0x127000, 0x150000,
};

static void build(void)
{
    static struct hvm_start_info si;
    si.magic = HVM_START_MAGIC;
    si.version = 1;
    si.memmap_paddr = (uintptr_t)memmap;
    si.memmap_entries = sizeof memmap / sizeof memmap[0];
    n_guards = 0;
    n_tables = 0;
    assert_int_equal(pg_guard((void *)0x140000, "guard page below the boot stack"), 0);
    assert_int_equal(pg_build(&si, &img, 0x150000, 8 * MIB), 0);
}

static void test_image_regions_get_their_protection(void **state)
{
    build();
    assert_int_equal(pg_query(0x100000), PG_TEXT);
    assert_int_equal(pg_query(0x120fff), PG_TEXT);
    assert_int_equal(pg_query(0x121000), PG_RO);
    assert_int_equal(pg_query(0x126fff), PG_RO);
    assert_int_equal(pg_query(0x127000), PG_RW);
    assert_int_equal(pg_query(0x14ffff), PG_RW);
}

static void test_page_zero_and_guards_are_unmapped(void **state)
{
    build();
    assert_int_equal(pg_query(0), PG_NONE);
    assert_int_equal(pg_query(0xfff), PG_NONE);
    assert_int_equal(pg_query(0x1000), PG_RW); /* low RAM goes on */
    assert_int_equal(pg_query(0x140000), PG_NONE);
    assert_int_equal(pg_query(0x13ffff), PG_RW);
    assert_int_equal(pg_query(0x141000), PG_RW);
}

static void test_ram_is_rw_nx_and_holes_unmapped(void **state)
{
    build();
    assert_int_equal(pg_query(0x9f000), PG_RW);
    assert_int_equal(pg_query(0xa0000), PG_NONE);   /* reserved: not mapped */
    assert_int_equal(pg_query(0xf0000), PG_NONE);
    assert_int_equal(pg_query(0x7fffff), PG_RW);    /* heap end */
    assert_int_equal(pg_query(8 * MIB), PG_NONE);   /* beyond RAM */
    assert_int_equal(pg_query(0x7fe0000), PG_RO);   /* ACPI tables */
    assert_int_equal(pg_query(PG_LIMIT + 1), PG_NONE);
}

static void test_uniform_2mib_blocks_stay_large(void **state)
{
    build();
    /* 2..8 MiB is uniform RAM: 3 large pages, no page tables for it.  The
     * tables: PML4, PDPT, the first GiB's PD, the first 2 MiB's PT and the
     * ACPI range's PT. */
    assert_int_equal(pg_table_pages(), 5);
    uint64_t pde = ((uint64_t *)(uintptr_t)(((uint64_t *)(uintptr_t)(pml4[0] & PTE_ADDR))[0] &
                                             PTE_ADDR))[1];
    assert_true(pde & PTE_PS);
    assert_true(pde & PTE_NX);
}

static void test_mmio_is_uncached_and_may_not_touch_the_image(void **state)
{
    build();
    assert_int_equal(pg_map_mmio(0xfeb00e00, 0x200), 0);
    assert_int_equal(pg_query(0xfeb00000), PG_MMIO);
    assert_int_equal(pg_query(0xfeb01000), PG_NONE);
    assert_int_equal(pg_map_mmio(0xfeb00e00, 0x200), 0); /* idempotent */
    assert_int_equal(pg_map_mmio(0x120000, 0x2000), -EINVAL);
    assert_int_equal(pg_map_mmio(0, 0x1000), -EINVAL);
    assert_int_equal(pg_map_mmio(0xfee00000, 0), -EINVAL);
    assert_int_equal(pg_map_mmio(PG_LIMIT - 0x1000, 0x2000), -EINVAL);
}

static void test_mapping_inside_a_large_page_splits_it(void **state)
{
    build();
    unsigned before = pg_table_pages();
    assert_int_equal(pg_guard((void *)0x400000, "test guard"), 0);
    assert_int_equal(pg_table_pages(), before + 1);
    assert_int_equal(pg_query(0x3ff000), PG_RW);
    assert_int_equal(pg_query(0x400000), PG_NONE);
    assert_int_equal(pg_query(0x401000), PG_RW);
    assert_int_equal(pg_query(0x5ff000), PG_RW);
}

static void test_describe_names_the_region(void **state)
{
    build();
    assert_string_equal(pg_describe(0x10), "page 0 (NULL pointer)");
    assert_string_equal(pg_describe(0x140ff8), "guard page below the boot stack");
    assert_string_equal(pg_describe(0x100010), "image text");
    assert_string_equal(pg_describe(0x121000), "image rodata");
    assert_string_equal(pg_describe(0x127008), "image data");
    assert_string_equal(pg_describe(0x300000), "mapped");
    assert_string_equal(pg_describe(0x100000000000ull), "unmapped");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image_regions_get_their_protection),
        cmocka_unit_test(test_page_zero_and_guards_are_unmapped),
        cmocka_unit_test(test_ram_is_rw_nx_and_holes_unmapped),
        cmocka_unit_test(test_uniform_2mib_blocks_stay_large),
        cmocka_unit_test(test_mmio_is_uncached_and_may_not_touch_the_image),
        cmocka_unit_test(test_mapping_inside_a_large_page_splits_it),
        cmocka_unit_test(test_describe_names_the_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
