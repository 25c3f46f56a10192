/* micro_m4.c: Cortex-M4 DSP-extension loops of the micro frontend (window,
 * bin energies), two int16 lanes per word; micro_window.c and
 * micro_filterbank.c call them when the compiler targets the DSP extension.
 * Same integer products and the same wraps as the portable loops, so the
 * results are identical; tests/device/m4_dsp.sh pins the features against
 * the reference files on QEMU's Cortex-M4. Elsewhere: nothing. */
#include "micro_internal.h"

#if MICRO_M4_DSP
#include <arm_acle.h>
#include <string.h>

static inline uint32_t ld32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* |v| of a windowed sample, with -32768 counting as 0: the portable loop
 * negates in int16, where -32768 stays negative and never wins the max. */
static inline int32_t abs_or_0(int32_t v)
{
    return (v < 0 ? -v : v) & 0x7FFF;
}

int micro_m4_window(const int16_t *x, const int16_t *w, int16_t *out, int n)
{
    int32_t mx = 0;
    int i = 0;
    for (; i + 2 <= n; i += 2) {
        uint32_t xv = ld32(x + i), wv = ld32(w + i);
        /* |x w| <= 32768 * 4096: both products and shifts stay in int16 */
        int32_t a = ((int32_t)(int16_t)xv * (int16_t)wv) >> 12;            /* SMULBB */
        int32_t b = (((int32_t)xv >> 16) * ((int32_t)wv >> 16)) >> 12;     /* SMULTT */
        uint32_t pair = ((uint32_t)a & 0xFFFFu) | ((uint32_t)b << 16);
        memcpy(out + i, &pair, sizeof pair);
        int32_t aa = abs_or_0(a), ab = abs_or_0(b);
        mx = aa > mx ? aa : mx;
        mx = ab > mx ? ab : mx;
    }
    for (; i < n; i++) {
        int32_t v = ((int32_t)x[i] * w[i]) >> 12;
        out[i] = (int16_t)v;
        int32_t av = abs_or_0(v);
        mx = av > mx ? av : mx;
    }
    return (int)mx;
}

/* energy = re^2 + im^2 mod 2^32: SMUAD of the packed (re, im) with itself;
 * its one overflow (both parts -32768: 2^31) wraps to the same bits. */
void micro_m4_energy(const int16_t *re, const int16_t *im, uint32_t *energy, int n)
{
    int b = 0;
    for (; b + 2 <= n; b += 2) {
        uint32_t r = ld32(re + b), m = ld32(im + b);
        uint32_t p0 = (r & 0xFFFFu) | (m << 16), p1 = (r >> 16) | (m & 0xFFFF0000u);
        energy[b] = (uint32_t)__smuad((int16x2_t)p0, (int16x2_t)p0);
        energy[b + 1] = (uint32_t)__smuad((int16x2_t)p1, (int16x2_t)p1);
    }
    for (; b < n; b++)
        energy[b] = (uint32_t)((int32_t)re[b] * re[b]) + (uint32_t)((int32_t)im[b] * im[b]);
}
#endif
