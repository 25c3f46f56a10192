/* kernels_dw1.c: the portable one-input-channel DEPTHWISE_CONV_2D (TinyConv's
 * first layer), the reference its target-specific versions
 * (kernels_x86_dw1.h) are pinned against. Same TFLM semantics as
 * kernels_conv.c. */
#include "kernels_internal.h"

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
bool mdl_dw1_fits(const struct mdl_conv_geom *g, struct dw1 *d)
{
    if (g->k_h < 1 || g->k_w < 1 || g->out_w < 1) return false;
    d->kw8 = (g->k_w + 7) / 8 * 8;
    if (g->k_h > DW1_TAPS / d->kw8) return false;
    d->taps = g->k_h * d->kw8;
    /* Band columns the patches read: the first tap of the last pixel plus a
     * padded kernel row (contiguous copy) or the dilated row (gather). */
    long last = (long)(g->out_w - 1) * g->stride_w;
    long span = g->dil_w == 1 ? d->kw8 : (long)(g->k_w - 1) * g->dil_w + 1;
    if (last + span > DW1_BAND / g->k_h) return false;
    d->bw = (int)(last + span);
    return true;
}

/* Row iy of the input as band row: column j holds input column
 * j - pad_left plus the offset, or 0 outside the image. */
KERN_HOT void mdl_dw1_band_row(const struct mdl_conv_geom *g, const int8_t *restrict src, int iy,
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
    if (e < a) e = a;
    for (int j = 0; j < a; j++) row[j] = 0;
    const int8_t *s = src - g->pad_left;
    int16_t off = (int16_t)in_offset;
    for (int j = a; j < e; j++) row[j] = (int16_t)(s[j] + off);
    for (int j = e; j < bw; j++) row[j] = 0;
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

KERN_HOT void mdl_dw1_portable(const struct mdl_conv_geom *g, const struct dw1 *d,
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
                    mdl_dw1_band_row(g, img, y0 + g->dil_h * ky, bw, q->in_offset, band + ky * bw);
                int8_t *o = out + ((size_t)b * g->out_h + oy) * g->out_w * out_c + c0;
                for (int ox = 0; ox < g->out_w; ox++, o += out_c) {
                    const int16_t *src = band + ox * g->stride_w;
                    bool dotted = false;
#if MDL_M4_DSP
                    /* the M4 dots the band rows in place: no patch copy */
                    if (kw8 == 8 && g->dil_w == 1) {
                        mdl_m4_dw1_rows8(src, bw, wt, DW1_TAPS, g->k_h, acc);
                        dotted = true;
                    }
#endif
                    if (dotted) {
                    } else if (kw8 == 8 && g->dil_w == 1) {
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
                    if (!dotted) dw1_dot8(patch, wt, taps, acc);
                    if (min_mult) {
                        for (int c = 0; c < n; c++)
                            o[c] = requant_with(acc[c] + bsum[c], rq[c].mult,
                                                q->shift[q->per_channel ? c0 + c : 0], q);
                    } else if (no_left) { /* the usual case: every scale below one */
                        for (int c = 0; c < n; c++)
                            o[c] = requant_ch(acc[c] + bsum[c], &rq[c], 0, out_offset, act_min,
                                              act_max);
                    } else {
                        for (int c = 0; c < n; c++)
                            o[c] = requant_ch(acc[c] + bsum[c], &rq[c], rq[c].left, out_offset,
                                              act_min, act_max);
                    }
                }
            }
        }
    }
}
