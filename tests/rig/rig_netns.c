/*
 * rig_netns.c — named network namespaces, made the way `ip netns add` makes
 * them so `ip netns exec NAME` and `ip -n NAME` work on them: /run/netns is
 * a shared mount point, and /run/netns/NAME is a bind mount of a new
 * namespace's /proc/self/ns/net.  The new namespace is created in a forked
 * child, so this process never changes namespace except through
 * rig_netns_enter / rig_netns_leave.
 */
#include "rig.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define NETNS_DIR "/run/netns"
#define NSFS_MAGIC_NUMBER 0x6e736673

static void ns_path(const char *name, char out[RIG_NAME_MAX + 16])
{
    snprintf(out, RIG_NAME_MAX + 16, NETNS_DIR "/%s", name);
}

static int fail(const char *what, const char *name)
{
    int e = errno;
    fprintf(stderr, "sluice-rig: %s %s: %s\n", what, name, strerror(e));
    return -e;
}

/* Makes /run/netns exist and be a shared mount (as iproute2 does), so
 * namespace mounts propagate to other mount namespaces.  Returns 0 or -errno. */
static int prepare_dir(void)
{
    if (mkdir(NETNS_DIR, 0755) && errno != EEXIST)
        return fail("mkdir", NETNS_DIR);
    bool bound = false;
    while (mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL)) {
        if (errno != EINVAL || bound)
            return fail("mount --make-rshared", NETNS_DIR);
        if (mount(NETNS_DIR, NETNS_DIR, "none", MS_BIND | MS_REC, NULL))
            return fail("mount --rbind", NETNS_DIR);
        bound = true;
    }
    return 0;
}

/* Returns 1 when `path` is a mounted namespace, 0 when absent, -ESTALE when
 * it is a plain file (left over by a crash). */
static int ns_state(const char *path)
{
    struct statfs fs;
    if (statfs(path, &fs))
        return errno == ENOENT ? 0 : -errno;
    return fs.f_type == NSFS_MAGIC_NUMBER ? 1 : -ESTALE;
}

/* Child: a new namespace bound onto path.  Exits 0 or with an errno. */
static void child_bind(const char *path)
{
    if (unshare(CLONE_NEWNET) || mount("/proc/self/ns/net", path, "none", MS_BIND, NULL))
        _exit(errno ? errno : EIO);
    _exit(0);
}

int rig_netns_add(const char *name)
{
    char path[RIG_NAME_MAX + 16];
    ns_path(name, path);
    int st = ns_state(path);
    if (st == 1)
        return 0;
    if (st == -ESTALE)
        unlink(path);
    int rc = prepare_dir();
    if (rc)
        return rc;
    int fd = open(path, O_RDONLY | O_CREAT | O_EXCL, 0);
    if (fd < 0)
        return fail("create", path);
    close(fd);
    pid_t pid = fork();
    if (pid < 0) {
        rc = fail("fork for", path);
        unlink(path);
        return rc;
    }
    if (pid == 0)
        child_bind(path);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        errno = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
        rc = fail("create namespace", name);
        unlink(path);
        return rc;
    }
    return 1;
}

int rig_netns_del(const char *name)
{
    char path[RIG_NAME_MAX + 16];
    ns_path(name, path);
    if (umount2(path, MNT_DETACH) && errno != EINVAL && errno != ENOENT)
        return fail("unmount", path);
    if (unlink(path) && errno != ENOENT)
        return fail("remove", path);
    return 0;
}

int rig_netns_open(const char *name)
{
    char path[RIG_NAME_MAX + 16];
    ns_path(name, path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    return fd < 0 ? fail("open namespace", path) : fd;
}

int rig_netns_enter(const char *name, int *saved)
{
    int fd = rig_netns_open(name);
    if (fd < 0)
        return fd;
    int old = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (old < 0) {
        int rc = fail("open", "/proc/self/ns/net");
        close(fd);
        return rc;
    }
    if (setns(fd, CLONE_NEWNET)) {
        int rc = fail("enter namespace", name);
        close(fd);
        close(old);
        return rc;
    }
    close(fd);
    *saved = old;
    return 0;
}

int rig_netns_leave(int saved)
{
    int rc = setns(saved, CLONE_NEWNET) ? fail("return to", "the first namespace") : 0;
    close(saved);
    return rc;
}

int rig_netns_foreach_prefix(const char *prefix, void (*fn)(const char *name, void *arg),
                             void *arg)
{
    DIR *d = opendir(NETNS_DIR);
    if (!d)
        return errno == ENOENT ? 0 : fail("open", NETNS_DIR);
    char names[256][RIG_NAME_MAX];
    size_t n = 0, plen = strlen(prefix);
    for (struct dirent *e = readdir(d); e && n < 256; e = readdir(d))
        if (!strncmp(e->d_name, prefix, plen) && strlen(e->d_name) < RIG_NAME_MAX)
            strcpy(names[n++], e->d_name);
    closedir(d);
    for (size_t i = 0; i < n; i++)
        fn(names[i], arg);
    return 0;
}
