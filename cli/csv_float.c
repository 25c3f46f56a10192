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
 * random floats. Zero, subnormal-range and non-finite values go to printf. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Digits of m (1e8 <= m < 1e9) with the decimal exponent e of its first one,
 * laid out as %.9g does: fixed for -4 <= e < 9, else d.ddde+XX; trailing
 * zeros of the fraction trimmed. */
static int layout(char *buf, int neg, unsigned long m, int e)
{
    char dig[9];
    for (int i = 8; i >= 0; i--, m /= 10) dig[i] = (char)('0' + m % 10);
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
    } else if (e < 0) {
        *p++ = '0';
        *p++ = '.';
        for (int i = -1; i > e; i--) *p++ = '0';
        memcpy(p, dig, (size_t)nd);
        p += nd;
    } else {
        for (int i = 0; i <= e; i++) *p++ = i < nd ? dig[i] : '0';
        if (nd > e + 1) {
            *p++ = '.';
            memcpy(p, dig + e + 1, (size_t)(nd - e - 1));
            p += nd - e - 1;
        }
    }
    *p = '\0';
    return (int)(p - buf);
}

int cli_format_float(char *buf, float x)
{
    double d = fabs((double)x);
    if (x == 0.0f || !isfinite(x) || d < 1e-37)
        return snprintf(buf, CLI_FLOAT_CHARS, "%.9g", (double)x);
    int e = (int)floor(log10(d));
    double scaled = d * pow(10.0, 8 - e);
    unsigned long m = (unsigned long)nearbyint(scaled);
    if (m >= 1000000000UL) { /* log10 rounded down a power of ten */
        e++;
        m = (unsigned long)nearbyint(d * pow(10.0, 8 - e));
    } else if (m < 100000000UL) {
        e--;
        m = (unsigned long)nearbyint(d * pow(10.0, 8 - e));
    }
    return layout(buf, x < 0, m, e);
}
