/* xs_client.c — the xenstore client protocol (see xs.h). */
#include "libos/xen/xs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libos/xen/xs_ring.h"
#include "os/log.h"

#define HDR_LEN ((uint32_t)sizeof(struct xsd_sockmsg))
#define PATH_MAX_LEN 3072u /* XENSTORE_ABS_PATH_MAX */

static const char *const type_names[] = {
    [XS_DIRECTORY] = "DIRECTORY", [XS_READ] = "READ", [XS_WATCH] = "WATCH",
    [XS_UNWATCH] = "UNWATCH", [XS_TRANSACTION_START] = "TRANSACTION_START",
    [XS_TRANSACTION_END] = "TRANSACTION_END", [XS_WRITE] = "WRITE", [XS_RM] = "RM",
};

/* Returns the name of request type t for log lines. */
static const char *type_name(uint32_t t)
{
    return t < sizeof type_names / sizeof type_names[0] && type_names[t] ? type_names[t] : "?";
}

void xs_client_init(struct xs_client *c, struct xenstore_domain_interface *ring,
                    const struct xs_transport *tp)
{
    memset(c, 0, sizeof *c);
    c->ring = ring;
    c->tp = *tp;
    c->next_req_id = 1;
}

int xs_error_to_errno(const char *name, size_t len)
{
    static const struct { const char *name; int err; } errs[] = {
        {"EINVAL", EINVAL}, {"EACCES", EACCES}, {"EEXIST", EEXIST}, {"EISDIR", EISDIR},
        {"ENOENT", ENOENT}, {"ENOMEM", ENOMEM}, {"ENOSPC", ENOSPC}, {"EIO", EIO},
        {"ENOTEMPTY", ENOTEMPTY}, {"ENOSYS", ENOSYS}, {"EROFS", EROFS}, {"EBUSY", EBUSY},
        {"EAGAIN", EAGAIN}, {"EISCONN", EISCONN}, {"E2BIG", E2BIG}, {"EPERM", EPERM},
    };
    size_t n = strnlen(name, len);
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++)
        if (strlen(errs[i].name) == n && !memcmp(errs[i].name, name, n))
            return -errs[i].err;
    return -EIO;
}

/* Marks the client unusable (logged once).  Returns -EIO. */
static int xs_break(struct xs_client *c, const char *why)
{
    if (!c->broken)
        OS_ERR("xenstore", "%s: the connection to xenstored is unusable from now on", why);
    c->broken = true;
    return -EIO;
}

/* Receives from the response ring.  Returns 1 when a whole message is in
 * rx_hdr/rx_body (NUL-terminated after rx_hdr.len bytes), 0 when it is
 * still incomplete, or -EIO (client broken). */
static int xs_recv_step(struct xs_client *c)
{
    if (c->rx_have < HDR_LEN) {
        int n = xs_ring_get(c->ring, (char *)&c->rx_hdr + c->rx_have, HDR_LEN - c->rx_have);
        if (n < 0)
            return xs_break(c, "response ring indexes out of range");
        c->rx_have += (uint32_t)n;
        if (c->rx_have < HDR_LEN)
            return 0;
        if (c->rx_hdr.len > XENSTORE_PAYLOAD_MAX) {
            c->stats.bad++;
            return xs_break(c, "message longer than XENSTORE_PAYLOAD_MAX");
        }
    }
    uint32_t need = HDR_LEN + c->rx_hdr.len;
    if (c->rx_have < need) {
        int n = xs_ring_get(c->ring, c->rx_body + (c->rx_have - HDR_LEN), need - c->rx_have);
        if (n < 0)
            return xs_break(c, "response ring indexes out of range");
        c->rx_have += (uint32_t)n;
        if (c->rx_have < need)
            return 0;
    }
    c->rx_body[c->rx_hdr.len] = '\0';
    c->rx_have = 0;
    return 1;
}

/* Marks the watch named by the event in rx_body as fired.  Returns
 * nothing; a malformed event or an unknown token is counted. */
static void xs_fire(struct xs_client *c)
{
    uint32_t len = c->rx_hdr.len;
    size_t path_len = strnlen(c->rx_body, len);
    if (path_len + 1 >= len) {
        c->stats.bad++;
        return;
    }
    const char *token = c->rx_body + path_len + 1; /* rx_body[len] is NUL */
    for (unsigned i = 0; i < XS_MAX_WATCHES; i++) {
        if (c->watches[i].token[0] && !strcmp(c->watches[i].token, token)) {
            c->watches[i].fired = true;
            c->stats.events++;
            return;
        }
    }
    c->stats.bad++;
}

/* Deals with a message nobody waits for.  Returns nothing. */
static void xs_take_unsolicited(struct xs_client *c)
{
    if (c->rx_hdr.type == XS_WATCH_EVENT)
        xs_fire(c);
    else
        c->stats.stale++;
}

int xs_poll(struct xs_client *c)
{
    if (c->broken)
        return -EIO;
    int n = 0, r;
    while ((r = xs_recv_step(c)) == 1) {
        xs_take_unsolicited(c);
        n++;
    }
    return r < 0 ? -EIO : n;
}

/* Copies all `len` bytes of data into the request ring, waiting (until
 * `deadline`) while it is full.  Returns 0, -ETIMEDOUT or -EIO. */
static int xs_put_all(struct xs_client *c, const void *data, uint32_t len, uint64_t deadline)
{
    const char *p = data;
    while (len) {
        int n = xs_ring_put(c->ring, p, len);
        if (n < 0)
            return xs_break(c, "request ring indexes out of range");
        p += n;
        len -= (uint32_t)n;
        if (!len)
            break;
        c->tp.notify(c->tp.arg);
        if (c->tp.now(c->tp.arg) >= deadline)
            return -ETIMEDOUT;
        if (n == 0)
            c->tp.wait(c->tp.arg, deadline);
    }
    return 0;
}

/* One payload piece of a request. */
struct xs_part {
    const void *data;
    uint32_t len;
};

/* Waits until the reply to req_id is in rx_hdr/rx_body, handling other
 * messages meanwhile.  Returns 0, -ETIMEDOUT or -EIO. */
static int xs_await(struct xs_client *c, uint32_t req_id, uint64_t deadline)
{
    for (;;) {
        int r = xs_recv_step(c);
        if (r < 0)
            return r;
        if (r == 1) {
            if (c->rx_hdr.type != XS_WATCH_EVENT && c->rx_hdr.req_id == req_id)
                return 0;
            xs_take_unsolicited(c);
            continue;
        }
        if (c->tp.now(c->tp.arg) >= deadline)
            return -ETIMEDOUT;
        c->tp.wait(c->tp.arg, deadline);
    }
}

/* Sends request `type` made of parts[0..n) in transaction tx and waits for
 * its reply (left in rx_hdr/rx_body).  `what` names it in log lines.
 * Returns 0, the xenstored error as a negative errno, -E2BIG (request too
 * long), -ETIMEDOUT or -EIO. */
static int xs_request(struct xs_client *c, uint32_t type, uint32_t tx, const struct xs_part *parts,
                      unsigned n, const char *what)
{
    if (c->broken)
        return -EIO;
    uint32_t total = 0;
    for (unsigned i = 0; i < n; i++)
        total += parts[i].len;
    if (total > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    uint64_t start = c->tp.now(c->tp.arg), deadline = start + XS_TIMEOUT_NS;
    struct xsd_sockmsg h = { type, c->next_req_id++, tx, total };
    if (c->next_req_id == 0)
        c->next_req_id = 1;
    c->stats.requests++;
    int rc = xs_put_all(c, &h, HDR_LEN, deadline);
    for (unsigned i = 0; i < n && !rc; i++)
        rc = xs_put_all(c, parts[i].data, parts[i].len, deadline);
    c->tp.notify(c->tp.arg);
    if (!rc)
        rc = xs_await(c, h.req_id, deadline);
    if (rc == -ETIMEDOUT) {
        c->stats.timeouts++;
        OS_ERR("xenstore", "no reply to %s %s within %llu ms (xenstored not answering); "
               "giving up on it", type_name(type), what,
               (unsigned long long)(XS_TIMEOUT_NS / 1000000));
    }
    if (rc)
        return rc;
    if (c->rx_hdr.type == XS_ERROR) {
        c->stats.errors++;
        return xs_error_to_errno(c->rx_body, c->rx_hdr.len);
    }
    if (c->rx_hdr.type != type) {
        c->stats.bad++;
        OS_WARN("xenstore", "reply of type %u to %s %s; ignored", c->rx_hdr.type,
                type_name(type), what);
        return -EIO;
    }
    c->stats.replies++;
    return 0;
}

/* Returns a part holding `s` and its terminating NUL (callers check the
 * length of paths with path_ok first). */
static struct xs_part str_part(const char *s)
{
    return (struct xs_part){ s, (uint32_t)strnlen(s, PATH_MAX_LEN) + 1 };
}

/* Returns true when `path` is a non-empty string of acceptable length. */
static bool path_ok(const char *path)
{
    return path && path[0] && strnlen(path, PATH_MAX_LEN + 1) <= PATH_MAX_LEN;
}

/* Sends request `type` whose only payload is `path` and waits for the
 * reply (in rx_hdr/rx_body).  Returns 0, -EINVAL for a bad path, or
 * xs_request's errors. */
static int xs_path_request(struct xs_client *c, uint32_t type, uint32_t tx, const char *path)
{
    if (!path_ok(path))
        return -EINVAL;
    struct xs_part p = str_part(path);
    return xs_request(c, type, tx, &p, 1, path);
}

int xs_read(struct xs_client *c, uint32_t tx, const char *path, char *buf, size_t len)
{
    int rc = len ? xs_path_request(c, XS_READ, tx, path) : -EINVAL;
    if (rc)
        return rc;
    uint32_t n = c->rx_hdr.len;
    if (n >= len)
        return -E2BIG;
    memcpy(buf, c->rx_body, n);
    buf[n] = '\0';
    return (int)n;
}

int xs_read_uint(struct xs_client *c, uint32_t tx, const char *path, unsigned long *val)
{
    char buf[24], *end;
    int n = xs_read(c, tx, path, buf, sizeof buf);
    if (n < 0)
        return n;
    if (n == 0 || buf[0] < '0' || buf[0] > '9')
        return -EINVAL;
    unsigned long v = strtoul(buf, &end, 10);
    if (*end)
        return -EINVAL;
    *val = v;
    return 0;
}

int xs_write(struct xs_client *c, uint32_t tx, const char *path, const char *value)
{
    if (!path_ok(path) || !value)
        return -EINVAL;
    struct xs_part p[2] = {
        str_part(path), { value, (uint32_t)strnlen(value, XENSTORE_PAYLOAD_MAX + 1) },
    };
    return xs_request(c, XS_WRITE, tx, p, 2, path);
}

int xs_write_uint(struct xs_client *c, uint32_t tx, const char *path, unsigned long val)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lu", val);
    return xs_write(c, tx, path, buf);
}

int xs_rm(struct xs_client *c, uint32_t tx, const char *path)
{
    return xs_path_request(c, XS_RM, tx, path);
}

int xs_directory(struct xs_client *c, uint32_t tx, const char *path, char *buf, size_t len,
                 size_t *used)
{
    int rc = xs_path_request(c, XS_DIRECTORY, tx, path);
    if (rc)
        return rc;
    uint32_t n = c->rx_hdr.len;
    if (n > len)
        return -E2BIG;
    memcpy(buf, c->rx_body, n);
    if (n && buf[n - 1] != '\0') { /* a last name without its NUL */
        if (n == len)
            return -E2BIG;
        buf[n++] = '\0';
    }
    int names = 0;
    for (uint32_t i = 0; i < n; i++)
        names += buf[i] == '\0';
    *used = n;
    return names;
}

int xs_transaction_start(struct xs_client *c, uint32_t *tx)
{
    struct xs_part p = { "", 1 };
    int rc = xs_request(c, XS_TRANSACTION_START, 0, &p, 1, "");
    if (rc)
        return rc;
    char *end;
    unsigned long id = strtoul(c->rx_body, &end, 10);
    if (end == c->rx_body || *end || id == 0 || id > UINT32_MAX) {
        c->stats.bad++;
        return -EIO;
    }
    *tx = (uint32_t)id;
    return 0;
}

int xs_transaction_end(struct xs_client *c, uint32_t tx, bool commit)
{
    struct xs_part p = { commit ? "T" : "F", 2 };
    return xs_request(c, XS_TRANSACTION_END, tx, &p, 1, commit ? "commit" : "abort");
}

int xs_watch(struct xs_client *c, const char *path, const char *token)
{
    size_t tl = token ? strnlen(token, XS_TOKEN_MAX) : 0;
    if (!path_ok(path) || tl == 0 || tl >= XS_TOKEN_MAX)
        return -EINVAL;
    int slot = -1;
    for (int i = 0; i < XS_MAX_WATCHES; i++) {
        if (!strcmp(c->watches[i].token, token))
            return -EINVAL;
        if (slot < 0 && !c->watches[i].token[0])
            slot = i;
    }
    if (slot < 0)
        return -ENOSPC;
    memcpy(c->watches[slot].token, token, tl + 1);
    c->watches[slot].fired = false;
    struct xs_part p[2] = { str_part(path), { token, (uint32_t)tl + 1 } };
    int rc = xs_request(c, XS_WATCH, 0, p, 2, path);
    if (rc) {
        c->watches[slot].token[0] = '\0';
        return rc;
    }
    return slot;
}

int xs_unwatch(struct xs_client *c, int id, const char *path)
{
    if (id < 0 || id >= XS_MAX_WATCHES || !c->watches[id].token[0] || !path_ok(path))
        return -EINVAL;
    char token[XS_TOKEN_MAX];
    memcpy(token, c->watches[id].token, sizeof token);
    c->watches[id].token[0] = '\0';
    c->watches[id].fired = false;
    struct xs_part p[2] = { str_part(path), { token, (uint32_t)strlen(token) + 1 } };
    return xs_request(c, XS_UNWATCH, 0, p, 2, path);
}

bool xs_watch_fired(struct xs_client *c, int id)
{
    if (id < 0 || id >= XS_MAX_WATCHES || !c->watches[id].fired)
        return false;
    c->watches[id].fired = false;
    return true;
}

void xs_wait(struct xs_client *c, uint64_t deadline_ns)
{
    c->tp.wait(c->tp.arg, deadline_ns);
    xs_poll(c);
}

uint64_t xs_now(struct xs_client *c)
{
    return c->tp.now(c->tp.arg);
}
