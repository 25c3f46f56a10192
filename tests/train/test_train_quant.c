/* test_train_quant.c: int8 post-training quantisation of TinyConv. Weights
 * use the full symmetric range per conv channel (zero point 0), biases sit at
 * input_scale * weight_scale, the input quantisation is upstream's, and the
 * reference int8 pass agrees with the float network on dequantised input
 * (logits within a few output steps, same predicted class). */
#include "train/train.h"
#include "test.h"

int main(void)
{
    static struct mdl_tinyconv m;
    static struct mdl_tc_quant q;
    static float x[MDL_TC_IN], act[MDL_TC_ACT];
    static int8_t in[MDL_TC_IN];
    char labels[MDL_TC_MAX_CLASSES][32] = { "_silence_", "_unknown_", "yes", "no" };
    struct mdl_rng r = { 9 };
    mdl_tc_init(&m, 4, 3);
    for (int i = 0; i < MDL_TC_CONV_W; i++)
        m.conv_w[i] = (float)(mdl_rng_normal(&r) * 0.05 * (1 + i % MDL_TC_FILTERS));
    for (int c = 0; c < MDL_TC_FILTERS; c++) m.conv_b[c] = (float)(mdl_rng_normal(&r) * 0.3);
    for (int i = 0; i < 4 * MDL_TC_ACT; i++) m.fc_w[i] = (float)(mdl_rng_normal(&r) * 0.02);
    for (int k = 0; k < 4; k++) m.fc_b[k] = (float)(mdl_rng_normal(&r) * 0.2);

    /* Ranges measured on a few random inputs, as calibration would. */
    struct mdl_tc_ranges rg = { 0 };
    float probs[MDL_TC_MAX_CLASSES];
    for (int t = 0; t < 8; t++) {
        for (int i = 0; i < MDL_TC_IN; i++) x[i] = (float)(mdl_rng_uniform(&r) * 20.0);
        mdl_tc_forward(&m, x, NULL, act, probs);
        for (int i = 0; i < MDL_TC_ACT; i++) rg.act_max = act[i] > rg.act_max ? act[i] : rg.act_max;
        for (int k = 0; k < 4; k++) {
            float s = m.fc_b[k];
            for (int i = 0; i < MDL_TC_ACT; i++) s += m.fc_w[k * MDL_TC_ACT + i] * act[i];
            rg.logit_min = s < rg.logit_min ? s : rg.logit_min;
            rg.logit_max = s > rg.logit_max ? s : rg.logit_max;
        }
    }
    rg.logit_min *= 1.5f;
    rg.logit_max *= 1.5f;
    mdl_tc_quantize(&m, &rg, labels, &q);
    CHECK_STR(q.labels[2], "yes");
    CHECK_NEAR(q.in_scale, 0.10171568393707275, 1e-9);
    CHECK_INT(q.in_zp, -128);
    CHECK_INT(q.conv_out_zp, -128);
    CHECK_NEAR(q.sm_scale, 1.0 / 256, 0);
    CHECK_INT(q.sm_zp, -128);
    for (int c = 0; c < MDL_TC_FILTERS; c++) {
        int mx = 0;
        for (int k = 0; k < MDL_TC_KH * MDL_TC_KW; k++) {
            int v = q.conv_w[k * MDL_TC_FILTERS + c];
            mx = abs(v) > mx ? abs(v) : mx;
        }
        CHECK_INT(mx, 127);
        CHECK_NEAR(q.conv_b[c] * (double)q.in_scale * q.conv_scale[c], m.conv_b[c],
                   q.in_scale * q.conv_scale[c]);
    }
    CHECK(q.conv_scale[7] > 3 * q.conv_scale[0]); /* per channel, not per tensor */

    int agree = 0, trials = 20;
    double worst = 0;
    for (int t = 0; t < trials; t++) {
        for (int i = 0; i < MDL_TC_IN; i++) {
            in[i] = (int8_t)(mdl_rng_next(&r) % 200 - 128);
            x[i] = (in[i] + 128) * q.in_scale;
        }
        int8_t lq[MDL_TC_MAX_CLASSES];
        int pq = mdl_tc_quant_run(&q, in, lq);
        mdl_tc_forward(&m, x, NULL, act, probs);
        int pf = 0;
        for (int k = 0; k < 4; k++) {
            float s = m.fc_b[k];
            for (int i = 0; i < MDL_TC_ACT; i++) s += m.fc_w[k * MDL_TC_ACT + i] * act[i];
            double d = fabs((lq[k] - q.fc_out_zp) * (double)q.fc_out_scale - s) / q.fc_out_scale;
            worst = d > worst ? d : worst;
            if (probs[k] > probs[pf]) pf = k;
        }
        agree += pq == pf;
    }
    CHECK(worst < 4.0);
    CHECK(agree >= trials - 2);
    return test_done();
}
