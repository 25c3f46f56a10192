/* train_net.c: the TinyConv network in float for training: forward pass,
 * backward pass (softmax cross-entropy -> fully connected -> dropout -> ReLU
 * -> depthwise convolution), Adam, and the deterministic PRNG training uses.
 *
 * Architecture (TF speech_commands models.py, create_tiny_conv_model):
 * input 49x40x1 (time x channel), depthwise conv with depth multiplier 8,
 * filter 10x8, stride 2, SAME padding (TF SAME: total pad = (out-1)*stride +
 * k - in, the smaller half first: 4 top / 5 bottom, 3 left / 3 right), bias,
 * ReLU, dropout, then a fully connected layer over the NHWC-flattened
 * 25x20x8 = 4000 activations, softmax. Weight layout follows TFLite:
 * conv [1][kh][kw][8], fc [classes][4000], so export copies them as they are. */
#include <math.h>
#include <string.h>

#include "train.h"

uint64_t mdl_rng_next(struct mdl_rng *r)
{
    /* splitmix64 (Steele, Lea, Flood 2014): small, fast, good enough here. */
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double mdl_rng_uniform(struct mdl_rng *r)
{
    return (double)(mdl_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

double mdl_rng_normal(struct mdl_rng *r)
{
    double u1 = mdl_rng_uniform(r), u2 = mdl_rng_uniform(r);
    if (u1 < 1e-300) u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

void mdl_tc_init(struct mdl_tinyconv *m, int n_classes, uint64_t seed)
{
    struct mdl_rng r = { seed };
    memset(m, 0, sizeof *m);
    m->n_classes = n_classes;
    /* TF's tiny_conv uses truncated normal with stddev 0.01 and zero bias. */
    for (int i = 0; i < MDL_TC_CONV_W; i++) {
        double v;
        do v = mdl_rng_normal(&r);
        while (fabs(v) > 2.0);
        m->conv_w[i] = (float)(0.01 * v);
    }
    for (int i = 0; i < n_classes * MDL_TC_ACT; i++) {
        double v;
        do v = mdl_rng_normal(&r);
        while (fabs(v) > 2.0);
        m->fc_w[i] = (float)(0.01 * v);
    }
}

int mdl_tc_taps(int oh, int ow, int in_idx[MDL_TC_TAPS], int w_row[MDL_TC_TAPS])
{
    int n = 0;
    for (int kh = 0; kh < MDL_TC_KH; kh++) {
        int ih = oh * MDL_TC_STRIDE + kh - MDL_TC_PAD_TOP;
        if (ih < 0 || ih >= MDL_TC_IN_H) continue;
        for (int kw = 0; kw < MDL_TC_KW; kw++) {
            int iw = ow * MDL_TC_STRIDE + kw - MDL_TC_PAD_LEFT;
            if (iw < 0 || iw >= MDL_TC_IN_W) continue;
            in_idx[n] = ih * MDL_TC_IN_W + iw;
            w_row[n++] = kh * MDL_TC_KW + kw;
        }
    }
    return n;
}

/* Pre-activation of the depthwise convolution for every output position. */
static void conv_forward(const struct mdl_tinyconv *m, const float *x, float *z)
{
    for (int oh = 0; oh < MDL_TC_OUT_H; oh++)
        for (int ow = 0; ow < MDL_TC_OUT_W; ow++) {
            float acc[MDL_TC_FILTERS];
            for (int c = 0; c < MDL_TC_FILTERS; c++) acc[c] = m->conv_b[c];
            int in_idx[MDL_TC_TAPS], w_row[MDL_TC_TAPS];
            int n = mdl_tc_taps(oh, ow, in_idx, w_row);
            for (int t = 0; t < n; t++) {
                float xv = x[in_idx[t]];
                const float *w = &m->conv_w[w_row[t] * MDL_TC_FILTERS];
                for (int c = 0; c < MDL_TC_FILTERS; c++) acc[c] += w[c] * xv;
            }
            memcpy(&z[(oh * MDL_TC_OUT_W + ow) * MDL_TC_FILTERS], acc, sizeof acc);
        }
}

/* Rounds v onto the integer grid of f and back (what the int8 kernels do to
 * this tensor); *pass says whether v lies inside the grid's range, where the
 * straight-through estimator lets the gradient through. */
static float fake_quant(const struct mdl_fq *f, float v, bool *pass)
{
    float q = roundf(v / f->scale) + (float)f->zp;
    *pass = q >= (float)f->qmin && q <= (float)f->qmax;
    q = q < (float)f->qmin ? (float)f->qmin : q > (float)f->qmax ? (float)f->qmax : q;
    return (q - (float)f->zp) * f->scale;
}

/* ReLU, dropout, fully connected and softmax from the pre-activations z;
 * act may be z itself. With fq, the ReLU output and the logits are fake
 * quantised; act_pass/logit_pass (then non-NULL) get where gradients pass. */
static float head(const struct mdl_tinyconv *m, const struct mdl_tc_fq *fq, const float *z,
                  const uint8_t *drop, float *act, float *probs, uint8_t *act_pass,
                  bool *logit_pass)
{
    float logits[MDL_TC_MAX_CLASSES];
    for (int i = 0; i < MDL_TC_ACT; i++) {
        float a = z[i] > 0.0f ? z[i] : 0.0f;
        if (fq) {
            bool pass;
            a = fake_quant(&fq->act, a, &pass);
            act_pass[i] = z[i] > 0.0f && pass;
        }
        /* Inverted dropout with keep probability 0.5: kept units doubled. */
        if (drop) a = drop[i] ? 2.0f * a : 0.0f;
        act[i] = a;
    }
    float mx = -INFINITY;
    for (int k = 0; k < m->n_classes; k++) {
        const float *w = &m->fc_w[k * MDL_TC_ACT];
        float s = m->fc_b[k];
        for (int i = 0; i < MDL_TC_ACT; i++) s += w[i] * act[i];
        if (fq) s = fake_quant(&fq->logit, s, &logit_pass[k]);
        logits[k] = s;
        if (s > mx) mx = s;
    }
    double sum = 0.0;
    for (int k = 0; k < m->n_classes; k++) sum += exp((double)(logits[k] - mx));
    for (int k = 0; k < m->n_classes; k++) probs[k] = (float)(exp((double)(logits[k] - mx)) / sum);
    return mx;
}

float mdl_tc_forward(const struct mdl_tinyconv *m, const float *x, const uint8_t *drop, float *act,
                     float *probs)
{
    conv_forward(m, x, act);
    return head(m, NULL, act, drop, act, probs, NULL, NULL);
}

float mdl_tc_backward(const struct mdl_tinyconv *m, const float *x, int label, const uint8_t *drop,
                      struct mdl_tinyconv *grad, float *probs_out)
{
    return mdl_tc_backward_fq(m, NULL, x, label, drop, grad, probs_out);
}

float mdl_tc_backward_fq(const struct mdl_tinyconv *m, const struct mdl_tc_fq *fq, const float *x,
                         int label, const uint8_t *drop, struct mdl_tinyconv *grad,
                         float *probs_out)
{
    float z[MDL_TC_ACT], act[MDL_TC_ACT], dz[MDL_TC_ACT];
    float probs[MDL_TC_MAX_CLASSES], dlog[MDL_TC_MAX_CLASSES];
    uint8_t act_pass[MDL_TC_ACT];
    bool logit_pass[MDL_TC_MAX_CLASSES];
    conv_forward(m, x, z);
    head(m, fq, z, drop, act, probs, act_pass, logit_pass);
    if (probs_out) memcpy(probs_out, probs, (size_t)m->n_classes * sizeof *probs);
    float p = probs[label] > 1e-30f ? probs[label] : 1e-30f;
    float loss = -logf(p);

    /* d(cross-entropy of softmax)/d(logits) = probs - one_hot. */
    for (int k = 0; k < m->n_classes; k++)
        dlog[k] = fq && !logit_pass[k] ? 0.0f : probs[k] - (k == label ? 1.0f : 0.0f);
    for (int i = 0; i < MDL_TC_ACT; i++) dz[i] = 0.0f;
    for (int k = 0; k < m->n_classes; k++) {
        const float *w = &m->fc_w[k * MDL_TC_ACT];
        float *gw = &grad->fc_w[k * MDL_TC_ACT];
        float d = dlog[k];
        grad->fc_b[k] += d;
        for (int i = 0; i < MDL_TC_ACT; i++) {
            gw[i] += d * act[i];
            dz[i] += d * w[i];
        }
    }
    /* Back through dropout and ReLU to the convolution's pre-activation. */
    for (int i = 0; i < MDL_TC_ACT; i++) {
        float g = dz[i];
        if (drop) g = drop[i] ? 2.0f * g : 0.0f;
        dz[i] = (fq ? act_pass[i] : z[i] > 0.0f) ? g : 0.0f;
    }
    for (int oh = 0; oh < MDL_TC_OUT_H; oh++)
        for (int ow = 0; ow < MDL_TC_OUT_W; ow++) {
            const float *d = &dz[(oh * MDL_TC_OUT_W + ow) * MDL_TC_FILTERS];
            for (int c = 0; c < MDL_TC_FILTERS; c++) grad->conv_b[c] += d[c];
            int in_idx[MDL_TC_TAPS], w_row[MDL_TC_TAPS];
            int n = mdl_tc_taps(oh, ow, in_idx, w_row);
            for (int t = 0; t < n; t++) {
                float xv = x[in_idx[t]];
                float *gw = &grad->conv_w[w_row[t] * MDL_TC_FILTERS];
                for (int c = 0; c < MDL_TC_FILTERS; c++) gw[c] += d[c] * xv;
            }
        }
    return loss;
}

void mdl_tc_zero(struct mdl_tinyconv *g)
{
    int n = g->n_classes;
    memset(g, 0, sizeof *g);
    g->n_classes = n;
}

/* Adam (Kingma & Ba 2015) with the usual beta1 0.9, beta2 0.999, eps 1e-8;
 * grad holds the sum over `batch` examples. */
static void adam_vec(float *p, const float *g, float *m1, float *m2, int n, float scale, float lr_t)
{
    for (int i = 0; i < n; i++) {
        float gi = g[i] * scale;
        m1[i] = 0.9f * m1[i] + 0.1f * gi;
        m2[i] = 0.999f * m2[i] + 0.001f * gi * gi;
        p[i] -= lr_t * m1[i] / (sqrtf(m2[i]) + 1e-8f);
    }
}

void mdl_tc_adam_step(struct mdl_tinyconv *m, const struct mdl_tinyconv *g, int batch,
                      struct mdl_adam *st, float lr)
{
    st->t++;
    double b1 = 1.0 - pow(0.9, st->t), b2 = 1.0 - pow(0.999, st->t);
    float lr_t = (float)(lr * sqrt(b2) / b1);
    float sc = 1.0f / (float)batch;
    int nfc = m->n_classes * MDL_TC_ACT;
    adam_vec(m->conv_w, g->conv_w, st->m.conv_w, st->v.conv_w, MDL_TC_CONV_W, sc, lr_t);
    adam_vec(m->conv_b, g->conv_b, st->m.conv_b, st->v.conv_b, MDL_TC_FILTERS, sc, lr_t);
    adam_vec(m->fc_w, g->fc_w, st->m.fc_w, st->v.fc_w, nfc, sc, lr_t);
    adam_vec(m->fc_b, g->fc_b, st->m.fc_b, st->v.fc_b, m->n_classes, sc, lr_t);
}
