/* lab.c: one variant of the model lab, start to finish: from the trained
 * float TinyConv to a quantised or pruned int8 model (fine-tuned or not),
 * its float and int8 accuracy on the test split, and the exported model's
 * size, FLOPs, arena and host speed.
 *
 * The int8 accuracy is the trainer's reference int8 pass (the number `kwscope
 * train` prints), so 8-bit PTQ scores exactly what train's own export scores;
 * the exported model also runs through the host interpreter on every test
 * clip (its outputs are returned for the oracle checks). The test features
 * are computed once per lab. Every variant gets a seed derived from the lab's
 * seed and its name, so a variant's row does not depend on which others run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/dsp.h"
#include "train.h"

static const char *const method_names[MDL_LAB_METHODS] = { "ptq", "qat", "unstructured",
                                                           "structured" };

const char *mdl_lab_method_name(enum mdl_lab_method m)
{
    return m < MDL_LAB_METHODS ? method_names[m] : "?";
}

void mdl_lab_variant_name(const struct mdl_lab_variant *v, char *buf, size_t len)
{
    if (v->method == MDL_LAB_PTQ || v->method == MDL_LAB_QAT)
        snprintf(buf, len, "%s-%db", mdl_lab_method_name(v->method), v->bits);
    else
        snprintf(buf, len, "%s-%d%s", mdl_lab_method_name(v->method), v->sparsity_pct,
                 v->finetune ? "-ft" : "");
}

enum kws_status mdl_lab_init(struct mdl_lab *lab, const struct mdl_dataset *ds,
                             const struct mdl_tinyconv *base, char *err, size_t err_len)
{
    lab->ds = ds;
    lab->base = base;
    lab->n_test = 0;
    for (size_t i = 0; i < ds->n; i++) lab->n_test += ds->clips[i].split == MDL_SPLIT_TEST;
    if (!lab->n_test) return kws_err(err, err_len, KWS_ERR_ARG, "the data set has no test clips");
    lab->test_label = malloc(lab->n_test * sizeof *lab->test_label);
    lab->test_x = malloc(lab->n_test * MDL_TC_IN * sizeof *lab->test_x);
    lab->test_i8 = malloc(lab->n_test * MDL_TC_IN);
    uint16_t *u = malloc(MDL_TC_IN * sizeof *u);
    enum kws_status st = KWS_OK;
    if (!lab->test_label || !lab->test_x || !lab->test_i8 || !u)
        st = kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    for (size_t i = 0, j = 0; st == KWS_OK && i < ds->n; i++) {
        const struct mdl_clip *c = &ds->clips[i];
        if (c->split != MDL_SPLIT_TEST) continue;
        st = mdl_clip_features(ds, c, NULL, lab->test_x + j * MDL_TC_IN, u, err, err_len);
        for (int k = 0; k < MDL_TC_IN; k++)
            lab->test_i8[j * MDL_TC_IN + k] = dsp_micro_to_int8(u[k]);
        lab->test_label[j++] = c->label;
    }
    free(u);
    if (st == KWS_OK) st = mdl_tc_calibrate(base, ds, &lab->base_ranges, err, err_len);
    if (st != KWS_OK) mdl_lab_free(lab);
    return st;
}

void mdl_lab_free(struct mdl_lab *lab)
{
    free(lab->test_label);
    free(lab->test_x);
    free(lab->test_i8);
    lab->test_label = NULL;
    lab->test_x = NULL;
    lab->test_i8 = NULL;
}

void mdl_lab_result_free(struct mdl_lab_result *r)
{
    free(r->model);
    free(r->pred);
    free(r->scores);
    memset(r, 0, sizeof *r);
}

static uint64_t name_seed(uint64_t seed, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (; *name; name++) h = (h ^ (uint8_t)*name) * 0x100000001b3ull;
    return seed ^ h;
}

/* The variant's float model (pruned and/or fine-tuned), its quantisation and
 * the channels kept. */
static enum kws_status make_variant(struct mdl_lab *lab, const struct mdl_lab_variant *v,
                                    struct mdl_tinyconv *m, struct mdl_tc_mask *mask,
                                    struct mdl_tc_quant *q, char *err, size_t err_len)
{
    char name[64];
    mdl_lab_variant_name(v, name, sizeof name);
    *m = *lab->base;
    mdl_tc_mask_all(mask);
    struct mdl_tune_opts to = { .epochs = lab->ft_epochs,
                                .batch = lab->batch,
                                .lr = lab->ft_lr,
                                .seed = name_seed(lab->seed, name),
                                .progress = lab->progress,
                                .user = lab->user,
                                .stop = lab->stop,
                                .global = lab->global,
                                .sparsity = v->sparsity_pct / 100.0 };
    struct mdl_tc_fq fq;
    enum kws_status st = KWS_OK;
    bool pruned = v->method == MDL_LAB_UNSTRUCTURED || v->method == MDL_LAB_STRUCTURED;
    if (v->method == MDL_LAB_QAT) {
        mdl_tc_fq_for(&lab->base_ranges, v->bits, &fq);
        to.qat_bits = v->bits;
        to.fq = &fq;
        st = mdl_tc_finetune(lab->ds, &to, m, err, err_len);
    } else if (pruned) {
        if (v->method == MDL_LAB_STRUCTURED)
            mdl_tc_prune_channels(m, to.sparsity, mask);
        else
            mdl_tc_prune_magnitude(m, to.sparsity, lab->global, mask);
        mdl_tc_mask_apply(m, mask);
        if (v->finetune && lab->gradual && v->sparsity_pct > 0) {
            to.gradual = v->method == MDL_LAB_STRUCTURED ? 2 : 1;
            to.gradual_mask = mask;
            *m = *lab->base; /* the schedule starts from the dense model */
        }
        to.mask = mask;
        if (v->finetune) st = mdl_tc_finetune(lab->ds, &to, m, err, err_len);
    }
    if (st != KWS_OK) return st;
    /* QAT keeps the ranges it trained with; a pruned model is recalibrated. */
    struct mdl_tc_ranges r = lab->base_ranges;
    if (pruned) st = mdl_tc_calibrate(m, lab->ds, &r, err, err_len);
    if (st == KWS_OK) mdl_tc_quantize_bits(m, &r, (char(*)[32])lab->ds->labels, v->bits, q);
    return st;
}

static void evaluate(const struct mdl_lab *lab, const struct mdl_tinyconv *m,
                     const struct mdl_tc_quant *q, struct mdl_lab_result *r)
{
    static float act[MDL_TC_ACT];
    int fc = 0, qc = 0;
    for (size_t i = 0; i < lab->n_test; i++) {
        float probs[MDL_TC_MAX_CLASSES];
        int8_t logits[MDL_TC_MAX_CLASSES];
        mdl_tc_forward(m, lab->test_x + i * MDL_TC_IN, NULL, act, probs);
        int best = 0;
        for (int k = 1; k < m->n_classes; k++) best = probs[k] > probs[best] ? k : best;
        fc += best == lab->test_label[i];
        r->pred[i] = (uint8_t)mdl_tc_quant_run(q, lab->test_i8 + i * MDL_TC_IN, logits);
        qc += r->pred[i] == lab->test_label[i];
    }
    r->n_test = (int)lab->n_test;
    r->acc_float = (double)fc / (double)lab->n_test;
    r->acc_int8 = (double)qc / (double)lab->n_test;
}

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return 1e6 * (double)t.tv_sec + 1e-3 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Every test clip through the host interpreter (scores kept), then the
 * median of repeated invokes on the first clip. */
static enum kws_status run_interp(const struct mdl_lab *lab, const struct mdl_model *mm, int nc,
                                  struct mdl_lab_result *r, char *err, size_t err_len)
{
    struct mdl_interp it;
    enum kws_status st = mdl_interp_init(&it, mm, err, err_len);
    if (st != KWS_OK) return st;
    void *in, *out;
    const struct mdl_tensor *ti = mdl_interp_input(&it, 0, &in);
    const struct mdl_tensor *to = mdl_interp_output(&it, 0, &out);
    if (ti->n_elems != MDL_TC_IN || to->n_elems != (size_t)nc) {
        mdl_interp_free(&it);
        return kws_err(err, err_len, KWS_ERR_FORMAT, "exported model has unexpected shapes");
    }
    for (size_t i = 0; i < lab->n_test && st == KWS_OK; i++) {
        memcpy(in, lab->test_i8 + i * MDL_TC_IN, MDL_TC_IN);
        st = mdl_interp_invoke(&it, err, err_len);
        memcpy(r->scores + i * (size_t)nc, out, (size_t)nc);
    }
    enum { RUNS = 41 };
    double t[RUNS];
    for (int k = 0; k < RUNS && st == KWS_OK; k++) {
        memcpy(in, lab->test_i8, MDL_TC_IN);
        double t0 = now_us();
        st = mdl_interp_invoke(&it, err, err_len);
        t[k] = now_us() - t0;
    }
    qsort(t, RUNS, sizeof t[0], cmp_double);
    r->host_us = t[RUNS / 2];
    mdl_interp_free(&it);
    return st;
}

/* Sizes the exported model as `model info` does, and runs it. */
static enum kws_status measure(const struct mdl_lab *lab, int nc, struct mdl_lab_result *r,
                               char *err, size_t err_len)
{
    struct mdl_model mm = { 0 };
    struct mdl_info info = { 0 };
    enum kws_status st = mdl_model_load_mem(r->model, r->model_len, &mm, err, err_len);
    if (st == KWS_OK) st = mdl_model_info(&mm, MDL_FLOPS_DEFAULT, &info, err, err_len);
    if (st == KWS_OK) {
        r->params = info.params;
        r->params_nonzero = info.nonzero_params;
        r->flops = info.flops;
        r->flash_bytes = info.model_bytes;
        r->arena_bytes = info.arena_bytes;
        r->weight_bits = info.weight_bits;
        r->packed_weight_bytes = info.packed_weight_bytes;
        for (int i = 0; i < info.n_layers; i++) {
            const struct mdl_layer_info *l = &info.layers[i];
            const struct mdl_operator *o = &mm.ops[i];
            if (l->op == MDL_OP_DEPTHWISE_CONV_2D) {
                r->conv_flops = l->flops;
                r->channels = mm.tensors[o->inputs[1]].dims[3];
            }
            if (l->op != MDL_OP_DEPTHWISE_CONV_2D && l->op != MDL_OP_FULLY_CONNECTED) continue;
            const struct mdl_tensor *w = &mm.tensors[o->inputs[1]];
            const int8_t *d = w->data;
            r->weights += w->n_elems;
            for (size_t k = 0; k < w->n_elems; k++) r->weights_nonzero += d[k] != 0;
        }
        mdl_info_free(&info);
        st = run_interp(lab, &mm, nc, r, err, err_len);
    }
    mdl_model_free(&mm);
    return st;
}

enum kws_status mdl_lab_run(struct mdl_lab *lab, const struct mdl_lab_variant *v,
                            struct mdl_lab_result *r, char *err, size_t err_len)
{
    memset(r, 0, sizeof *r);
    if (v->bits < MDL_LAB_MIN_BITS || v->bits > MDL_LAB_MAX_BITS || v->sparsity_pct < 0 ||
        v->sparsity_pct > 99 || v->method >= MDL_LAB_METHODS)
        return kws_err(err, err_len, KWS_ERR_ARG, "bad variant");
    struct mdl_tinyconv *m = malloc(sizeof *m);
    struct mdl_tc_mask *mask = malloc(sizeof *mask);
    struct mdl_tc_quant *q = malloc(sizeof *q);
    int nc = lab->base->n_classes;
    r->pred = malloc(lab->n_test);
    r->scores = malloc(lab->n_test * (size_t)nc);
    enum kws_status st = KWS_OK;
    if (!m || !mask || !q || !r->pred || !r->scores)
        st = kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    if (st == KWS_OK) st = make_variant(lab, v, m, mask, q, err, err_len);
    if (st == KWS_OK) {
        evaluate(lab, m, q, r);
        st = mdl_tc_to_tflite_channels(q, v->method == MDL_LAB_STRUCTURED ? mask->chan : NULL,
                                       &r->model, &r->model_len, err, err_len);
    }
    if (st == KWS_OK) st = measure(lab, nc, r, err, err_len);
    free(m);
    free(mask);
    free(q);
    if (st != KWS_OK) mdl_lab_result_free(r);
    return st;
}
