/* micro_m4_fft.c: the micro frontend's real FFT for the Cortex-M4 DSP
 * extension, bit-exact with micro_fft.c (kissfft v130, 16-bit fixed point).
 *
 * micro_fft.c keeps real and imaginary parts in separate arrays so that
 * vector units can run along them. The M4 has no vector unit but packs one
 * complex int16 value in a register, (re, im) = (low, high half), and has
 * instructions for exactly that: SMLSD/SMLADX are the real and imaginary
 * parts of a complex product, SADD16/SSUB16/SASX/SSAX the butterfly's
 * adds (wrapping per half as the reference's int16 stores do), SHADD16/
 * SHSUB16 the split step's (a + b) >> 1 on 17-bit sums. The real input
 * (x0, x1, x2, ...) read as words already is the complex sequence
 * (x0 + i x1, ...) the real FFT transforms, and the twiddle table holds
 * packed (r, i) pairs. So this file runs kissfft's own structure in place
 * on words: the leaves in base-4 digit-reversed order (fused with the first
 * radix-4 stage and with the frontend's normalising shift), one radix-4
 * stage per factor, then the split step. Every butterfly has the operands
 * and twiddle of the reference's, so the results are identical. Sizes that
 * are not a power of 4 (a radix-2 factor) are left to micro_fft.c. */
#include "micro_internal.h"

#if MICRO_M4_DSP
#include <arm_acle.h>
#include <string.h>

MICRO_INLINE uint32_t ldw(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

MICRO_INLINE void stw(void *p, uint32_t v)
{
    memcpy(p, &v, sizeof v);
}

/* PKHTB / PKHBT (ACLE has no intrinsic for them): the top half of a with
 * the top half of b moved down (arithmetic shift), and the bottom half of a
 * with the bottom half of b moved up. */
MICRO_INLINE uint32_t pkhtb16(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

MICRO_INLINE uint32_t pkhbt1(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm("pkhbt %0, %1, %2, lsl #1" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/* Both halves of v times k2 (= 2 x kissfft's 32767 / d), rounded:
 * (a k2 + 2^15) >> 16 per half, micro_fft.c's qmul. */
MICRO_INLINE uint32_t qdiv(uint32_t v, int32_t k2)
{
    int32_t lo = __smlabb((int32_t)v, k2, 0x8000);
    int32_t hi = __smlatb((int32_t)v, k2, 0x8000);
    return pkhtb16((uint32_t)hi, (uint32_t)lo);
}

/* a w, each part (sum + 2^14) >> 15 wrapped to int16 (kissfft C_MUL). */
MICRO_INLINE uint32_t cmul(uint32_t a, uint32_t w)
{
    int32_t r = __smlsd((int16x2_t)a, (int16x2_t)w, 16384);
    int32_t i = __smladx((int16x2_t)a, (int16x2_t)w, 16384);
    return pkhbt1((uint32_t)(r >> 15), (uint32_t)i);
}

/* kf_bfly4 (forward) on four complex words, after the divide by 4 and the
 * twiddle products: outputs q = 0..3. */
MICRO_INLINE void bfly4_out(uint32_t a0, uint32_t t1, uint32_t t2, uint32_t t3, uint32_t *y0,
                            uint32_t *y1, uint32_t *y2, uint32_t *y3)
{
    uint32_t u = (uint32_t)__ssub16((int16x2_t)a0, (int16x2_t)t2);
    uint32_t v = (uint32_t)__sadd16((int16x2_t)a0, (int16x2_t)t2);
    uint32_t s = (uint32_t)__sadd16((int16x2_t)t1, (int16x2_t)t3);
    uint32_t d = (uint32_t)__ssub16((int16x2_t)t1, (int16x2_t)t3);
    *y0 = (uint32_t)__sadd16((int16x2_t)v, (int16x2_t)s);
    *y2 = (uint32_t)__ssub16((int16x2_t)v, (int16x2_t)s);
    *y1 = (uint32_t)__ssax((int16x2_t)u, (int16x2_t)d); /* (ur + di, ui - dr) */
    *y3 = (uint32_t)__sasx((int16x2_t)u, (int16x2_t)d); /* (ur - di, ui + dr) */
}

/* The frontend's normalising shift of both int16 halves (as uint16). */
MICRO_INLINE uint32_t shl2(uint32_t v, int sh)
{
    return ((v << sh) & 0xFFFFu) | ((v & 0xFFFF0000u) << sh);
}

/* digits base-4 digits of g, reversed (1 <= digits <= 15): the bits
 * reversed by RBIT, then each digit's two bits swapped back. */
MICRO_INLINE int rev4(uint32_t g, int digits)
{
    uint32_t r;
    __asm("rbit %0, %1" : "=r"(r) : "r"(g));
    r >>= 32 - 2 * digits;
    return (int)(((r & 0x55555555u) << 1) | ((r >> 1) & 0x55555555u));
}

/* The leaves and the first stage (m = 1, twiddles all w^0, whose product is
 * the identity: micro_fft.c bfly4_w0): butterfly g reads the complex inputs
 * rev(g) + q n/4, writes z[4 g + q]. */
static void first_stage(const int16_t *in, uint32_t *z, int n, int digits, int sh)
{
    const uint32_t *x = (const uint32_t *)(const void *)in;
    int quarter = n / 4;
    for (int g = 0; g < quarter; g++) {
        const uint32_t *p = x + rev4((uint32_t)g, digits);
        uint32_t a0 = qdiv(shl2(ldw(p), sh), 16382);
        uint32_t a1 = qdiv(shl2(ldw(p + quarter), sh), 16382);
        uint32_t a2 = qdiv(shl2(ldw(p + 2 * quarter), sh), 16382);
        uint32_t a3 = qdiv(shl2(ldw(p + 3 * quarter), sh), 16382);
        uint32_t y0, y1, y2, y3;
        bfly4_out(a0, a1, a2, a3, &y0, &y1, &y2, &y3);
        stw(z + 4 * g, y0);
        stw(z + 4 * g + 1, y1);
        stw(z + 4 * g + 2, y2);
        stw(z + 4 * g + 3, y3);
    }
}

/* A radix-4 stage with sub-size m, in place: blocks of 4 m, butterfly k of a
 * block on z[k + q m] with twiddles w^(q k fstride), fstride = n / (4 m). */
static void stage4(uint32_t *z, int n, int m, const struct dsp_micro_cpx *tw)
{
    int fstride = n / (4 * m);
    for (int k = 0; k < m; k++) {
        uint32_t w1 = ldw(&tw[k * fstride]), w2 = ldw(&tw[2 * k * fstride]);
        uint32_t w3 = ldw(&tw[3 * k * fstride]);
        for (uint32_t *p = z + k, *end = z + n; p < end; p += 4 * m) {
            uint32_t a0 = qdiv(p[0], 16382);
            uint32_t t1 = cmul(qdiv(p[m], 16382), w1);
            uint32_t t2 = cmul(qdiv(p[2 * m], 16382), w2);
            uint32_t t3 = cmul(qdiv(p[3 * m], 16382), w3);
            bfly4_out(a0, t1, t2, t3, &p[0], &p[m], &p[2 * m], &p[3 * m]);
        }
    }
}

/* kiss_fftr's split step from the complex result z (natural order) to bins
 * 0..n: bins k and n - k from P = z[k] / 2 and Q = conj(z[n - k]) / 2. For
 * k = n/2 both stores hit one bin and the second (bin n - k) stays. */
static void split(const uint32_t *z, const struct dsp_micro_state *st, int16_t *fr, int16_t *fi,
                  int n)
{
    uint32_t dc = qdiv(z[0], 32766);
    int32_t dr = (int16_t)dc, di = (int32_t)dc >> 16;
    fr[0] = (int16_t)(dr + di);
    fr[n] = (int16_t)(dr - di);
    fi[0] = fi[n] = 0;
    for (int k = 1; k <= n / 2; k++) {
        uint32_t c = z[n - k];
        uint32_t neg = (uint32_t)__ssub16((int16x2_t)0, (int16x2_t)c);
        uint32_t p = qdiv(z[k], 32766), q = qdiv((c & 0xFFFFu) | (neg & 0xFFFF0000u), 32766);
        uint32_t f1 = (uint32_t)__sadd16((int16x2_t)p, (int16x2_t)q);
        uint32_t f2 = (uint32_t)__ssub16((int16x2_t)p, (int16x2_t)q);
        uint32_t w = (uint16_t)st->split_tw_r[k] | ((uint32_t)(uint16_t)st->split_tw_i[k] << 16);
        uint32_t t = cmul(f2, w);
        uint32_t lo = (uint32_t)__shadd16((int16x2_t)f1, (int16x2_t)t);
        fr[k] = (int16_t)lo;
        fi[k] = (int16_t)(lo >> 16);
        uint32_t hr = (uint32_t)__shsub16((int16x2_t)f1, (int16x2_t)t);
        uint32_t hi = (uint32_t)__shsub16((int16x2_t)t, (int16x2_t)f1);
        fr[n - k] = (int16_t)hr;
        fi[n - k] = (int16_t)(hi >> 16);
    }
}

bool micro_m4_fft_fits(const struct dsp_micro_state *st)
{
    int n = st->cfft_size;
    /* a power of 4 of at least 16; the word views need 4-byte alignment */
    return n >= 16 && (n & (n - 1)) == 0 && (micro_msb32((uint32_t)n) - 1) % 2 == 0 &&
        ((uintptr_t)st->fft_in | (uintptr_t)st->fft_work) % 4 == 0;
}

void micro_m4_fft_real(struct dsp_micro_state *st, int shift)
{
    int n = st->cfft_size, digits = (micro_msb32((uint32_t)n) - 1) / 2 - 1;
    uint32_t *z = (uint32_t *)(void *)st->fft_work[0][0]; /* n words: fft_work[0] holds 2 n + pad */
    first_stage(st->fft_in, z, n, digits, shift);
    for (int m = 4; m < n; m *= 4) stage4(z, n, m, st->twiddle);
    split(z, st, st->fft_re, st->fft_im, n);
}
#endif
