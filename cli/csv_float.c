/* csv_float.c: floats as text for CSV, fast.
 *
 * printf("%.9g") spends thousands of instructions per value in
 * multi-precision arithmetic (85% of a 60 s `features --format csv` run).
 * Nine significant digits are what a float needs to read back exactly
 * (FLT_DECIMAL_DIG), and a double holds a float times a power of ten within
 * a few units of 1e-16, so the nine digits come from one multiplication and
 * one round-half-even. Where that product misses a decimal tie the last
 * digit may differ from printf's, but the text is still within half a unit
 * of the ninth digit (at most 5e-9 relative), far inside half a float's
 * spacing (3e-8 or more), so it reads back exactly; tests/cli checks both on
 * random floats. Zero, subnormal-range and non-finite values go to printf.
 * The decimal exponent comes from the binary one (an estimate that is low
 * by at most one, fixed below) and the power of ten from a table of
 * correctly rounded literals, so no log10 or pow per value. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Digits of m (1e8 <= m < 1e9) with the decimal exponent e of its first one,
 * laid out as %.9g does: fixed for -4 <= e < 9, else d.ddde+XX; trailing
 * zeros of the fraction trimmed. */
static int layout(char *buf, int neg, unsigned long m, int e)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    /* two digits at a time: four pairs, then the first digit; zero padded
     * so that fixed-size copies (inlined, no memcpy call) may read past */
    char dig[20] = { 0 };
    unsigned v = (unsigned)m;
    for (int i = 8; i > 0; i -= 2, v /= 100) memcpy(dig + i - 1, pairs + 2 * (v % 100), 2);
    dig[0] = (char)('0' + v);
    int nd = 9;
    while (nd > 1 && dig[nd - 1] == '0') nd--;
    char *p = buf;
    if (neg) *p++ = '-';
    if (e < -4 || e >= 9) {
        *p++ = dig[0];
        if (nd > 1) {
            *p++ = '.';
            memcpy(p, dig + 1, (size_t)nd - 1);
            p += nd - 1;
        }
        p += sprintf(p, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    } else if (e < 0) { /* 0.000ddd: at most 2 + 3 + 9 chars */
        memcpy(p, "0.000", 5);
        p += 1 - e;
        memcpy(p, dig, 9);
        p += nd;
    } else { /* the integer digits are dig[0..e] (zeros past nd), then .ddd */
        memcpy(p, dig, 9);
        p += e + 1;
        if (nd > e + 1) {
            *p++ = '.';
            memcpy(p, dig + e + 1, 9);
            p += nd - e - 1;
        }
    }
    *p = '\0';
    return (int)(p - buf);
}

/* 10^k for k = P10_MIN..47: 8 - e for every decimal exponent e of a
 * normal float (-38..38) and the one-off fix-ups. */
#define P10_MIN (-31)
static const double p10[] = { 1e-31, 1e-30, 1e-29, 1e-28, 1e-27, 1e-26, 1e-25, 1e-24, 1e-23, 1e-22,
                              1e-21, 1e-20, 1e-19, 1e-18, 1e-17, 1e-16, 1e-15, 1e-14, 1e-13, 1e-12,
                              1e-11, 1e-10, 1e-9,  1e-8,  1e-7,  1e-6,  1e-5,  1e-4,  1e-3,  1e-2,
                              1e-1,  1e0,   1e1,   1e2,   1e3,   1e4,   1e5,   1e6,   1e7,   1e8,
                              1e9,   1e10,  1e11,  1e12,  1e13,  1e14,  1e15,  1e16,  1e17,  1e18,
                              1e19,  1e20,  1e21,  1e22,  1e23,  1e24,  1e25,  1e26,  1e27,  1e28,
                              1e29,  1e30,  1e31,  1e32,  1e33,  1e34,  1e35,  1e36,  1e37,  1e38,
                              1e39,  1e40,  1e41,  1e42,  1e43,  1e44,  1e45,  1e46,  1e47 };

/* nearbyint for 0 <= v < 2^52 in the default rounding mode (to nearest,
 * ties to even), inline: adding 2^52 leaves no fraction bits. */
static unsigned long round_even(double v)
{
    const double big = 4503599627370496.0; /* not folded: IEEE rules forbid it */
    return (unsigned long)((v + big) - big);
}

int cli_format_float(char *buf, float x)
{
    double d = fabs((double)x);
    if (x == 0.0f || !isfinite(x) || d < 1e-37)
        return snprintf(buf, CLI_FLOAT_CHARS, "%.9g", (double)x);
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    int e2 = (int)((bits >> 23) & 0xff) - 127; /* 2^e2 <= d < 2^(e2 + 1) */
    /* floor(e2 * log10(2)): 78913 / 2^18 = 0.30103 (exact for |e2| < 1600) */
    int e = (e2 * 78913) >> 18;
    unsigned long m = round_even(d * p10[8 - e - P10_MIN]);
    if (m >= 1000000000UL) { /* the estimate was one low */
        e++;
        m = round_even(d * p10[8 - e - P10_MIN]);
    } else if (m < 100000000UL) {
        e--;
        m = round_even(d * p10[8 - e - P10_MIN]);
    }
    return layout(buf, x < 0, m, e);
}
