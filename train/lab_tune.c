/* lab_tune.c: fine-tuning a trained TinyConv, for quantisation-aware training
 * and for recovering accuracy after pruning.
 *
 * The recipe is mdl_train's (train_run.c): shuffled mini-batches of augmented
 * clips, _silence_/_unknown_ capped at the largest word class, dropout 0.5,
 * Adam, the rate a tenth for the last fifth of the epochs. Three additions:
 * - QAT: each step runs forward and backward on a copy whose weights are
 *   rounded to the b-bit grid, with the ReLU output and logits fake quantised
 *   (mdl_tc_backward_fq); the gradient updates the float weights (the
 *   straight-through estimator), which are what is quantised at the end;
 * - a pruning mask is re-applied after every step, so removed weights stay
 *   zero (their Adam moments are harmless: the weight is reset each time);
 * - gradual pruning recomputes the mask before each epoch on the cubic
 *   schedule of Zhu & Gupta (2017), reaching the target in the last epoch.
 * No validation checkpointing: the last epoch is kept, so the mask and the
 * quantisation grid hold for the result. One seed drives everything. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

struct tune {
    size_t *order, *ep_order, nt, cap;
    struct mdl_tinyconv *g, *fwd;
    struct mdl_adam *adam;
    float *x;
    uint8_t *drop;
};

static void tune_free(struct tune *t)
{
    free(t->order);
    free(t->ep_order);
    free(t->g);
    free(t->fwd);
    free(t->adam);
    free(t->x);
    free(t->drop);
}

static enum kws_status tune_init(struct tune *t, const struct mdl_dataset *ds, int n_classes,
                                 char *err, size_t err_len)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < ds->n; i++) t->nt += ds->clips[i].split == MDL_SPLIT_TRAIN;
    if (!t->nt) return kws_err(err, err_len, KWS_ERR_ARG, "no training clips");
    t->order = malloc(t->nt * sizeof *t->order);
    t->ep_order = malloc(t->nt * sizeof *t->ep_order);
    t->g = malloc(sizeof *t->g);
    t->fwd = malloc(sizeof *t->fwd);
    t->adam = calloc(1, sizeof *t->adam);
    t->x = malloc(MDL_TC_IN * sizeof *t->x);
    t->drop = malloc(MDL_TC_ACT);
    if (!t->order || !t->ep_order || !t->g || !t->fwd || !t->adam || !t->x || !t->drop) {
        tune_free(t);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    }
    size_t per_class[MDL_TC_MAX_CLASSES] = { 0 }, n = 0;
    for (size_t i = 0; i < ds->n; i++)
        if (ds->clips[i].split == MDL_SPLIT_TRAIN) {
            t->order[n++] = i;
            per_class[ds->clips[i].label]++;
        }
    for (int k = 2; k < ds->n_classes; k++) t->cap = per_class[k] > t->cap ? per_class[k] : t->cap;
    t->g->n_classes = n_classes;
    return KWS_OK;
}

/* This epoch's clips: shuffled, the catch-all classes capped. */
static size_t epoch_order(struct tune *t, const struct mdl_dataset *ds, struct mdl_rng *rng)
{
    for (size_t i = t->nt - 1; i > 0; i--) {
        size_t j = (size_t)(mdl_rng_next(rng) % (i + 1)), s = t->order[i];
        t->order[i] = t->order[j];
        t->order[j] = s;
    }
    size_t ne = 0, taken[2] = { 0, 0 };
    for (size_t i = 0; i < t->nt; i++) {
        int lab = ds->clips[t->order[i]].label;
        if (lab < 2 && taken[lab]++ >= t->cap) continue;
        t->ep_order[ne++] = t->order[i];
    }
    return ne;
}

static void gradual_mask(const struct mdl_tune_opts *o, const struct mdl_tinyconv *m, int ep,
                         int epochs)
{
    double f = 1.0 - (double)ep / epochs;
    double s = o->sparsity * (1.0 - f * f * f);
    if (o->gradual == 2)
        mdl_tc_prune_channels(m, s, o->gradual_mask);
    else
        mdl_tc_prune_magnitude(m, s, o->global, o->gradual_mask);
}

static int argmax(const float *p, int n)
{
    int b = 0;
    for (int k = 1; k < n; k++)
        if (p[k] > p[b]) b = k;
    return b;
}

/* One mini-batch [b0, b1) of the epoch: gradients, Adam step, mask. */
static enum kws_status batch_step(struct tune *t, const struct mdl_dataset *ds,
                                  const struct mdl_tune_opts *o, const struct mdl_tc_mask *mask,
                                  struct mdl_tinyconv *m, struct mdl_rng *rng, size_t b0, size_t b1,
                                  float lr, double *loss_sum, size_t *correct, char *err,
                                  size_t err_len)
{
    mdl_tc_zero(t->g);
    if (o->qat_bits) mdl_tc_fake_weights(m, o->qat_bits, t->fwd);
    const struct mdl_tinyconv *f = o->qat_bits ? t->fwd : m;
    for (size_t b = b0; b < b1; b++) {
        const struct mdl_clip *c = &ds->clips[t->ep_order[b]];
        enum kws_status st = mdl_clip_features(ds, c, rng, t->x, NULL, err, err_len);
        if (st != KWS_OK) return st;
        for (int i = 0; i < MDL_TC_ACT; i += 64) {
            uint64_t r = mdl_rng_next(rng);
            for (int k = 0; k < 64 && i + k < MDL_TC_ACT; k++)
                t->drop[i + k] = (uint8_t)((r >> k) & 1);
        }
        float probs[MDL_TC_MAX_CLASSES];
        *loss_sum +=
            mdl_tc_backward_fq(f, o->qat_bits ? o->fq : NULL, t->x, c->label, t->drop, t->g, probs);
        *correct += argmax(probs, m->n_classes) == c->label;
    }
    mdl_tc_adam_step(m, t->g, (int)(b1 - b0), t->adam, lr);
    if (mask) mdl_tc_mask_apply(m, mask);
    return KWS_OK;
}

enum kws_status mdl_tc_finetune(const struct mdl_dataset *ds, const struct mdl_tune_opts *o,
                                struct mdl_tinyconv *m, char *err, size_t err_len)
{
    if (o->epochs < 1 || o->batch < 1 || !(o->lr > 0.0f))
        return kws_err(err, err_len, KWS_ERR_ARG, "fine-tuning needs epochs, batch and rate > 0");
    if (o->gradual && !o->gradual_mask)
        return kws_err(err, err_len, KWS_ERR_ARG, "gradual pruning needs a mask to fill");
    struct tune t;
    enum kws_status st = tune_init(&t, ds, m->n_classes, err, err_len);
    if (st != KWS_OK) return st;
    struct mdl_rng rng = { o->seed ^ 0xF1E7A11Dull };
    const struct mdl_tc_mask *mask = o->gradual ? o->gradual_mask : o->mask;
    for (int ep = 1; ep <= o->epochs && st == KWS_OK; ep++) {
        float lr = ep > o->epochs - o->epochs / 5 ? o->lr * 0.1f : o->lr;
        if (o->gradual) {
            gradual_mask(o, m, ep, o->epochs);
            mdl_tc_mask_apply(m, mask);
        }
        size_t ne = epoch_order(&t, ds, &rng), correct = 0;
        struct mdl_train_progress pr = { .epoch = ep, .epochs = o->epochs, .total = ne };
        double loss_sum = 0.0;
        for (size_t b0 = 0; b0 < ne && st == KWS_OK; b0 += (size_t)o->batch) {
            if (o->stop && *o->stop) st = kws_err(err, err_len, KWS_ERR_CLOSED, "interrupted");
            size_t b1 = b0 + (size_t)o->batch < ne ? b0 + (size_t)o->batch : ne;
            if (st == KWS_OK)
                st = batch_step(&t, ds, o, mask, m, &rng, b0, b1, lr, &loss_sum, &correct, err,
                                err_len);
            pr.done = b1;
            pr.loss = (float)(loss_sum / (double)b1);
            pr.acc = (float)correct / (float)b1;
            if (o->progress && st == KWS_OK) o->progress(&pr, o->user);
        }
        pr.epoch_done = true;
        if (o->progress && st == KWS_OK) o->progress(&pr, o->user);
    }
    tune_free(&t);
    return st;
}
