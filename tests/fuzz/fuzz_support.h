/*
 * fuzz_support.h — helpers shared by the fuzz targets (tests/fuzz/).
 *
 * The targets are compiled freestanding, like the code they test, so they
 * have no stdio: fuzz_fail() prints why a property failed on stderr (via
 * the hosted fuzz_support.c) and traps, which libFuzzer reports as a crash
 * with the input saved.  FUZZ_CHECK(x) does that, naming the file, line and
 * expression, when x is false.
 */
#ifndef FUZZ_SUPPORT_H
#define FUZZ_SUPPORT_H

#define FUZZ_CHECK(x)                                                       \
    do {                                                                    \
        if (!(x))                                                           \
            fuzz_fail("%s:%d: check failed: %s", __FILE__, __LINE__, #x);   \
    } while (0)

/* Prints "fuzz: " and the message on stderr, then traps.  Does not return. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif /* FUZZ_SUPPORT_H */
