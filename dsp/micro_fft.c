/* micro_fft.c: the int16 fixed-point real FFT the micro frontend uses, built
 * from the facts in the conformance README (kissfft v130 conventions, 16-bit
 * fixed point): an N-point real FFT as an N/2-point complex FFT (radix-4
 * decimation-in-time stages, radix 2 last if N/2 is not a power of 4) plus a
 * split step. Every rounding and int16 wrap follows the reference so the
 * output is bit-exact; no floating point after init. */
#include <math.h>

#include "micro_internal.h"

/* Q15 rounding multiply, result wrapped to int16. */
static inline int16_t qmul(int32_t a, int32_t b)
{
    return micro_wrap16((a * b + 16384) >> 15);
}

/* "Divide by d" as the reference does it: Q15 multiply by 32767 / d. */
static inline struct dsp_micro_cpx cdiv(struct dsp_micro_cpx x, int32_t k)
{
    struct dsp_micro_cpx y = { qmul(x.r, k), qmul(x.i, k) };
    return y;
}

/* Complex multiply; real and imaginary parts rounded once each. The sums fit
 * in int32: |a| <= 32768, |w| <= 32767. */
static inline struct dsp_micro_cpx cmul(struct dsp_micro_cpx a, struct dsp_micro_cpx w)
{
    struct dsp_micro_cpx y;
    y.r = micro_wrap16(((int32_t)a.r * w.r - (int32_t)a.i * w.i + 16384) >> 15);
    y.i = micro_wrap16(((int32_t)a.r * w.i + (int32_t)a.i * w.r + 16384) >> 15);
    return y;
}

static inline struct dsp_micro_cpx cadd(struct dsp_micro_cpx a, struct dsp_micro_cpx b)
{
    struct dsp_micro_cpx y = { micro_wrap16(a.r + b.r), micro_wrap16(a.i + b.i) };
    return y;
}

static inline struct dsp_micro_cpx csub(struct dsp_micro_cpx a, struct dsp_micro_cpx b)
{
    struct dsp_micro_cpx y = { micro_wrap16(a.r - b.r), micro_wrap16(a.i - b.i) };
    return y;
}

static struct dsp_micro_cpx cexp_q15(double phase)
{
    struct dsp_micro_cpx c = { (int16_t)floor(0.5 + 32767.0 * cos(phase)),
                               (int16_t)floor(0.5 + 32767.0 * sin(phase)) };
    return c;
}

/* The input order of a recursive decimation-in-time FFT: at each level the
 * p sub-transforms take every p-th input (stride grows by p). Factors are
 * listed outermost first here. */
static void fill_perm(uint16_t *perm, int n, int offset, int stride, const int *factors,
                      int nf)
{
    if (nf == 0 || n == 1) {
        perm[0] = (uint16_t)offset;
        return;
    }
    int p = factors[0], m = n / p;
    for (int q = 0; q < p; q++)
        fill_perm(perm + q * m, m, offset + q * stride, stride * p, factors + 1, nf - 1);
}

enum kws_status micro_fft_init(struct dsp_micro_state *st, char *err, size_t err_len)
{
    const double pi = 3.14159265358979323846;
    int n = st->cfft_size;
    if (n < 4 || n > DSP_MICRO_MAX_CFFT || (n & (n - 1)))
        return kws_err(err, err_len, KWS_ERR_ARG, "micro FFT size %d unsupported (power of two, 8..%d)",
                       st->fft_size, DSP_MICRO_MAX_FFT);
    /* factor as kissfft does: 4s first (outermost), then a 2 */
    int outer[8], nf = 0;
    for (int r = n; r > 1;) {
        int p = (r % 4 == 0) ? 4 : 2;
        outer[nf++] = p;
        r /= p;
    }
    st->num_stages = nf;
    for (int s = 0; s < nf; s++)
        st->radix[s] = (uint8_t)outer[nf - 1 - s];
    fill_perm(st->perm, n, 0, 1, outer, nf);
    for (int i = 0; i < n; i++)
        st->twiddle[i] = cexp_q15(-2.0 * pi * (double)i / (double)n);
    for (int i = 0; i < n / 2; i++)
        st->super_twiddle[i] = cexp_q15(-pi * ((double)(i + 1) / (double)n + 0.5));
    return KWS_OK;
}

/* Radix-4 butterflies over one block of 4m values (twiddle stride fstride). */
static void bfly4(struct dsp_micro_cpx *f, const struct dsp_micro_cpx *tw, int fstride, int m)
{
    for (int k = 0; k < m; k++) {
        struct dsp_micro_cpx x0 = cdiv(f[k], 8191), x1 = cdiv(f[k + m], 8191);
        struct dsp_micro_cpx x2 = cdiv(f[k + 2 * m], 8191), x3 = cdiv(f[k + 3 * m], 8191);
        struct dsp_micro_cpx t1 = cmul(x1, tw[k * fstride]);
        struct dsp_micro_cpx t2 = cmul(x2, tw[2 * k * fstride]);
        struct dsp_micro_cpx t3 = cmul(x3, tw[3 * k * fstride]);
        struct dsp_micro_cpx u = csub(x0, t2);
        x0 = cadd(x0, t2);
        struct dsp_micro_cpx s = cadd(t1, t3), d = csub(t1, t3);
        f[k + 2 * m] = csub(x0, s);
        f[k] = cadd(x0, s);
        f[k + m].r = micro_wrap16(u.r + d.i);
        f[k + m].i = micro_wrap16(u.i - d.r);
        f[k + 3 * m].r = micro_wrap16(u.r - d.i);
        f[k + 3 * m].i = micro_wrap16(u.i + d.r);
    }
}

static void bfly2(struct dsp_micro_cpx *f, const struct dsp_micro_cpx *tw, int fstride, int m)
{
    for (int k = 0; k < m; k++) {
        struct dsp_micro_cpx a = cdiv(f[k], 16383), b = cdiv(f[k + m], 16383);
        struct dsp_micro_cpx t = cmul(b, tw[k * fstride]);
        f[k + m] = csub(a, t);
        f[k] = cadd(a, t);
    }
}

void micro_fft_real(struct dsp_micro_state *st)
{
    int n = st->cfft_size;
    struct dsp_micro_cpx *z = st->fft_out; /* n complex values, in place */
    const int16_t *in = st->fft_in;
    for (int i = 0; i < n; i++) {
        int j = st->perm[i];
        z[i].r = in[2 * j];
        z[i].i = in[2 * j + 1];
    }
    /* stages innermost first: block length grows by the radix */
    int m = 1;
    for (int s = 0; s < st->num_stages; s++) {
        int p = st->radix[s], len = p * m, fstride = n / len;
        for (int b = 0; b < n; b += len) {
            if (p == 4)
                bfly4(z + b, st->twiddle, fstride, m);
            else
                bfly2(z + b, st->twiddle, fstride, m);
        }
        m = len;
    }
    /* split step: z[0..n-1] -> bins 0..n; bin n is written first because
     * z[0] is overwritten by bin 0. Pairs (k, n-k) are read before written. */
    struct dsp_micro_cpx dc = cdiv(z[0], 16383);
    z[n].r = micro_wrap16(dc.r - dc.i);
    z[n].i = 0;
    z[0].r = micro_wrap16(dc.r + dc.i);
    z[0].i = 0;
    for (int k = 1; k <= n / 2; k++) {
        struct dsp_micro_cpx fpk = z[k], fpnk = { z[n - k].r, micro_wrap16(-(int32_t)z[n - k].i) };
        fpk = cdiv(fpk, 16383);
        fpnk = cdiv(fpnk, 16383);
        struct dsp_micro_cpx f1 = cadd(fpk, fpnk), f2 = csub(fpk, fpnk);
        struct dsp_micro_cpx tw = cmul(f2, st->super_twiddle[k - 1]);
        z[k].r = micro_wrap16((f1.r + tw.r) >> 1);
        z[k].i = micro_wrap16((f1.i + tw.i) >> 1);
        z[n - k].r = micro_wrap16((f1.r - tw.r) >> 1);
        z[n - k].i = micro_wrap16((tw.i - f1.i) >> 1);
    }
}
