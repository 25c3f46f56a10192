/* text.c: board text made safe for a terminal and for JSON strings.
 *
 * Everything a board says (INFO strings, LOG and ERROR text, dialect lines)
 * passes through here in the session, so no caller can forget. The policy,
 * chosen to be lossless and readable: printable ASCII and well-formed UTF-8
 * (U+00A0 and up) pass unchanged; every other byte (C0 controls, DEL, the C1
 * controls U+0080..U+009F, malformed UTF-8, NUL) becomes the four characters
 * \xNN. The output then holds no control character, so it can neither move
 * the cursor nor retitle a terminal, and JSON needs only '"' and '\\'
 * escaped. A backslash that came from the board stays as it is. */
#include <string.h>

#include "device.h"

/* Length of the well-formed UTF-8 sequence at p (n bytes left) for a code
 * point U+00A0 or above, else 0. */
static size_t utf8_ok(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else
        return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    static const unsigned min_cp[5] = { 0, 0, 0xA0, 0x800, 0x10000 };
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

size_t dev_text_escape(const void *in, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = in;
    size_t o = 0;
    if (!cap) return 0;
    for (size_t i = 0; i < n;) {
        size_t k = p[i] >= 0x20 && p[i] < 0x7F ? 1 : utf8_ok(p + i, n - i);
        if (k) {
            if (o + k >= cap) break;
            memcpy(out + o, p + i, k);
            o += k;
            i += k;
            continue;
        }
        if (o + 4 >= cap) break;
        out[o++] = '\\';
        out[o++] = 'x';
        out[o++] = hex[p[i] >> 4];
        out[o++] = hex[p[i] & 15];
        i++;
    }
    out[o] = 0;
    return o;
}

void dev_text_sanitize(char *s, size_t cap)
{
    char tmp[1024];
    size_t n = 0;
    while (n < cap && n < sizeof tmp - 1 && s[n]) n++;
    memcpy(tmp, s, n);
    dev_text_escape(tmp, n, s, cap);
}
