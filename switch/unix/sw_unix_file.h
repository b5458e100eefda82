/*
 * sw_unix_file.h — reading a whole text file for the unix programs (the
 * controller apps' `static=FILE` / `firewall=FILE`).  Hosted code.
 */
#ifndef SW_UNIX_FILE_H
#define SW_UNIX_FILE_H

/* A ctl_read_file_fn (controller/ctl_app.h): reads `path` into a
 * NUL-terminated os_malloc'd buffer in *text (the caller os_free()s it);
 * `arg` is unused.  Returns 0 or a negative errno (-EFBIG past 64 MiB). */
int sw_unix_read_file(void *arg, const char *path, char **text);

#endif /* SW_UNIX_FILE_H */
