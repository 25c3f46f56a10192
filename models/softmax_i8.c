/* softmax_i8.c: TFLite's int8 softmax in fixed point (reference_ops::Softmax
 * for int8): differences from the row maximum are rescaled to Q5.26, exp() is
 * gemmlowp's exp_on_negative_values (Taylor series around -1/8 on
 * [-1/4, 0) plus a barrel shifter of exp(-2^k) constants), the sum is kept
 * with 12 integer bits and inverted by Newton-Raphson
 * (one_over_one_plus_x_for_x_in_0_1). Output scale is 1/256, zero point -128,
 * as TFLite requires for int8 softmax. Constants are gemmlowp's. */
#include <math.h>

#include "models.h"

/* Fixed-point adds wrap in gemmlowp (plain int32 ops); wrap explicitly. */
static int32_t add_w(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}
static int32_t sub_w(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* exp(x) for x in [-1/4, 0), Q0.31 in and out. */
static int32_t exp_quarter(int32_t a)
{
    const int32_t c_exp_m1_8 = 1895147668; /* exp(-1/8) in Q0.31 */
    const int32_t c_1_3 = 715827883;       /* 1/3 */
    int32_t x = add_w(a, 1 << 28);         /* a + 1/8 */
    int32_t x2 = mdl_srdhm(x, x);
    int32_t x3 = mdl_srdhm(x2, x);
    int32_t x4 = mdl_srdhm(x2, x2);
    int32_t x4_4 = mdl_sat_mul_pot(x4, -2);
    int32_t poly = mdl_sat_mul_pot(add_w(mdl_srdhm(add_w(x4_4, x3), c_1_3), x2), -1);
    return add_w(c_exp_m1_8, mdl_srdhm(c_exp_m1_8, add_w(x, poly)));
}

/* exp(a) for a <= 0 given in Q5.26; result Q0.31. */
static int32_t exp_neg_q5_26(int32_t a)
{
    const int32_t quarter = 1 << 24;
    int32_t a_mod = sub_w(a & (quarter - 1), quarter);
    int32_t result = exp_quarter(mdl_sat_mul_pot(a_mod, 5));
    int32_t rem = sub_w(a_mod, a);
    /* exp(-2^k) for k = -2..4 in Q0.31 (gemmlowp's checked constants). */
    static const int32_t mul[7] = { 1672461947, 1302514674, 790015084, 290630308,
                                    39332535,   720401,     242 };
    for (int k = 0; k < 7; k++)
        if (rem & (1 << (24 + k))) result = mdl_srdhm(result, mul[k]);
    if (a == 0) result = INT32_MAX;
    return result;
}

/* 1 / (1 + x) for x in [0, 1) (Q0.31 in), result Q0.31 (value in (1/2, 1]). */
static int32_t one_over_one_plus_x(int32_t a)
{
    /* RoundingHalfSum(a, One) with One = INT32_MAX for 0 integer bits. */
    int64_t sum = (int64_t)a + INT32_MAX;
    int32_t half_den = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    const int32_t c48_17 = 1515870810, cm32_17 = -1010580540; /* Q2.29 */
    int32_t x = add_w(c48_17, mdl_srdhm(half_den, cm32_17));
    for (int i = 0; i < 3; i++) {
        int32_t hdx = mdl_srdhm(half_den, x);
        int32_t one_minus = sub_w(1 << 29, hdx);
        x = add_w(x, mdl_sat_mul_pot(mdl_srdhm(x, one_minus), 2));
    }
    return mdl_sat_mul_pot(x, 1);
}

void mdl_softmax_i8_prepare(float input_scale, float beta, struct mdl_softmax_q *q)
{
    /* PreprocessSoftmaxScaling with 5 integer bits for the scaled difference. */
    double real = (double)beta * (double)input_scale * (double)(1 << (31 - 5));
    if (real > (double)((1LL << 31) - 1)) real = (double)((1LL << 31) - 1);
    mdl_quantize_multiplier(real, &q->mult, &q->left_shift);
    if (q->left_shift < 0) q->left_shift = 0;
    /* CalculateInputRadius(5, left_shift, 31). */
    double radius =
        (double)((1 << 5) - 1) * (double)(1LL << (31 - 5)) / (double)(1LL << q->left_shift);
    q->diff_min = -(int32_t)floor(radius);
}

void mdl_softmax_i8(const struct mdl_softmax_q *q, int rows, int depth, const int8_t *in,
                    int8_t *out)
{
    for (int r = 0; r < rows; r++) {
        const int8_t *x = in + (size_t)r * depth;
        int8_t *y = out + (size_t)r * depth;
        int32_t mx = -128;
        for (int c = 0; c < depth; c++)
            if (x[c] > mx) mx = x[c];
        int32_t sum = 0; /* Q12.19 */
        for (int c = 0; c < depth; c++) {
            int32_t d = x[c] - mx;
            if (d >= q->diff_min) {
                int32_t s = mdl_srdhm((int32_t)((uint32_t)d << q->left_shift), q->mult);
                sum = add_w(sum, mdl_rdbpot(exp_neg_q5_26(s), 12));
            }
        }
        /* GetReciprocal(sum, 12 integer bits). */
        int headroom = 0;
        for (uint32_t u = (uint32_t)sum; headroom < 32 && !(u & 0x80000000u); u <<= 1) headroom++;
        int bits_over_unit = 12 - headroom;
        int32_t shifted = (int32_t)(((uint32_t)sum << headroom) - (1u << 31));
        int32_t scale = one_over_one_plus_x(shifted);
        for (int c = 0; c < depth; c++) {
            int32_t d = x[c] - mx;
            int32_t v = -128;
            if (d >= q->diff_min) {
                int32_t s = mdl_srdhm((int32_t)((uint32_t)d << q->left_shift), q->mult);
                int32_t e = exp_neg_q5_26(s);
                v = mdl_rdbpot(mdl_srdhm(scale, e), bits_over_unit + 31 - 8) - 128;
                if (v > 127) v = 127;
                if (v < -128) v = -128;
            }
            y[c] = (int8_t)v;
        }
    }
}

void mdl_softmax_f32(float beta, int rows, int depth, const float *in, float *out)
{
    for (int r = 0; r < rows; r++) {
        const float *x = in + (size_t)r * depth;
        float *y = out + (size_t)r * depth;
        float mx = x[0];
        for (int c = 1; c < depth; c++)
            if (x[c] > mx) mx = x[c];
        float sum = 0.0f;
        for (int c = 0; c < depth; c++) {
            y[c] = expf((x[c] - mx) * beta);
            sum += y[c];
        }
        for (int c = 0; c < depth; c++) y[c] /= sum;
    }
}
