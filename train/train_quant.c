/* train_quant.c: post-training int8 quantisation of a trained TinyConv, and a
 * small reference int8 forward pass (TFLite/TFLM integer arithmetic) used to
 * report int8 accuracy right after training.
 *
 * Scheme (TFLite's post-training integer quantisation, as the upstream
 * micro_speech model has it):
 * - input: scale 0.10171568393707275, zero point -128 (upstream model), so the
 *   int8 features of dsp_micro_to_int8() are the input as they are;
 * - depthwise conv weights: per output channel, symmetric, zero point 0,
 *   scale max|w|/127; bias int32 at scale input_scale * weight_scale;
 * - fully connected weights: per tensor, symmetric (as upstream);
 * - activations: min/max over the training clips (train_eval.c), widened
 *   to contain 0, scale (max - min)/255, zero point -128 - round(min/scale);
 * - softmax output: scale 1/256, zero point -128 (TFLite's fixed choice). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

static int8_t q8(double v)
{
    long r = lround(v);
    return (int8_t)(r > 127 ? 127 : r < -127 ? -127 : r);
}

static int32_t q32(double v)
{
    double r = round(v);
    return (int32_t)(r > 2147483647.0 ? 2147483647.0 : r < -2147483647.0 ? -2147483647.0 : r);
}

static void asym(float lo, float hi, float *scale, int *zp)
{
    if (lo > 0.0f) lo = 0.0f;
    if (hi < 0.0f) hi = 0.0f;
    if (hi - lo < 1e-6f) hi = lo + 1e-6f;
    *scale = (hi - lo) / 255.0f;
    long z = lround(-128.0 - lo / *scale);
    *zp = (int)(z < -128 ? -128 : z > 127 ? 127 : z);
}

void mdl_tc_quantize(const struct mdl_tinyconv *m, const struct mdl_tc_ranges *r,
                     char (*labels)[32], struct mdl_tc_quant *q)
{
    memset(q, 0, sizeof *q);
    q->n_classes = m->n_classes;
    for (int c = 0; c < m->n_classes; c++) memcpy(q->labels[c], labels[c], sizeof q->labels[c]);
    q->in_scale = MDL_TC_IN_SCALE;
    q->in_zp = -128;
    asym(0.0f, r->act_max, &q->conv_out_scale, &q->conv_out_zp);
    asym(r->logit_min, r->logit_max, &q->fc_out_scale, &q->fc_out_zp);
    q->sm_scale = 1.0f / 256.0f;
    q->sm_zp = -128;

    for (int c = 0; c < MDL_TC_FILTERS; c++) {
        float mx = 0.0f;
        for (int k = 0; k < MDL_TC_KH * MDL_TC_KW; k++)
            mx = fmaxf(mx, fabsf(m->conv_w[k * MDL_TC_FILTERS + c]));
        q->conv_scale[c] = mx > 0.0f ? mx / 127.0f : 1.0f;
        for (int k = 0; k < MDL_TC_KH * MDL_TC_KW; k++)
            q->conv_w[k * MDL_TC_FILTERS + c] =
                q8(m->conv_w[k * MDL_TC_FILTERS + c] / q->conv_scale[c]);
        q->conv_b[c] = q32(m->conv_b[c] / ((double)q->in_scale * q->conv_scale[c]));
    }
    float mx = 0.0f;
    int nfc = m->n_classes * MDL_TC_ACT;
    for (int i = 0; i < nfc; i++) mx = fmaxf(mx, fabsf(m->fc_w[i]));
    q->fc_scale = mx > 0.0f ? mx / 127.0f : 1.0f;
    for (int i = 0; i < nfc; i++) q->fc_w[i] = q8(m->fc_w[i] / q->fc_scale);
    for (int c = 0; c < m->n_classes; c++)
        q->fc_b[c] = q32(m->fc_b[c] / ((double)q->conv_out_scale * q->fc_scale));
}

/* TFLite's QuantizeMultiplier and MultiplyByQuantizedMultiplier (gemmlowp
 * SaturatingRoundingDoublingHighMul + RoundingDivideByPOT). */
static void quantize_multiplier(double m, int32_t *q, int *shift)
{
    if (m == 0.0) {
        *q = 0;
        *shift = 0;
        return;
    }
    double f = frexp(m, shift);
    int64_t r = llround(f * (double)(1ll << 31));
    if (r == (1ll << 31)) {
        r /= 2;
        (*shift)++;
    }
    *q = (int32_t)r;
}

static int32_t mul_q(int32_t x, int32_t q, int shift)
{
    int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    int64_t a = (int64_t)x * (int64_t)(1ll << left);
    if (a > INT32_MAX) a = INT32_MAX;
    if (a < INT32_MIN) a = INT32_MIN;
    int32_t hi;
    if (a == INT32_MIN && q == INT32_MIN) {
        hi = INT32_MAX;
    } else {
        int64_t ab = a * (int64_t)q;
        int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));
        hi = (int32_t)((ab + nudge) / (1ll << 31));
    }
    if (!right) return hi;
    int32_t mask = (int32_t)((1u << right) - 1), rem = hi & mask;
    int32_t thr = (mask >> 1) + (hi < 0 ? 1 : 0);
    return (hi >> right) + (rem > thr ? 1 : 0);
}

static int8_t clamp8(int32_t v, int lo)
{
    return (int8_t)(v < lo ? lo : v > 127 ? 127 : v);
}

int mdl_tc_quant_run(const struct mdl_tc_quant *q, const int8_t *in, int8_t *logits)
{
    static int8_t act[MDL_TC_ACT];
    int32_t cq[MDL_TC_FILTERS];
    int cs[MDL_TC_FILTERS];
    for (int c = 0; c < MDL_TC_FILTERS; c++)
        quantize_multiplier((double)q->in_scale * q->conv_scale[c] / q->conv_out_scale, &cq[c],
                            &cs[c]);
    for (int oh = 0; oh < MDL_TC_OUT_H; oh++)
        for (int ow = 0; ow < MDL_TC_OUT_W; ow++) {
            int in_idx[MDL_TC_TAPS], w_row[MDL_TC_TAPS];
            int n = mdl_tc_taps(oh, ow, in_idx, w_row);
            for (int c = 0; c < MDL_TC_FILTERS; c++) {
                int32_t acc = q->conv_b[c];
                for (int t = 0; t < n; t++)
                    acc += (in[in_idx[t]] - q->in_zp) * q->conv_w[w_row[t] * MDL_TC_FILTERS + c];
                /* Fused ReLU: the lower clamp is the output zero point. */
                act[(oh * MDL_TC_OUT_W + ow) * MDL_TC_FILTERS + c] =
                    clamp8(mul_q(acc, cq[c], cs[c]) + q->conv_out_zp, q->conv_out_zp);
            }
        }
    int32_t fq;
    int fs;
    quantize_multiplier((double)q->conv_out_scale * q->fc_scale / q->fc_out_scale, &fq, &fs);
    int best = 0;
    for (int k = 0; k < q->n_classes; k++) {
        int32_t acc = q->fc_b[k];
        const int8_t *w = &q->fc_w[k * MDL_TC_ACT];
        for (int i = 0; i < MDL_TC_ACT; i++) acc += (act[i] - q->conv_out_zp) * w[i];
        logits[k] = clamp8(mul_q(acc, fq, fs) + q->fc_out_zp, -128);
        if (logits[k] > logits[best]) best = k;
    }
    return best;
}
