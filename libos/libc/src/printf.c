/*
 * printf.c — snprintf/vsnprintf of the freestanding libc.
 *
 * ISO C semantics for what the portable code uses: flags - 0 + space #,
 * field width and precision (also as *), length modifiers hh h l ll z j t,
 * conversions d i u x X o c s p %.  No floating point (%f etc. print "?"),
 * no %n (ignored: it would write through an argument).  Returns the length
 * the full output would have, writes at most size - 1 characters and always
 * NUL-terminates when size > 0.  A NULL %s prints "(null)".
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Output cursor: everything is counted, only what fits is stored. */
struct libc_out {
    char *buf;
    size_t size;
    size_t len;
};

static void libc_put(struct libc_out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void libc_pad(struct libc_out *o, char c, int n)
{
    while (n-- > 0)
        libc_put(o, c);
}

/* One conversion's flags, width and precision. */
struct libc_spec {
    bool left, zero, plus, space, alt;
    int width;
    int prec; /* -1: none */
};

/* Emits a string of `n` bytes padded to the width. */
static void libc_emit_str(struct libc_out *o, const struct libc_spec *sp, const char *s,
                          size_t n)
{
    int pad = sp->width > (int)n ? sp->width - (int)n : 0;
    if (!sp->left)
        libc_pad(o, ' ', pad);
    for (size_t i = 0; i < n; i++)
        libc_put(o, s[i]);
    if (sp->left)
        libc_pad(o, ' ', pad);
}

/* Emits an integer: magnitude v in `base`, sign or prefix, precision and
 * width as ISO C says. */
static void libc_emit_int(struct libc_out *o, const struct libc_spec *sp, uintmax_t v,
                          bool neg, unsigned base, bool upper, const char *prefix)
{
    char digits[24]; /* 2^64 in octal is 22 digits */
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int nd = 0;
    while (v) {
        digits[nd++] = set[v % base];
        v /= base;
    }
    int prec = sp->prec < 0 ? 1 : sp->prec;
    int zeros = prec > nd ? prec - nd : 0;
    if (base == 8 && sp->alt && zeros == 0 && (nd == 0 || digits[nd - 1] != '0'))
        zeros = 1;
    const char *sign = neg ? "-" : sp->plus ? "+" : sp->space ? " " : "";
    if (!prefix)
        prefix = "";
    int plen = 0;
    while (sign[plen])
        plen++;
    int xlen = 0;
    while (prefix[xlen])
        xlen++;
    int total = plen + xlen + zeros + nd;
    int pad = sp->width > total ? sp->width - total : 0;
    if (sp->zero && !sp->left && sp->prec < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!sp->left)
        libc_pad(o, ' ', pad);
    for (int i = 0; i < plen; i++)
        libc_put(o, sign[i]);
    for (int i = 0; i < xlen; i++)
        libc_put(o, prefix[i]);
    libc_pad(o, '0', zeros);
    while (nd > 0)
        libc_put(o, digits[--nd]);
    if (sp->left)
        libc_pad(o, ' ', pad);
}

/* Parses flags, width and precision at *pf.  Advances *pf. */
static void libc_parse_spec(const char **pf, va_list *ap, struct libc_spec *sp)
{
    const char *f = *pf;
    *sp = (struct libc_spec){ .prec = -1 };
    for (;; f++) {
        if (*f == '-') sp->left = true;
        else if (*f == '0') sp->zero = true;
        else if (*f == '+') sp->plus = true;
        else if (*f == ' ') sp->space = true;
        else if (*f == '#') sp->alt = true;
        else break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9' && sp->width < 100000)
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            if (sp->prec < 0)
                sp->prec = -1;
            f++;
        } else {
            while (*f >= '0' && *f <= '9' && sp->prec < 100000)
                sp->prec = sp->prec * 10 + (*f++ - '0');
        }
    }
    *pf = f;
}

/* Length modifiers, as the number of bytes of the argument (0 = int). */
enum libc_len { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_MAX, LEN_PTRDIFF };

static enum libc_len libc_parse_len(const char **pf)
{
    const char *f = *pf;
    enum libc_len l = LEN_INT;
    if (f[0] == 'h' && f[1] == 'h') { l = LEN_CHAR; f += 2; }
    else if (f[0] == 'h') { l = LEN_SHORT; f++; }
    else if (f[0] == 'l' && f[1] == 'l') { l = LEN_LLONG; f += 2; }
    else if (f[0] == 'l') { l = LEN_LONG; f++; }
    else if (f[0] == 'z') { l = LEN_SIZE; f++; }
    else if (f[0] == 'j') { l = LEN_MAX; f++; }
    else if (f[0] == 't') { l = LEN_PTRDIFF; f++; }
    *pf = f;
    return l;
}

static intmax_t libc_arg_signed(va_list *ap, enum libc_len l)
{
    switch (l) {
    case LEN_CHAR: return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE: return (intmax_t)va_arg(*ap, size_t);
    case LEN_MAX: return va_arg(*ap, intmax_t);
    case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, int);
    }
}

static uintmax_t libc_arg_unsigned(va_list *ap, enum libc_len l)
{
    switch (l) {
    case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    case LEN_MAX: return va_arg(*ap, uintmax_t);
    case LEN_PTRDIFF: return (uintmax_t)va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, unsigned);
    }
}

/* Emits one conversion `c`.  Returns nothing. */
static void libc_convert(struct libc_out *o, struct libc_spec *sp, char c, enum libc_len l,
                         va_list *ap)
{
    switch (c) {
    case 'd':
    case 'i': {
        intmax_t v = libc_arg_signed(ap, l);
        uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
        libc_emit_int(o, sp, mag, v < 0, 10, false, NULL);
        break;
    }
    case 'u':
        libc_emit_int(o, sp, libc_arg_unsigned(ap, l), false, 10, false, NULL);
        break;
    case 'o':
        libc_emit_int(o, sp, libc_arg_unsigned(ap, l), false, 8, false, NULL);
        break;
    case 'x':
    case 'X': {
        uintmax_t v = libc_arg_unsigned(ap, l);
        sp->plus = sp->space = false;
        libc_emit_int(o, sp, v, false, 16, c == 'X',
                      sp->alt && v ? (c == 'X' ? "0X" : "0x") : NULL);
        break;
    }
    case 'p': {
        uintptr_t v = (uintptr_t)va_arg(*ap, void *);
        if (!v) {
            libc_emit_str(o, sp, "(nil)", 5);
            break;
        }
        sp->plus = sp->space = false;
        libc_emit_int(o, sp, v, false, 16, false, "0x");
        break;
    }
    case 'c': {
        char ch = (char)va_arg(*ap, int);
        libc_emit_str(o, sp, &ch, 1);
        break;
    }
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (!s)
            s = "(null)";
        size_t n = 0;
        while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n])
            n++;
        libc_emit_str(o, sp, s, n);
        break;
    }
    case 'n':
        (void)va_arg(*ap, void *);
        break;
    case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
        (void)va_arg(*ap, double);
        libc_emit_str(o, sp, "?", 1);
        break;
    default: /* unknown: print it as is */
        libc_put(o, '%');
        if (c)
            libc_put(o, c);
        break;
    }
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
    struct libc_out o = { buf, size, 0 };
    va_list aq;
    va_copy(aq, ap);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            libc_put(&o, *f);
            continue;
        }
        f++;
        if (*f == '%') {
            libc_put(&o, '%');
            continue;
        }
        struct libc_spec sp;
        libc_parse_spec(&f, &aq, &sp);
        enum libc_len l = libc_parse_len(&f);
        libc_convert(&o, &sp, *f, l, &aq);
        if (!*f)
            break;
    }
    va_end(aq);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
