/*
 * sw_unix_file.h — reading a whole text file for the unix programs: the
 * switch's --flows FILE and the controller apps' `static=FILE` /
 * `firewall=FILE`.  Hosted code.
 *
 * A text file here is at most SW_UNIX_FILE_MAX bytes (so `--flows /dev/zero`
 * fails at once instead of eating memory) and holds no NUL byte (the
 * parsers read NUL-terminated text: a NUL would silently end the file
 * early, so it is reported as the bad line it is on).
 */
#ifndef SW_UNIX_FILE_H
#define SW_UNIX_FILE_H

#include <stddef.h>

#define SW_UNIX_FILE_MAX (64u << 20)

/* Reads `path` into a NUL-terminated os_malloc'd buffer in *text (the
 * caller os_free()s it).  Returns 0, or a negative errno with a one-line
 * reason in err ("PATH: File too large (limit 64 MiB)", "PATH:LINE: NUL
 * byte (not a text file?)", "PATH: No such file or directory", ...):
 * -EFBIG past SW_UNIX_FILE_MAX, -EILSEQ for a NUL byte, -ENOMEM, -EIO or
 * the errno of open/read. */
int sw_unix_read_text(const char *path, char **text, char *err, size_t errlen);

/* A ctl_read_file_fn (controller/ctl_app.h): sw_unix_read_text that logs
 * the reason (OS_ERR); `arg` is unused.  Returns 0 or a negative errno. */
int sw_unix_read_file(void *arg, const char *path, char **text);

#endif /* SW_UNIX_FILE_H */
