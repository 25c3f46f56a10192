/* quant.c: TFLite's fixed-point requantisation helpers (the gemmlowp-style
 * arithmetic TFLM's reference kernels use), so our int8 outputs are bit-exact
 * with the board's. Written from the semantics of TFLite's
 * quantization_util.cc / common.h and gemmlowp's fixedpoint.h:
 * multipliers from double scales via frexp, rounding-to-nearest with ties
 * away from zero in the doubling high multiply, round-half-up-in-magnitude
 * power-of-two division. All arithmetic that may wrap goes through int64 or
 * uint32 so there is no signed overflow (UBSan-clean). */
#include <math.h>
#include <stdint.h>

#include "models.h"

void mdl_quantize_multiplier(double real, int32_t *mult, int *shift)
{
    if (real == 0.0 || !isfinite(real)) {
        *mult = 0;
        *shift = 0;
        return;
    }
    int e = 0;
    double q = frexp(real, &e);
    /* TfLiteRound is std::round: halves away from zero. */
    int64_t fixed = (int64_t)round(q * (double)(1LL << 31));
    if (fixed == (1LL << 31)) {
        fixed /= 2;
        e++;
    }
    if (e < -31) {
        e = 0;
        fixed = 0;
    }
    if (e > 30) { /* TFLite saturates shifts above 30 */
        e = 30;
        fixed = (1LL << 31) - 1;
    }
    *mult = (int32_t)fixed;
    *shift = e;
}

int32_t mdl_srdhm(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN) return INT32_MAX; /* the one product that overflows */
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
    /* C division truncates toward zero, as gemmlowp relies on. */
    return (int32_t)((ab + nudge) / (1LL << 31));
}

int32_t mdl_rdbpot(int32_t x, int exponent)
{
    if (exponent <= 0) return x;
    if (exponent > 31) exponent = 31;
    int32_t mask = (int32_t)((1LL << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t mdl_mbqm(int32_t x, int32_t mult, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    /* x * 2^left wraps like TFLite's int32 multiply would; do it unsigned. */
    int32_t xs = (int32_t)((uint32_t)x << left);
    return mdl_rdbpot(mdl_srdhm(xs, mult), right);
}

int32_t mdl_sat_mul_pot(int32_t x, int exponent)
{
    if (exponent < 0) return mdl_rdbpot(x, -exponent);
    if (exponent == 0) return x;
    int32_t threshold = (int32_t)((1LL << (31 - exponent)) - 1);
    if (x > threshold) return INT32_MAX;
    if (x < -threshold) return INT32_MIN;
    return (int32_t)((uint32_t)x << exponent);
}

int32_t mdl_quantize_value(float v, float scale, int32_t zero_point, int32_t lo, int32_t hi)
{
    double q = (double)zero_point + round((double)v / (double)scale);
    if (q < lo) return lo;
    if (q > hi) return hi;
    return (int32_t)q;
}

void mdl_act_range_i8(enum mdl_act act, float scale, int32_t zp, int32_t *lo, int32_t *hi)
{
    /* TFLite CalculateActivationRangeQuantized: quantize(x) = zp + round(x / scale)
     * (computed in float there; the values are small integers either way). */
    int32_t qmin = -128, qmax = 127;
    int32_t a = qmin, b = qmax;
    if (act == MDL_ACT_RELU) {
        a = zp + (int32_t)roundf(0.0f / scale);
    } else if (act == MDL_ACT_RELU6) {
        a = zp;
        b = zp + (int32_t)roundf(6.0f / scale);
    } else if (act == MDL_ACT_RELU_N1_TO_1) {
        a = zp + (int32_t)roundf(-1.0f / scale);
        b = zp + (int32_t)roundf(1.0f / scale);
    }
    *lo = a > qmin ? a : qmin;
    *hi = b < qmax ? b : qmax;
}

void mdl_act_range_f32(enum mdl_act act, float *lo, float *hi)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    if (act == MDL_ACT_RELU) {
        *lo = 0.0f;
    } else if (act == MDL_ACT_RELU6) {
        *lo = 0.0f;
        *hi = 6.0f;
    } else if (act == MDL_ACT_RELU_N1_TO_1) {
        *lo = -1.0f;
        *hi = 1.0f;
    }
}
