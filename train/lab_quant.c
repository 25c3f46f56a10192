/* lab_quant.c: post-training quantisation of TinyConv to b bits (2..8), and
 * the fake quantisers quantisation-aware training uses, in one place so the
 * two agree on every grid.
 *
 * A b-bit model stays a normal int8 model whose values use only 2^b levels,
 * so the host interpreter, the virtual board and the firmware run it as is:
 * - weights: symmetric, on [-(2^(b-1)-1), 2^(b-1)-1] (TFLite's narrow range
 *   at 8 bits), per output channel for the conv, per tensor for the FC, with
 *   scale max|w| / 127 at 8 bits and, below, the clipping point with the
 *   least squared rounding error (weight_scale); the int8 bytes hold those
 *   small integers, so a packing tool (or `model info`) reads the width off
 *   their range;
 * - the hidden activation (ReLU output): scale act_max / (2^b - 1) and zero
 *   point 128 - 2^b, so real 0 sits 2^b - 1 steps below 127: the kernel's
 *   fused ReLU clamps to [zero point, 127], exactly 2^b levels, with no
 *   extra operator;
 * - input (the micro frontend's int8), logits and softmax output stay 8-bit:
 *   the input is the frontend's format, and the last layer's output is the
 *   one b-bit schemes commonly keep wide (there is no fused clamp for it).
 * At 8 bits every choice equals mdl_tc_quantize (train_quant.c). */
#include <math.h>
#include <string.h>

#include "train.h"

static int bits_ok(int bits)
{
    return bits < MDL_LAB_MIN_BITS ? MDL_LAB_MIN_BITS
        : bits > MDL_LAB_MAX_BITS  ? MDL_LAB_MAX_BITS
                                   : bits;
}

static int wmax(int bits)
{
    return (1 << (bits - 1)) - 1;
}

static int8_t qw(double v, int qmax)
{
    long r = lround(v);
    return (int8_t)(r > qmax ? qmax : r < -qmax ? -qmax : r);
}

static int32_t q32(double v)
{
    double r = round(v);
    return (int32_t)(r > 2147483647.0 ? 2147483647.0 : r < -2147483647.0 ? -2147483647.0 : r);
}

/* The ReLU output grid: [0, hi] on 2^bits levels ending at 127. */
static void relu_grid(float hi, int bits, float *scale, int *zp)
{
    if (hi < 1e-6f) hi = 1e-6f;
    *scale = hi / (float)((1 << bits) - 1);
    *zp = 128 - (1 << bits);
}

/* The logits grid: [lo, hi] widened to contain 0, 8-bit (train_quant.c's). */
static void logit_grid(float lo, float hi, float *scale, int *zp)
{
    if (lo > 0.0f) lo = 0.0f;
    if (hi < 0.0f) hi = 0.0f;
    if (hi - lo < 1e-6f) hi = lo + 1e-6f;
    *scale = (hi - lo) / 255.0f;
    long z = lround(-128.0 - lo / *scale);
    *zp = (int)(z < -128 ? -128 : z > 127 ? 127 : z);
}

/* Squared error of n weights (every stride-th) rounded onto qmax steps of s. */
static double grid_error(const float *w, int n, int stride, int qmax, float s)
{
    double e = 0.0;
    for (int i = 0; i < n; i++) {
        float v = w[i * stride];
        double d = v - (double)qw(v / s, qmax) * s;
        e += d * d;
    }
    return e;
}

/* The weight scale. At 8 bits max|w| / 127 (TFLite's, mdl_tc_quantize's).
 * Below, max|w| would leave most weights at 0 (at 2 bits everything under
 * half the largest weight rounds away), so the clipping point is the one of
 * 100 candidates (1..100 % of max|w|) with the least squared rounding error,
 * the usual MSE calibration; weights beyond it saturate. */
static float weight_scale(const float *w, int n, int stride, int qmax)
{
    float mx = 0.0f;
    for (int i = 0; i < n; i++) mx = fmaxf(mx, fabsf(w[i * stride]));
    if (!(mx > 0.0f)) return 1.0f;
    float best = mx / (float)qmax;
    if (qmax >= 127) return best;
    double best_e = grid_error(w, n, stride, qmax, best);
    for (int k = 1; k < 100; k++) {
        float s = mx * (float)k / 100.0f / (float)qmax;
        double e = grid_error(w, n, stride, qmax, s);
        if (e < best_e) {
            best_e = e;
            best = s;
        }
    }
    return best;
}

static float conv_scale(const float *w, int c, int qmax)
{
    return weight_scale(w + c, MDL_TC_KH * MDL_TC_KW, MDL_TC_FILTERS, qmax);
}

static float fc_scale(const float *w, int n, int qmax)
{
    return weight_scale(w, n, 1, qmax);
}

void mdl_tc_quantize_bits(const struct mdl_tinyconv *m, const struct mdl_tc_ranges *r,
                          char (*labels)[32], int bits, struct mdl_tc_quant *q)
{
    bits = bits_ok(bits);
    int qmax = wmax(bits);
    memset(q, 0, sizeof *q);
    q->n_classes = m->n_classes;
    for (int c = 0; c < m->n_classes; c++) memcpy(q->labels[c], labels[c], sizeof q->labels[c]);
    q->in_scale = MDL_TC_IN_SCALE;
    q->in_zp = -128;
    relu_grid(r->act_max, bits, &q->conv_out_scale, &q->conv_out_zp);
    logit_grid(r->logit_min, r->logit_max, &q->fc_out_scale, &q->fc_out_zp);
    q->sm_scale = 1.0f / 256.0f;
    q->sm_zp = -128;
    for (int c = 0; c < MDL_TC_FILTERS; c++) {
        q->conv_scale[c] = conv_scale(m->conv_w, c, qmax);
        for (int k = 0; k < MDL_TC_KH * MDL_TC_KW; k++)
            q->conv_w[k * MDL_TC_FILTERS + c] =
                qw(m->conv_w[k * MDL_TC_FILTERS + c] / q->conv_scale[c], qmax);
        q->conv_b[c] = q32(m->conv_b[c] / ((double)q->in_scale * q->conv_scale[c]));
    }
    int nfc = m->n_classes * MDL_TC_ACT;
    q->fc_scale = fc_scale(m->fc_w, nfc, qmax);
    for (int i = 0; i < nfc; i++) q->fc_w[i] = qw(m->fc_w[i] / q->fc_scale, qmax);
    for (int c = 0; c < m->n_classes; c++)
        q->fc_b[c] = q32(m->fc_b[c] / ((double)q->conv_out_scale * q->fc_scale));
}

void mdl_tc_fake_weights(const struct mdl_tinyconv *m, int bits, struct mdl_tinyconv *out)
{
    int qmax = wmax(bits_ok(bits));
    if (out != m) *out = *m;
    for (int c = 0; c < MDL_TC_FILTERS; c++) {
        float s = conv_scale(m->conv_w, c, qmax);
        for (int k = 0; k < MDL_TC_KH * MDL_TC_KW; k++) {
            int i = k * MDL_TC_FILTERS + c;
            out->conv_w[i] = (float)qw(m->conv_w[i] / s, qmax) * s;
        }
    }
    int nfc = m->n_classes * MDL_TC_ACT;
    float s = fc_scale(m->fc_w, nfc, qmax);
    for (int i = 0; i < nfc; i++) out->fc_w[i] = (float)qw(m->fc_w[i] / s, qmax) * s;
}

void mdl_tc_fq_for(const struct mdl_tc_ranges *r, int bits, struct mdl_tc_fq *fq)
{
    bits = bits_ok(bits);
    relu_grid(r->act_max, bits, &fq->act.scale, &fq->act.zp);
    fq->act.qmin = fq->act.zp;
    fq->act.qmax = 127;
    logit_grid(r->logit_min, r->logit_max, &fq->logit.scale, &fq->logit.zp);
    fq->logit.qmin = -128;
    fq->logit.qmax = 127;
}
