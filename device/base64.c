/* base64.c: RFC 4648 base64, for the micro_speech test-over-serial "!DATA"
 * lines (audio travels as base64 text on that dialect). */
#include "device.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t dev_base64_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
    size_t need = (n + 2) / 3 * 4;
    if (cap < need + 1) return 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n) v |= in[i + 2];
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b64[v & 63] : '=';
    }
    out[o] = 0;
    return o;
}

static int val(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

long dev_base64_decode(const char *in, size_t n, uint8_t *out, size_t cap)
{
    if (n % 4) return -1;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int pad = (in[i + 3] == '=') + (in[i + 2] == '=');
        if (pad && i + 4 != n) return -1;
        if (in[i + 2] == '=' && in[i + 3] != '=') return -1;
        int a = val(in[i]), b = val(in[i + 1]);
        int c = pad >= 2 ? 0 : val(in[i + 2]), d = pad >= 1 ? 0 : val(in[i + 3]);
        if (a < 0 || b < 0 || c < 0 || d < 0) return -1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        size_t k = 3 - (size_t)pad;
        if (o + k > cap) return -1;
        out[o++] = (uint8_t)(v >> 16);
        if (k > 1) out[o++] = (uint8_t)(v >> 8);
        if (k > 2) out[o++] = (uint8_t)v;
    }
    return (long)o;
}
