/* micro_fft.c: the int16 fixed-point real FFT the micro frontend uses, built
 * as TFLM's frontend builds it (kissfft v130 conventions, 16-bit
 * fixed point): an N-point real FFT as an N/2-point complex FFT (radix-4
 * decimation-in-time stages, radix 2 innermost if N/2 is not a power of 4)
 * plus a split step. Every rounding and int16 wrap follows the reference so
 * the output is bit-exact. The plan (factors and twiddle tables, the only
 * floating point) is made once in micro_fft_plan.c.
 *
 * DESIGN. kissfft recurses: the DFT of the subsequence x[o + t L] (t < p m)
 * is p sub-DFTs of x[o + q L + t' p L] (q < p, t' < m) joined by radix-p
 * butterflies with twiddles w^(q k L), k < m. We run exactly those
 * butterflies on exactly those operands, but level by level and out of place
 * (Stockham autosort), which needs no input permutation and lets every stage
 * be a loop over unit-stride arrays that a compiler can vectorise:
 *  - early stages (few frequencies k, many offsets o) keep the data
 *    k-major, [k][o]: the inner loop runs over o with one twiddle;
 *  - late stages (many k, few o) keep it o-major, [o][k]: the inner loop runs
 *    over k with a per-stage copy of its twiddles (stage_tw_*);
 *  - one transpose joins the two. The input (m = 1) is both layouts at once,
 *    and so is the natural-order output (L = 1).
 * Real and imaginary parts live in separate arrays for the same reason. The
 * order in which butterflies run cannot change a result: each reads only the
 * previous level's values. */
#include <string.h>

#include "micro_internal.h"

typedef int16_t i16;

/* "Divide by d" as the reference does it: Q15 rounding multiply by
 * k = 32767 / d (8191 for radix 4, 16383 for radix 2 and the split step),
 * (a k + 2^14) >> 15, wrapped to int16. Computed as the identical
 * (a 2k + 2^15) >> 16 = high half of a 2k plus the top bit of its low half
 * (2k fits in int16), which keeps every operation 16 bits wide: compilers
 * then vectorise it as 16-bit multiplies, and the result stays an int16
 * that the complex multiply below can widen again. |a 2k| < 2^30, so the
 * high half is at most 16383 and the sum cannot wrap. */
MICRO_INLINE i16 qmul(i16 a, int32_t k)
{
    int32_t p = (int32_t)a * (2 * k);
    return (i16)((i16)(p >> 16) + (i16)((uint16_t)p >> 15));
}

/* Complex multiply; real and imaginary parts rounded once each. The sums fit
 * in int32: |a| <= 32768, |w| <= 32767. */
MICRO_INLINE i16 cmul_r(i16 ar, i16 ai, i16 wr, i16 wi)
{
    return micro_wrap16(((int32_t)ar * wr - (int32_t)ai * wi + 16384) >> 15);
}

MICRO_INLINE i16 cmul_i(i16 ar, i16 ai, i16 wr, i16 wi)
{
    return micro_wrap16(((int32_t)ar * wi + (int32_t)ai * wr + 16384) >> 15);
}

/* Butterfly operands: element j of arrays x0..x3 (inputs q = 0..3) and y0..y3
 * (outputs), each pointer separately restrict so that the compiler knows
 * the eight output streams never overlap (they are different rows of the
 * next level) and may vectorise along j. */
#define ARR4(c, v) \
    c i16 *restrict v##0r, c i16 *restrict v##0i, c i16 *restrict v##1r, c i16 *restrict v##1i, \
        c i16 *restrict v##2r, c i16 *restrict v##2i, c i16 *restrict v##3r, c i16 *restrict v##3i
#define ARR2(c, v) \
    c i16 *restrict v##0r, c i16 *restrict v##0i, c i16 *restrict v##1r, c i16 *restrict v##1i
#define PASS4(v) v##0r, v##0i, v##1r, v##1i, v##2r, v##2i, v##3r, v##3i
#define PASS2(v) v##0r, v##0i, v##1r, v##1i

/* One radix-4 butterfly (kissfft kf_bfly4, forward) with twiddles w1..w3. */
MICRO_INLINE void bfly4(ARR4(const, x), ARR4(, y), ptrdiff_t j, i16 w1r, i16 w1i, i16 w2r, i16 w2i,
                        i16 w3r, i16 w3i)
{
    i16 a0r = qmul(x0r[j], 8191), a0i = qmul(x0i[j], 8191);
    i16 a1r = qmul(x1r[j], 8191), a1i = qmul(x1i[j], 8191);
    i16 a2r = qmul(x2r[j], 8191), a2i = qmul(x2i[j], 8191);
    i16 a3r = qmul(x3r[j], 8191), a3i = qmul(x3i[j], 8191);
    i16 t1r = cmul_r(a1r, a1i, w1r, w1i), t1i = cmul_i(a1r, a1i, w1r, w1i);
    i16 t2r = cmul_r(a2r, a2i, w2r, w2i), t2i = cmul_i(a2r, a2i, w2r, w2i);
    i16 t3r = cmul_r(a3r, a3i, w3r, w3i), t3i = cmul_i(a3r, a3i, w3r, w3i);
    i16 ur = micro_wrap16(a0r - t2r), ui = micro_wrap16(a0i - t2i);
    i16 vr = micro_wrap16(a0r + t2r), vi = micro_wrap16(a0i + t2i);
    i16 sr = micro_wrap16(t1r + t3r), si = micro_wrap16(t1i + t3i);
    i16 dr = micro_wrap16(t1r - t3r), di = micro_wrap16(t1i - t3i);
    y0r[j] = micro_wrap16(vr + sr);
    y0i[j] = micro_wrap16(vi + si);
    y2r[j] = micro_wrap16(vr - sr);
    y2i[j] = micro_wrap16(vi - si);
    y1r[j] = micro_wrap16(ur + di);
    y1i[j] = micro_wrap16(ui - dr);
    y3r[j] = micro_wrap16(ur - di);
    y3i[j] = micro_wrap16(ui + dr);
}

/* One radix-2 butterfly (kf_bfly2). */
MICRO_INLINE void bfly2(ARR2(const, x), ARR2(, y), ptrdiff_t j, i16 wr, i16 wi)
{
    i16 ar = qmul(x0r[j], 16383), ai = qmul(x0i[j], 16383);
    i16 br = qmul(x1r[j], 16383), bi = qmul(x1i[j], 16383);
    i16 tr = cmul_r(br, bi, wr, wi), ti = cmul_i(br, bi, wr, wi);
    y1r[j] = micro_wrap16(ar - tr);
    y1i[j] = micro_wrap16(ai - ti);
    y0r[j] = micro_wrap16(ar + tr);
    y0i[j] = micro_wrap16(ai + ti);
}

/* The same butterflies for k = 0, where every twiddle is w^0 = (32767, 0):
 * then (a 32767 + 2^14) >> 15 = a + ((2^14 - a) >> 15) = a, because the
 * divided inputs have |a| <= 8192 (radix 4) or <= 16383 (radix 2), so
 * 2^14 - a lies in [1, 2^15). The complex multiply is the identity, exactly. */
MICRO_INLINE void bfly4_w0(ARR4(const, x), ARR4(, y), ptrdiff_t j)
{
    i16 a0r = qmul(x0r[j], 8191), a0i = qmul(x0i[j], 8191);
    i16 t1r = qmul(x1r[j], 8191), t1i = qmul(x1i[j], 8191);
    i16 t2r = qmul(x2r[j], 8191), t2i = qmul(x2i[j], 8191);
    i16 t3r = qmul(x3r[j], 8191), t3i = qmul(x3i[j], 8191);
    i16 ur = micro_wrap16(a0r - t2r), ui = micro_wrap16(a0i - t2i);
    i16 vr = micro_wrap16(a0r + t2r), vi = micro_wrap16(a0i + t2i);
    i16 sr = micro_wrap16(t1r + t3r), si = micro_wrap16(t1i + t3i);
    i16 dr = micro_wrap16(t1r - t3r), di = micro_wrap16(t1i - t3i);
    y0r[j] = micro_wrap16(vr + sr);
    y0i[j] = micro_wrap16(vi + si);
    y2r[j] = micro_wrap16(vr - sr);
    y2i[j] = micro_wrap16(vi - si);
    y1r[j] = micro_wrap16(ur + di);
    y1i[j] = micro_wrap16(ui - dr);
    y3r[j] = micro_wrap16(ur - di);
    y3i[j] = micro_wrap16(ui + dr);
}

MICRO_INLINE void bfly2_w0(ARR2(const, x), ARR2(, y), ptrdiff_t j)
{
    i16 ar = qmul(x0r[j], 16383), ai = qmul(x0i[j], 16383);
    i16 tr = qmul(x1r[j], 16383), ti = qmul(x1i[j], 16383);
    y1r[j] = micro_wrap16(ar - tr);
    y1i[j] = micro_wrap16(ai - ti);
    y0r[j] = micro_wrap16(ar + tr);
    y0i[j] = micro_wrap16(ai + ti);
}

/* Runs of butterflies j = 0..count-1: blocks of 8 written as a fixed
 * 8-iteration inner loop, which GCC vectorises even with -O2's cost model
 * (no scalar epilogue needed), then a plain rest that only small FFTs
 * reach. _b: one twiddle set for the whole run; _a: twiddle arrays indexed
 * by j ([q - 1][j], row length tl). Kept out of line so that the restrict
 * parameters are what the vectoriser sees. */
MICRO_NOINLINE void run4_b(ARR4(const, x), ARR4(, y), int count, const struct dsp_micro_cpx *w)
{
#if MICRO_X86
    if ((count & 15) == 0 && micro_simd()) {
        const i16 *xs[8] = { PASS4(x) };
        i16 *ys[8] = { PASS4(y) };
        micro_x86_run4(xs, ys, count, NULL, NULL, 0, w);
        return;
    }
#endif
    i16 w1r = w[0].r, w1i = w[0].i, w2r = w[1].r, w2i = w[1].i, w3r = w[2].r, w3i = w[2].i;
    int j = 0;
#if MICRO_M4_DSP
    const i16 *xs[8] = { PASS4(x) }, cr[3] = { w1r, w2r, w3r }, ci[3] = { w1i, w2i, w3i };
    i16 *ys[8] = { PASS4(y) };
    j = micro_m4_bfly4(xs, ys, count, cr, ci, 1, 0);
#endif
    for (; MICRO_BLOCKS && j + 8 <= count; j += 8)
        for (int u = 0; u < 8; u++) bfly4(PASS4(x), PASS4(y), j + u, w1r, w1i, w2r, w2i, w3r, w3i);
    for (; j < count; j++) bfly4(PASS4(x), PASS4(y), j, w1r, w1i, w2r, w2i, w3r, w3i);
}

#if MICRO_X86
static const struct dsp_micro_cpx w0_twiddles[3] = { { 32767, 0 }, { 32767, 0 }, { 32767, 0 } };
#endif

MICRO_NOINLINE void run4_w0(ARR4(const, x), ARR4(, y), int count)
{
#if MICRO_X86
    if ((count & 15) == 0 && micro_simd()) {
        const i16 *xs[8] = { PASS4(x) };
        i16 *ys[8] = { PASS4(y) };
        micro_x86_run4(xs, ys, count, NULL, NULL, 0, w0_twiddles);
        return;
    }
#endif
    int j = 0;
#if MICRO_M4_DSP
    /* w^0 = (32767, 0) multiplies exactly as the identity (see bfly4_w0) */
    const i16 *xs[8] = { PASS4(x) }, cr[3] = { 32767, 32767, 32767 }, ci[3] = { 0, 0, 0 };
    i16 *ys[8] = { PASS4(y) };
    j = micro_m4_bfly4(xs, ys, count, cr, ci, 1, 0);
#endif
    for (; MICRO_BLOCKS && j + 8 <= count; j += 8)
        for (int u = 0; u < 8; u++) bfly4_w0(PASS4(x), PASS4(y), j + u);
    for (; j < count; j++) bfly4_w0(PASS4(x), PASS4(y), j);
}

MICRO_NOINLINE void run2_w0(ARR2(const, x), ARR2(, y), int count)
{
    int j = 0;
    for (; MICRO_BLOCKS && j + 8 <= count; j += 8)
        for (int u = 0; u < 8; u++) bfly2_w0(PASS2(x), PASS2(y), j + u);
    for (; j < count; j++) bfly2_w0(PASS2(x), PASS2(y), j);
}

MICRO_NOINLINE void run4_a(ARR4(const, x), ARR4(, y), int count, const i16 *restrict wr,
                           const i16 *restrict wi, ptrdiff_t tl)
{
#if MICRO_X86
    if ((count & 15) == 0 && micro_simd()) {
        const i16 *xs[8] = { PASS4(x) };
        i16 *ys[8] = { PASS4(y) };
        micro_x86_run4(xs, ys, count, wr, wi, tl, NULL);
        return;
    }
#endif
    int j = 0;
#if MICRO_M4_DSP
    const i16 *xs[8] = { PASS4(x) };
    i16 *ys[8] = { PASS4(y) };
    j = micro_m4_bfly4(xs, ys, count, wr, wi, tl, 1);
#endif
    for (; MICRO_BLOCKS && j + 8 <= count; j += 8)
        for (int u = 0; u < 8; u++) {
            int t = j + u;
            bfly4(PASS4(x), PASS4(y), t, wr[t], wi[t], wr[tl + t], wi[tl + t], wr[2 * tl + t],
                  wi[2 * tl + t]);
        }
    for (; j < count; j++)
        bfly4(PASS4(x), PASS4(y), j, wr[j], wi[j], wr[tl + j], wi[tl + j], wr[2 * tl + j],
              wi[2 * tl + j]);
}

MICRO_NOINLINE void run2_b(ARR2(const, x), ARR2(, y), int count, struct dsp_micro_cpx w)
{
    int j = 0;
    for (; MICRO_BLOCKS && j + 8 <= count; j += 8)
        for (int u = 0; u < 8; u++) bfly2(PASS2(x), PASS2(y), j + u, w.r, w.i);
    for (; j < count; j++) bfly2(PASS2(x), PASS2(y), j, w.r, w.i);
}

MICRO_NOINLINE void run2_a(ARR2(const, x), ARR2(, y), int count, const i16 *restrict wr,
                           const i16 *restrict wi)
{
    int j = 0;
    for (; MICRO_BLOCKS && j + 8 <= count; j += 8)
        for (int u = 0; u < 8; u++) bfly2(PASS2(x), PASS2(y), j + u, wr[j + u], wi[j + u]);
    for (; j < count; j++) bfly2(PASS2(x), PASS2(y), j, wr[j], wi[j]);
}

/* Row q of a run: x + q sa (inputs) or y + q sb (outputs), real and
 * imaginary. */
#define ROWS4(b, bi, s) \
    b, bi, b + (s), bi + (s), b + 2 * (s), bi + 2 * (s), b + 3 * (s), bi + 3 * (s)
#define ROWS2(b, bi, s) b, bi, b + (s), bi + (s)

/* A k-major stage: input [k][o] (k < m, o < p L), output [k + q m][o']
 * (o' < L); the twiddles w^(q k L) are constant along the inner loop. The
 * first stage (m = 1) is one of these. */
static void k_major_stage(const i16 *xr, const i16 *xi, i16 *yr, i16 *yi, int p, int m, int L,
                          const struct dsp_micro_cpx *tw)
{
    ptrdiff_t sb = (ptrdiff_t)m * L;
    int w0_unit = tw[0].r == 32767 && tw[0].i == 0; /* always, from micro_fft_init */
    for (int k = 0; k < m; k++) {
        const i16 *ar = xr + k * p * L, *ai = xi + k * p * L;
        i16 *br = yr + k * L, *bi = yi + k * L;
        if (p == 4) {
            struct dsp_micro_cpx w[3] = { tw[k * L], tw[2 * k * L], tw[3 * k * L] };
            if (k == 0 && w0_unit)
                run4_w0(ROWS4(ar, ai, L), ROWS4(br, bi, sb), L);
            else
                run4_b(ROWS4(ar, ai, L), ROWS4(br, bi, sb), L, w);
        } else {
            if (k == 0 && w0_unit)
                run2_w0(ROWS2(ar, ai, L), ROWS2(br, bi, sb), L);
            else
                run2_b(ROWS2(ar, ai, L), ROWS2(br, bi, sb), L, tw[k * L]);
        }
    }
}

/* An o-major stage: input [o][k], output [o'][q m + k]; the twiddles come
 * from this stage's part of stage_tw (wr, wi: [q - 1][k]). */
static void o_major_stage(const i16 *xr, const i16 *xi, i16 *yr, i16 *yi, int p, int m, int L,
                          const i16 *wr, const i16 *wi)
{
    ptrdiff_t sa = (ptrdiff_t)L * m;
    for (int o = 0; o < L; o++) {
        const i16 *ar = xr + o * m, *ai = xi + o * m;
        i16 *br = yr + o * p * m, *bi = yi + o * p * m;
        if (p == 4)
            run4_a(ROWS4(ar, ai, sa), ROWS4(br, bi, m), m, wr, wi, m);
        else
            run2_a(ROWS2(ar, ai, sa), ROWS2(br, bi, m), m, wr, wi);
    }
}

/* Complex sample j of the real input is (in[2 j], in[2 j + 1]). */
static void deinterleave(const i16 *restrict in, i16 *restrict zr, i16 *restrict zi, int n)
{
#if MICRO_X86
    if ((n & 15) == 0 && micro_simd()) {
        micro_x86_deinterleave(in, zr, zi, n);
        return;
    }
#endif
    int j = 0;
    for (; MICRO_BLOCKS && j + 8 <= n; j += 8)
        for (int u = 0; u < 8; u++) {
            int t = j + u;
            zr[t] = in[2 * t];
            zi[t] = in[2 * t + 1];
        }
    for (; j < n; j++) {
        zr[j] = in[2 * j];
        zi[j] = in[2 * j + 1];
    }
}

/* [k][o] (rows x cols) -> [o][k]. Vectorisers make poor work of this, so
 * on little-endian targets 4 x 4 blocks are transposed inside four 64-bit
 * words (lane i of a word = bits 16 i = the i-th int16 in memory): swap the
 * off-diagonal 16-bit lanes of row pairs, then the off-diagonal 32-bit
 * halves. memcpy keeps the word access free of aliasing trouble; compilers
 * turn it into plain loads and stores. */
static void transpose(const i16 *x, i16 *y, int rows, int cols)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if ((rows & 3) == 0 && (cols & 3) == 0) {
        const uint64_t m16 = 0x0000FFFF0000FFFFull, m32 = 0x00000000FFFFFFFFull;
        for (int k = 0; k < rows; k += 4)
            for (int o = 0; o < cols; o += 4) {
                uint64_t a, b, c, d;
                memcpy(&a, x + (k + 0) * cols + o, 8);
                memcpy(&b, x + (k + 1) * cols + o, 8);
                memcpy(&c, x + (k + 2) * cols + o, 8);
                memcpy(&d, x + (k + 3) * cols + o, 8);
                uint64_t a1 = (a & m16) | ((b << 16) & ~m16), b1 = ((a >> 16) & m16) | (b & ~m16);
                uint64_t c1 = (c & m16) | ((d << 16) & ~m16), d1 = ((c >> 16) & m16) | (d & ~m16);
                uint64_t a2 = (a1 & m32) | (c1 << 32), c2 = (a1 >> 32) | (c1 & ~m32);
                uint64_t b2 = (b1 & m32) | (d1 << 32), d2 = (b1 >> 32) | (d1 & ~m32);
                memcpy(y + (o + 0) * rows + k, &a2, 8);
                memcpy(y + (o + 1) * rows + k, &b2, 8);
                memcpy(y + (o + 2) * rows + k, &c2, 8);
                memcpy(y + (o + 3) * rows + k, &d2, 8);
            }
        return;
    }
#endif
    for (int k = 0; k < rows; k++)
        for (int o = 0; o < cols; o++) y[o * rows + k] = x[k * cols + o];
}

/* The split step (kissfft kiss_fftr): complex z (natural order) -> real-FFT
 * bins 0..n. Bin k (0 < k < n/2) and bin n - k both come from
 * P = z[k] / 2 and Q = conj(z[n - k]) / 2: f1 = P + Q, f2 = P - Q, t = f2 w_k,
 * bin k = (f1 + t) / 2 and bin n - k = conj(f1 - t) / 2, with the
 * reference's roundings and wraps. To keep every access forward and unit-stride, z is first copied
 * reversed (r[j] = z[n - j]); then the low bins k = 0..n/2-1 read z[k], r[k]
 * and the high bins b = n/2..n-1 read r[b] (= z[k]) and z[b] (= z[n - k])
 * with k = n - b, from twiddles stored in that order (split_twh). Bin n/2
 * therefore gets the bin-(n - k) formula, which is the one the reference's
 * second store leaves there. Bins 0 and n (the k = 0 lane of the low loop
 * is discarded) are the DC pair, from z[0]. */
MICRO_INLINE void split_one(const i16 *restrict pr_, const i16 *restrict pi_,
                            const i16 *restrict qr_, const i16 *restrict qi_,
                            const i16 *restrict wr, const i16 *restrict wi, i16 *restrict fr,
                            i16 *restrict fi, int j, int high)
{
    i16 pr = qmul(pr_[j], 16383), pi = qmul(pi_[j], 16383);
    i16 qr = qmul(qr_[j], 16383), qi = qmul(micro_wrap16(-(int32_t)qi_[j]), 16383);
    i16 f1r = micro_wrap16(pr + qr), f1i = micro_wrap16(pi + qi);
    i16 f2r = micro_wrap16(pr - qr), f2i = micro_wrap16(pi - qi);
    i16 tr = cmul_r(f2r, f2i, wr[j], wi[j]), ti = cmul_i(f2r, f2i, wr[j], wi[j]);
    if (!high) {
        fr[j] = micro_wrap16((f1r + tr) >> 1);
        fi[j] = micro_wrap16((f1i + ti) >> 1);
    } else {
        fr[j] = micro_wrap16((f1r - tr) >> 1);
        fi[j] = micro_wrap16((ti - f1i) >> 1);
    }
}

#define SPLIT_ARGS \
    const i16 *restrict pr, const i16 *restrict pi, const i16 *restrict qr, \
        const i16 *restrict qi, const i16 *restrict wr, const i16 *restrict wi, i16 *restrict fr, \
        i16 *restrict fi, int count

MICRO_NOINLINE void split_low(SPLIT_ARGS)
{
#if MICRO_X86
    if ((count & 15) == 0 && micro_simd()) {
        micro_x86_split(pr, pi, qr, qi, wr, wi, fr, fi, count, 0);
        return;
    }
#endif
    int j = 0;
    for (; MICRO_BLOCKS && j + 8 <= count; j += 8)
        for (int u = 0; u < 8; u++) split_one(pr, pi, qr, qi, wr, wi, fr, fi, j + u, 0);
    for (; j < count; j++) split_one(pr, pi, qr, qi, wr, wi, fr, fi, j, 0);
}

MICRO_NOINLINE void split_high(SPLIT_ARGS)
{
#if MICRO_X86
    if ((count & 15) == 0 && micro_simd()) {
        micro_x86_split(pr, pi, qr, qi, wr, wi, fr, fi, count, 1);
        return;
    }
#endif
    int j = 0;
    for (; MICRO_BLOCKS && j + 8 <= count; j += 8)
        for (int u = 0; u < 8; u++) split_one(pr, pi, qr, qi, wr, wi, fr, fi, j + u, 1);
    for (; j < count; j++) split_one(pr, pi, qr, qi, wr, wi, fr, fi, j, 1);
}

/* y[j] = x[-j], j = 0..n-1 (blocks of 4: GCC can reverse 4 int16 lanes with
 * plain SSE2, not 8). */
MICRO_NOINLINE void reverse(const i16 *restrict x, i16 *restrict y, int n)
{
#if MICRO_X86
    if ((n & 15) == 0 && micro_simd()) {
        micro_x86_reverse(x, y, n);
        return;
    }
#endif
    int j = 0;
    for (; MICRO_BLOCKS && j + 4 <= n; j += 4)
        for (int u = 0; u < 4; u++) y[j + u] = x[-(j + u)];
    for (; j < n; j++) y[j] = x[-j];
}

/* z: the complex result (z[n] readable, its value unused); r: n spare
 * entries per part. */
static void split_step(struct dsp_micro_state *st, const i16 *zr, const i16 *zi, i16 *rr, i16 *ri)
{
    int n = st->cfft_size, h = n / 2;
    i16 *fr = st->fft_re, *fi = st->fft_im;
    reverse(zr + n, rr, n);
    reverse(zi + n, ri, n);
    split_low(zr, zi, rr, ri, st->split_tw_r, st->split_tw_i, fr, fi, h);
    split_high(rr + h, ri + h, zr + h, zi + h, st->split_twh_r, st->split_twh_i, fr + h, fi + h, h);
    /* DC and Nyquist from z[0] */
    i16 dr = qmul(zr[0], 16383), di = qmul(zi[0], 16383);
    fr[n] = micro_wrap16(dr - di);
    fi[n] = 0;
    fr[0] = micro_wrap16(dr + di);
    fi[0] = 0;
}

void micro_fft_real(struct dsp_micro_state *st)
{
    int n = st->cfft_size;
    int cur = 0; /* fft_work buffer holding the current level */
    deinterleave(st->fft_in, st->fft_work[0][0], st->fft_work[0][1], n);
    int k_major = 1, m = 1, off = 0;
    for (int s = 0; s < st->num_stages; s++) {
        int p = st->radix[s], L = n / (p * m);
        i16 *xr = st->fft_work[cur][0], *xi = st->fft_work[cur][1];
        i16 *yr = st->fft_work[!cur][0], *yi = st->fft_work[!cur][1];
        if (micro_fft_stage_k_major(m, L)) {
            k_major_stage(xr, xi, yr, yi, p, m, L, st->twiddle);
        } else {
            if (k_major) {
                /* the previous level is m x (p L) in [k][o] */
                transpose(xr, yr, m, p * L);
                transpose(xi, yi, m, p * L);
                k_major = 0;
                cur = !cur;
                xr = st->fft_work[cur][0];
                xi = st->fft_work[cur][1];
                yr = st->fft_work[!cur][0];
                yi = st->fft_work[!cur][1];
            }
            o_major_stage(xr, xi, yr, yi, p, m, L, st->stage_tw_r + off, st->stage_tw_i + off);
            off += (p - 1) * m;
        }
        cur = !cur;
        m *= p;
    }
    /* the last level has L = 1: [k][0] and [0][k] are both natural order */
    split_step(st, st->fft_work[cur][0], st->fft_work[cur][1], st->fft_work[!cur][0],
               st->fft_work[!cur][1]);
}
