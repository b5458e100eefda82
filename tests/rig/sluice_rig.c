/*
 * sluice_rig.c — the `sluice-rig` command line (see usage below and
 * tests/rig/README.md).  Exit status: 0 done, 1 failed, 2 bad usage or
 * topology file.
 */
#include "rig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: sluice-rig [--prefix P] up FILE      build the topology (idempotent)\n"
    "       sluice-rig [--prefix P] down FILE    remove it (idempotent)\n"
    "       sluice-rig --prefix P down           remove everything named P-*\n"
    "       sluice-rig [--prefix P] check FILE   parse FILE and print what up would make\n"
    "       sluice-rig --help\n"
    "\n"
    "The host test rig: hosts in network namespaces wired to switch ports, built\n"
    "through rtnetlink (libnl).  Topology FILE, one statement per line, '#' comments:\n"
    "    prefix sr1              names start with 'sr1-' (1-10 chars of [a-z0-9])\n"
    "    switch-port veth        veth: port = root end of the host's veth (afpacket)\n"
    "                            tap: host veth -> bridge P-bI <- tap P-tI (tap port)\n"
    "                            bridge: all host veths on one Linux bridge P-br\n"
    "    host h1 10.0.0.1/24 [mac 02:00:00:00:00:01] [mtu 1500]\n"
    "    offload off             checksum/SG/TSO/GSO/GRO on the veths: on or off\n"
    "    mtu 1500                every link's MTU (a host's own mtu wins)\n"
    "Host NAME lives in namespace P-NAME (use `ip netns exec P-NAME ...`) with\n"
    "interface eth0; its veth's other end is P-pI in the root namespace (I = 1, 2, ...\n"
    "in file order).  The prefix comes from --prefix, else $SLUICE_RIG_PREFIX, else the\n"
    "file, else 'sr'; add a unique suffix (e.g. the pid) for parallel runs.\n"
    "\n"
    "up prints one line per switch port, then one per host:\n"
    "    port 1 afpacket:sr1-p1          (tap mode: port 1 tap:sr1-t1)\n"
    "    bridge sr1-br                   (bridge mode, instead of ports)\n"
    "    host h1 sr1-h1 eth0 10.0.0.1/24 02:00:00:00:00:01\n"
    "so a script can run:  sluice $(sluice-rig up F | awk '$1==\"port\"{print \"--port\", $3}')\n"
    "A failed up removes what it created.  down removes every link in the root\n"
    "namespace and every namespace named P-*.  Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN).\n";

/* Prints what `up` would create.  Returns 0. */
static int check(const struct rig_topo *t)
{
    char name[RIG_NAME_MAX];
    printf("prefix %s, switch-port %s, offload %s, %u host(s)\n", t->prefix,
           rig_mode_name(t->mode), t->offload ? "on" : "off", t->n_hosts);
    for (unsigned i = 0; i < t->n_hosts; i++)
        printf("host %s: namespace %s, port %u\n", t->hosts[i].name,
               rig_ns_name(t, i, name), i + 1);
    return 0;
}

int main(int argc, char **argv)
{
    const char *prefix = getenv("SLUICE_RIG_PREFIX");
    const char *cmd = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--prefix") && i + 1 < argc) {
            prefix = argv[++i];
        } else if (!cmd && argv[i][0] != '-') {
            cmd = argv[i];
        } else if (!file && argv[i][0] != '-') {
            file = argv[i];
        } else {
            fprintf(stderr, "sluice-rig: unexpected argument '%s' (see --help)\n", argv[i]);
            return 2;
        }
    }
    if (prefix && !*prefix)
        prefix = NULL;
    if (prefix && !rig_prefix_valid(prefix)) {
        fprintf(stderr, "sluice-rig: prefix '%s': 1-10 characters of [a-z0-9]\n", prefix);
        return 2;
    }
    bool up = cmd && !strcmp(cmd, "up"), down = cmd && !strcmp(cmd, "down");
    bool chk = cmd && !strcmp(cmd, "check");
    if (!(up || down || chk) || (!file && !(down && prefix))) {
        fputs(usage, stderr);
        return 2;
    }

    static struct rig_topo t;
    if (file) {
        char err[512];
        if (rig_topo_load(file, &t, err, sizeof err)) {
            fprintf(stderr, "sluice-rig: %s\n", err);
            return 2;
        }
    }
    if (prefix)
        snprintf(t.prefix, sizeof t.prefix, "%s", prefix);
    if (chk)
        return check(&t);
    if (geteuid() != 0) {
        fprintf(stderr, "sluice-rig: needs root (CAP_NET_ADMIN to make links, CAP_SYS_ADMIN "
                        "for namespaces): run it with sudo\n");
        return 1;
    }
    int rc = up ? rig_up(&t) : rig_down(t.prefix);
    return rc ? 1 : 0;
}
