/* inttypes.h — the freestanding libc subset: printf format macros (LP64). */
#ifndef SLUICE_LIBC_INTTYPES_H
#define SLUICE_LIBC_INTTYPES_H
#include <stdint.h>
#define PRId64 "ld"
#define PRIu64 "lu"
#define PRIx64 "lx"
#define PRIX64 "lX"
#define PRIu32 "u"
#define PRIx32 "x"
#define PRIu16 "hu"
#define PRIx16 "hx"
#define PRIu8 "hhu"
#define PRIx8 "hhx"
#endif
