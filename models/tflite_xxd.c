/* tflite_xxd.c: the bytes of a C array as `xxd -i model.tflite` writes it (how
 * models are pasted into Arduino sketches), e.g.
 *     alignas(8) const unsigned char g_model[] = { 0x1c, 0x00, ... };
 *     const int g_model_len = 18712;
 * Comments, qualifiers and attributes before the initializer are ignored; the
 * list is hex (or decimal) bytes separated by commas; a `..._len = N;`
 * declaration after it, when present, must match the count. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"

/* Copy of text with comments replaced by spaces (string literals are not
 * expected in such files). */
static char *strip_comments(const char *t, size_t n)
{
    char *s = malloc(n + 1);
    if (!s) return NULL;
    size_t i = 0;
    while (i < n) {
        if (t[i] == '/' && i + 1 < n && t[i + 1] == '/') {
            while (i < n && t[i] != '\n') s[i++] = ' ';
        } else if (t[i] == '/' && i + 1 < n && t[i + 1] == '*') {
            s[i] = s[i + 1] = ' ';
            i += 2;
            while (i < n && !(t[i] == '*' && i + 1 < n && t[i + 1] == '/')) s[i++] = ' ';
            if (i < n) {
                s[i] = s[i + 1] = ' ';
                i += 2;
            }
        } else {
            s[i] = t[i] ? t[i] : ' ';
            i++;
        }
    }
    s[n] = '\0';
    return s;
}

static const char *skip_ws(const char *p)
{
    while (isspace((unsigned char)*p)) p++;
    return p;
}

/* The declared length: an identifier ending in "_len" followed by = N ;. */
static bool find_len(const char *p, unsigned long long *len)
{
    while ((p = strstr(p, "_len"))) {
        const char *q = skip_ws(p + 4);
        p += 4;
        if (*q != '=') continue;
        q = skip_ws(q + 1);
        if (!isdigit((unsigned char)*q)) continue;
        char *end;
        *len = strtoull(q, &end, 0);
        end = (char *)skip_ws(end);
        while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L') end++;
        if (*skip_ws(end) == ';') return true;
    }
    return false;
}

/* Up to cap-1 characters of the source at p for an error message, cut at
 * the end of the line: error messages are one line. */
static const char *snippet(const char *p, char *out, size_t cap)
{
    size_t i = 0;
    while (i + 1 < cap && p[i] && p[i] != '\n' && p[i] != '\r') {
        out[i] = (unsigned char)p[i] < 0x20 || p[i] == 0x7f ? '?' : p[i];
        i++;
    }
    out[i] = 0;
    return out;
}

enum kws_status mdl_xxd_parse(const char *text, size_t n, uint8_t **out, size_t *out_n, char *err,
                              size_t err_len)
{
    *out = NULL;
    *out_n = 0;
    char *s = strip_comments(text, n);
    if (!s) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory reading the C array");
    /* The initializer: the first '{' right after an '='. */
    const char *p = s;
    for (;;) {
        p = strchr(p, '=');
        if (!p) break;
        p = skip_ws(p + 1);
        if (*p == '{') break;
    }
    if (!p) {
        free(s);
        return kws_err(err, err_len, KWS_ERR_FORMAT,
                       "C array: no `= {` initializer found (expected `xxd -i` output)");
    }
    p++;
    uint8_t *b = malloc(n / 2 + 1); /* each byte needs at least two characters */
    size_t count = 0;
    enum kws_status st = KWS_OK;
    if (!b) {
        free(s);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory reading the C array");
    }
    for (;;) {
        p = skip_ws(p);
        if (*p == '}') break;
        if (!*p) {
            st = kws_err(err, err_len, KWS_ERR_FORMAT,
                         "C array: unexpected end of file after %zu bytes (no closing '}')", count);
            break;
        }
        char what[16];
        if (!isdigit((unsigned char)*p)) {
            st = kws_err(err, err_len, KWS_ERR_FORMAT,
                         "C array: unexpected '%s' after %zu bytes (expected 0xNN or '}')",
                         snippet(p, what, 11), count);
            break;
        }
        char *end;
        unsigned long v = strtoul(p, &end, 0);
        if (v > 255) {
            st =
                kws_err(err, err_len, KWS_ERR_FORMAT, "C array: value %s at byte %zu is not a byte",
                        snippet(p, what, 13), count);
            break;
        }
        b[count++] = (uint8_t)v;
        p = skip_ws(end);
        if (*p == ',')
            p++;
        else if (*p != '}') {
            st = kws_err(err, err_len, KWS_ERR_FORMAT, "C array: missing ',' after byte %zu",
                         count - 1);
            break;
        }
    }
    unsigned long long len;
    if (!st && find_len(p, &len) && len != count)
        st = kws_err(err, err_len, KWS_ERR_FORMAT,
                     "C array: declares length %llu but holds %zu bytes", len, count);
    if (!st && count == 0) st = kws_err(err, err_len, KWS_ERR_FORMAT, "C array is empty");
    free(s);
    if (st) {
        free(b);
        return st;
    }
    *out = b;
    *out_n = count;
    return KWS_OK;
}
