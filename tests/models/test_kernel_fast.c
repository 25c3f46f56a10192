/* test_kernel_fast.c: pins the optimised int8 kernels (kernels_conv.c:
 * depthwise fast paths, regular conv, FULLY_CONNECTED) bit for bit against
 * the plain TFLM reference loops written out here (every tap bounds-checked,
 * one accumulator per output, requantised with mdl_mbqm), on random shapes,
 * strides, dilations, paddings (SAME, VALID and arbitrary top/left pads),
 * batches, offsets, per-tensor and per-channel multipliers with positive and
 * negative shifts, activation ranges and with/without bias. Inputs are drawn
 * either uniformly or from the extremes (-128/127 against offset 128 and
 * weight -128), where an int16 product is tightest. Deterministic seed;
 * KWS_FAST_SEED overrides it, KWS_FAST_CASES the case count. The cases run
 * once per kernel path the machine supports (mdl_simd_set): the portable C
 * and each target-specific level. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/models.h"
#include "test.h"

static uint32_t rng = 12345;
static uint32_t rnext(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}
static int rint_in(int lo, int hi)
{
    return lo + (int)(rnext() % (uint32_t)(hi - lo + 1));
}

static bool extremes;
static int8_t r8(void)
{
    if (extremes) return (rnext() & 1) ? 127 : -128;
    return (int8_t)(rnext() >> 24);
}

static int8_t ref_requant(int32_t acc, const struct mdl_rq *q, int oc)
{
    int i = q->per_channel ? oc : 0;
    int32_t v = mdl_mbqm(acc, q->mult[i], q->shift[i]) + q->out_offset;
    v = v < q->act_min ? q->act_min : v;
    v = v > q->act_max ? q->act_max : v;
    return (int8_t)v;
}

/* TFLM reference_integer_ops::DepthwiseConvPerChannel. */
static void ref_dwconv(const struct mdl_conv_geom *g, const struct mdl_rq *q, const int8_t *in,
                       const int8_t *w, const int32_t *bias, int8_t *out)
{
    int out_c = g->in_c * g->depth_mul;
    for (int b = 0; b < g->batch; b++)
        for (int oy = 0; oy < g->out_h; oy++)
            for (int ox = 0; ox < g->out_w; ox++)
                for (int ic = 0; ic < g->in_c; ic++)
                    for (int m = 0; m < g->depth_mul; m++) {
                        int oc = m + ic * g->depth_mul;
                        int32_t acc = 0;
                        for (int ky = 0; ky < g->k_h; ky++)
                            for (int kx = 0; kx < g->k_w; kx++) {
                                int iy = oy * g->stride_h - g->pad_top + g->dil_h * ky;
                                int ix = ox * g->stride_w - g->pad_left + g->dil_w * kx;
                                if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) continue;
                                int32_t x =
                                    in[(((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic];
                                int32_t f = w[((size_t)ky * g->k_w + kx) * out_c + oc];
                                acc += f * (x + q->in_offset);
                            }
                        if (bias) acc += bias[oc];
                        out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * out_c + oc] =
                            ref_requant(acc, q, oc);
                    }
}

/* TFLM reference_integer_ops::ConvPerChannel. */
static void ref_conv(const struct mdl_conv_geom *g, int out_c, const struct mdl_rq *q,
                     const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out)
{
    for (int b = 0; b < g->batch; b++)
        for (int oy = 0; oy < g->out_h; oy++)
            for (int ox = 0; ox < g->out_w; ox++)
                for (int oc = 0; oc < out_c; oc++) {
                    int32_t acc = 0;
                    for (int ky = 0; ky < g->k_h; ky++)
                        for (int kx = 0; kx < g->k_w; kx++) {
                            int iy = oy * g->stride_h - g->pad_top + g->dil_h * ky;
                            int ix = ox * g->stride_w - g->pad_left + g->dil_w * kx;
                            if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) continue;
                            for (int ic = 0; ic < g->in_c; ic++) {
                                int32_t x =
                                    in[(((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic];
                                int32_t f =
                                    w[(((size_t)oc * g->k_h + ky) * g->k_w + kx) * g->in_c + ic];
                                acc += f * (x + q->in_offset);
                            }
                        }
                    if (bias) acc += bias[oc];
                    out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * out_c + oc] =
                        ref_requant(acc, q, oc);
                }
}

/* TFLM reference_integer_ops::FullyConnected (with a weight offset, as the
 * per-tensor TFLite kernel has). */
static void ref_fc(int rows, int in_n, int out_n, const struct mdl_rq *q, const int8_t *in,
                   const int8_t *w, const int32_t *bias, int8_t *out)
{
    for (int r = 0; r < rows; r++)
        for (int o = 0; o < out_n; o++) {
            int32_t acc = 0;
            for (int i = 0; i < in_n; i++)
                acc += (w[(size_t)o * in_n + i] + q->w_offset) *
                    (in[(size_t)r * in_n + i] + q->in_offset);
            if (bias) acc += bias[o];
            out[(size_t)r * out_n + o] = ref_requant(acc, q, o);
        }
}

enum { MAX_CH = 40 };

struct rq_store {
    int32_t mult[MAX_CH];
    int shift[MAX_CH];
};

/* Multipliers as mdl_quantize_multiplier makes them (Q31 in [2^30, 2^31)),
 * shifts mostly negative (scales below one) with some positive ones. The
 * bias and output scale are picked so outputs spread over the int8 range
 * instead of all clamping. */
static void random_rq(struct mdl_rq *q, struct rq_store *s, int n_ch, int taps, bool with_w_offset)
{
    q->per_channel = n_ch > 1 && (rnext() % 4) != 0;
    int n = q->per_channel ? n_ch : 1;
    /* An accumulator's spread is about 8000 * sqrt(taps) for uniform data:
     * scale it to about 50 so outputs use the int8 range (2^-7.3 ~ 50/8000). */
    int base = -6;
    for (int t = 1; t < taps; t *= 4) base--;
    for (int c = 0; c < n; c++) {
        s->mult[c] = (int32_t)((1u << 30) + (rnext() % (1u << 30)));
        s->shift[c] = base + rint_in(-2, 2);
        if (rnext() % 16 == 0) s->shift[c] = rint_in(0, 3); /* scale above one */
        if (s->shift[c] < -31) s->shift[c] = -31;
    }
    q->mult = s->mult;
    q->shift = s->shift;
    q->in_offset = rint_in(-127, 128);
    if (rnext() % 4 == 0) q->in_offset = (rnext() & 1) ? 128 : -127;
    q->w_offset = with_w_offset && (rnext() & 1) ? rint_in(-127, 128) : 0;
    q->out_offset = rint_in(-128, 127);
    q->act_min = -128;
    q->act_max = 127;
    if (rnext() % 3 == 0) {
        q->act_min = rint_in(-128, 0);
        q->act_max = rint_in(q->act_min, 127);
    }
}

static int cases_failed;

static void compare(const char *what, int k, const int8_t *got, const int8_t *want, size_t n,
                    const struct mdl_conv_geom *g)
{
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i]) {
            fprintf(stderr, "%s case %d: output %zu: got %d, want %d", what, k, i, got[i], want[i]);
            if (g)
                fprintf(stderr,
                        " (b%d in %dx%dx%d out %dx%d k %dx%d s %d,%d d %d,%d pad %d,%d dm %d)",
                        g->batch, g->in_h, g->in_w, g->in_c, g->out_h, g->out_w, g->k_h, g->k_w,
                        g->stride_h, g->stride_w, g->dil_h, g->dil_w, g->pad_top, g->pad_left,
                        g->depth_mul);
            fprintf(stderr, "\n");
            cases_failed++;
            test_failures++;
            return;
        }
}

/* A random geometry; padding SAME, VALID or any top/left pad (including
 * ones larger than the kernel, so whole rows or columns fall outside). */
static bool random_geom(struct mdl_conv_geom *g, int in_c, int depth_mul, int max_hw, int max_k)
{
    memset(g, 0, sizeof *g);
    g->batch = rint_in(1, 2);
    g->in_h = rint_in(1, max_hw);
    g->in_w = rint_in(1, max_hw);
    g->in_c = in_c;
    g->depth_mul = depth_mul;
    g->k_h = rint_in(1, max_k);
    g->k_w = rint_in(1, max_k);
    g->stride_h = rint_in(1, 3);
    g->stride_w = rint_in(1, 3);
    g->dil_h = rnext() % 4 == 0 ? 2 : 1;
    g->dil_w = rnext() % 4 == 0 ? 2 : 1;
    int mode = (int)(rnext() % 3);
    if (mode < 2) {
        enum mdl_padding p = mode == 0 ? MDL_PAD_SAME : MDL_PAD_VALID;
        mdl_conv_out_size(p, g->in_h, g->k_h, g->stride_h, g->dil_h, &g->out_h, &g->pad_top);
        mdl_conv_out_size(p, g->in_w, g->k_w, g->stride_w, g->dil_w, &g->out_w, &g->pad_left);
    } else {
        g->pad_top = rint_in(0, g->k_h + 1);
        g->pad_left = rint_in(0, g->k_w + 1);
        g->out_h = rint_in(1, (g->in_h + 2 * g->pad_top) / g->stride_h + 1);
        g->out_w = rint_in(1, (g->in_w + 2 * g->pad_left) / g->stride_w + 1);
    }
    return g->out_h > 0 && g->out_w > 0;
}

static void fill(int8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) p[i] = r8();
}

static void fill_bias(int32_t *b, int n)
{
    for (int i = 0; i < n; i++)
        b[i] = extremes ? ((rnext() & 1) ? 1 << 20 : -(1 << 20)) : rint_in(-40000, 40000);
    /* now and then a bias far out, so requantisation sees accumulators
     * near the int32 limits (with left shifts: wrapped products) */
    if (rnext() % 8 == 0)
        for (int i = 0; i < n; i++) b[i] = (int32_t)((int64_t)(rnext() % 3600000000u) - 1800000000);
}

static void dw_case(int k, int in_c, int depth_mul, int max_hw, int max_k)
{
    struct mdl_conv_geom g;
    if (!random_geom(&g, in_c, depth_mul, max_hw, max_k)) return;
    int out_c = in_c * depth_mul;
    size_t n_in = (size_t)g.batch * g.in_h * g.in_w * in_c;
    size_t n_w = (size_t)g.k_h * g.k_w * out_c;
    size_t n_out = (size_t)g.batch * g.out_h * g.out_w * out_c;
    int8_t *in = malloc(n_in), *w = malloc(n_w), *got = malloc(n_out), *want = malloc(n_out);
    int32_t bias[MAX_CH];
    struct mdl_rq q;
    struct rq_store s;
    fill(in, n_in);
    fill(w, n_w);
    fill_bias(bias, out_c);
    random_rq(&q, &s, out_c, g.k_h * g.k_w, false);
    const int32_t *bp = rnext() % 4 ? bias : NULL;
    memset(got, 0x55, n_out);
    ref_dwconv(&g, &q, in, w, bp, want);
    mdl_dwconv_i8(&g, &q, in, w, bp, got);
    compare("dwconv", k, got, want, n_out, &g);
    free(in);
    free(w);
    free(got);
    free(want);
}

static void conv_case(int k)
{
    struct mdl_conv_geom g;
    if (!random_geom(&g, rint_in(1, 5), 1, 12, 5)) return;
    int out_c = rint_in(1, 9);
    size_t n_in = (size_t)g.batch * g.in_h * g.in_w * g.in_c;
    size_t n_w = (size_t)out_c * g.k_h * g.k_w * g.in_c;
    size_t n_out = (size_t)g.batch * g.out_h * g.out_w * out_c;
    int8_t *in = malloc(n_in), *w = malloc(n_w), *got = malloc(n_out), *want = malloc(n_out);
    int32_t bias[MAX_CH];
    struct mdl_rq q;
    struct rq_store s;
    fill(in, n_in);
    fill(w, n_w);
    fill_bias(bias, out_c);
    random_rq(&q, &s, out_c, g.k_h * g.k_w * g.in_c, false);
    const int32_t *bp = rnext() % 4 ? bias : NULL;
    memset(got, 0x55, n_out);
    ref_conv(&g, out_c, &q, in, w, bp, want);
    mdl_conv_i8(&g, out_c, &q, in, w, bp, got);
    compare("conv", k, got, want, n_out, &g);
    free(in);
    free(w);
    free(got);
    free(want);
}

static void fc_case(int k)
{
    int rows = rint_in(1, 3), in_n = rint_in(1, 4100), out_n = rint_in(1, 12);
    if (rnext() % 4 == 0) in_n = 4000; /* TinyConv's */
    size_t n_in = (size_t)rows * in_n, n_w = (size_t)out_n * in_n, n_out = (size_t)rows * out_n;
    int8_t *in = malloc(n_in), *w = malloc(n_w), *got = malloc(n_out), *want = malloc(n_out);
    int32_t bias[MAX_CH];
    struct mdl_rq q;
    struct rq_store s;
    fill(in, n_in);
    fill(w, n_w);
    fill_bias(bias, out_n);
    random_rq(&q, &s, out_n, in_n, true);
    const int32_t *bp = rnext() % 4 ? bias : NULL;
    memset(got, 0x55, n_out);
    ref_fc(rows, in_n, out_n, &q, in, w, bp, want);
    mdl_fc_i8(rows, in_n, out_n, &q, in, w, bp, got);
    compare("fc", k, got, want, n_out, NULL);
    free(in);
    free(w);
    free(got);
    free(want);
}

/* TinyConv's own geometry (49x40x1, 10x8 kernel, stride 2, SAME, 8
 * channels), the shape the fast path is tuned for, with random data. */
/* tall: 20 s of frames instead of 1 s, more rows than a fast path stages
 * at once (it then stages k_h rows per output row). */
static void tinyconv_case(int k, bool tall)
{
    int in_h = tall ? 49 * 20 : 49;
    struct mdl_conv_geom g = { 1, in_h, 40, 1, 0, 0, 10, 8, 2, 2, 1, 1, 0, 0, 8 };
    mdl_conv_out_size(MDL_PAD_SAME, in_h, 10, 2, 1, &g.out_h, &g.pad_top);
    mdl_conv_out_size(MDL_PAD_SAME, 40, 8, 2, 1, &g.out_w, &g.pad_left);
    static int8_t in[49 * 20 * 40], w[10 * 8 * 8], got[25 * 20 * 20 * 8], want[25 * 20 * 20 * 8];
    size_t n_in = (size_t)in_h * 40, n_out = (size_t)g.out_h * g.out_w * 8;
    int32_t bias[8];
    struct mdl_rq q;
    struct rq_store s;
    fill(in, n_in);
    fill(w, sizeof w);
    fill_bias(bias, 8);
    random_rq(&q, &s, 8, 80, false);
    ref_dwconv(&g, &q, in, w, bias, want);
    mdl_dwconv_i8(&g, &q, in, w, bias, got);
    compare("tinyconv dwconv", k, got, want, n_out, &g);
}

static void run_cases(int n)
{
    for (int k = 0; k < n; k++) {
        extremes = k % 5 == 4;
        /* One input channel (the TinyConv fast path): any depth multiplier,
         * including partial 8-channel blocks and kernels past its staging
         * limit. */
        dw_case(k, 1, rint_in(1, 20), 24, 12);
        if (k % 8 == 0) dw_case(k, 1, rint_in(1, 10), 40, 20);
        /* Several input channels (the generic block path). */
        dw_case(k, rint_in(2, 5), rint_in(1, 8), 12, 5);
        conv_case(k);
        if (k % 2 == 0) fc_case(k);
        if (k % 20 == 0) tinyconv_case(k, false);
        if (k % 100 == 50) tinyconv_case(k, true);
    }
}

/* Every kernel path this machine runs (portable C, then each
 * target-specific level up to the CPU's best; only the portable one under
 * KWSCOPE_NO_SIMD), each on the same cases. */
int main(void)
{
    const char *seed = getenv("KWS_FAST_SEED"), *ncases = getenv("KWS_FAST_CASES");
    uint32_t seed0 = seed ? (uint32_t)strtoul(seed, NULL, 0) | 1u : rng;
    int n = ncases ? atoi(ncases) : 400;
    enum mdl_simd best = mdl_simd_supported();
    for (int lv = MDL_SIMD_PORTABLE; lv <= (int)best; lv++) {
        CHECK(mdl_simd_set((enum mdl_simd)lv) == (enum mdl_simd)lv);
        CHECK(mdl_simd_level() == (enum mdl_simd)lv);
        printf("kernel path %s: %d cases\n", mdl_simd_name((enum mdl_simd)lv), n);
        rng = seed0;
        int before = cases_failed;
        run_cases(n);
        if (cases_failed > before)
            fprintf(stderr, "path %s: %d case(s) differ\n", mdl_simd_name((enum mdl_simd)lv),
                    cases_failed - before);
    }
    if (cases_failed) fprintf(stderr, "%d case(s) differ from the reference loops\n", cases_failed);
    return test_done();
}
