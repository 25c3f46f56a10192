/* lab_export.c: a structurally pruned TinyConv as a genuinely smaller model.
 *
 * The full model is written as usual (train_export.c), read back, and the
 * removed depthwise channels are cut out of its description: the conv filter
 * [1][10][8][8] becomes [1][10][8][k] with k scales and biases, the depth
 * multiplier becomes k, the activation [1][25][20][k], and the FC weights keep
 * only the columns of the kept channels (NHWC order: position * k + channel).
 * The result is serialised again, so there is still one flatbuffer writer,
 * and every op, shape and quantisation parameter that is not cut stays
 * exactly as the full export has it. */
#include <stdlib.h>
#include <string.h>

#include "train.h"

struct cut {
    int8_t conv_w[MDL_TC_CONV_W];
    int32_t conv_b[MDL_TC_FILTERS];
    float w_scale[MDL_TC_FILTERS], b_scale[MDL_TC_FILTERS];
    int32_t w_zp[MDL_TC_FILTERS], b_zp[MDL_TC_FILTERS];
    int8_t fc_w[MDL_TC_MAX_CLASSES * MDL_TC_ACT];
};

static void resize(struct mdl_tensor *t, int dim, int n)
{
    t->dims[dim] = n;
    t->n_elems = 1;
    for (int d = 0; d < t->n_dims; d++) t->n_elems *= (size_t)t->dims[d];
    t->bytes = t->n_elems * mdl_type_size(t->type);
    if (t->data) t->data_size = t->bytes;
}

/* Rewrites m's description in place to the kept channels; c holds the data. */
static enum kws_status cut_channels(struct mdl_model *m, const uint8_t *keep, int k, struct cut *c,
                                    char *err, size_t err_len)
{
    if (m->n_ops != 4 || m->ops[1].op != MDL_OP_DEPTHWISE_CONV_2D ||
        m->ops[2].op != MDL_OP_FULLY_CONNECTED)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "not a TinyConv graph");
    struct mdl_operator *dw = &m->ops[1], *fc = &m->ops[2];
    struct mdl_tensor *w = &m->tensors[dw->inputs[1]], *b = &m->tensors[dw->inputs[2]];
    struct mdl_tensor *a = &m->tensors[dw->outputs[0]], *fw = &m->tensors[fc->inputs[1]];
    const int8_t *w0 = w->data, *fw0 = fw->data;
    const int32_t *b0 = b->data;
    int nc = fw->dims[0], taps = MDL_TC_KH * MDL_TC_KW, pos = MDL_TC_OUT_H * MDL_TC_OUT_W;
    for (int c0 = 0, j = 0; c0 < MDL_TC_FILTERS; c0++) {
        if (!keep[c0]) continue;
        for (int t = 0; t < taps; t++) c->conv_w[t * k + j] = w0[t * MDL_TC_FILTERS + c0];
        c->conv_b[j] = b0[c0];
        c->w_scale[j] = w->scale[c0];
        c->b_scale[j] = b->scale[c0];
        c->w_zp[j] = w->zero_point[c0];
        c->b_zp[j] = b->zero_point[c0];
        for (int cl = 0; cl < nc; cl++)
            for (int p = 0; p < pos; p++)
                c->fc_w[cl * pos * k + p * k + j] = fw0[cl * MDL_TC_ACT + p * MDL_TC_FILTERS + c0];
        j++;
    }
    resize(w, 3, k);
    w->data = c->conv_w;
    w->n_quant = k;
    w->scale = c->w_scale;
    w->zero_point = c->w_zp;
    resize(b, 0, k);
    b->data = c->conv_b;
    b->n_quant = k;
    b->scale = c->b_scale;
    b->zero_point = c->b_zp;
    resize(a, 3, k);
    resize(fw, 1, pos * k);
    fw->data = c->fc_w;
    dw->p.depth_multiplier = k;
    return KWS_OK;
}

enum kws_status mdl_tc_to_tflite_channels(const struct mdl_tc_quant *q, const uint8_t *chan_keep,
                                          uint8_t **out, size_t *len, char *err, size_t err_len)
{
    int k = 0;
    for (int c = 0; chan_keep && c < MDL_TC_FILTERS; c++) k += chan_keep[c] != 0;
    if (!chan_keep || k == MDL_TC_FILTERS) return mdl_tc_to_tflite(q, out, len, err, err_len);
    if (k < 1) return kws_err(err, err_len, KWS_ERR_ARG, "structured pruning kept no channel");
    uint8_t *full = NULL;
    size_t full_len = 0;
    enum kws_status st = mdl_tc_to_tflite(q, &full, &full_len, err, err_len);
    if (st != KWS_OK) return st;
    struct mdl_model m = { 0 };
    struct cut *c = malloc(sizeof *c);
    if (!c) st = kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    if (st == KWS_OK) st = mdl_model_load_mem(full, full_len, &m, err, err_len);
    if (st == KWS_OK) st = cut_channels(&m, chan_keep, k, c, err, err_len);
    if (st == KWS_OK) st = mdl_model_write(&m, out, len, err, err_len);
    mdl_model_free(&m);
    free(c);
    free(full);
    return st;
}
