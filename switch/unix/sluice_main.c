/*
 * sluice_main.c — the `sluice` program for the unix target.
 *
 * Parses the command line (switch/sw_config.c), builds the switch
 * (switch/sw_switch.c), starts the embedded controller (--app), loads
 * --flows, and runs: replay mode when every port
 * is a pcap file (exits 0 when the inputs are exhausted), otherwise a live
 * loop that busy-polls the ports while traffic flows and sleeps in epoll
 * when idle, until SIGINT or SIGTERM.  On exit it prints port and flow
 * counters to standard output.
 *
 * Exit codes: 0 success, 1 runtime failure (a port or file that cannot be
 * opened, a bad flows file), 2 bad command line.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/clock.h"
#include "os/log.h"
#include "os/mem.h"
#include "os/poll.h"
#include "switch/sw_config.h"
#include "switch/sw_switch.h"
#include "switch/unix/sw_unix_file.h"

#define IDLE_SPINS 256                 /* empty polls before sleeping */
#define MAX_SLEEP_NS (100 * OS_NS_PER_MS)
#define EVENTS_EVERY_NS OS_NS_PER_MS   /* while busy: look at the handles this often */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    stop_requested = 1;
}

static void emit_stdout(const char *line, void *arg)
{
    fputs(line, stdout);
    fputc('\n', stdout);
}

static void noop_fd(int fd, unsigned events, void *arg)
{
}

static void watch_fd(int fd, void *arg)
{
    os_poll_add_fd(arg, fd, OS_POLL_IN, noop_fd, NULL);
}

/* The live loop on event loop `poll` (which must outlive the switch: the
 * switch's connections stay registered with it until sw_switch_destroy).
 * Returns 0 when a signal asks it to stop, 1 on failure. */
static int run_live(struct sw_switch *sw, const struct sw_config *cfg, struct os_poll *poll)
{
    sw_switch_for_each_wait_fd(sw, watch_fd, poll);
    if (sw_switch_attach_poll(sw, poll)) {
        fprintf(stderr, "sluice: cannot watch the OpenFlow connections\n");
        return 1;
    }
    uint64_t interval = (uint64_t)cfg->stats_interval_ms * OS_NS_PER_MS;
    uint64_t next_stats = interval ? os_clock_ns() + interval : UINT64_MAX;
    unsigned idle = 0;
    uint64_t last_events = 0;

    while (!stop_requested) {
        uint64_t now = os_clock_ns();
        if (now - last_events >= EVENTS_EVERY_NS) {
            /* Busy or not, readiness of the OpenFlow handles is collected
             * (one epoll_wait, whatever the number of connections). */
            os_poll_run(poll, 0);
            last_events = now;
        }
        if (sw_switch_step(sw, now) > 0) {
            idle = 0;
        } else if (++idle >= IDLE_SPINS) {
            uint64_t wake = sw_switch_next_timeout(sw);
            if (next_stats < wake)
                wake = next_stats;
            uint64_t sleep = wake > now ? wake - now : 0;
            os_poll_run(poll, sleep < MAX_SLEEP_NS ? sleep : MAX_SLEEP_NS);
            idle = 0;
        }
        if (now >= next_stats) {
            sw_switch_report_ports(sw, emit_stdout, NULL);
            fflush(stdout);
            next_stats = now + interval;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct sw_config cfg;
    char err[512];

    sw_config_init(&cfg);
    if (sw_config_parse(&cfg, argc, argv, err, sizeof err)) {
        fprintf(stderr, "sluice: %s\n", err);
        return 2;
    }
    if (cfg.help) {
        fputs(sw_config_usage(), stdout);
        return 0;
    }
    if (cfg.version) {
        puts("sluice 0.1 (OpenFlow 1.0, unix target)");
        return 0;
    }
    if (cfg.mgmt || cfg.ip) {
        fprintf(stderr, "sluice: --mgmt/--ip are for the unikernel images; the unix target "
                        "uses the host's own TCP/IP\n");
        return 2;
    }
    os_log_set_level(cfg.log_level);

    struct sw_switch *sw;
    if (sw_switch_create(&cfg, &sw, err, sizeof err)) {
        fprintf(stderr, "sluice: %s\n", err);
        return 1;
    }
    bool replay = sw_switch_is_replay(sw);
    uint64_t start = replay ? sw_switch_replay_next_ts(sw) : os_clock_ns();
    if (start == UINT64_MAX)
        start = 0;

    int rc = 0;
    struct os_poll *poll = NULL;
    if (sw_switch_start_apps(sw, sw_unix_read_file, NULL, start, err, sizeof err)) {
        fprintf(stderr, "sluice: %s\n", err);
        rc = 1;
    }
    if (rc == 0 && cfg.flows_file) {
        char *text = NULL;
        if (sw_unix_read_text(cfg.flows_file, &text, err, sizeof err) < 0 ||
            sw_switch_load_flows(sw, text, cfg.flows_file, start, err, sizeof err) < 0) {
            fprintf(stderr, "sluice: --flows %s\n", err);
            rc = 1;
        }
        os_free(text);
    }

    if (rc == 0) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGPIPE, SIG_IGN);
        uint64_t now = start;
        if (replay) {
            while (!stop_requested && sw_switch_replay_step(sw))
                ;
            if (sw_switch_replay_now(sw))
                now = sw_switch_replay_now(sw);
        } else {
            poll = os_poll_create();
            rc = poll ? run_live(sw, &cfg, poll) : 1;
            if (!poll)
                fprintf(stderr, "sluice: cannot create the event loop\n");
            now = os_clock_ns();
        }
        sw_switch_flush_ports(sw);
        sw_switch_report_ports(sw, emit_stdout, NULL);
        sw_switch_report_flows(sw, now, emit_stdout, NULL);
    }
    sw_switch_destroy(sw);
    os_poll_destroy(poll);
    return rc;
}
