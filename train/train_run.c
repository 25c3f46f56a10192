/* train_run.c: the training loop. Mini-batches of augmented clips (features
 * recomputed each epoch, as TF's speech_commands does), dropout 0.5, Adam,
 * learning rate dropped tenfold for the last fifth of the epochs (TF's
 * tiny_conv recipe: 0.001 then 0.0001), validation after every epoch and the
 * best checkpoint kept. One seed drives everything, so runs repeat exactly. */
#include <stdlib.h>
#include <string.h>

#include "train.h"

static int argmax(const float *p, int n)
{
    int b = 0;
    for (int k = 1; k < n; k++)
        if (p[k] > p[b]) b = k;
    return b;
}

enum kws_status mdl_train(const struct mdl_dataset *ds, const struct mdl_train_opts *o,
                          struct mdl_tinyconv *best, int *best_epoch, char *err, size_t err_len)
{
    int epochs = o->epochs > 0 ? o->epochs : 40;
    int batch = o->batch > 0 ? o->batch : 100;
    float lr = o->lr > 0 ? o->lr : 0.001f;
    size_t nt = 0;
    for (size_t i = 0; i < ds->n; i++) nt += ds->clips[i].split == MDL_SPLIT_TRAIN;
    if (!nt) return kws_err(err, err_len, KWS_ERR_ARG, "no training clips");
    size_t *order = malloc(nt * sizeof *order), *ep_order = malloc(nt * sizeof *ep_order);
    struct mdl_tinyconv *m = malloc(sizeof *m), *g = malloc(sizeof *g);
    struct mdl_adam *adam = calloc(1, sizeof *adam);
    float *x = malloc(MDL_TC_IN * sizeof *x);
    uint8_t *drop = malloc(MDL_TC_ACT);
    enum kws_status st = KWS_OK;
    if (!order || !ep_order || !m || !g || !adam || !x || !drop) {
        st = kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
        goto out;
    }
    nt = 0;
    size_t per_class[MDL_TC_MAX_CLASSES] = { 0 }, cap = 0;
    for (size_t i = 0; i < ds->n; i++)
        if (ds->clips[i].split == MDL_SPLIT_TRAIN) {
            order[nt++] = i;
            per_class[ds->clips[i].label]++;
        }
    /* Like TF's silence/unknown percentages: each epoch sees at most as many
     * _silence_ and _unknown_ clips as the largest word class has (a fresh
     * random subset every epoch), so the catch-all classes do not swamp the
     * words. */
    for (int k = 2; k < ds->n_classes; k++) cap = per_class[k] > cap ? per_class[k] : cap;
    mdl_tc_init(m, ds->n_classes, o->seed);
    g->n_classes = ds->n_classes;
    struct mdl_rng rng = { o->seed ^ 0x5DEECE66Dull };
    float best_acc = -1.0f;
    *best_epoch = 0;
    for (int ep = 1; ep <= epochs; ep++) {
        float ep_lr = ep > epochs - epochs / 5 ? lr * 0.1f : lr;
        for (size_t i = nt - 1; i > 0; i--) {
            size_t j = (size_t)(mdl_rng_next(&rng) % (i + 1)), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        size_t ne = 0, taken[2] = { 0, 0 };
        for (size_t i = 0; i < nt; i++) {
            int lab = ds->clips[order[i]].label;
            if (lab < 2 && taken[lab]++ >= cap) continue;
            ep_order[ne++] = order[i];
        }
        struct mdl_train_progress pr = { .epoch = ep, .epochs = epochs, .total = ne };
        double loss_sum = 0.0;
        size_t correct = 0;
        for (size_t b0 = 0; b0 < ne; b0 += (size_t)batch) {
            size_t b1 = b0 + (size_t)batch < ne ? b0 + (size_t)batch : ne;
            mdl_tc_zero(g);
            for (size_t b = b0; b < b1; b++) {
                const struct mdl_clip *c = &ds->clips[ep_order[b]];
                st = mdl_clip_features(ds, c, &rng, x, NULL, err, err_len);
                if (st != KWS_OK) goto out;
                for (int i = 0; i < MDL_TC_ACT; i += 64) {
                    uint64_t r = mdl_rng_next(&rng);
                    for (int k = 0; k < 64 && i + k < MDL_TC_ACT; k++)
                        drop[i + k] = (uint8_t)((r >> k) & 1);
                }
                float probs[MDL_TC_MAX_CLASSES];
                loss_sum += mdl_tc_backward(m, x, c->label, drop, g, probs);
                /* Training accuracy as TF reports it: on the dropout forward pass. */
                correct += argmax(probs, m->n_classes) == c->label;
            }
            mdl_tc_adam_step(m, g, (int)(b1 - b0), adam, ep_lr);
            pr.done = b1;
            pr.loss = (float)(loss_sum / (double)b1);
            pr.acc = (float)correct / (float)b1;
            if (o->progress) o->progress(&pr, o->user);
        }
        struct mdl_eval ev;
        st = mdl_tc_evaluate(m, ds, MDL_SPLIT_VAL, &ev, err, err_len);
        if (st != KWS_OK) goto out;
        pr.val_acc = ev.n ? (float)ev.correct / (float)ev.n : pr.acc;
        pr.epoch_done = true;
        if (pr.val_acc > best_acc) {
            best_acc = pr.val_acc;
            *best = *m;
            *best_epoch = ep;
            pr.best = true;
        }
        if (o->progress) o->progress(&pr, o->user);
    }
out:
    free(order);
    free(ep_order);
    free(m);
    free(g);
    free(adam);
    free(x);
    free(drop);
    return st;
}
