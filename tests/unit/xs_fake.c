/* xs_fake.c — a xenstored in host memory for unit tests (see xs_fake.h). */
#include "xs_fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RING_MASK(i) ((i) & (XENSTORE_RING_SIZE - 1))

void xs_fake_init(struct xs_fake *f)
{
    memset(f, 0, sizeof *f);
    f->next_tx = 1;
    f->now = 1000000000ull;
}

void xs_fake_fini(struct xs_fake *f)
{
    for (unsigned i = 0; i < XS_FAKE_NODES; i++) {
        free(f->nodes[i].path);
        free(f->nodes[i].value);
        f->nodes[i].path = f->nodes[i].value = NULL;
    }
}

/* Writes the absolute form of `path` into out.  Returns out. */
static char *fake_abs(const char *path, char *out, size_t len)
{
    if (path[0] == '/')
        snprintf(out, len, "%s", path);
    else
        snprintf(out, len, "/local/domain/%d/%s", XS_FAKE_DOMID, path);
    return out;
}

/* Returns the node at absolute path `abs`, or NULL. */
static struct xs_fake_node *fake_find(struct xs_fake *f, const char *abs)
{
    for (unsigned i = 0; i < XS_FAKE_NODES; i++)
        if (f->nodes[i].path && !strcmp(f->nodes[i].path, abs))
            return &f->nodes[i];
    return NULL;
}

/* Returns true when `abs` is `top` or lies below it. */
static bool fake_below(const char *abs, const char *top)
{
    size_t n = strlen(top);
    return !strncmp(abs, top, n) && (abs[n] == '\0' || abs[n] == '/' || top[n - 1] == '/');
}

/* Queues one message.  Returns nothing. */
static void fake_reply(struct xs_fake *f, uint32_t type, uint32_t req_id, uint32_t tx,
                       const void *body, uint32_t len)
{
    struct xsd_sockmsg h = { type, req_id, tx, len };
    if (f->out_len + sizeof h + len > sizeof f->out)
        abort(); /* a test that floods the fake is wrong */
    memcpy(f->out + f->out_len, &h, sizeof h);
    memcpy(f->out + f->out_len + sizeof h, body, len);
    f->out_len += (uint32_t)(sizeof h + len);
}

/* Queues watch events for a change at absolute path `abs`.  Returns
 * nothing. */
static void fake_fire(struct xs_fake *f, const char *abs)
{
    for (unsigned i = 0; i < XS_FAKE_WATCHES; i++) {
        struct xs_fake_watch *w = &f->watches[i];
        if (!w->used || !fake_below(abs, w->abs))
            continue;
        char body[600];
        int n = snprintf(body, sizeof body, "%s%c%s", w->path, 0, w->token);
        fake_reply(f, XS_WATCH_EVENT, 0, 0, body, (uint32_t)n + 1);
    }
}

void xs_fake_set(struct xs_fake *f, const char *path, const char *value)
{
    char abs[512];
    fake_abs(path, abs, sizeof abs);
    struct xs_fake_node *n = fake_find(f, abs);
    if (!n) {
        for (unsigned i = 0; i < XS_FAKE_NODES && !n; i++)
            if (!f->nodes[i].path)
                n = &f->nodes[i];
        if (!n)
            abort();
        n->path = strdup(abs);
    }
    free(n->value);
    n->value = strdup(value);
    fake_fire(f, abs);
}

void xs_fake_rm(struct xs_fake *f, const char *path)
{
    char abs[512];
    fake_abs(path, abs, sizeof abs);
    for (unsigned i = 0; i < XS_FAKE_NODES; i++) {
        if (f->nodes[i].path && fake_below(f->nodes[i].path, abs)) {
            free(f->nodes[i].path);
            free(f->nodes[i].value);
            f->nodes[i].path = f->nodes[i].value = NULL;
        }
    }
    fake_fire(f, abs);
}

const char *xs_fake_get(struct xs_fake *f, const char *path)
{
    char abs[512];
    struct xs_fake_node *n = fake_find(f, fake_abs(path, abs, sizeof abs));
    return n ? n->value : NULL;
}

void xs_fake_queue_raw(struct xs_fake *f, const void *data, uint32_t len)
{
    memcpy(f->out + f->out_len, data, len);
    f->out_len += len;
}

/* Queues an XS_ERROR reply.  Returns nothing. */
static void fake_error(struct xs_fake *f, const struct xsd_sockmsg *h, const char *err)
{
    fake_reply(f, XS_ERROR, h->req_id, h->tx_id, err, (uint32_t)strlen(err) + 1);
}

/* Lists the children of absolute `abs` into body.  Returns its length. */
static uint32_t fake_directory(struct xs_fake *f, const char *abs, char *body, uint32_t cap)
{
    uint32_t len = 0;
    size_t n = strlen(abs);
    for (unsigned i = 0; i < XS_FAKE_NODES; i++) {
        const char *p = f->nodes[i].path;
        if (!p || strncmp(p, abs, n) || p[n] != '/')
            continue;
        const char *name = p + n + 1;
        size_t nl = strcspn(name, "/");
        bool dup = false;
        for (uint32_t off = 0; off < len && !dup; off += (uint32_t)strlen(body + off) + 1)
            dup = strlen(body + off) == nl && !strncmp(body + off, name, nl);
        if (!dup && len + nl + 1 <= cap) {
            memcpy(body + len, name, nl);
            body[len + nl] = '\0';
            len += (uint32_t)nl + 1;
        }
    }
    return len;
}

/* Serves one request (header h, NUL-terminated payload p).  Returns
 * nothing. */
static void fake_handle(struct xs_fake *f, const struct xsd_sockmsg *h, const char *p)
{
    char abs[512], body[4096];
    const char *arg2 = p + strnlen(p, h->len) + 1; /* second string (or value) */
    uint32_t arg2_len = h->len > strnlen(p, h->len) + 1 ? h->len - (uint32_t)strlen(p) - 1 : 0;
    f->requests++;
    if (f->stale_reply) {
        f->stale_reply = false;
        fake_reply(f, h->type, h->req_id + 1000, h->tx_id, "OK", 3);
    }
    switch (h->type) {
    case XS_READ: {
        struct xs_fake_node *n = fake_find(f, fake_abs(p, abs, sizeof abs));
        if (!n)
            return fake_error(f, h, "ENOENT");
        return fake_reply(f, XS_READ, h->req_id, h->tx_id, n->value, (uint32_t)strlen(n->value));
    }
    case XS_WRITE: {
        char val[4097];
        memcpy(val, arg2, arg2_len);
        val[arg2_len] = '\0';
        xs_fake_set(f, p, val);
        return fake_reply(f, XS_WRITE, h->req_id, h->tx_id, "OK", 3);
    }
    case XS_RM:
        xs_fake_rm(f, p);
        return fake_reply(f, XS_RM, h->req_id, h->tx_id, "OK", 3);
    case XS_DIRECTORY: {
        uint32_t len = fake_directory(f, fake_abs(p, abs, sizeof abs), body, sizeof body);
        if (!len && !fake_find(f, abs))
            return fake_error(f, h, "ENOENT");
        return fake_reply(f, XS_DIRECTORY, h->req_id, h->tx_id, body, len);
    }
    case XS_TRANSACTION_START: {
        int n = snprintf(body, sizeof body, "%u", f->next_tx++);
        return fake_reply(f, h->type, h->req_id, 0, body, (uint32_t)n + 1);
    }
    case XS_TRANSACTION_END:
        if (p[0] == 'T' && f->conflicts) {
            f->conflicts--;
            return fake_error(f, h, "EAGAIN");
        }
        return fake_reply(f, h->type, h->req_id, 0, "OK", 3);
    case XS_WATCH:
    case XS_UNWATCH:
        for (unsigned i = 0; i < XS_FAKE_WATCHES; i++) {
            struct xs_fake_watch *w = &f->watches[i];
            if (h->type == XS_UNWATCH && w->used && !strcmp(w->path, p) &&
                !strcmp(w->token, arg2)) {
                w->used = false;
                return fake_reply(f, h->type, h->req_id, 0, "OK", 3);
            }
            if (h->type == XS_WATCH && !w->used) {
                w->used = true;
                snprintf(w->path, sizeof w->path, "%s", p);
                fake_abs(p, w->abs, sizeof w->abs);
                snprintf(w->token, sizeof w->token, "%s", arg2);
                fake_reply(f, h->type, h->req_id, 0, "OK", 3);
                int n = snprintf(body, sizeof body, "%s%c%s", w->path, 0, w->token);
                return fake_reply(f, XS_WATCH_EVENT, 0, 0, body, (uint32_t)n + 1);
            }
        }
        return fake_error(f, h, h->type == XS_WATCH ? "ENOSPC" : "ENOENT");
    default:
        return fake_error(f, h, "EINVAL");
    }
}

/* Moves queued responses into the response ring (as much as fits, at most
 * `chunk` bytes).  Returns nothing. */
static void fake_flush(struct xs_fake *f)
{
    struct xenstore_domain_interface *r = &f->ring;
    uint32_t room = XENSTORE_RING_SIZE - (r->rsp_prod - r->rsp_cons);
    uint32_t n = f->out_len < room ? f->out_len : room;
    if (f->chunk && n > f->chunk)
        n = f->chunk;
    for (uint32_t i = 0; i < n; i++)
        r->rsp[RING_MASK(r->rsp_prod + i)] = (char)f->out[i];
    __atomic_store_n(&r->rsp_prod, r->rsp_prod + n, __ATOMIC_RELEASE);
    memmove(f->out, f->out + n, f->out_len - n);
    f->out_len -= n;
}

void xs_fake_serve(struct xs_fake *f)
{
    struct xenstore_domain_interface *r = &f->ring;
    /* Take every byte written so far: real daemons consume partial
     * messages, so a request longer than the ring gets through. */
    while (r->req_cons != r->req_prod && f->in_len < sizeof f->in)
        f->in[f->in_len++] = (uint8_t)r->req[RING_MASK(r->req_cons++)];
    for (;;) {
        struct xsd_sockmsg h;
        if (f->in_len < sizeof h)
            break;
        memcpy(&h, f->in, sizeof h);
        if (h.len > XENSTORE_PAYLOAD_MAX) {
            f->in_len = 0; /* a broken client: drop everything */
            break;
        }
        if (f->in_len < sizeof h + h.len)
            break;
        char body[XENSTORE_PAYLOAD_MAX + 1];
        memcpy(body, f->in + sizeof h, h.len);
        body[h.len] = '\0';
        uint32_t used = (uint32_t)sizeof h + h.len;
        memmove(f->in, f->in + used, f->in_len - used);
        f->in_len -= used;
        if (!f->silent)
            fake_handle(f, &h, body);
    }
    fake_flush(f);
}

static void fake_tp_notify(void *arg)
{
    xs_fake_serve(arg);
}

static void fake_tp_wait(void *arg, uint64_t deadline)
{
    struct xs_fake *f = arg;
    f->now += 1000000ull;
    if (f->now > deadline && deadline > f->now - 1000000ull)
        f->now = deadline;
    if (f->on_wait)
        f->on_wait(f, f->arg);
    xs_fake_serve(f);
}

static uint64_t fake_tp_now(void *arg)
{
    return ((struct xs_fake *)arg)->now;
}

struct xs_transport xs_fake_transport(struct xs_fake *f)
{
    return (struct xs_transport){ fake_tp_notify, fake_tp_wait, fake_tp_now, f };
}
