/* kernels_conv.c: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED in int8
 * (per-tensor or per-channel requantisation) and float32, with TFLM
 * reference-kernel semantics: NHWC activations, OHWI conv filters, 1HWO
 * depthwise filters, [out][in] FC weights, int32 accumulation of
 * (input + input_offset) * (weight + weight_offset), bias, requantise with
 * MultiplyByQuantizedMultiplier, add the output zero point, clamp.
 * Speed: the one-input-channel depthwise conv (TinyConv's first layer) and
 * FC stage their operands as int16 once and run plain int16 dot products
 * (see dw_one_channel, mdl_fc_i8); the generic paths walk taps once per
 * output pixel with the channel loop innermost over contiguous weights, and
 * skip out-of-image taps by clipping the tap range instead of testing every
 * tap. Requantisation is quant.c's, inlined. No allocation; staging buffers
 * and accumulators live in fixed stack blocks. */
#include <string.h>

#include "models.h"

#define ACC_BLOCK 64

static int clip_lo(int origin, int dil)
{
    /* First tap k with origin + dil*k >= 0. */
    if (origin >= 0)
        return 0;
    return (-origin + dil - 1) / dil;
}

static int clip_hi(int origin, int dil, int k, int size)
{
    /* One past the last tap with origin + dil*t < size. */
    int n = 0;
    if (origin < size)
        n = (size - 1 - origin) / dil + 1;
    return n < k ? n : k;
}

/* Vectorisation hint for the hot loops. gcc's -O2 vectoriser uses its
 * "very cheap" cost model, which refuses any loop whose trip count is not a
 * compile-time multiple of the vector length (so a runtime-length int16 dot
 * product stays scalar); the dynamic model (-O3's) vectorises it with pmaddwd
 * on x86-64 or the NEON equivalents. Only the cost model changes: no option
 * that alters arithmetic. Other compilers (clang vectorises at -O2 anyway)
 * and targets without SIMD (Cortex-M4) get plain C. Loop distribution is
 * kept from turning the 16-byte patch copies into memcpy calls. */
#if defined(__GNUC__) && !defined(__clang__) && !defined(__INTEL_COMPILER) && \
    (defined(__SSE2__) || defined(__ARM_NEON) || defined(__ARM_NEON__))
#define KERN_HOT __attribute__((optimize("vect-cost-model=dynamic", "no-tree-loop-distribute-patterns")))
#else
#define KERN_HOT
#endif

/* MultiplyByQuantizedMultiplier exactly as quant.c's mdl_mbqm (same
 * expressions, same wrap-free int64/uint32 arithmetic), here so the
 * compiler can inline it into the per-output loops: it is called once per
 * output value (4000 times per TinyConv inference), and a call through
 * three out-of-line functions cost as much as the requantised arithmetic.
 * tests/models/test_kernel_fast.c pins it against mdl_mbqm. */
static inline int32_t mbqm(int32_t x, int32_t mult, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    int32_t a = (int32_t)((uint32_t)x << left);
    int32_t hi;                                   /* SaturatingRoundingDoublingHighMul */
    if (a == mult && a == INT32_MIN) {
        hi = INT32_MAX;
    } else {
        int64_t ab = (int64_t)a * (int64_t)mult;
        int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
        hi = (int32_t)((ab + nudge) / (1LL << 31));
    }
    if (right <= 0)                               /* RoundingDivideByPOT */
        return hi;
    if (right > 31)
        right = 31;
    int32_t mask = (int32_t)((1LL << right) - 1);
    int32_t remainder = hi & mask;
    int32_t threshold = (mask >> 1) + (hi < 0 ? 1 : 0);
    return (hi >> right) + (remainder > threshold ? 1 : 0);
}

static inline int8_t requant_with(int32_t acc, int32_t mult, int shift, const struct mdl_rq *q)
{
    int32_t v = mbqm(acc, mult, shift) + q->out_offset;
    if (v < q->act_min)
        v = q->act_min;
    if (v > q->act_max)
        v = q->act_max;
    return (int8_t)v;
}

/* mbqm with one channel's shift decoded once: left/right shifts, and the
 * RoundingDivideByPOT mask (2^right - 1, right capped at 31) and half-mask.
 * With right = 0 the mask is 0 and the rounding term is 0 > threshold,
 * false, so no branch is needed; the one overflowing product
 * (INT32_MIN * INT32_MIN) is excluded by the caller, which uses mbqm for a
 * multiplier of INT32_MIN. Same operations, same results as mdl_mbqm. */
struct rq_ch {
    int32_t mult, mask, half;
    int left, right;
};

static inline void rq_ch_init(struct rq_ch *r, int32_t mult, int shift)
{
    r->mult = mult;
    r->left = shift > 0 ? shift : 0;
    r->right = shift > 0 ? 0 : -shift;
    if (r->right > 31)
        r->right = 31;
    r->mask = (int32_t)((1LL << r->right) - 1);
    r->half = r->mask >> 1;
}

static inline int8_t requant_ch(int32_t acc, const struct rq_ch *r, int left, int32_t out_offset,
                                int32_t act_min, int32_t act_max)
{
    int32_t a = (int32_t)((uint32_t)acc << left);
    int64_t ab = (int64_t)a * (int64_t)r->mult;
    int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
    int32_t hi = (int32_t)((ab + nudge) / (1LL << 31));
    int32_t threshold = r->half + (hi < 0 ? 1 : 0);
    int32_t v = (hi >> r->right) + ((hi & r->mask) > threshold ? 1 : 0) + out_offset;
    if (v < act_min)
        v = act_min;
    if (v > act_max)
        v = act_max;
    return (int8_t)v;
}

static inline int8_t requant(int32_t acc, const struct mdl_rq *q, int oc)
{
    int idx = q->per_channel ? oc : 0;
    return requant_with(acc, q->mult[idx], q->shift[idx], q);
}

/* One input channel (TinyConv's shape: every output channel reads the same
 * input pixel). Per invoke, the weights of a block of DW1_CH output
 * channels are staged as int16, one row of kw8 taps (k_w rounded up to 8,
 * zero-filled) per kernel row, channel-major. Per output row, the k_h input
 * rows it reads are staged once as int16 with the input offset added, zero
 * outside the image (the "band"): padding costs nothing after that, and no
 * tap is bounds-checked. Per output pixel, its patch is copied out of the
 * band 8 taps at a time and dotted with each channel's weights: a plain
 * int16 dot product, which compilers turn into multiply-add pairs
 * (pmaddwd on x86-64, NEON on Arm64; multiply-accumulates on the M4).
 * (x + offset) * w fits in int16 * int16 -> int32
 * exactly; integer sums are exact, so the tap order does not change the
 * result, and the requantisation is the reference one.
 * Stack: DW1_CH * DW1_TAPS + DW1_TAPS + DW1_BAND int16 (about 3 KB on the
 * Cortex-M4 build, which runs it from the sketch's main loop);
 * kernels or images past these limits take the generic path. */
#define DW1_CH 8
#define DW1_TAPS 96                 /* k_h * kw8; TinyConv: 10 * 8 = 80 */
#define DW1_BAND 512                /* k_h * band width; TinyConv: 10 * 46 */

struct dw1 {
    int kw8, taps, bw;              /* padded kernel width, k_h * kw8, band row width */
};

static bool dw1_fits(const struct mdl_conv_geom *g, struct dw1 *d)
{
    if (g->k_h < 1 || g->k_w < 1 || g->out_w < 1)
        return false;
    d->kw8 = (g->k_w + 7) / 8 * 8;
    if (g->k_h > DW1_TAPS / d->kw8)
        return false;
    d->taps = g->k_h * d->kw8;
    /* Band columns the patches read: the first tap of the last pixel plus a
     * padded kernel row (contiguous copy) or the dilated row (gather). */
    long last = (long)(g->out_w - 1) * g->stride_w;
    long span = g->dil_w == 1 ? d->kw8 : (long)(g->k_w - 1) * g->dil_w + 1;
    if (last + span > DW1_BAND / g->k_h)
        return false;
    d->bw = (int)(last + span);
    return true;
}

/* Row iy of the input as band row: column j holds input column
 * j - pad_left plus the offset, or 0 outside the image. */
KERN_HOT static void dw1_band_row(const struct mdl_conv_geom *g, const int8_t *restrict src, int iy,
                                  int bw, int32_t in_offset, int16_t *restrict row)
{
    if (iy < 0 || iy >= g->in_h) {
        memset(row, 0, (size_t)bw * sizeof *row);
        return;
    }
    src += (size_t)iy * g->in_w;
    /* columns [a, e) are inside the image */
    int a = g->pad_left < bw ? g->pad_left : bw;
    int e = g->pad_left + g->in_w < bw ? g->pad_left + g->in_w : bw;
    if (e < a)
        e = a;
    for (int j = 0; j < a; j++)
        row[j] = 0;
    const int8_t *s = src - g->pad_left;
    int16_t off = (int16_t)in_offset;
    for (int j = a; j < e; j++)
        row[j] = (int16_t)(s[j] + off);
    for (int j = e; j < bw; j++)
        row[j] = 0;
}

/* The 8 dot products of one patch with a block of 8 channels' weights
 * (channel c's at w + c * DW1_TAPS), taps a multiple of 8. The channel
 * stride is a constant multiple of 16 bytes and both arrays are 16-byte
 * aligned, so once this is inlined the compiler can feed the weights to the
 * multiply-adds straight from memory. */
KERN_HOT static inline void dw1_dot8(const int16_t *restrict p, const int16_t *restrict w, int taps,
                                     int32_t *restrict acc)
{
#if MDL_M4_DSP
    mdl_m4_dw1_dot8(p, w, DW1_TAPS, taps, acc);
    return;
#endif
    const int16_t *restrict w0 = w, *restrict w1 = w + DW1_TAPS, *restrict w2 = w + 2 * DW1_TAPS;
    const int16_t *restrict w3 = w + 3 * DW1_TAPS, *restrict w4 = w + 4 * DW1_TAPS;
    const int16_t *restrict w5 = w + 5 * DW1_TAPS, *restrict w6 = w + 6 * DW1_TAPS;
    const int16_t *restrict w7 = w + 7 * DW1_TAPS;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (int t = 0; t < taps; t++) {
        int32_t x = p[t];
        s0 += x * w0[t];
        s1 += x * w1[t];
        s2 += x * w2[t];
        s3 += x * w3[t];
        s4 += x * w4[t];
        s5 += x * w5[t];
        s6 += x * w6[t];
        s7 += x * w7[t];
    }
    acc[0] = s0;
    acc[1] = s1;
    acc[2] = s2;
    acc[3] = s3;
    acc[4] = s4;
    acc[5] = s5;
    acc[6] = s6;
    acc[7] = s7;
}

KERN_HOT static void dw_one_channel(const struct mdl_conv_geom *g, const struct dw1 *d,
                                    const struct mdl_rq *q, const int8_t *in, const int8_t *w,
                                    const int32_t *bias, int8_t *out)
{
    int out_c = g->depth_mul, kw8 = d->kw8, taps = d->taps, bw = d->bw;
    _Alignas(16) int16_t wt[DW1_CH * DW1_TAPS];
    _Alignas(16) int16_t patch[DW1_TAPS];
    int16_t band[DW1_BAND];
    int32_t acc[DW1_CH];
    int32_t out_offset = q->out_offset, act_min = q->act_min, act_max = q->act_max;
    /* Taps past k_w stay zero in the patch (dilated gather) and in the
     * weights; the contiguous copy fills them with real pixels that meet
     * zero weights. */
    memset(patch, 0, sizeof patch);
    for (int c0 = 0; c0 < out_c; c0 += DW1_CH) {
        int n = out_c - c0 < DW1_CH ? out_c - c0 : DW1_CH;
        for (int c = 0; c < DW1_CH; c++)
            for (int ky = 0; ky < g->k_h; ky++)
                for (int kx = 0; kx < kw8; kx++)
                    wt[c * DW1_TAPS + ky * kw8 + kx] =
                        c < n && kx < g->k_w ? w[((size_t)ky * g->k_w + kx) * out_c + c0 + c] : 0;
        struct rq_ch rq[DW1_CH];
        int32_t bsum[DW1_CH];
        bool min_mult = false, no_left = true;
        for (int c = 0; c < n; c++) {
            int idx = q->per_channel ? c0 + c : 0;
            rq_ch_init(&rq[c], q->mult[idx], q->shift[idx]);
            min_mult |= q->mult[idx] == INT32_MIN;
            no_left &= rq[c].left == 0;
            bsum[c] = bias ? bias[c0 + c] : 0;
        }
        for (int b = 0; b < g->batch; b++) {
            const int8_t *img = in + (size_t)b * g->in_h * g->in_w;
            for (int oy = 0; oy < g->out_h; oy++) {
                int y0 = oy * g->stride_h - g->pad_top;
                for (int ky = 0; ky < g->k_h; ky++)
                    dw1_band_row(g, img, y0 + g->dil_h * ky, bw, q->in_offset, band + ky * bw);
                int8_t *o = out + ((size_t)b * g->out_h + oy) * g->out_w * out_c + c0;
                for (int ox = 0; ox < g->out_w; ox++, o += out_c) {
                    const int16_t *src = band + ox * g->stride_w;
                    if (kw8 == 8 && g->dil_w == 1) {
                        int16_t *pp = patch;
                        for (int ky = 0; ky < g->k_h; ky++, pp += 8, src += bw)
                            memcpy(pp, src, 8 * sizeof *patch);
                    } else if (g->dil_w == 1) {
                        for (int ky = 0; ky < g->k_h; ky++)
                            for (int j = 0; j < kw8; j += 8)
                                memcpy(patch + ky * kw8 + j, src + ky * bw + j, 8 * sizeof *patch);
                    } else {
                        for (int ky = 0; ky < g->k_h; ky++)
                            for (int kx = 0; kx < g->k_w; kx++)
                                patch[ky * kw8 + kx] = src[ky * bw + kx * g->dil_w];
                    }
                    dw1_dot8(patch, wt, taps, acc);
                    if (min_mult) {
                        for (int c = 0; c < n; c++)
                            o[c] = requant_with(acc[c] + bsum[c], rq[c].mult, q->shift[q->per_channel ? c0 + c : 0], q);
                    } else if (no_left) {       /* the usual case: every scale below one */
                        for (int c = 0; c < n; c++)
                            o[c] = requant_ch(acc[c] + bsum[c], &rq[c], 0, out_offset, act_min, act_max);
                    } else {
                        for (int c = 0; c < n; c++)
                            o[c] = requant_ch(acc[c] + bsum[c], &rq[c], rq[c].left, out_offset, act_min,
                                              act_max);
                    }
                }
            }
        }
    }
}

/* Any depthwise shape: per output pixel, blocks of ACC_BLOCK channels
 * accumulate over the in-image taps (clipped ranges, no per-tap test). */
static void dw_generic(const struct mdl_conv_geom *g, const struct mdl_rq *q, const int8_t *in,
                       const int8_t *w, const int32_t *bias, int8_t *out)
{
    int out_c = g->in_c * g->depth_mul;
    int32_t acc[ACC_BLOCK];
    for (int b = 0; b < g->batch; b++)
    for (int oy = 0; oy < g->out_h; oy++) {
        int y0 = oy * g->stride_h - g->pad_top;
        int ky0 = clip_lo(y0, g->dil_h), ky1 = clip_hi(y0, g->dil_h, g->k_h, g->in_h);
        for (int ox = 0; ox < g->out_w; ox++) {
            int x0 = ox * g->stride_w - g->pad_left;
            int kx0 = clip_lo(x0, g->dil_w), kx1 = clip_hi(x0, g->dil_w, g->k_w, g->in_w);
            int8_t *o = out + (((size_t)b * g->out_h + oy) * g->out_w + ox) * out_c;
            for (int c0 = 0; c0 < out_c; c0 += ACC_BLOCK) {
                int n = out_c - c0 < ACC_BLOCK ? out_c - c0 : ACC_BLOCK;
                for (int c = 0; c < n; c++)
                    acc[c] = bias ? bias[c0 + c] : 0;
                for (int ky = ky0; ky < ky1; ky++) {
                    int iy = y0 + g->dil_h * ky;
                    for (int kx = kx0; kx < kx1; kx++) {
                        int ix = x0 + g->dil_w * kx;
                        const int8_t *px = in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c;
                        const int8_t *wk = w + ((size_t)ky * g->k_w + kx) * out_c + c0;
                        if (g->depth_mul == 1) {
                            for (int c = 0; c < n; c++)
                                acc[c] += (px[c0 + c] + q->in_offset) * wk[c];
                        } else {
                            for (int c = 0; c < n; c++)
                                acc[c] += (px[(c0 + c) / g->depth_mul] + q->in_offset) * wk[c];
                        }
                    }
                }
                for (int c = 0; c < n; c++)
                    o[c0 + c] = requant(acc[c], q, c0 + c);
            }
        }
    }
}

void mdl_dwconv_i8(const struct mdl_conv_geom *g, const struct mdl_rq *q, const int8_t *in,
                   const int8_t *w, const int32_t *bias, int8_t *out)
{
    struct dw1 d;
    if (g->in_c == 1 && dw1_fits(g, &d))
        dw_one_channel(g, &d, q, in, w, bias, out);
    else
        dw_generic(g, q, in, w, bias, out);
}

void mdl_conv_i8(const struct mdl_conv_geom *g, int out_c, const struct mdl_rq *q,
                 const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out)
{
    for (int b = 0; b < g->batch; b++)
    for (int oy = 0; oy < g->out_h; oy++) {
        int y0 = oy * g->stride_h - g->pad_top;
        int ky0 = clip_lo(y0, g->dil_h), ky1 = clip_hi(y0, g->dil_h, g->k_h, g->in_h);
        for (int ox = 0; ox < g->out_w; ox++) {
            int x0 = ox * g->stride_w - g->pad_left;
            int kx0 = clip_lo(x0, g->dil_w), kx1 = clip_hi(x0, g->dil_w, g->k_w, g->in_w);
            int8_t *o = out + (((size_t)b * g->out_h + oy) * g->out_w + ox) * out_c;
            for (int oc = 0; oc < out_c; oc++) {
                int32_t acc = 0;
                for (int ky = ky0; ky < ky1; ky++) {
                    int iy = y0 + g->dil_h * ky;
                    for (int kx = kx0; kx < kx1; kx++) {
                        int ix = x0 + g->dil_w * kx;
                        const int8_t *px = in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c;
                        const int8_t *wk = w + (((size_t)oc * g->k_h + ky) * g->k_w + kx) * g->in_c;
                        for (int ic = 0; ic < g->in_c; ic++)
                            acc += (px[ic] + q->in_offset) * wk[ic];
                    }
                }
                if (bias)
                    acc += bias[oc];
                o[oc] = requant(acc, q, oc);
            }
        }
    }
}

/* FULLY_CONNECTED: sum_i (x_i + x_off) * (w_oi + w_off)
 *   = sum_i (x_i + x_off) * w_oi + w_off * sum_i (x_i + x_off),
 * exact in int32 (each sum is at most in_n * 255 * 128: no overflow below
 * 65,000 inputs; TinyConv has 4000). The input
 * is staged FC_CHUNK values at a time as int16 with the offset added (once
 * per chunk, not once per output row), then each output takes an
 * int16 x int8 dot product over the chunk: one multiply-add per weight, no
 * per-weight offset, which compilers vectorise (pmaddwd on x86-64). */
#define FC_CHUNK 256
#define FC_BLOCK 64

KERN_HOT static int32_t fc_dot(const int16_t *restrict x, const int8_t *restrict w, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++)
        s += x[i] * w[i];
    return s;
}

KERN_HOT void mdl_fc_i8(int rows, int in_n, int out_n, const struct mdl_rq *q, const int8_t *in,
                        const int8_t *w, const int32_t *bias, int8_t *out)
{
    int16_t xs[FC_CHUNK];
    int32_t acc[FC_BLOCK];
    int16_t off = (int16_t)q->in_offset;
    for (int r = 0; r < rows; r++) {
        const int8_t *x = in + (size_t)r * in_n;
        for (int o0 = 0; o0 < out_n; o0 += FC_BLOCK) {
            int n = out_n - o0 < FC_BLOCK ? out_n - o0 : FC_BLOCK;
            int32_t sx = 0;
            for (int o = 0; o < n; o++)
                acc[o] = 0;
            for (int i0 = 0; i0 < in_n; i0 += FC_CHUNK) {
                int len = in_n - i0 < FC_CHUNK ? in_n - i0 : FC_CHUNK;
                for (int i = 0; i < len; i++)
                    xs[i] = (int16_t)(x[i0 + i] + off);
                if (q->w_offset)
                    for (int i = 0; i < len; i++)
                        sx += xs[i];
#if MDL_M4_DSP
                mdl_m4_fc_acc(xs, w + (size_t)o0 * in_n + i0, (size_t)in_n, len, n, acc);
                continue;
#endif
                for (int o = 0; o < n; o++)
                    acc[o] += fc_dot(xs, w + (size_t)(o0 + o) * in_n + i0, len);
            }
            for (int o = 0; o < n; o++) {
                int32_t a = acc[o] + q->w_offset * sx;
                if (bias)
                    a += bias[o0 + o];
                out[(size_t)r * out_n + o0 + o] = requant(a, q, o0 + o);
            }
        }
    }
}

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void mdl_dwconv_f32(const struct mdl_conv_geom *g, float act_lo, float act_hi, const float *in,
                    const float *w, const float *bias, float *out)
{
    int out_c = g->in_c * g->depth_mul;
    for (int b = 0; b < g->batch; b++)
    for (int oy = 0; oy < g->out_h; oy++)
    for (int ox = 0; ox < g->out_w; ox++)
    for (int oc = 0; oc < out_c; oc++) {
        int ic = oc / g->depth_mul;
        float acc = bias ? bias[oc] : 0.0f;
        for (int ky = 0; ky < g->k_h; ky++)
        for (int kx = 0; kx < g->k_w; kx++) {
            int iy = oy * g->stride_h - g->pad_top + g->dil_h * ky;
            int ix = ox * g->stride_w - g->pad_left + g->dil_w * kx;
            if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w)
                continue;
            acc += in[(((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic] *
                   w[((size_t)ky * g->k_w + kx) * out_c + oc];
        }
        out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * out_c + oc] = clampf(acc, act_lo, act_hi);
    }
}

void mdl_conv_f32(const struct mdl_conv_geom *g, int out_c, float act_lo, float act_hi,
                  const float *in, const float *w, const float *bias, float *out)
{
    for (int b = 0; b < g->batch; b++)
    for (int oy = 0; oy < g->out_h; oy++)
    for (int ox = 0; ox < g->out_w; ox++)
    for (int oc = 0; oc < out_c; oc++) {
        float acc = bias ? bias[oc] : 0.0f;
        for (int ky = 0; ky < g->k_h; ky++)
        for (int kx = 0; kx < g->k_w; kx++) {
            int iy = oy * g->stride_h - g->pad_top + g->dil_h * ky;
            int ix = ox * g->stride_w - g->pad_left + g->dil_w * kx;
            if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w)
                continue;
            const float *px = in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c;
            const float *wk = w + (((size_t)oc * g->k_h + ky) * g->k_w + kx) * g->in_c;
            for (int ic = 0; ic < g->in_c; ic++)
                acc += px[ic] * wk[ic];
        }
        out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * out_c + oc] = clampf(acc, act_lo, act_hi);
    }
}

void mdl_fc_f32(int rows, int in_n, int out_n, float act_lo, float act_hi, const float *in,
                const float *w, const float *bias, float *out)
{
    for (int r = 0; r < rows; r++)
        for (int o = 0; o < out_n; o++) {
            float acc = bias ? bias[o] : 0.0f;
            for (int i = 0; i < in_n; i++)
                acc += in[(size_t)r * in_n + i] * w[(size_t)o * in_n + i];
            out[(size_t)r * out_n + o] = clampf(acc, act_lo, act_hi);
        }
}

void mdl_conv_out_size(enum mdl_padding pad, int in, int k, int stride, int dil, int *out,
                       int *pad_before)
{
    /* TFLite ComputeOutSize / ComputePaddingWithOffset. */
    int eff = (k - 1) * dil + 1;
    int o = pad == MDL_PAD_SAME ? (in + stride - 1) / stride : (in + stride - eff) / stride;
    if (o < 0)
        o = 0;
    int total = (o - 1) * stride + eff - in;
    *out = o;
    *pad_before = total > 0 ? total / 2 : 0;
}
