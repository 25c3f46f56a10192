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

MICRO_INLINE uint32_t ld32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* |v| of a windowed sample, with -32768 counting as 0: the portable loop
 * negates in int16, where -32768 stays negative and never wins the max. */
MICRO_INLINE int32_t abs_or_0(int32_t v)
{
    return (v < 0 ? -v : v) & 0x7FFF;
}

/* Per int16 half: |v| (wrapping, so -32768 stays 0x8000) and the unsigned
 * max, with the GE flags SSUB16/USUB16 set read by SEL in the same asm. */
MICRO_INLINE uint32_t abs2(uint32_t v)
{
    uint32_t r;
    __asm("ssub16 %0, %2, %1\n\tsel %0, %0, %1" : "=&r"(r) : "r"(v), "r"(0u) : "cc");
    return r;
}

MICRO_INLINE uint32_t umax2(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm("usub16 %0, %1, %2\n\tsel %0, %1, %2" : "=&r"(r) : "r"(a), "r"(b) : "cc");
    return r;
}

/* Two samples per step: SMULBB/SMULTT, both >> 12 packed by PKHBT (the
 * high product's bits 27..12 are its int16 result), |.| and the max per half
 * (0x8000 masked to 0 first). */
int micro_m4_window(const int16_t *x, const int16_t *w, int16_t *out, int n)
{
    uint32_t mx2 = 0;
    int i = 0;
    for (; i + 2 <= n; i += 2) {
        uint32_t xv = ld32(x + i), wv = ld32(w + i), v;
        int32_t a = ((int32_t)(int16_t)xv * (int16_t)wv) >> 12;
        int32_t b = ((int32_t)xv >> 16) * ((int32_t)wv >> 16);
        __asm("pkhbt %0, %1, %2, lsl #4" : "=r"(v) : "r"(a), "r"(b));
        memcpy(out + i, &v, sizeof v);
        mx2 = umax2(abs2(v) & 0x7FFF7FFFu, mx2);
    }
    int32_t mx = (int32_t)(mx2 & 0xFFFFu);
    mx = (int32_t)(mx2 >> 16) > mx ? (int32_t)(mx2 >> 16) : mx;
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
/* The FFT's radix-4 butterfly (micro_fft.c bfly4) on two neighbouring
 * butterflies j, j + 1 at once: each word holds lanes j and j + 1 of one
 * array (the FFT keeps real and imaginary parts in separate unit-stride
 * arrays). SADD16/SSUB16 wrap per lane as the reference's int16 stores do.
 * qmul2: the Q15 "divide by 4", (a 16382 + 2^15) >> 16 per lane (the same
 * value as micro_fft.c's qmul: its high half plus bit 15), |a 16382| < 2^30.
 * cmul2: (ar wr - ai wi + 2^14) >> 15 and (ar wi + ai wr + 2^14) >> 15 per
 * lane with SMLSD/SMLADX on (ar, ai) packed against (wr, wi). */
MICRO_INLINE uint32_t qmul2(uint32_t v)
{
    int32_t lo = (int32_t)(int16_t)v * 16382 + 0x8000;
    int32_t hi = ((int32_t)v >> 16) * 16382 + 0x8000;
    return ((uint32_t)lo >> 16) | ((uint32_t)hi & 0xFFFF0000u);
}

MICRO_INLINE void cmul2(uint32_t ar, uint32_t ai, uint32_t w0, uint32_t w1, uint32_t *tr,
                        uint32_t *ti)
{
    uint32_t p0 = (ar & 0xFFFFu) | (ai << 16), p1 = (ar >> 16) | (ai & 0xFFFF0000u);
    int32_t r0 = __smlsd((int16x2_t)p0, (int16x2_t)w0, 16384);
    int32_t r1 = __smlsd((int16x2_t)p1, (int16x2_t)w1, 16384);
    int32_t i0 = __smladx((int16x2_t)p0, (int16x2_t)w0, 16384);
    int32_t i1 = __smladx((int16x2_t)p1, (int16x2_t)w1, 16384);
    *tr = (((uint32_t)r0 >> 15) & 0xFFFFu) | (((uint32_t)r1 << 1) & 0xFFFF0000u);
    *ti = (((uint32_t)i0 >> 15) & 0xFFFFu) | (((uint32_t)i1 << 1) & 0xFFFF0000u);
}

/* Twiddle q (1..3) of lanes j and j + 1 as packed (wr, wi) pairs. */
MICRO_INLINE void tw2(const int16_t *wr, const int16_t *wi, ptrdiff_t tl, int per_j, int q, int j,
                      uint32_t *w0, uint32_t *w1)
{
    if (per_j) {
        uint32_t r = ld32(wr + (q - 1) * tl + j), i = ld32(wi + (q - 1) * tl + j);
        *w0 = (r & 0xFFFFu) | (i << 16);
        *w1 = (r >> 16) | (i & 0xFFFF0000u);
    } else {
        *w0 = *w1 = (uint16_t)wr[q - 1] | ((uint32_t)(uint16_t)wi[q - 1] << 16);
    }
}

MICRO_INLINE void st32(int16_t *p, uint32_t v)
{
    memcpy(p, &v, sizeof v);
}

MICRO_INLINE int bfly4_loop(const int16_t *const x[8], int16_t *const y[8], int count,
                            const int16_t *wr, const int16_t *wi, ptrdiff_t tl, int per_j)
{
    int j = 0;
    for (; j + 2 <= count; j += 2) {
        uint32_t a0r = qmul2(ld32(x[0] + j)), a0i = qmul2(ld32(x[1] + j));
        uint32_t t1r, t1i, t2r, t2i, t3r, t3i, w0, w1;
        tw2(wr, wi, tl, per_j, 1, j, &w0, &w1);
        cmul2(qmul2(ld32(x[2] + j)), qmul2(ld32(x[3] + j)), w0, w1, &t1r, &t1i);
        tw2(wr, wi, tl, per_j, 2, j, &w0, &w1);
        cmul2(qmul2(ld32(x[4] + j)), qmul2(ld32(x[5] + j)), w0, w1, &t2r, &t2i);
        tw2(wr, wi, tl, per_j, 3, j, &w0, &w1);
        cmul2(qmul2(ld32(x[6] + j)), qmul2(ld32(x[7] + j)), w0, w1, &t3r, &t3i);
        uint32_t ur = __ssub16(a0r, t2r), ui = __ssub16(a0i, t2i);
        uint32_t vr = __sadd16(a0r, t2r), vi = __sadd16(a0i, t2i);
        uint32_t sr = __sadd16(t1r, t3r), si = __sadd16(t1i, t3i);
        uint32_t dr = __ssub16(t1r, t3r), di = __ssub16(t1i, t3i);
        st32(y[0] + j, __sadd16(vr, sr));
        st32(y[1] + j, __sadd16(vi, si));
        st32(y[4] + j, __ssub16(vr, sr));
        st32(y[5] + j, __ssub16(vi, si));
        st32(y[2] + j, __sadd16(ur, di));
        st32(y[3] + j, __ssub16(ui, dr));
        st32(y[6] + j, __ssub16(ur, di));
        st32(y[7] + j, __sadd16(ui, dr));
    }
    return j;
}
/* per_j a constant in each copy: the twiddle loads of the other kind drop out */
int micro_m4_bfly4(const int16_t *const x[8], int16_t *const y[8], int count, const int16_t *wr,
                   const int16_t *wi, ptrdiff_t tl, int per_j)
{
    if (per_j) return bfly4_loop(x, y, count, wr, wi, tl, 1);
    return bfly4_loop(x, y, count, wr, wi, tl, 0);
}
#endif
