/* train_split.c: SHA-1 (FIPS 180-4) and the Speech Commands train/validation/
 * test rule (TF speech_commands input_data.py, which_set): the hash of the
 * file name without its "_nohash_..." suffix decides, so every clip of one
 * speaker lands in the same partition. MAX_NUM_WAVS_PER_CLASS is 2^27 - 1, so
 * "digest mod (MAX + 1)" is the digest's low 27 bits. */
#include <string.h>

#include "train.h"

static uint32_t rol(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static void block(uint32_t h[5], const uint8_t *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
            (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5A827999u;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1u;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDCu;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6u;
        }
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol(b, 30);
        b = a;
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void mdl_sha1(const void *data, size_t n, uint8_t digest[20])
{
    uint32_t h[5] = { 0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u };
    const uint8_t *p = data;
    size_t left = n;
    for (; left >= 64; left -= 64, p += 64) block(h, p);
    uint8_t tail[128] = { 0 };
    memcpy(tail, p, left);
    tail[left] = 0x80;
    size_t tl = left + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < 8; i++) tail[tl - 1 - i] = (uint8_t)(bits >> (8 * i));
    block(h, tail);
    if (tl == 128) block(h, tail + 64);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++) digest[4 * i + j] = (uint8_t)(h[i] >> (24 - 8 * j));
}

enum mdl_split mdl_split_of(const char *path, double val_pct, double test_pct)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *cut = strstr(base, "_nohash_");
    size_t n = cut ? (size_t)(cut - base) : strlen(base);
    uint8_t d[20];
    mdl_sha1(base, n, d);
    uint32_t low = ((uint32_t)d[16] << 24 | (uint32_t)d[17] << 16 | (uint32_t)d[18] << 8 | d[19]) &
        ((1u << 27) - 1);
    double pct = low * (100.0 / ((1u << 27) - 1));
    if (pct < val_pct) return MDL_SPLIT_VAL;
    if (pct < val_pct + test_pct) return MDL_SPLIT_TEST;
    return MDL_SPLIT_TRAIN;
}
