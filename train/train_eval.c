/* train_eval.c: what needs features of a whole data set partition: float and
 * int8 accuracy with confusion matrices, and the activation ranges that
 * int8 calibration uses (training partition, no augmentation). */
#include <stdlib.h>
#include <string.h>

#include "dsp/dsp.h"
#include "train.h"

static int argmax(const float *p, int n)
{
    int b = 0;
    for (int k = 1; k < n; k++)
        if (p[k] > p[b]) b = k;
    return b;
}

enum kws_status mdl_tc_evaluate(const struct mdl_tinyconv *m, const struct mdl_dataset *ds,
                                enum mdl_split split, struct mdl_eval *ev, char *err,
                                size_t err_len)
{
    static float x[MDL_TC_IN], act[MDL_TC_ACT];
    memset(ev, 0, sizeof *ev);
    for (size_t i = 0; i < ds->n; i++) {
        const struct mdl_clip *c = &ds->clips[i];
        if (c->split != split) continue;
        float probs[MDL_TC_MAX_CLASSES];
        enum kws_status st = mdl_clip_features(ds, c, NULL, x, NULL, err, err_len);
        if (st != KWS_OK) return st;
        mdl_tc_forward(m, x, NULL, act, probs);
        int p = argmax(probs, m->n_classes);
        ev->n++;
        ev->correct += p == c->label;
        ev->confusion[c->label][p]++;
    }
    return KWS_OK;
}

enum kws_status mdl_tc_calibrate(const struct mdl_tinyconv *m, const struct mdl_dataset *ds,
                                 struct mdl_tc_ranges *r, char *err, size_t err_len)
{
    float *x = malloc(MDL_TC_IN * sizeof *x), *act = malloc(MDL_TC_ACT * sizeof *act);
    if (!x || !act) {
        free(x);
        free(act);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    }
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < ds->n; i++) {
        if (ds->clips[i].split != MDL_SPLIT_TRAIN) continue;
        enum kws_status st = mdl_clip_features(ds, &ds->clips[i], NULL, x, NULL, err, err_len);
        if (st != KWS_OK) {
            free(x);
            free(act);
            return st;
        }
        float probs[MDL_TC_MAX_CLASSES];
        mdl_tc_forward(m, x, NULL, act, probs);
        for (int k = 0; k < MDL_TC_ACT; k++) r->act_max = act[k] > r->act_max ? act[k] : r->act_max;
        /* Logits again (forward returns only their maximum). */
        for (int c = 0; c < m->n_classes; c++) {
            float s = m->fc_b[c];
            for (int k = 0; k < MDL_TC_ACT; k++) s += m->fc_w[c * MDL_TC_ACT + k] * act[k];
            r->logit_min = s < r->logit_min ? s : r->logit_min;
            r->logit_max = s > r->logit_max ? s : r->logit_max;
        }
    }
    free(x);
    free(act);
    return KWS_OK;
}

enum kws_status mdl_tc_quant_evaluate(const struct mdl_tc_quant *q, const struct mdl_dataset *ds,
                                      enum mdl_split split, struct mdl_eval *ev, char *err,
                                      size_t err_len)
{
    static float x[MDL_TC_IN];
    static uint16_t u[MDL_TC_IN];
    int8_t in[MDL_TC_IN], logits[MDL_TC_MAX_CLASSES];
    memset(ev, 0, sizeof *ev);
    for (size_t i = 0; i < ds->n; i++) {
        const struct mdl_clip *c = &ds->clips[i];
        if (c->split != split) continue;
        enum kws_status st = mdl_clip_features(ds, c, NULL, x, u, err, err_len);
        if (st != KWS_OK) return st;
        for (int k = 0; k < MDL_TC_IN; k++) in[k] = dsp_micro_to_int8(u[k]);
        int p = mdl_tc_quant_run(q, in, logits);
        ev->n++;
        ev->correct += p == c->label;
        ev->confusion[c->label][p]++;
    }
    return KWS_OK;
}
