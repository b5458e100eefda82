/* sw_unix_file.c — whole-file reads for the unix programs (sw_unix_file.h). */
#include "sw_unix_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "os/log.h"
#include "os/mem.h"

/* Returns the 1-based line of byte `off` of text. */
static unsigned line_of(const char *text, size_t off)
{
    unsigned line = 1;
    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

/* Reads all of f (at most SW_UNIX_FILE_MAX bytes) into *buf, NUL-terminated,
 * length in *len.  Returns 0, -EFBIG, -ENOMEM or -EIO. */
static int read_all(FILE *f, char **buf, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *b = os_malloc(cap);
    int rc = 0;
    while (b) {
        n += fread(b + n, 1, cap - n - 1, f);
        if (n + 1 < cap)
            break;
        if (cap > SW_UNIX_FILE_MAX) {
            rc = -EFBIG;
            break;
        }
        char *nb = os_realloc(b, cap *= 2);
        if (!nb)
            os_free(b);
        b = nb;
    }
    if (!b)
        return -ENOMEM;
    if (!rc && ferror(f))
        rc = -EIO;
    if (rc) {
        os_free(b);
        return rc;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

int sw_unix_read_text(const char *path, char **text, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int rc = -errno;
        snprintf(err, errlen, "%s: %s", path, strerror(-rc));
        return rc;
    }
    char *buf;
    size_t len;
    int rc = read_all(f, &buf, &len);
    fclose(f);
    if (rc == -EFBIG) {
        snprintf(err, errlen, "%s: %s (limit %u MiB)", path, strerror(EFBIG),
                 SW_UNIX_FILE_MAX >> 20);
        return rc;
    }
    if (rc) {
        snprintf(err, errlen, "%s: %s", path, strerror(-rc));
        return rc;
    }
    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        snprintf(err, errlen, "%s:%u: NUL byte (not a text file?)", path,
                 line_of(buf, (size_t)(nul - buf)));
        os_free(buf);
        return -EILSEQ;
    }
    *text = buf;
    return 0;
}

int sw_unix_read_file(void *arg, const char *path, char **text)
{
    char err[512];
    int rc = sw_unix_read_text(path, text, err, sizeof err);
    if (rc)
        OS_ERR("file", "%s", err);
    return rc;
}
