/*
 * strerror.c — strerror() of the freestanding libc (kvm/xen targets).
 *
 * Names every errno of libos/libc/include/errno.h with the text the Linux C
 * library uses, so a message reads the same on every target; any other
 * number gives "Unknown error".  The strings are constant (never written),
 * so unlike ISO C's strerror it is reentrant.
 */
#include <errno.h>
#include <string.h>

static const char *const names[] = {
    [EPERM] = "Operation not permitted",
    [ENOENT] = "No such file or directory",
    [EINTR] = "Interrupted system call",
    [EIO] = "Input/output error",
    [ENXIO] = "No such device or address",
    [E2BIG] = "Argument list too long",
    [EBADF] = "Bad file descriptor",
    [EAGAIN] = "Resource temporarily unavailable",
    [ENOMEM] = "Cannot allocate memory",
    [EACCES] = "Permission denied",
    [EFAULT] = "Bad address",
    [EBUSY] = "Device or resource busy",
    [EEXIST] = "File exists",
    [ENODEV] = "No such device",
    [EINVAL] = "Invalid argument",
    [ENFILE] = "Too many open files in system",
    [EMFILE] = "Too many open files",
    [EFBIG] = "File too large",
    [ENOSPC] = "No space left on device",
    [EPIPE] = "Broken pipe",
    [EDOM] = "Numerical argument out of domain",
    [ERANGE] = "Numerical result out of range",
    [ENOSYS] = "Function not implemented",
    [ENODATA] = "No data available",
    [ETIME] = "Timer expired",
    [EPROTO] = "Protocol error",
    [EMSGSIZE] = "Message too long",
    [EPROTONOSUPPORT] = "Protocol not supported",
    [EOPNOTSUPP] = "Operation not supported",
    [EADDRINUSE] = "Address already in use",
    [EADDRNOTAVAIL] = "Cannot assign requested address",
    [ENETDOWN] = "Network is down",
    [ENETUNREACH] = "Network is unreachable",
    [ECONNABORTED] = "Software caused connection abort",
    [ECONNRESET] = "Connection reset by peer",
    [ENOBUFS] = "No buffer space available",
    [EISCONN] = "Transport endpoint is already connected",
    [ENOTCONN] = "Transport endpoint is not connected",
    [ETIMEDOUT] = "Connection timed out",
    [ECONNREFUSED] = "Connection refused",
    [EHOSTUNREACH] = "No route to host",
    [EALREADY] = "Operation already in progress",
    [EINPROGRESS] = "Operation now in progress",
};

char *(strerror)(int errnum)
{
    if (errnum > 0 && (unsigned)errnum < sizeof names / sizeof names[0] && names[errnum])
        return (char *)names[errnum];
    return (char *)"Unknown error";
}
