/*
 * abi_facts.h — sizes, offsets and constants of the Xen guest ABI as named
 * facts, for tests/unit/test_xen_abi.c: abi_ref.c measures them with
 * Debian's libxen-dev headers (/usr/include/xen), the test with our own
 * definitions (libos/xen/xen_abi.h, netfront/netif.h), and every fact must
 * agree.  The two sets of headers cannot meet in one translation unit
 * (same struct and macro names), hence two files.
 */
#ifndef TESTS_XEN_ABI_FACTS_H
#define TESTS_XEN_ABI_FACTS_H

struct abi_fact {
    const char *name;
    long long value;
};

/* Xen's own values (abi_ref.c); the array ends with a NULL name. */
extern const struct abi_fact xen_abi_ref[];

#endif /* TESTS_XEN_ABI_FACTS_H */
