/* sw_unix_file.c — whole-file reads for the unix programs (sw_unix_file.h). */
#include "sw_unix_file.h"

#include <errno.h>
#include <stdio.h>

#include "os/mem.h"

#define MAX_FILE (64u << 20)

int sw_unix_read_file(void *arg, const char *path, char **text)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -errno;
    size_t cap = 4096, len = 0;
    char *buf = os_malloc(cap);
    int rc = 0;
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (len + 1 < cap)
            break;
        if (cap >= MAX_FILE) {
            rc = -EFBIG;
            break;
        }
        char *nb = os_realloc(buf, cap *= 2);
        if (!nb)
            os_free(buf);
        buf = nb;
    }
    if (!buf)
        rc = -ENOMEM;
    else if (!rc && ferror(f))
        rc = -EIO;
    fclose(f);
    if (rc) {
        os_free(buf);
        return rc;
    }
    buf[len] = '\0';
    *text = buf;
    return 0;
}
