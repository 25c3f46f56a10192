/* kernels_x86.c: x86 paths for the int8 kernels that dominate keyword
 * models: the one-input-channel depthwise conv (kernels_x86_dw1.h, once per
 * target) and FULLY_CONNECTED, for AVX2 and AVX-512 VNNI (256-bit vpdpwssd).
 * Same arithmetic as the portable C, which stays the reference: integer
 * products and sums are exact (order-free), and the requantisation below
 * is MultiplyByQuantizedMultiplier lane by lane:
 *  - the doubling high multiply (a m + nudge) / 2^31, truncated, equals
 *    floor((a m + 2^30) / 2^31) for either sign of a m (for a m < 0 the
 *    nudge 1 - 2^30 and the truncation's +2^31 - 1 add up to 2^30), so it is
 *    a 64-bit add and a shift; the low 32 bits of a logical shift are those
 *    of the arithmetic one, which AVX2 lacks;
 *  - the one saturating case (a = m = INT32_MIN) is left to the portable
 *    code: calls with a multiplier of INT32_MIN are declined;
 *  - the rounding divide by 2^right is the reference's mask/threshold form.
 * Functions carry target attributes and run only after simd.c has checked
 * the CPU, so the rest of the build keeps the baseline instruction set. */
#include "kernels_internal.h"

#if MDL_KERN_X86
#include <immintrin.h>

/* int16 band staging for one image (kernels_x86_dw1.h): 64 KB per thread. */
#define X86_BAND 32768

/* One block of 8 channels' requantisation, per lane. Lanes past the block's
 * channel count get zeros (their outputs are never stored). */
struct x86_rq {
    __m256i bias, mult, left, right, mask, half, out_off, lo, hi;
};

static void x86_rq_init(struct x86_rq *r, const struct mdl_rq *q, const int32_t *bias, int c0,
                        int n)
{
    _Alignas(32) int32_t b[8] = { 0 }, m[8] = { 0 }, l[8] = { 0 }, rt[8] = { 0 }, mk[8] = { 0 },
                         h[8] = { 0 };
    for (int c = 0; c < n; c++) {
        int idx = q->per_channel ? c0 + c : 0;
        struct rq_ch ch;
        rq_ch_init(&ch, q->mult[idx], q->shift[idx]);
        b[c] = bias ? bias[c0 + c] : 0;
        m[c] = ch.mult;
        l[c] = ch.left;
        rt[c] = ch.right;
        mk[c] = ch.mask;
        h[c] = ch.half;
    }
    memcpy(&r->bias, b, sizeof b);
    memcpy(&r->mult, m, sizeof m);
    memcpy(&r->left, l, sizeof l);
    memcpy(&r->right, rt, sizeof rt);
    memcpy(&r->mask, mk, sizeof mk);
    memcpy(&r->half, h, sizeof h);
    _Alignas(32) int32_t oo[8], lo[8], hi[8];
    for (int c = 0; c < 8; c++) {
        oo[c] = q->out_offset;
        lo[c] = q->act_min;
        hi[c] = q->act_max;
    }
    memcpy(&r->out_off, oo, sizeof oo);
    memcpy(&r->lo, lo, sizeof lo);
    memcpy(&r->hi, hi, sizeof hi);
}

/* Accumulators (bias included) -> clamped outputs, still int32. */
__attribute__((target("avx2"), always_inline)) static inline __m256i x86_requant(
    __m256i acc, const struct x86_rq *r)
{
    const __m256i round = _mm256_set1_epi64x(1LL << 30);
    __m256i a = _mm256_sllv_epi32(acc, r->left);
    __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(a, r->mult), round);
    __m256i po = _mm256_add_epi64(
        _mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(r->mult, 32)), round);
    /* bits 31..62 of each product: even lanes low, odd lanes high */
    __m256i hi = _mm256_blend_epi32(_mm256_srli_epi64(pe, 31), _mm256_slli_epi64(po, 1), 0xAA);
    __m256i thr = _mm256_sub_epi32(r->half, _mm256_srai_epi32(hi, 31));
    __m256i up = _mm256_cmpgt_epi32(_mm256_and_si256(hi, r->mask), thr);
    __m256i v = _mm256_sub_epi32(_mm256_srav_epi32(hi, r->right), up);
    v = _mm256_add_epi32(v, r->out_off);
    return _mm256_min_epi32(_mm256_max_epi32(v, r->lo), r->hi);
}

/* The 8 lanes (already in int8 range) as bytes at o, n of them. */
__attribute__((target("avx2"), always_inline)) static inline void x86_store8(int8_t *o, __m256i v,
                                                                             int n)
{
    __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    __m128i p8 = _mm_packs_epi16(p16, p16);
    if (n == 8) {
        _mm_storel_epi64((__m128i *)(void *)o, p8);
    } else {
        int8_t t[16];
        _mm_storeu_si128((__m128i *)(void *)t, p8);
        memcpy(o, t, (size_t)n);
    }
}

/* The int16 pair at s (two adjacent band taps) in every lane. */
__attribute__((target("avx2"), always_inline)) static inline __m256i x86_pair(const int16_t *s)
{
    int32_t v;
    memcpy(&v, s, sizeof v);
    return _mm256_set1_epi32(v);
}

/* Weights of channels c0..c0+n-1 as int16 pairs (layout: kernels_x86_dw1.h);
 * taps past k_w and channels past n are zero. A full block of 8 channels
 * reads each tap's 8 weights as one 8-byte word and interleaves two taps. */
__attribute__((target("avx2"))) static void x86_dw1_weights(const struct mdl_conv_geom *g,
                                                            const struct dw1 *d, const int8_t *w,
                                                            int c0, int n, __m256i *wv)
{
    int out_c = g->depth_mul, np = d->kw8 / 2;
    for (int ky = 0; ky < g->k_h; ky++)
        for (int pp = 0; pp < np; pp++) {
            int kx = 2 * pp;
            const int8_t *w0 = w + ((size_t)ky * g->k_w + kx) * out_c + c0;
            if (n == 8 && kx + 1 < g->k_w) {
                __m128i a = _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)w0));
                __m128i b =
                    _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(w0 + out_c)));
                wv[ky * np + pp] =
                    _mm256_set_m128i(_mm_unpackhi_epi16(a, b), _mm_unpacklo_epi16(a, b));
                continue;
            }
            _Alignas(32) int16_t lane[16];
            for (int c = 0; c < 8; c++)
                for (int t = 0; t < 2; t++)
                    lane[2 * c + t] = c < n && kx + t < g->k_w ? w0[(size_t)t * out_c + c] : 0;
            memcpy(&wv[ky * np + pp], lane, sizeof lane);
        }
}

/* Input row iy of one image as a band row: column j holds input column
 * j - pad_left plus the offset, 0 outside the image (as mdl_dw1_band_row). */
__attribute__((target("avx2"))) static void x86_band_row(const struct mdl_conv_geom *g,
                                                         const int8_t *img, int iy, int bw,
                                                         int32_t in_offset, int16_t *row)
{
    memset(row, 0, (size_t)bw * sizeof *row);
    if (iy < 0 || iy >= g->in_h) return;
    int a = g->pad_left < bw ? g->pad_left : bw;
    int e = g->pad_left + g->in_w < bw ? g->pad_left + g->in_w : bw;
    const int8_t *s = img + (size_t)iy * g->in_w - g->pad_left;
    const __m256i off = _mm256_set1_epi16((int16_t)in_offset);
    int j = a;
    for (; j + 16 <= e; j += 16)
        _mm256_storeu_si256((__m256i *)(void *)(row + j),
                            _mm256_add_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(
                                                 (const __m128i *)(const void *)(s + j))),
                                             off));
    for (; j < e; j++) row[j] = (int16_t)(s[j] + in_offset);
}

#define DW1X_SFX avx2
#define DW1X_TARGET "avx2"
#define DW1X_MADD(acc, x, w) _mm256_add_epi32((acc), _mm256_madd_epi16((x), (w)))
#define DW1X_P 4
#include "kernels_x86_dw1.h"
#undef DW1X_SFX
#undef DW1X_TARGET
#undef DW1X_MADD
#undef DW1X_P

#define DW1X_SFX vnni
#define DW1X_TARGET "avx2,avx512f,avx512vl,avx512vnni"
#define DW1X_MADD(acc, x, w) _mm256_dpwssd_epi32((acc), (x), (w))
#define DW1X_P 8
#include "kernels_x86_dw1.h"
#undef DW1X_SFX
#undef DW1X_TARGET
#undef DW1X_MADD
#undef DW1X_P

static bool has_min_mult(const struct mdl_rq *q, int n_ch)
{
    int n = q->per_channel ? n_ch : 1;
    for (int c = 0; c < n; c++)
        if (q->mult[c] == INT32_MIN) return true;
    return false;
}

bool mdl_dw1_x86(enum mdl_simd level, const struct mdl_conv_geom *g, const struct dw1 *d,
                 const struct mdl_rq *q, const int8_t *in, const int8_t *w, const int32_t *bias,
                 int8_t *out)
{
    /* dilated rows have no contiguous tap pairs */
    if (level < MDL_SIMD_AVX2 || g->dil_w != 1 || has_min_mult(q, g->depth_mul)) return false;
    if (level >= MDL_SIMD_AVX512_VNNI)
        dw1x_run_vnni(g, d, q, in, w, bias, out);
    else
        dw1x_run_avx2(g, d, q, in, w, bias, out);
    return true;
}

/* FULLY_CONNECTED as mdl_fc_i8 (same decomposition: int16 input with the
 * offset added, int16 x int8 dot products, the weight offset times the input
 * sum), 16 products per pmaddwd, two accumulators per output row; the tail
 * of a row (in_n not a multiple of 16) in scalar code. Both AVX2 and VNNI
 * levels run it: the layer is a few thousand products. */
#define FCX_CHUNK 2048
#define FCX_BLOCK 64

__attribute__((target("avx2"))) static int32_t x86_hsum(__m256i v)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

__attribute__((target("avx2"))) static int32_t x86_fc_dot(const int16_t *x, const int8_t *w,
                                                          int len)
{
    __m256i a0 = _mm256_setzero_si256(), a1 = _mm256_setzero_si256();
    int i = 0;
    for (; i + 32 <= len; i += 32) {
        __m256i w0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w + i)));
        __m256i w1 =
            _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w + i + 16)));
        a0 = _mm256_add_epi32(
            a0, _mm256_madd_epi16(_mm256_load_si256((const __m256i *)(const void *)(x + i)), w0));
        a1 = _mm256_add_epi32(
            a1,
            _mm256_madd_epi16(_mm256_load_si256((const __m256i *)(const void *)(x + i + 16)), w1));
    }
    int32_t s = x86_hsum(_mm256_add_epi32(a0, a1));
    for (; i < len; i++) s += x[i] * w[i];
    return s;
}

/* The input chunk as int16 with the offset added; returns its sum. */
__attribute__((target("avx2"))) static int32_t x86_fc_stage(const int8_t *x, int len,
                                                            int32_t in_offset, int16_t *xs)
{
    const __m256i off = _mm256_set1_epi16((int16_t)in_offset), ones = _mm256_set1_epi16(1);
    __m256i s = _mm256_setzero_si256();
    int i = 0;
    for (; i + 16 <= len; i += 16) {
        __m256i v = _mm256_add_epi16(
            _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(x + i))), off);
        _mm256_store_si256((__m256i *)(void *)(xs + i), v);
        s = _mm256_add_epi32(s, _mm256_madd_epi16(v, ones));
    }
    int32_t sx = x86_hsum(s);
    for (; i < len; i++) {
        xs[i] = (int16_t)(x[i] + in_offset);
        sx += xs[i];
    }
    return sx;
}

static void x86_fc(int rows, int in_n, int out_n, const struct mdl_rq *q, const int8_t *in,
                   const int8_t *w, const int32_t *bias, int8_t *out)
{
    _Alignas(32) int16_t xs[FCX_CHUNK];
    int32_t acc[FCX_BLOCK];
    for (int r = 0; r < rows; r++) {
        const int8_t *x = in + (size_t)r * in_n;
        for (int o0 = 0; o0 < out_n; o0 += FCX_BLOCK) {
            int n = out_n - o0 < FCX_BLOCK ? out_n - o0 : FCX_BLOCK;
            int32_t sx = 0;
            for (int o = 0; o < n; o++) acc[o] = 0;
            for (int i0 = 0; i0 < in_n; i0 += FCX_CHUNK) {
                int len = in_n - i0 < FCX_CHUNK ? in_n - i0 : FCX_CHUNK;
                sx += x86_fc_stage(x + i0, len, q->in_offset, xs);
                for (int o = 0; o < n; o++)
                    acc[o] += x86_fc_dot(xs, w + (size_t)(o0 + o) * in_n + i0, len);
            }
            for (int o = 0; o < n; o++) {
                int32_t a = acc[o] + q->w_offset * sx;
                if (bias) a += bias[o0 + o];
                out[(size_t)r * out_n + o0 + o] = requant(a, q, o0 + o);
            }
        }
    }
}

bool mdl_fc_x86(enum mdl_simd level, int rows, int in_n, int out_n, const struct mdl_rq *q,
                const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out)
{
    if (level < MDL_SIMD_AVX2) return false;
    x86_fc(rows, in_n, out_n, q, in, w, bias, out);
    return true;
}

#endif
