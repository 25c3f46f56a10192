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

static int clip_lo(int origin, int dil)
{
    /* First tap k with origin + dil*k >= 0. */
    if (origin >= 0) return 0;
    return (-origin + dil - 1) / dil;
}

static int clip_hi(int origin, int dil, int k, int size)
{
    /* One past the last tap with origin + dil*t < size. */
    int n = 0;
    if (origin < size) n = (size - 1 - origin) / dil + 1;
    return n < k ? n : k;
}

#include "kernels_internal.h"

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
                    for (int c = 0; c < n; c++) acc[c] = bias ? bias[c0 + c] : 0;
                    for (int ky = ky0; ky < ky1; ky++) {
                        int iy = y0 + g->dil_h * ky;
                        for (int kx = kx0; kx < kx1; kx++) {
                            int ix = x0 + g->dil_w * kx;
                            const int8_t *px =
                                in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c;
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
                    for (int c = 0; c < n; c++) o[c0 + c] = requant(acc[c], q, c0 + c);
                }
            }
        }
}

void mdl_dwconv_i8(const struct mdl_conv_geom *g, const struct mdl_rq *q, const int8_t *in,
                   const int8_t *w, const int32_t *bias, int8_t *out)
{
    struct dw1 d;
    if (g->in_c == 1 && mdl_dw1_fits(g, &d)) {
#if MDL_KERN_X86
        enum mdl_simd level = mdl_simd_active();
        if (level != MDL_SIMD_PORTABLE && mdl_dw1_x86(level, g, &d, q, in, w, bias, out)) return;
#endif
        mdl_dw1_portable(g, &d, q, in, w, bias, out);
    } else
        dw_generic(g, q, in, w, bias, out);
}

void mdl_conv_i8(const struct mdl_conv_geom *g, int out_c, const struct mdl_rq *q, const int8_t *in,
                 const int8_t *w, const int32_t *bias, int8_t *out)
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
                            const int8_t *px =
                                in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c;
                            const int8_t *wk =
                                w + (((size_t)oc * g->k_h + ky) * g->k_w + kx) * g->in_c;
                            for (int ic = 0; ic < g->in_c; ic++)
                                acc += (px[ic] + q->in_offset) * wk[ic];
                        }
                    }
                    if (bias) acc += bias[oc];
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
    for (int i = 0; i < n; i++) s += x[i] * w[i];
    return s;
}

KERN_HOT void mdl_fc_i8(int rows, int in_n, int out_n, const struct mdl_rq *q, const int8_t *in,
                        const int8_t *w, const int32_t *bias, int8_t *out)
{
#if MDL_KERN_X86
    enum mdl_simd level = mdl_simd_active();
    if (level != MDL_SIMD_PORTABLE && mdl_fc_x86(level, rows, in_n, out_n, q, in, w, bias, out))
        return;
#endif
    int16_t xs[FC_CHUNK];
    int32_t acc[FC_BLOCK];
    int16_t off = (int16_t)q->in_offset;
    for (int r = 0; r < rows; r++) {
        const int8_t *x = in + (size_t)r * in_n;
        for (int o0 = 0; o0 < out_n; o0 += FC_BLOCK) {
            int n = out_n - o0 < FC_BLOCK ? out_n - o0 : FC_BLOCK;
            int32_t sx = 0;
            for (int o = 0; o < n; o++) acc[o] = 0;
            for (int i0 = 0; i0 < in_n; i0 += FC_CHUNK) {
                int len = in_n - i0 < FC_CHUNK ? in_n - i0 : FC_CHUNK;
                for (int i = 0; i < len; i++) xs[i] = (int16_t)(x[i0 + i] + off);
                if (q->w_offset)
                    for (int i = 0; i < len; i++) sx += xs[i];
#if MDL_M4_DSP
                mdl_m4_fc_acc(xs, w + (size_t)o0 * in_n + i0, (size_t)in_n, len, n, acc);
                continue;
#endif
                for (int o = 0; o < n; o++)
                    acc[o] += fc_dot(xs, w + (size_t)(o0 + o) * in_n + i0, len);
            }
            for (int o = 0; o < n; o++) {
                int32_t a = acc[o] + q->w_offset * sx;
                if (bias) a += bias[o0 + o];
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
                            if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) continue;
                            acc += in[(((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic] *
                                w[((size_t)ky * g->k_w + kx) * out_c + oc];
                        }
                    out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * out_c + oc] =
                        clampf(acc, act_lo, act_hi);
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
                            if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) continue;
                            const float *px =
                                in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c;
                            const float *wk =
                                w + (((size_t)oc * g->k_h + ky) * g->k_w + kx) * g->in_c;
                            for (int ic = 0; ic < g->in_c; ic++) acc += px[ic] * wk[ic];
                        }
                    out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * out_c + oc] =
                        clampf(acc, act_lo, act_hi);
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
    if (o < 0) o = 0;
    int total = (o - 1) * stride + eff - in;
    *out = o;
    *pad_before = total > 0 ? total / 2 : 0;
}
