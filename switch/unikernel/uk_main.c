/*
 * uk_main.c — os_main() of the unikernel images (kvm and xen targets).
 *
 * The kernel command line carries the unix program's options (parsed by
 * switch/sw_config.c), with these differences:
 *  - ports default to every NIC of the image in discovery order
 *    ("virtio:0", "virtio:1", ... on kvm; "netfront:0", ... on xen; see
 *    uk_target.h) when no --port is given;
 *  - --flows takes the flows themselves, not a file: ovs-ofctl add-flows
 *    lines separated by ';' (quote the word if a flow contains blanks);
 *  - --controller and --listen run over the image's own TCP/IP stack
 *    (libos/net, wired by uk_net.h): on a management NIC (--mgmt TYPE:N,
 *    which is then left out of the default ports) or in band on the
 *    datapath's LOCAL port, with --ip ADDR/LEN[,GW] or DHCP;
 *  - --app runs the embedded controller (learning, ...); there is no file
 *    system, so the apps that read a file (static=FILE, firewall=FILE) read
 *    the in-memory files given with --file NAME=TEXT (lines separated by
 *    ';', quote the word when it has blanks), e.g.
 *    --app firewall=fw,learning "--file=fw=deny tcp,tp_dst=22;allow";
 *  - smaller defaults (--packets 1024, --max-flows 4096) to fit in little
 *    guest memory.
 * The run loop also stops when the platform asks (uk_target.stop_requested:
 * `xl shutdown` on xen); the program then closes its ports and returns 0.
 * Test hooks, not part of the product's --help: --crash-test KIND (fault on
 * purpose: see libos/x86_64/trap.h for the kinds) and --run-ms N (stop
 * after N ms of switching, print the counters, exit 0).  --boot-trace prints
 * where the boot time went (libos/pvh/boot_trace.h) after the ready line.
 *
 * Returns the exit code: 0 success, 1 runtime failure, 2 bad command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libos/pvh/boot_trace.h"
#include "libos/pvh/cmdline.h"
#include "libos/pvh/mem.h"
#include "libos/pvh/plat.h"
#include "libos/x86_64/trap.h"
#include "os/clock.h"
#include "os/log.h"
#include "os/mem.h"
#include "switch/sw_config.h"
#include "switch/sw_switch.h"
#include "switch/unikernel/uk_net.h"
#include "switch/unikernel/uk_target.h"

#define UK_DEFAULT_PACKETS 1024
#define UK_DEFAULT_MAX_FLOWS 4096
#define MAX_WORDS (PVH_MAX_ARGS + SW_MAX_PORTS * 2 + 1)
/* No traffic for this long: halt until a frame or a deadline.  Short, so a
 * busy port costs no CPU between its bursts (under QEMU the vCPU's polling
 * took the host CPU the device model needed to deliver the frames: about
 * 30% of the host CPU per forwarded frame, bench/vm.sh); a wake-up by
 * interrupt costs less than 20 us of polling. */
#define IDLE_AFTER_NS (20 * 1000ull)
#define UNARMED_SLEEP_NS (500 * 1000ull) /* a port that cannot wake us: poll this often */

#define MAX_FILES 8
#define UK_RUN_MS_MAX 86400000u /* --run-ms: one day at most */

/* What prepare_args takes off the command line before sw_config sees it:
 * the test hooks and the in-memory files. */
struct hooks {
    const char *crash;     /* --crash-test KIND */
    uint64_t run_ms;       /* --run-ms N; 0 = forever */
    const char *files[MAX_FILES]; /* --file NAME=TEXT, as given */
    unsigned n_files;
    int boot_trace;        /* --boot-trace */
};

/* Returns 1 when word `w` is option `name` (as "--name" or "--name=...")
 * and sets *val to its value (after '=' or the next word, advancing *i);
 * 0 when it is another word; -1 when it is the option, last, without a
 * value. */
static int take_option(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    const char *w = argv[*i];
    if (strncmp(w, "--", 2) || strncmp(w + 2, name, n))
        return 0;
    if (w[2 + n] == '=') {
        *val = w + 3 + n;
        return 1;
    }
    if (w[2 + n])
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *val = argv[++*i];
    return 1;
}

/* take_option for a test hook or --file: a missing value is reported.
 * Returns take_option's result. */
static int take_hook(int argc, char **argv, int *i, const char *name, const char **val)
{
    int r = take_option(argc, argv, i, name, val);
    if (r < 0)
        pvh_printf("sluice: --%s needs a value\n", name);
    return r;
}

/* Parses --run-ms: a whole decimal number of milliseconds, at most a day
 * (a test hook; "-1" is not "forever").  Returns 0 or -EINVAL (reported). */
static int parse_run_ms(const char *val, uint64_t *ms)
{
    char *end;
    if (*val < '0' || *val > '9' || strlen(val) > 8 ||
        (*ms = strtoull(val, &end, 10), *end) || *ms > UK_RUN_MS_MAX) {
        pvh_printf("sluice: --run-ms: invalid value '%s' (0..%u ms)\n", val, UK_RUN_MS_MAX);
        return -EINVAL;
    }
    return 0;
}

/* Returns the number of --port words in argv[1..argc). */
static int count_ports(int argc, char **argv)
{
    int ports = 0;
    for (int i = 1; i < argc; i++)
        ports += !strncmp(argv[i], "--port", 6);
    return ports;
}

/* Returns true when NIC spec `word` ("TYPE:N") is the one `mgmt` names
 * ("TYPE:N" or "TYPE:N,options"). */
static bool is_mgmt_nic(const char *word, const char *mgmt)
{
    size_t n = strlen(word);
    return mgmt && !strncmp(word, mgmt, n) && (mgmt[n] == '\0' || mgmt[n] == ',');
}

/* Puts the default --port words (every NIC but the --mgmt one) into out[]
 * from *n on, when argv names no port.  Returns nothing. */
static void default_ports(int argc, char **argv, char **out, int *n, unsigned n_nics)
{
    static char port_words[SW_MAX_PORTS][24];
    const char *mgmt = NULL, *val;
    for (int i = 1; i < argc; i++)
        if (take_option(argc, argv, &i, "mgmt", &val) > 0)
            mgmt = val;
    for (unsigned k = 0; count_ports(argc, argv) == 0 && k < n_nics && k < SW_MAX_PORTS; k++) {
        snprintf(port_words[k], sizeof port_words[k], "%s:%u", uk_target.port_type, k);
        if (is_mgmt_nic(port_words[k], mgmt))
            continue;
        snprintf(port_words[k], sizeof port_words[k], "--port=%s:%u", uk_target.port_type, k);
        out[(*n)++] = port_words[k];
    }
}

/* Copies argv into out[] without the test hooks, adding default ports
 * right after the program name (so an option left without its value at
 * the end of the line is reported as such, never given a port word).
 * Returns the new argc, or -EINVAL with a message printed. */
static int prepare_args(int argc, char **argv, char **out, struct hooks *h, unsigned n_nics)
{
    int n = 0, r;
    out[n++] = argv[0];
    default_ports(argc, argv, out, &n, n_nics);
    for (int i = 1; i < argc; i++) {
        const char *val;
        if (!strcmp(argv[i], "--boot-trace")) {
            h->boot_trace = 1;
        } else if ((r = take_hook(argc, argv, &i, "crash-test", &val)) != 0) {
            if (r < 0)
                return -EINVAL;
            h->crash = val;
        } else if ((r = take_hook(argc, argv, &i, "run-ms", &val)) != 0) {
            if (r < 0 || parse_run_ms(val, &h->run_ms) < 0)
                return -EINVAL;
        } else if ((r = take_hook(argc, argv, &i, "file", &val)) != 0) {
            if (r < 0)
                return -EINVAL;
            const char *eq = strchr(val, '=');
            if (!eq || eq == val || h->n_files == MAX_FILES) {
                pvh_printf("sluice: --file %s: expected NAME=TEXT (at most %d files)\n",
                              val, MAX_FILES);
                return -EINVAL;
            }
            h->files[h->n_files++] = val;
        } else {
            out[n++] = argv[i];
        }
    }
    out[n] = NULL;
    return n;
}

/* Returns a heap copy of inline lines with ';' turned into newlines, or
 * NULL (no memory). */
static char *inline_lines(const char *text)
{
    char *s = os_strdup(text);
    for (char *p = s; p && *p; p++)
        if (*p == ';')
            *p = '\n';
    return s;
}

/* ctl_read_file_fn for the embedded controller's apps: the unikernel has no
 * file system; `path` names one of the --file NAME=TEXT words (arg is the
 * struct hooks).  Returns 0 with the text, -ENOENT (no such --file, logged)
 * or -ENOMEM. */
static int uk_read_file(void *arg, const char *path, char **text)
{
    const struct hooks *h = arg;
    size_t n = strlen(path);
    *text = NULL;
    for (unsigned i = 0; i < h->n_files; i++) {
        if (strncmp(h->files[i], path, n) == 0 && h->files[i][n] == '=') {
            *text = inline_lines(h->files[i] + n + 1);
            return *text ? 0 : -ENOMEM;
        }
    }
    OS_ERR("sluice", "%s: no such --file (the unikernel has no file system: give the "
           "text with --file %s=LINE;LINE...)", path, path);
    return -ENOENT;
}

static void emit_console(const char *line, void *arg)
{
    pvh_printf("%s\n", line);
}

/* Returns the smallest of a, b, c and d. */
static uint64_t min4(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    uint64_t m = a < b ? a : b;
    m = m < c ? m : c;
    return m < d ? m : d;
}

/* Runs the switch (and the TCP/IP stack, when there is one) until run_ms
 * elapses (forever when 0) or the platform asks it to stop
 * (uk_target.stop_requested): busy-polls while traffic flows; after
 * IDLE_AFTER_NS without a packet it arms every port's and the stack NIC's
 * receive wake-up and halts until a frame, the next deadline (flow,
 * connection and TCP timers, the stats line, --run-ms) or, when a device
 * cannot wake the CPU, UNARMED_SLEEP_NS.  Returns the platform's reason,
 * or NULL when run_ms elapsed. */
static const char *run_switch(struct sw_switch *sw, struct uk_net *net,
                              const struct sw_config *cfg, uint64_t run_ms)
{
    uint64_t start = os_clock_ns();
    uint64_t stop = run_ms ? start + run_ms * OS_NS_PER_MS : UINT64_MAX;
    uint64_t interval = (uint64_t)cfg->stats_interval_ms * OS_NS_PER_MS;
    uint64_t next_stats = interval ? start + interval : UINT64_MAX;
    uint64_t last_busy = start;
    for (;;) {
        uint64_t now = os_clock_ns();
        const char *why;
        if (now >= stop)
            return NULL;
        if (uk_target.stop_requested && (why = uk_target.stop_requested()))
            return why;
        unsigned busy = uk_net_poll(net, now);
        if (sw_switch_step(sw, now) + busy > 0) {
            last_busy = now;
        } else if (now - last_busy >= IDLE_AFTER_NS) {
            uint64_t wake = min4(stop, next_stats, sw_switch_next_timeout(sw),
                                 uk_net_deadline(net));
            int r = sw_switch_arm_wakeup(sw);
            int rn = uk_net_arm_wakeup(net);
            if (r == -EAGAIN || rn == -EAGAIN)
                r = -EAGAIN;
            else if (rn < 0)
                r = rn;
            if (r < 0 && r != -EAGAIN && wake > now + UNARMED_SLEEP_NS)
                wake = now + UNARMED_SLEEP_NS;
            if (r != -EAGAIN) {
                plat_idle_until(wake);
                sw_switch_after_wakeup(sw);
            }
        }
        if (now >= next_stats) {
            sw_switch_report_ports(sw, emit_console, NULL);
            uk_net_report(net, emit_console, NULL);
            next_stats = now + interval;
        }
    }
}

/* Prints the parsed configuration.  Returns nothing. */
static void print_config(const struct sw_config *cfg)
{
    pvh_printf("sluice: config: %u port(s)", cfg->n_ports);
    for (unsigned i = 0; i < cfg->n_ports; i++)
        pvh_printf(" %u=%s", i + 1, cfg->ports[i]);
    pvh_printf(", dpid %016lx, fail-mode %s, max-flows %u, packets %u, flows %s, "
                  "apps %s\n", (unsigned long)cfg->dpid,
                  cfg->fail_mode == SW_FAIL_STANDALONE ? "standalone" : "secure",
                  cfg->max_flows, cfg->n_packets, cfg->flows_file ? "inline" : "none",
                  cfg->apps ? cfg->apps : "none");
}

int os_main(int argc, char **argv)
{
    static char *args[MAX_WORDS + 1];
    struct hooks h = { 0 };
    char err[512];

    pvh_printf("Sluice 0.1 - OpenFlow 1.0 switch (unikernel, %s target)\n", uk_target.name);
    unsigned nics = uk_target.discover();
    for (unsigned i = 0; i < nics; i++) {
        char d[64];
        pvh_printf("sluice: nic %u: %s\n", i, uk_target.describe(i, d, sizeof d));
    }
    boot_trace_mark("nics");
    int n = prepare_args(argc, argv, args, &h, nics);
    if (n < 0)
        return PLAT_EXIT_USAGE;
    if (h.crash) {
        pvh_printf("sluice: --crash-test %s (test hook): faulting on purpose\n", h.crash);
        trap_crash_test(h.crash);
        pvh_printf("sluice: --crash-test: unknown kind '%s'\n", h.crash);
        return PLAT_EXIT_USAGE;
    }

    struct sw_config cfg;
    sw_config_init(&cfg);
    cfg.n_packets = UK_DEFAULT_PACKETS;
    cfg.max_flows = UK_DEFAULT_MAX_FLOWS;
    cfg.packet_slot = uk_target.packet_slot;
    if (sw_config_parse(&cfg, n, args, err, sizeof err)) {
        pvh_printf("sluice: %s\n", err);
        return PLAT_EXIT_USAGE;
    }
    if (cfg.help) {
        pvh_puts(sw_config_usage());
        pvh_printf("\nOn the %s target (options on the kernel command line):\n%s",
                   uk_target.name, uk_target.help);
        pvh_puts("  --flows takes the flows themselves, separated by ';';\n"
                    "  --file NAME=TEXT  an in-memory file for --app static=NAME or\n"
                    "                    firewall=NAME: its lines separated by ';'\n"
                    "  --controller/--listen run over the image's TCP/IP stack (--mgmt, --ip).\n");
        return PLAT_EXIT_OK;
    }
    if (cfg.version) {
        pvh_printf("sluice 0.1 (OpenFlow 1.0, %s target)\n", uk_target.name);
        return PLAT_EXIT_OK;
    }
    os_log_set_level(cfg.log_level);
    print_config(&cfg);

    struct uk_net *net;
    int nrc = uk_net_start(&cfg, os_clock_ns(), &net);
    if (nrc < 0)
        return nrc == -EINVAL ? PLAT_EXIT_USAGE : PLAT_EXIT_FAIL;
    struct sw_switch *sw;
    if (sw_switch_create(&cfg, &sw, err, sizeof err)) {
        pvh_printf("sluice: %s\n", err);
        uk_net_stop(net);
        return PLAT_EXIT_FAIL;
    }
    boot_trace_mark("switch");
    int rc = uk_net_attach(net, sw) < 0 ? PLAT_EXIT_FAIL : PLAT_EXIT_OK;
    if (rc == PLAT_EXIT_OK &&
        sw_switch_start_apps(sw, uk_read_file, &h, os_clock_ns(), err, sizeof err)) {
        pvh_printf("sluice: %s\n", err);
        rc = PLAT_EXIT_FAIL;
    }
    boot_trace_mark("apps");
    if (rc == PLAT_EXIT_OK && cfg.flows_file) {
        char *text = inline_lines(cfg.flows_file);
        int nf = text ? sw_switch_load_flows(sw, text, "--flows", os_clock_ns(), err, sizeof err)
                      : -ENOMEM;
        if (nf < 0) {
            pvh_printf("sluice: %s\n", text ? err : "out of memory");
            rc = PLAT_EXIT_FAIL;
        } else {
            pvh_printf("sluice: %d flow(s) loaded\n", nf);
        }
        os_free(text);
    }
    if (rc == PLAT_EXIT_OK) {
        struct mem_stats ms;
        mem_get_stats(&ms);
        boot_trace_mark("ready");
        uint64_t ready_ns = plat_since_entry_ns();
        pvh_printf("sluice: ready in %lu.%03lu ms since the PVH entry (guest clock), "
                      "memory used %lu KiB\n", (unsigned long)(ready_ns / 1000000),
                      (unsigned long)(ready_ns / 1000 % 1000),
                      (unsigned long)(ms.used_bytes >> 10));
        if (h.boot_trace)
            boot_trace_print();
        const char *why = run_switch(sw, net, &cfg, h.run_ms);
        if (why)
            pvh_printf("sluice: stop requested (%s)\n", why);
        else
            pvh_printf("sluice: stopping after %lu ms (--run-ms)\n", (unsigned long)h.run_ms);
        sw_switch_report_ports(sw, emit_console, NULL);
        uk_net_report(net, emit_console, NULL);
        mem_get_stats(&ms);
        pvh_printf("sluice: guest heap used %lu KiB\n", (unsigned long)(ms.used_bytes >> 10));
        sw_switch_report_flows(sw, os_clock_ns(), emit_console, NULL);
    }
    sw_switch_destroy(sw);
    uk_net_stop(net);
    return rc;
}
