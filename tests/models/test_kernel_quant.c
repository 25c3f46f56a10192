/* test_kernel_quant.c: the fixed-point helpers and kernels against
 * hand-computed cases (gemmlowp/TFLite rounding corners: ties, saturation,
 * negative shifts) and against float references (within one quantisation
 * step): depthwise/regular conv with SAME padding and dilation, FC with
 * offsets, softmax extremes, ADD/MUL, activation ranges, output sizes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/models.h"
#include "test.h"

static uint32_t rng = 99;
static int8_t r8(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (int8_t)(rng >> 24);
}

static void test_helpers(void)
{
    /* SaturatingRoundingDoublingHighMul: the one overflowing product. */
    CHECK_INT(mdl_srdhm(INT32_MIN, INT32_MIN), INT32_MAX);
    CHECK_INT(mdl_srdhm(1 << 30, 1 << 30), 1 << 29);   /* 0.5 * 0.5 */
    CHECK_INT(mdl_srdhm(1 << 15, 1 << 15), 1);         /* +0.5 -> 1 */
    CHECK_INT(mdl_srdhm(-(1 << 15), 1 << 15), 0);      /* -0.5 -> 0 (nudge, truncation) */
    CHECK_INT(mdl_srdhm(-(1 << 15) - 1, 1 << 15), -1); /* just below -0.5 */
    CHECK_INT(mdl_srdhm(INT32_MAX, INT32_MAX), INT32_MAX - 1);
    CHECK_INT(mdl_srdhm(INT32_MIN, INT32_MAX), -INT32_MAX);
    /* RoundingDivideByPOT: ties away from zero. */
    CHECK_INT(mdl_rdbpot(5, 1), 3);
    CHECK_INT(mdl_rdbpot(-5, 1), -3);
    CHECK_INT(mdl_rdbpot(3, 1), 2);
    CHECK_INT(mdl_rdbpot(-3, 1), -2);
    CHECK_INT(mdl_rdbpot(-1, 1), -1);
    CHECK_INT(mdl_rdbpot(1, 1), 1);
    CHECK_INT(mdl_rdbpot(-6, 2), -2); /* -1.5 -> -2 */
    CHECK_INT(mdl_rdbpot(-5, 2), -1); /* -1.25 -> -1 */
    CHECK_INT(mdl_rdbpot(7, 0), 7);
    CHECK_INT(mdl_rdbpot(INT32_MIN, 31), -1);
    /* QuantizeMultiplier. */
    int32_t m;
    int sh;
    mdl_quantize_multiplier(0.5, &m, &sh);
    CHECK(m == (1 << 30) && sh == 0);
    mdl_quantize_multiplier(1.0, &m, &sh);
    CHECK(m == (1 << 30) && sh == 1);
    mdl_quantize_multiplier(0.75, &m, &sh);
    CHECK(m == 1610612736 && sh == 0);
    mdl_quantize_multiplier(0.04, &m, &sh);
    CHECK(m == 1374389535 && sh == -4);              /* round(0.64 * 2^31) */
    mdl_quantize_multiplier(0.99999999999, &m, &sh); /* rounds up to 2^31: halved */
    CHECK(m == (1 << 30) && sh == 1);
    mdl_quantize_multiplier(0.0, &m, &sh);
    CHECK(m == 0 && sh == 0);
    mdl_quantize_multiplier(1e-20, &m, &sh); /* shift below -31 */
    CHECK(m == 0 && sh == 0);
    mdl_quantize_multiplier(1e12, &m, &sh); /* shift above 30 saturates */
    CHECK(m == INT32_MAX && sh == 30);
    /* MultiplyByQuantizedMultiplier: positive and negative shifts, rounding. */
    CHECK_INT(mdl_mbqm(3, 1 << 30, 2), 6);
    CHECK_INT(mdl_mbqm(2, 1 << 30, -1), 1);   /* 0.5 -> 1 */
    CHECK_INT(mdl_mbqm(-2, 1 << 30, -1), -1); /* -0.5 -> -1 (double rounding) */
    CHECK_INT(mdl_mbqm(6, 1 << 30, -1), 2);   /* 1.5 -> 2 */
    mdl_quantize_multiplier(0.04, &m, &sh);
    /* TFLite's default is double rounding (high mul, then shift), so the
     * result is within 1/2 + 2^-5 of x * 0.04 rather than exactly rounded.
     * x = 12: 12 * 0.64 = 7.68 -> 8, then 8 / 16 = 0.5 -> 1 (0.48 exactly). */
    CHECK_INT(mdl_mbqm(12, m, sh), 1);
    int off = 0;
    for (int32_t x = -100000; x <= 100000; x += 7)
        off += fabs(mdl_mbqm(x, m, sh) - x * 0.04) > 0.5 + 1.0 / 32;
    CHECK_INT(off, 0);
    /* SaturatingRoundingMultiplyByPOT. */
    CHECK_INT(mdl_sat_mul_pot(1 << 29, 2), INT32_MAX);
    CHECK_INT(mdl_sat_mul_pot(-(1 << 29), 2), INT32_MIN);
    CHECK_INT(mdl_sat_mul_pot(3, 2), 12);
    CHECK_INT(mdl_sat_mul_pot(6, -2), 2);
    /* Activation ranges. */
    int32_t lo, hi;
    mdl_act_range_i8(MDL_ACT_RELU, 0.1f, -10, &lo, &hi);
    CHECK(lo == -10 && hi == 127);
    mdl_act_range_i8(MDL_ACT_RELU6, 0.1f, -10, &lo, &hi);
    CHECK(lo == -10 && hi == 50);
    mdl_act_range_i8(MDL_ACT_RELU_N1_TO_1, 0.1f, 0, &lo, &hi);
    CHECK(lo == -10 && hi == 10);
    mdl_act_range_i8(MDL_ACT_NONE, 0.1f, 0, &lo, &hi);
    CHECK(lo == -128 && hi == 127);
    /* Output sizes and SAME padding (TinyConv: 49x40, 10x8, stride 2). */
    int o, p;
    mdl_conv_out_size(MDL_PAD_SAME, 49, 10, 2, 1, &o, &p);
    CHECK(o == 25 && p == 4);
    mdl_conv_out_size(MDL_PAD_SAME, 40, 8, 2, 1, &o, &p);
    CHECK(o == 20 && p == 3);
    mdl_conv_out_size(MDL_PAD_VALID, 10, 3, 1, 2, &o, &p); /* dilated: effective 5 */
    CHECK(o == 6 && p == 0);
}

static void test_dwconv_hand(void)
{
    /* 3x3 ones input, 3x3 ones filter, SAME, scale 1: corners 4, edges 6, centre 9. */
    int8_t in[9], w[9], out[9];
    memset(in, 1, sizeof in);
    memset(w, 1, sizeof w);
    struct mdl_conv_geom g = { 1, 3, 3, 1, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1 };
    int32_t mult;
    int sh;
    mdl_quantize_multiplier(1.0, &mult, &sh);
    struct mdl_rq q = { 0, 0, 0, -128, 127, false, &mult, &sh };
    mdl_dwconv_i8(&g, &q, in, w, NULL, out);
    static const int8_t want[9] = { 4, 6, 4, 6, 9, 6, 4, 6, 4 };
    for (int i = 0; i < 9; i++) CHECK_INT(out[i], want[i]);
    /* Input offset 1 (zero point -1) doubles every tap; bias 1; output zp 3. */
    int32_t bias = 1;
    q.in_offset = 1;
    q.out_offset = 3;
    mdl_dwconv_i8(&g, &q, in, w, &bias, out);
    for (int i = 0; i < 9; i++) CHECK_INT(out[i], 2 * want[i] + 1 + 3);
    /* Conv with the same data must agree (one input, one output channel). */
    int8_t out2[9];
    mdl_conv_i8(&g, 1, &q, in, w, &bias, out2);
    CHECK(memcmp(out, out2, 9) == 0);
    /* Saturation at the activation range. */
    q.act_max = 10;
    mdl_dwconv_i8(&g, &q, in, w, &bias, out);
    CHECK_INT(out[4], 10);
}

/* Random int8 conv vs float on the dequantised values: within one step. */
static void test_conv_float_ref(bool depthwise, int dil)
{
    enum { H = 7, W = 6, C = 2, K = 3, DM = 3, OC = 4 };
    int8_t in[H * W * C], w[K * K * 8 * C], out[H * W * 8];
    int32_t bias[8];
    float sin = 0.05f, sw[8], sout = 0.08f;
    int32_t zin = -7, zout = 4;
    int oc = depthwise ? C * DM : OC;
    for (size_t i = 0; i < sizeof in; i++) in[i] = r8();
    for (size_t i = 0; i < sizeof w; i++) w[i] = r8();
    for (int c = 0; c < oc; c++) {
        sw[c] = 0.002f * (float)(c + 1);
        bias[c] = 37 * (c - 2);
    }
    struct mdl_conv_geom g = { 1, H, W, C, 0, 0, K, K, 2, 1, dil, dil, 0, 0, DM };
    mdl_conv_out_size(MDL_PAD_SAME, H, K, 2, dil, &g.out_h, &g.pad_top);
    mdl_conv_out_size(MDL_PAD_SAME, W, K, 1, dil, &g.out_w, &g.pad_left);
    int32_t mult[8];
    int sh[8];
    for (int c = 0; c < oc; c++)
        mdl_quantize_multiplier((double)sin * sw[c] / sout, &mult[c], &sh[c]);
    struct mdl_rq q = { -zin, 0, zout, -128, 127, true, mult, sh };
    if (depthwise)
        mdl_dwconv_i8(&g, &q, in, w, bias, out);
    else
        mdl_conv_i8(&g, OC, &q, in, w, bias, out);
    int bad = 0;
    for (int oy = 0; oy < g.out_h; oy++)
        for (int ox = 0; ox < g.out_w; ox++)
            for (int c = 0; c < oc; c++) {
                double acc = bias[c] * (double)sin * sw[c];
                for (int ky = 0; ky < K; ky++)
                    for (int kx = 0; kx < K; kx++) {
                        int iy = oy * 2 - g.pad_top + dil * ky, ix = ox - g.pad_left + dil * kx;
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                        for (int ic = 0; ic < C; ic++) {
                            if (depthwise && ic != c / DM) continue;
                            int wi = depthwise ? (ky * K + kx) * oc + c
                                               : ((c * K + ky) * K + kx) * C + ic;
                            acc += (in[(iy * W + ix) * C + ic] - zin) * (double)sin * w[wi] *
                                (double)sw[c];
                        }
                    }
                double want = fmin(127, fmax(-128, zout + acc / sout));
                if (fabs(out[(oy * g.out_w + ox) * oc + c] - want) > 0.5 + 1e-6) bad++;
            }
    CHECK_INT(bad, 0);
}

static void test_fc(void)
{
    /* Hand case: in [2, 3] zp 1 -> (1, 2); w [[1, -1], [2, 2]] zp 0; bias (0, 1);
     * scales 1, out zp 0: (1 - 2 + 0, 2 + 4 + 1) = (-1, 7). */
    int8_t in[2] = { 2, 3 }, w[4] = { 1, -1, 2, 2 }, out[2];
    int32_t bias[2] = { 0, 1 }, mult;
    int sh;
    mdl_quantize_multiplier(1.0, &mult, &sh);
    struct mdl_rq q = { -1, 0, 0, -128, 127, false, &mult, &sh };
    mdl_fc_i8(1, 2, 2, &q, in, w, bias, out);
    CHECK_INT(out[0], -1);
    CHECK_INT(out[1], 7);
    /* A weight zero point (offset) is applied too: w_offset -1 -> w - 1. */
    q.w_offset = -1;
    mdl_fc_i8(1, 2, 2, &q, in, w, bias, out);
    CHECK_INT(out[0], (0 * 1 + -2 * 2) + 0);
    CHECK_INT(out[1], (1 * 1 + 1 * 2) + 1);
    /* Float FC. */
    float fi[2] = { 1.0f, 2.0f }, fw[4] = { 1, -1, 2, 2 }, fb[2] = { 0.5f, 0 }, fo[2];
    mdl_fc_f32(1, 2, 2, 0.0f, INFINITY, fi, fw, fb, fo);
    CHECK_NEAR(fo[0], 0.0, 1e-6); /* -0.5 clamped by ReLU */
    CHECK_NEAR(fo[1], 6.0, 1e-6);
}

static void test_softmax(void)
{
    struct mdl_softmax_q q;
    int8_t in[4], out[4];
    /* Equal inputs: 1/4 each = 64/256 -> -64. */
    mdl_softmax_i8_prepare(0.1f, 1.0f, &q);
    memset(in, 17, sizeof in);
    mdl_softmax_i8(&q, 1, 4, in, out);
    for (int i = 0; i < 4; i++) CHECK_INT(out[i], -64);
    /* One dominant input far beyond diff_min: 127 and -128 elsewhere. */
    int8_t big[4] = { 127, -128, -128, -128 };
    mdl_softmax_i8(&q, 1, 4, big, out);
    CHECK_INT(out[0], 127);
    CHECK(out[1] == -128 && out[2] == -128 && out[3] == -128);
    /* Random rows against float softmax: within one step of 1/256. */
    float scales[3] = { 0.01f, 0.0917319f, 0.5f };
    int bad = 0;
    for (int s = 0; s < 3; s++) {
        mdl_softmax_i8_prepare(scales[s], 1.0f, &q);
        for (int t = 0; t < 200; t++) {
            int8_t x[10], y[10];
            for (int i = 0; i < 10; i++) x[i] = r8();
            mdl_softmax_i8(&q, 1, 10, x, y);
            double mx = -1e9, sum = 0;
            for (int i = 0; i < 10; i++) mx = fmax(mx, x[i]);
            for (int i = 0; i < 10; i++) sum += exp((x[i] - mx) * scales[s]);
            for (int i = 0; i < 10; i++) {
                double want = fmin(127, exp((x[i] - mx) * scales[s]) / sum * 256 - 128);
                if (fabs(y[i] - want) > 1.0) bad++;
            }
        }
    }
    CHECK_INT(bad, 0);
}

static void test_add_mul(void)
{
    /* ADD: a (0.1, zp 0) + b (0.2, zp 5) -> out (0.25, zp -3), within one step. */
    struct mdl_misc x;
    memset(&x, 0, sizeof x);
    mdl_add_prepare_i8(&x, 0.1f, 0, 0.2f, 5, 0.25f, -3, MDL_ACT_NONE);
    CHECK_INT(x.left_shift, 20);
    int bad = 0;
    for (int t = 0; t < 2000; t++) {
        int8_t a = r8(), b = r8(), o, om;
        mdl_add_i8(&x, 1, &a, &b, 1, &o);
        double want = fmin(127, fmax(-128, -3 + (0.1 * a + 0.2 * (b - 5)) / 0.25));
        bad += fabs(o - want) > 0.5 + 1e-3; /* ADD: 2^20 headroom, exact here */
        struct mdl_misc y;
        memset(&y, 0, sizeof y);
        mdl_mul_prepare_i8(&y, 0.1f, 0, 0.2f, 5, 0.25f, -3, MDL_ACT_NONE);
        mdl_mul_i8(&y, 1, &a, &b, 1, &om);
        want = fmin(127, fmax(-128, -3 + (0.1 * a) * (0.2 * (b - 5)) / 0.25));
        /* MUL: double rounding (shift 3 for 0.08) may add 1/16:
         * -56 * 3 * 0.64 = -107.52 -> -108, / 8 = -13.5 -> -14 (exact -13.44). */
        bad += fabs(om - want) > 0.5 + 1.0 / 16 + 1e-3;
    }
    CHECK_INT(bad, 0);
}

int main(void)
{
    test_helpers();
    test_dwconv_hand();
    test_conv_float_ref(true, 1);
    test_conv_float_ref(true, 2);
    test_conv_float_ref(false, 1);
    test_conv_float_ref(false, 2);
    test_fc();
    test_softmax();
    test_add_mul();
    return test_done();
}
