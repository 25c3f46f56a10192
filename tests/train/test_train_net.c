/* test_train_net.c: the TinyConv trainer's maths. Every layer's gradient
 * (depthwise conv weights and bias, fully connected weights and bias, through
 * ReLU, dropout and softmax cross-entropy) against central finite differences;
 * loss going down under Adam; a fixed seed giving identical weights; SHA-1 and
 * the Speech Commands split rule against Python's hashlib. */
#include <stdlib.h>

#include "train/train.h"
#include "test.h"

static void random_input(float *x, struct mdl_rng *r)
{
    for (int i = 0; i < MDL_TC_IN; i++) x[i] = (float)(mdl_rng_uniform(r) * 10.0);
}

/* Independent double-precision forward pass (written from the architecture,
 * not from train_net.c) so finite differences are not drowned in float
 * rounding and the forward pass is checked too. */
static double loss_at(const struct mdl_tinyconv *m, const float *x, int label, const uint8_t *drop)
{
    static double a[MDL_TC_OUT_H][MDL_TC_OUT_W][MDL_TC_FILTERS];
    for (int oh = 0; oh < 25; oh++)
        for (int ow = 0; ow < 20; ow++)
            for (int c = 0; c < 8; c++) {
                double s = m->conv_b[c];
                for (int kh = 0; kh < 10; kh++)
                    for (int kw = 0; kw < 8; kw++) {
                        int ih = 2 * oh + kh - 4, iw = 2 * ow + kw - 3;
                        if (ih >= 0 && ih < 49 && iw >= 0 && iw < 40)
                            s += (double)m->conv_w[(kh * 8 + kw) * 8 + c] * x[ih * 40 + iw];
                    }
                s = s > 0 ? s : 0;
                if (drop) s = drop[(oh * 20 + ow) * 8 + c] ? 2 * s : 0;
                a[oh][ow][c] = s;
            }
    double logit[MDL_TC_MAX_CLASSES], mx = -1e300, sum = 0;
    for (int k = 0; k < m->n_classes; k++) {
        double s = m->fc_b[k];
        const double *flat = &a[0][0][0];
        for (int i = 0; i < MDL_TC_ACT; i++) s += (double)m->fc_w[k * MDL_TC_ACT + i] * flat[i];
        logit[k] = s;
        mx = s > mx ? s : mx;
    }
    for (int k = 0; k < m->n_classes; k++) sum += exp(logit[k] - mx);
    return -(logit[label] - mx - log(sum));
}

/* Compares analytic and numeric gradients of parameter p[i] for a few i. */
static void check_param(struct mdl_tinyconv *m, float *p, const float *g, int n, const float *x,
                        int label, const uint8_t *drop, const char *what, struct mdl_rng *r)
{
    int bad = 0, checked = 0;
    for (int t = 0; t < 24; t++) {
        int i = (int)(mdl_rng_next(r) % (uint64_t)n);
        float old = p[i];
        /* Tiny steps so few ReLU kinks are crossed; the step actually taken
         * (after rounding to float) is what divides. */
        float h = 1e-5f * (fabsf(old) > 0.1f ? fabsf(old) : 0.1f);
        p[i] = old + h;
        double hp = (double)p[i] - old;
        double lp = loss_at(m, x, label, drop);
        p[i] = old - h;
        double hm = old - (double)p[i];
        double lm = loss_at(m, x, label, drop);
        p[i] = old;
        double num = (lp - lm) / (hp + hm);
        double tol = 1e-4 + 1e-2 * fabs(num);
        checked++;
        if (fabs(num - g[i]) > tol) {
            if (bad < 3)
                fprintf(stderr, "%s[%d]: analytic %.6g numeric %.6g\n", what, i, g[i], num);
            bad++;
        }
    }
    CHECK(checked > 0);
    CHECK_INT(bad, 0);
}

static void test_gradients(int use_dropout)
{
    static struct mdl_tinyconv m, g;
    static float x[MDL_TC_IN];
    static uint8_t drop[MDL_TC_ACT];
    struct mdl_rng r = { 42 + (uint64_t)use_dropout };
    mdl_tc_init(&m, 4, 7);
    /* Larger weights than the init so ReLU and softmax are far from trivial. */
    for (int i = 0; i < MDL_TC_CONV_W; i++) m.conv_w[i] = (float)(mdl_rng_normal(&r) * 0.1);
    for (int i = 0; i < MDL_TC_FILTERS; i++) m.conv_b[i] = (float)(mdl_rng_normal(&r) * 0.5);
    for (int i = 0; i < 4 * MDL_TC_ACT; i++) m.fc_w[i] = (float)(mdl_rng_normal(&r) * 0.02);
    for (int i = 0; i < 4; i++) m.fc_b[i] = (float)(mdl_rng_normal(&r) * 0.5);
    random_input(x, &r);
    for (int i = 0; i < MDL_TC_ACT; i++) drop[i] = (uint8_t)(mdl_rng_next(&r) & 1);
    const uint8_t *d = use_dropout ? drop : NULL;
    g.n_classes = 4;
    mdl_tc_zero(&g);
    float loss = mdl_tc_backward(&m, x, 2, d, &g, NULL);
    CHECK_NEAR(loss, loss_at(&m, x, 2, d), 1e-4);
    check_param(&m, m.conv_w, g.conv_w, MDL_TC_CONV_W, x, 2, d, "conv_w", &r);
    check_param(&m, m.conv_b, g.conv_b, MDL_TC_FILTERS, x, 2, d, "conv_b", &r);
    check_param(&m, m.fc_w, g.fc_w, 4 * MDL_TC_ACT, x, 2, d, "fc_w", &r);
    check_param(&m, m.fc_b, g.fc_b, 4, x, 2, d, "fc_b", &r);
}

/* A tiny separable problem: class k has a bright band in channel block k. */
static void make_example(float *x, int k, struct mdl_rng *r)
{
    for (int i = 0; i < MDL_TC_IN; i++) {
        int ch = i % MDL_TC_IN_W;
        x[i] = (float)(mdl_rng_uniform(r) * 2.0 + (ch / 10 == k ? 8.0 : 0.0));
    }
}

static void train_steps(struct mdl_tinyconv *m, uint64_t seed, int steps, float *first, float *last)
{
    static struct mdl_tinyconv g;
    static struct mdl_adam st;
    static float x[MDL_TC_IN];
    static uint8_t drop[MDL_TC_ACT];
    struct mdl_rng r = { seed };
    memset(&st, 0, sizeof st);
    mdl_tc_init(m, 4, seed);
    g.n_classes = 4;
    for (int s = 0; s < steps; s++) {
        mdl_tc_zero(&g);
        float loss = 0.0f;
        for (int b = 0; b < 8; b++) {
            int k = (int)(mdl_rng_next(&r) % 4);
            make_example(x, k, &r);
            for (int i = 0; i < MDL_TC_ACT; i++) drop[i] = (uint8_t)(mdl_rng_next(&r) & 1);
            loss += mdl_tc_backward(m, x, k, drop, &g, NULL);
        }
        mdl_tc_adam_step(m, &g, 8, &st, 0.001f);
        if (s == 0) *first = loss / 8;
        *last = loss / 8;
    }
}

static void test_training(void)
{
    static struct mdl_tinyconv a, b;
    float f1, l1, f2, l2;
    train_steps(&a, 5, 30, &f1, &l1);
    CHECK(l1 < 0.5f * f1);
    train_steps(&b, 5, 30, &f2, &l2);
    CHECK(!memcmp(&a, &b, sizeof a));
    CHECK_NEAR(l2, l1, 0);
    train_steps(&b, 6, 2, &f2, &l2);
    CHECK(memcmp(&a, &b, sizeof a) != 0);
}

static void test_split(void)
{
    uint8_t d[20];
    static const uint8_t abc[20] = { 0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
                                     0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d };
    mdl_sha1("abc", 3, d);
    CHECK(!memcmp(d, abc, 20));
    char hundred[100];
    memset(hundred, 'a', sizeof hundred);
    mdl_sha1(hundred, sizeof hundred, d); /* crosses a block: 7f9000257a... */
    CHECK_INT(d[0], 0x7f);
    CHECK_INT(d[19], 0x0c);
    /* Percentages from Python: en-us-m3 13.98 (test), silence0 1.37
     * (validation), abc 60.20 (train). */
    CHECK_INT(mdl_split_of("data/yes/en-us-m3_nohash_3.wav", 10, 10), MDL_SPLIT_TEST);
    CHECK_INT(mdl_split_of("_silence_/silence0_nohash_9.wav", 10, 10), MDL_SPLIT_VAL);
    CHECK_INT(mdl_split_of("x/abc_nohash_0.wav", 10, 10), MDL_SPLIT_TRAIN);
    CHECK_INT(mdl_split_of("abc.wav", 10, 10), mdl_split_of("abc.wav", 10, 10));
    CHECK_INT(mdl_split_of("x/abc_nohash_0.wav", 10, 50), MDL_SPLIT_TRAIN);
    CHECK_INT(mdl_split_of("x/abc_nohash_0.wav", 10, 51), MDL_SPLIT_TEST);
}

int main(void)
{
    test_gradients(0);
    test_gradients(1);
    test_training();
    test_split();
    return test_done();
}
