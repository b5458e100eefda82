/* ctl_app.c — app allocation and the `--app LIST` parser (ctl_app.h). */
#include "ctl_app.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/mem.h"

#define CTL_APP_NAME_MAX 256

struct ctl_app *ctl_app_alloc(const struct ctl_app_ops *ops, size_t priv_size)
{
    struct ctl_app *app = os_calloc(1, sizeof *app);
    if (!app)
        return NULL;
    app->ops = ops;
    if (priv_size) {
        app->priv = os_calloc(1, priv_size);
        if (!app->priv) {
            os_free(app);
            return NULL;
        }
    }
    return app;
}

void ctl_app_free(struct ctl_app *app)
{
    if (!app)
        return;
    if (app->ops && app->ops->destroy)
        app->ops->destroy(app);
    os_free(app->priv);
    os_free(app);
}

/* Creates the file-backed app `kind` ("static" or "firewall") from path.
 * Returns it, or NULL with the reason in err. */
static struct ctl_app *file_app(const char *kind, const char *path, ctl_read_file_fn *rf,
                                void *rf_arg, char *err, size_t errlen)
{
    char *text = NULL;
    int rc = rf ? rf(rf_arg, path, &text) : -ENOSYS;
    if (rc < 0 || !text) {
        snprintf(err, errlen, "--app %s=%s: cannot read the file: %s", kind, path,
                 strerror(rc < 0 ? -rc : EIO));
        return NULL;
    }
    struct ctl_app *app = strcmp(kind, "static") == 0
                              ? ctl_static_create(text, path, err, errlen)
                              : ctl_firewall_create(text, path, err, errlen);
    os_free(text);
    return app;
}

/* Creates the learning app from its item ("learning" or "learning=idle:N",
 * N in 0..65535 seconds).  Returns it, or NULL with the reason in err. */
static struct ctl_app *learning_app(const char *item, char *err, size_t errlen)
{
    unsigned long idle = CTL_LEARN_IDLE;
    if (item[8] == '=') {
        const char *v = item + 9;
        char *end = NULL;
        if (strncmp(v, "idle:", 5) != 0 || v[5] < '0' || v[5] > '9' ||
            (idle = strtoul(v + 5, &end, 10), *end != '\0') || idle > 65535) {
            snprintf(err, errlen,
                     "--app %s: expected learning=idle:N with N in 0..65535 seconds", item);
            return NULL;
        }
    }
    struct ctl_app *app = ctl_learning_create((uint16_t)idle);
    if (!app)
        snprintf(err, errlen, "--app learning: out of memory");
    return app;
}

/* Creates the app one list item `item` names.  Returns it, or NULL with
 * the reason in err. */
static struct ctl_app *item_app(const char *item, ctl_read_file_fn *rf, void *rf_arg,
                                char *err, size_t errlen)
{
    const char *eq = strchr(item, '=');
    size_t klen = eq ? (size_t)(eq - item) : strlen(item);
    if (klen == 8 && memcmp(item, "learning", 8) == 0)
        return learning_app(item, err, errlen);
    if (eq && eq[1] && ((klen == 6 && memcmp(item, "static", 6) == 0) ||
                        (klen == 8 && memcmp(item, "firewall", 8) == 0))) {
        char kind[9];
        memcpy(kind, item, klen);
        kind[klen] = '\0';
        return file_app(kind, eq + 1, rf, rf_arg, err, errlen);
    }
    snprintf(err, errlen, "--app: unknown app '%s' (learning[=idle:N], static=FILE, firewall=FILE)",
             item);
    return NULL;
}

int ctl_add_apps(struct ctl *ctl, const char *list, ctl_read_file_fn *rf, void *rf_arg,
                 char *err, size_t errlen)
{
    int added = 0;
    const char *p = list ? list : "";
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char item[CTL_APP_NAME_MAX];
        if (n == 0 || n >= sizeof item) {
            snprintf(err, errlen, "--app: %s item in '%s'", n ? "overlong" : "empty", list);
            return -EINVAL;
        }
        memcpy(item, p, n);
        item[n] = '\0';
        struct ctl_app *app = item_app(item, rf, rf_arg, err, errlen);
        if (!app)
            return -EINVAL;
        if (ctl_add_app(ctl, app) < 0) {
            snprintf(err, errlen, "--app: more than %d apps", CTL_MAX_APPS);
            return -ENOSPC;
        }
        added++;
        p += n;
        if (*p == ',')
            p++;
    }
    if (added == 0) {
        snprintf(err, errlen, "--app: empty list");
        return -EINVAL;
    }
    return added;
}
