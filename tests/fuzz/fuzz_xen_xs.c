/*
 * fuzz_xen_xs.c — libFuzzer target for the xenstore client
 * (libos/xen/xs_client.c, xs_ring.c) facing a hostile xenstored: whatever
 * arrives in the response ring — replies of any type, id and length, watch
 * events, torn messages, impossible ring indexes — while the client runs a
 * sequence of requests.
 *
 * Input: byte 0 = number of operations (low 3 bits + 1); the next that many
 * bytes choose them (read, read_uint, directory, transaction, watch, poll,
 * write, unwatch); the rest is the daemon: each time the client waits, one
 * control byte says what the daemon does — copy the next (c & 63) + 1
 * bytes into the response ring as far as it has room (c < 0xf0), set
 * rsp_prod to the next 4 bytes (0xf0..0xf7: corrupt), or stop reading
 * requests (0xf8..0xff: the request ring fills up).  The fake clock moves
 * 100 ms per wait, so a request that gets no reply times out after 30.
 * Properties: results are within their documented ranges, strings read
 * are NUL-terminated inside their buffers, directory sizes fit, watch ids
 * are valid, and once the client reports a broken stream every call says
 * -EIO.  A violated property traps.  Built by tests/fuzz/run.sh.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libos/xen/xs.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
    struct xenstore_domain_interface ring;
    const uint8_t *d;
    size_t n, pos;
    uint64_t now;
    bool stalled;
};

static void fz_daemon(struct fz *f)
{
    struct xenstore_domain_interface *r = &f->ring;
    if (!f->stalled)
        r->req_cons = r->req_prod; /* requests vanish into the daemon */
    if (f->pos >= f->n)
        return;
    uint8_t c = f->d[f->pos++];
    if (c >= 0xf8) {
        f->stalled = true;
    } else if (c >= 0xf0) {
        uint32_t v = 0;
        for (int i = 0; i < 4 && f->pos < f->n; i++)
            v = v << 8 | f->d[f->pos++];
        r->rsp_prod = v;
    } else {
        uint32_t want = (uint32_t)(c & 63) + 1;
        for (uint32_t i = 0; i < want && f->pos < f->n; i++) {
            if (r->rsp_prod - r->rsp_cons >= XENSTORE_RING_SIZE)
                break;
            r->rsp[r->rsp_prod & (XENSTORE_RING_SIZE - 1)] = (char)f->d[f->pos++];
            r->rsp_prod++;
        }
    }
}

static void fz_notify(void *arg)
{
    struct fz *f = arg;
    if (!f->stalled)
        f->ring.req_cons = f->ring.req_prod;
}

static void fz_wait(void *arg, uint64_t deadline)
{
    struct fz *f = arg;
    f->now += 100000000ull;
    fz_daemon(f);
}

static uint64_t fz_now(void *arg)
{
    return ((struct fz *)arg)->now;
}

/* Checks one result of the client.  Returns nothing (traps). */
static void fz_check_rc(const struct xs_client *c, int rc)
{
    FUZZ_CHECK(rc <= 0 || rc < 4096);
    if (c->broken)
        FUZZ_CHECK(rc == -EIO || rc == -EINVAL || rc == -ENOSPC);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fz f;
    static struct xs_client c;
    if (size < 1)
        return 0;
    memset(&f, 0, sizeof f);
    unsigned nops = (data[0] & 7u) + 1;
    if (size < 1 + nops)
        return 0;
    f.d = data + 1 + nops;
    f.n = size - 1 - nops;
    f.now = 1;
    struct xs_transport tp = { fz_notify, fz_wait, fz_now, &f };
    xs_client_init(&c, &f.ring, &tp);
    int watch = -1;
    for (unsigned i = 0; i < nops; i++) {
        char buf[64];
        size_t used = 99;
        unsigned long v;
        uint32_t tx = 0;
        bool was_broken = c.broken;
        int rc;
        switch (data[1 + i] & 7) {
        case 0:
            rc = xs_read(&c, 0, "device/vif/0/state", buf, sizeof buf);
            if (rc >= 0)
                FUZZ_CHECK((size_t)rc < sizeof buf && buf[rc] == '\0');
            break;
        case 1:
            rc = xs_read_uint(&c, 0, "device/vif/0/backend-id", &v);
            FUZZ_CHECK(rc <= 0);
            break;
        case 2:
            rc = xs_directory(&c, 0, "device/vif", buf, sizeof buf, &used);
            if (rc >= 0) {
                FUZZ_CHECK(used <= sizeof buf);
                int names = 0;
                for (size_t k = 0; k < used; k++)
                    names += buf[k] == '\0';
                FUZZ_CHECK(names == rc);
                FUZZ_CHECK(used == 0 || buf[used - 1] == '\0');
            }
            break;
        case 3:
            rc = xs_transaction_start(&c, &tx);
            if (rc == 0) {
                FUZZ_CHECK(tx != 0);
                rc = xs_transaction_end(&c, tx, true);
            }
            break;
        case 4:
            rc = xs_watch(&c, "control/shutdown", "fz");
            if (rc >= 0) {
                FUZZ_CHECK(rc < XS_MAX_WATCHES);
                watch = rc;
                rc = 0;
            }
            break;
        case 5:
            rc = xs_poll(&c);
            if (watch >= 0)
                xs_watch_fired(&c, watch);
            break;
        case 6:
            rc = xs_write(&c, 0, "data/x", "value");
            break;
        default:
            if (watch < 0)
                continue; /* nothing to unwatch: no call made */
            rc = xs_unwatch(&c, watch, "control/shutdown");
            watch = -1;
            break;
        }
        fz_check_rc(&c, rc);
        if (was_broken)
            FUZZ_CHECK(c.broken);
    }
    return 0;
}
