/*
 * sluice_controller_main.c — `sluice-controller`: the Sluice controller
 * apps (controller/) as a standalone OpenFlow 1.0 controller for any switch.
 *
 *     sluice-controller --listen ptcp:PORT[:IP] [--listen ...] --app LIST
 *                       [--log-level err|warn|info|debug]
 *
 * Switches connect to the listeners (e.g. Open vSwitch `set-controller BR
 * tcp:IP:PORT`); each becomes a datapath of the controller library, driven
 * by the same sw_ctlhost as the embedded mode.  Runs until SIGINT/SIGTERM,
 * then prints the controller's counters.
 *
 * Exit codes: 0 success, 1 runtime failure (cannot listen, bad app file),
 * 2 bad command line.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/clock.h"
#include "os/log.h"
#include "os/poll.h"
#include "switch/sw_embed.h"
#include "switch/unix/sw_unix_file.h"

#define MAX_LISTENS 8
#define MAX_SLEEP_NS (100 * OS_NS_PER_MS)

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    stop_requested = 1;
}

struct opts {
    const char *listens[MAX_LISTENS];
    unsigned n_listens;
    const char *apps;
    int log_level;
};

static const char usage[] =
    "usage: sluice-controller --listen ptcp:PORT[:IP] --app LIST [--log-level LEVEL]\n"
    "  --listen ptcp:PORT[:IP]  accept switches on this TCP port (repeatable)\n"
    "  --app LIST               apps in order: learning[=idle:N], static=FILE, firewall=FILE\n"
    "  --log-level L            err | warn | info (default) | debug\n";

/* Returns the value of option argv[*i] ("--opt V" or "--opt=V"), advancing
 * *i, or NULL when it is missing. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

/* Parses argv.  Returns 0, 1 for --help, or -1 (message printed). */
static int parse_args(int argc, char **argv, struct opts *o)
{
    o->log_level = OS_LOG_INFO;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
        if ((v = opt_value(argc, argv, &i, "--listen"))) {
            if (o->n_listens == MAX_LISTENS) {
                fprintf(stderr, "sluice-controller: more than %d --listen\n", MAX_LISTENS);
                return -1;
            }
            o->listens[o->n_listens++] = v;
        } else if ((v = opt_value(argc, argv, &i, "--app"))) {
            o->apps = v;
        } else if ((v = opt_value(argc, argv, &i, "--log-level"))) {
            if ((o->log_level = os_log_level_from_name(v)) < 0) {
                fprintf(stderr, "sluice-controller: bad --log-level '%s'\n", v);
                return -1;
            }
        } else {
            fprintf(stderr, "sluice-controller: unknown or incomplete option '%s'\n%s",
                    argv[i], usage);
            return -1;
        }
    }
    if (!o->n_listens || !o->apps) {
        fprintf(stderr, "sluice-controller: --listen and --app are required\n%s", usage);
        return -1;
    }
    return 0;
}

/* Runs the event loop on `poll` until a signal.  Returns nothing. */
static void run(struct sw_ctlhost *h, struct os_poll *poll)
{
    struct sw_connmgr *m = sw_ctlhost_connmgr(h);
    while (!stop_requested) {
        uint64_t now = os_clock_ns();
        if (sw_connmgr_due(m, now))
            sw_ctlhost_run(h, now);
        uint64_t wake = sw_connmgr_next_deadline(m);
        uint64_t sleep = wake > now ? wake - now : 0;
        os_poll_run(poll, sleep < MAX_SLEEP_NS ? sleep : MAX_SLEEP_NS);
    }
}

static void report(const struct ctl_stats *st)
{
    printf("controller: datapaths joined=%llu left=%llu | rx msgs=%llu packet_in=%llu "
           "bad=%llu errors=%llu | tx msgs=%llu failed=%llu\n",
           (unsigned long long)st->dps_joined, (unsigned long long)st->dps_left,
           (unsigned long long)st->rx_msgs, (unsigned long long)st->packet_ins,
           (unsigned long long)st->rx_bad, (unsigned long long)st->rx_errors,
           (unsigned long long)st->tx_msgs, (unsigned long long)st->tx_failed);
}

int main(int argc, char **argv)
{
    struct opts o;
    char err[512];
    memset(&o, 0, sizeof o);
    int prc = parse_args(argc, argv, &o);
    if (prc) {
        if (prc > 0)
            fputs(usage, stdout);
        return prc > 0 ? 0 : 2;
    }
    os_log_set_level(o.log_level);
    struct sw_ctlhost *h = sw_ctlhost_create(o.apps, sw_unix_read_file, NULL, err, sizeof err);
    if (!h) {
        fprintf(stderr, "sluice-controller: %s\n", err);
        return 1;
    }
    int rc = 0;
    for (unsigned i = 0; i < o.n_listens && rc == 0; i++) {
        int lrc = sw_connmgr_add_listener(sw_ctlhost_connmgr(h), o.listens[i]);
        if (lrc < 0) {
            fprintf(stderr, "sluice-controller: --listen %s: cannot listen: %s\n",
                    o.listens[i], lrc == -EINVAL ? "invalid (expected ptcp:PORT[:IP])"
                                                 : strerror(-lrc));
            rc = 1;
        } else {
            OS_INFO("controller", "--listen %s: TCP port %u, apps %s", o.listens[i],
                    (unsigned)sw_connmgr_listener_port(sw_ctlhost_connmgr(h), lrc), o.apps);
        }
    }
    struct os_poll *poll = rc ? NULL : os_poll_create();
    if (rc == 0 && (!poll || sw_connmgr_attach_poll(sw_ctlhost_connmgr(h), poll))) {
        fprintf(stderr, "sluice-controller: cannot create the event loop\n");
        rc = 1;
    }
    if (rc == 0) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGPIPE, SIG_IGN);
        run(h, poll);
        report(ctl_stats(sw_ctlhost_ctl(h)));
    }
    /* The manager's handles stay registered with poll until it is destroyed. */
    sw_ctlhost_destroy(h);
    os_poll_destroy(poll);
    return rc;
}
