/*
 * fuzz_sw_config.c — libFuzzer target for the command line of both
 * programs: switch/sw_config.c (sw_config_parse; the unix argv and the
 * unikernel's kernel command line alike) and the unikernel's kernel
 * command-line word splitter libos/pvh/cmdline.c (pvh_cmdline_split,
 * quotes and virtio_mmio.device= hints), and the controller connection
 * specs of --controller / --listen (switch/sw_connmgr_spec.c).
 *
 * Input: byte 0 sizes the kvm splitter's arrays (argv slots 0..15, hints
 * 0..3; both allocated exactly, so a store past them is an ASan report);
 * the rest is the text.
 *  1. argv: the text split at NUL and newline bytes into words (argv[0] =
 *     "sluice"), each word its own exact-size allocation; sw_config_parse.
 *  2. kernel command line: the text up to its first NUL through
 *     pvh_cmdline_split, then the words it stored through sw_config_parse.
 * Properties: a parse either succeeds or fails with -EINVAL and a one-line
 * message; an accepted config respects its bounds (ports, controllers,
 * listens) and points only at the words given; the splitter keeps argc
 * within max_args, argv[argc] == NULL, hints within max_hints and words
 * inside the buffer.  Every word also goes through sw_connmgr_parse_target
 * and sw_connmgr_parse_listen with exact-size output buffers (a host that
 * does not fit must be refused, never written past); what they accept is
 * a NUL-terminated string that fits.  A violated property traps.
 * Built by tests/fuzz/run.sh (freestanding).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libos/pvh/cmdline.h"
#include "os/mem.h"
#include "switch/sw_config.h"
#include "switch/sw_connmgr.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAX_WORDS 512

static char prog[] = "sluice";

/* Returns true when s is one of argv[1..argc) (the parser copies nothing). */
static bool is_word(const char *s, int argc, char *const argv[])
{
    for (int i = 1; i < argc; i++)
        if (s >= argv[i] && s <= argv[i] + strlen(argv[i]))
            return true;
    return false;
}

/* Runs one word through both connection spec parsers, with output buffers
 * allocated to exactly `cap` bytes.  Returns nothing. */
static void check_specs(const char *w, size_t cap)
{
    char *host = os_malloc(cap);
    uint16_t port = 0;
    FUZZ_CHECK(host);
    if (sw_connmgr_parse_target(w, host, cap, &port) == 0)
        FUZZ_CHECK(strnlen(host, cap) < cap && !strncmp(w, "tcp:", 4) && port != 0);
    if (sw_connmgr_parse_listen(w, &port, host, cap) == 0)
        FUZZ_CHECK(strnlen(host, cap) < cap && !strncmp(w, "ptcp:", 5));
    os_free(host);
}

/* Parses argv and checks the result.  Returns nothing. */
static void check_parse(int argc, char *const argv[])
{
    struct sw_config cfg;
    char err[128];

    sw_config_init(&cfg);
    err[0] = '\0';
    int rc = sw_config_parse(&cfg, argc, argv, err, sizeof err);
    if (rc != 0) {
        FUZZ_CHECK(rc == -EINVAL && err[0] && strlen(err) < sizeof err);
        return;
    }
    FUZZ_CHECK(cfg.n_ports <= SW_MAX_PORTS && cfg.n_controllers <= SW_MAX_CONTROLLERS &&
               cfg.n_listens <= SW_MAX_CONTROLLERS);
    FUZZ_CHECK(cfg.help || cfg.version || cfg.n_ports > 0);
    for (unsigned i = 0; i < cfg.n_ports; i++)
        FUZZ_CHECK(is_word(cfg.ports[i], argc, argv) && strchr(cfg.ports[i], ':'));
    for (unsigned i = 0; i < cfg.n_controllers; i++)
        FUZZ_CHECK(is_word(cfg.controllers[i], argc, argv));
    for (unsigned i = 0; i < cfg.n_listens; i++)
        FUZZ_CHECK(is_word(cfg.listens[i], argc, argv));
    FUZZ_CHECK(!cfg.flows_file || is_word(cfg.flows_file, argc, argv));
    FUZZ_CHECK(!cfg.apps || is_word(cfg.apps, argc, argv));
    FUZZ_CHECK(cfg.max_flows >= 1 && cfg.n_packets >= 256);
    FUZZ_CHECK(cfg.log_level >= 0 && cfg.log_level <= 3);
}

/* 1: the text as a unix argv. */
static void fuzz_argv(const uint8_t *s, size_t n)
{
    char *argv[FZ_MAX_WORDS + 1];
    int argc = 0;

    argv[argc++] = prog;
    for (size_t i = 0; i <= n && argc < FZ_MAX_WORDS;) {
        size_t j = i;
        while (j < n && s[j] != '\0' && s[j] != '\n')
            j++;
        char *w = os_malloc(j - i + 1);
        FUZZ_CHECK(w);
        memcpy(w, s + i, j - i);
        w[j - i] = '\0';
        argv[argc++] = w;
        i = j + 1;
    }
    argv[argc] = NULL;
    check_parse(argc, argv);
    for (int i = 1; i < argc; i++) {
        check_specs(argv[i], 1 + (strlen(argv[i]) & 7));
        check_specs(argv[i], 256);
    }
    for (int i = 1; i < argc; i++)
        os_free(argv[i]);
}

/* 2: the text as a kernel command line. */
static void fuzz_kernel_cmdline(const uint8_t *s, size_t n, int max_args, unsigned max_hints)
{
    size_t len = strnlen((const char *)s, n);
    char *buf = os_malloc(len + 1);
    char **argv = os_malloc(((size_t)max_args + 1) * sizeof *argv);
    struct pvh_mmio_hint *hints = os_malloc(max_hints * sizeof *hints);
    FUZZ_CHECK(buf && argv && hints);
    memcpy(buf, s, len);
    buf[len] = '\0';

    struct pvh_cmdline_result r = pvh_cmdline_split(buf, prog, argv, max_args, hints,
                                                    max_hints);
    FUZZ_CHECK(r.argc >= 0 && r.argc <= max_args && argv[r.argc] == NULL);
    FUZZ_CHECK(r.n_hints <= max_hints);
    FUZZ_CHECK(r.argc == 0 || argv[0] == prog);
    for (int i = 1; i < r.argc; i++)
        FUZZ_CHECK(argv[i] >= buf && argv[i] + strlen(argv[i]) <= buf + len);
    for (unsigned i = 0; i < r.n_hints; i++)
        FUZZ_CHECK(hints[i].size && hints[i].base);
    if (r.argc > 0)
        check_parse(r.argc, argv);
    os_free(hints);
    os_free(argv);
    os_free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 8192)
        return 0;
    fuzz_argv(data + 1, size - 1);
    fuzz_kernel_cmdline(data + 1, size - 1, data[0] & 15, (data[0] >> 4) & 3);
    return 0;
}
