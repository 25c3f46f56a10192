/* kernels_x86_dw1.h: the one-input-channel depthwise inner loops for one x86
 * target, included by kernels_x86.c once per target with
 *   DW1X_SFX      name suffix (avx2, vnni),
 *   DW1X_TARGET   the target attribute string,
 *   DW1X_MADD     acc += pairwise products of int16 pairs (pmaddwd + paddd,
 *                 or one vpdpwssd),
 *   DW1X_P        pixels per group (independent accumulator chains: enough
 *                 to hide the multiply-add latency).
 * The layout is kernels_x86.c's: lane c of weight vector ky * np + pp holds
 * channel c's taps (2 pp, 2 pp + 1) of kernel row ky; the patch pair of a
 * pixel is one 32-bit word of the band, broadcast to all 8 lanes. */
#define DW1X_CAT2(a, b) a##_##b
#define DW1X_CAT(a, b) DW1X_CAT2(a, b)
#define DW1X_FN(n) DW1X_CAT(n, DW1X_SFX)

/* Accumulators of p pixels (p <= DW1X_P, a constant after inlining) whose
 * patches start at src, src + sw, ... (kernel rows rs apart): bias plus the
 * dot products. */
__attribute__((target(DW1X_TARGET), always_inline)) static inline void DW1X_FN(dw1x_group)(
    const int16_t *src, int sw, int kh, int np, int rs, const __m256i *wv, __m256i bias,
    __m256i *acc, int p)
{
#pragma GCC unroll 8
    for (int i = 0; i < p; i++) acc[i] = bias;
    for (int ky = 0; ky < kh; ky++, src += rs, wv += np) {
        for (int pp = 0; pp < np; pp++) {
            __m256i wk = _mm256_load_si256(wv + pp);
#pragma GCC unroll 8
            for (int i = 0; i < p; i++)
                acc[i] = DW1X_MADD(acc[i], x86_pair(src + i * sw + 2 * pp), wk);
        }
    }
}

/* One output row of one channel block (band: its first kernel row, the
 * next ones rs apart): groups of DW1X_P pixels, then 4, then single
 * pixels. */
__attribute__((target(DW1X_TARGET))) static void DW1X_FN(dw1x_row)(
    const struct mdl_conv_geom *g, const struct dw1 *d, const __m256i *wv, const struct x86_rq *rq,
    const int16_t *band, int rs, int8_t *o, int out_c, int n)
{
    int sw = g->stride_w, kh = g->k_h, np = d->kw8 / 2, ox = 0;
    __m256i acc[DW1X_P];
    for (; ox + DW1X_P <= g->out_w; ox += DW1X_P) {
        if (np == 4) /* k_w <= 8 (TinyConv): a constant inner trip count */
            DW1X_FN(dw1x_group)(band + ox * sw, sw, kh, 4, rs, wv, rq->bias, acc, DW1X_P);
        else
            DW1X_FN(dw1x_group)(band + ox * sw, sw, kh, np, rs, wv, rq->bias, acc, DW1X_P);
        for (int i = 0; i < DW1X_P; i++)
            x86_store8(o + (size_t)(ox + i) * out_c, x86_requant(acc[i], rq), n);
    }
#if DW1X_P > 4
    for (; ox + 4 <= g->out_w; ox += 4) {
        DW1X_FN(dw1x_group)(band + ox * sw, sw, kh, np, rs, wv, rq->bias, acc, 4);
        for (int i = 0; i < 4; i++)
            x86_store8(o + (size_t)(ox + i) * out_c, x86_requant(acc[i], rq), n);
    }
#endif
    for (; ox < g->out_w; ox++) {
        DW1X_FN(dw1x_group)(band + ox * sw, sw, kh, np, rs, wv, rq->bias, acc, 1);
        x86_store8(o + (size_t)ox * out_c, x86_requant(acc[0], rq), n);
    }
}

/* The whole layer, as mdl_dw1_portable walks it, except that each image is
 * staged once as int16 band rows (all of its padded rows) when that fits
 * X86_BAND, instead of k_h rows per output row. */
__attribute__((target(DW1X_TARGET))) static void DW1X_FN(dw1x_run)(
    const struct mdl_conv_geom *g, const struct dw1 *d, const struct mdl_rq *q, const int8_t *in,
    const int8_t *w, const int32_t *bias, int8_t *out)
{
    int out_c = g->depth_mul, bw = d->bw;
    int rows = (g->out_h - 1) * g->stride_h + (g->k_h - 1) * g->dil_h + 1;
    bool whole = (long)rows * bw <= X86_BAND;
    _Alignas(32) __m256i wv[DW1_TAPS / 2];
    static _Thread_local int16_t band[X86_BAND];
    struct x86_rq rq;
    for (int c0 = 0; c0 < out_c; c0 += DW1_CH) {
        int n = out_c - c0 < DW1_CH ? out_c - c0 : DW1_CH;
        x86_dw1_weights(g, d, w, c0, n, wv);
        x86_rq_init(&rq, q, bias, c0, n);
        for (int b = 0; b < g->batch; b++) {
            const int8_t *img = in + (size_t)b * g->in_h * g->in_w;
            if (whole)
                for (int r = 0; r < rows; r++)
                    x86_band_row(g, img, r - g->pad_top, bw, q->in_offset, band + (size_t)r * bw);
            for (int oy = 0; oy < g->out_h; oy++) {
                int8_t *o = out + ((size_t)b * g->out_h + oy) * g->out_w * out_c + c0;
                if (whole) {
                    DW1X_FN(dw1x_row)
                    (g, d, wv, &rq, band + (size_t)oy * g->stride_h * bw, g->dil_h * bw, o, out_c,
                     n);
                    continue;
                }
                int y0 = oy * g->stride_h - g->pad_top;
                for (int ky = 0; ky < g->k_h; ky++)
                    x86_band_row(g, img, y0 + g->dil_h * ky, bw, q->in_offset, band + ky * bw);
                DW1X_FN(dw1x_row)(g, d, wv, &rq, band, bw, o, out_c, n);
            }
        }
    }
}

#undef DW1X_FN
#undef DW1X_CAT
#undef DW1X_CAT2
