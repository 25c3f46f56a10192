/* train_export.c: a quantised TinyConv (struct mdl_tc_quant) as a .tflite
 * flatbuffer, and any byte array as the `xxd -i` style .cc file the Arduino
 * sketch includes.
 *
 * The graph is upstream micro_speech's: RESHAPE [1,1960] -> [1,49,40,1],
 * DEPTHWISE_CONV_2D (ReLU fused), FULLY_CONNECTED, SOFTMAX, all int8. It is
 * described as a struct mdl_model and serialised by the models-format writer
 * (mdl_model_write), so there is one flatbuffer writer in the project. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

/* Storage behind the struct mdl_model description of one quantised TinyConv. */
struct tc_desc {
    struct mdl_tensor t[10];
    struct mdl_operator ops[4];
    int inputs[1], outputs[1];
    int32_t reshape_shape[4];
    float scale[10][MDL_TC_FILTERS];
    int32_t zp[10][MDL_TC_FILTERS];
    int32_t conv_b[MDL_TC_FILTERS], fc_b[MDL_TC_MAX_CLASSES];
};

static void tensor(struct tc_desc *d, int i, const char *name, enum mdl_type type,
                   const int32_t *dims, int n_dims, const void *data, int nq, int qdim)
{
    struct mdl_tensor *t = &d->t[i];
    t->name = name;
    t->type = type;
    t->n_dims = n_dims;
    t->n_elems = 1;
    for (int k = 0; k < n_dims; k++) {
        t->dims[k] = dims[k];
        t->n_elems *= (size_t)dims[k];
    }
    t->bytes = t->n_elems * mdl_type_size(type);
    t->data = data;
    t->data_size = data ? t->bytes : 0;
    t->n_quant = nq;
    t->scale = d->scale[i];
    t->zero_point = d->zp[i];
    t->quant_dim = qdim;
}

static void op(struct mdl_operator *o, enum mdl_op code, const int *in, int nin, int out)
{
    memset(o, 0, sizeof *o);
    o->op = code;
    o->n_inputs = nin;
    for (int i = 0; i < nin; i++) o->inputs[i] = in[i];
    o->n_outputs = 1;
    o->outputs[0] = out;
    /* The defaults struct mdl_op_params documents. */
    o->p.padding = MDL_PAD_SAME;
    o->p.stride_w = o->p.stride_h = 1;
    o->p.dilation_w = o->p.dilation_h = 1;
    o->p.filter_w = o->p.filter_h = 1;
    o->p.depth_multiplier = 1;
    o->p.act = MDL_ACT_NONE;
    o->p.beta = 1.0f;
    o->p.n_new_shape = -1;
}

/* Fills m (pointing into d and q) with the graph. */
static void describe(const struct mdl_tc_quant *q, struct tc_desc *d, struct mdl_model *m)
{
    int nc = q->n_classes;
    memset(d, 0, sizeof *d);
    memset(m, 0, sizeof *m);
    d->reshape_shape[0] = 1;
    d->reshape_shape[1] = MDL_TC_IN_H;
    d->reshape_shape[2] = MDL_TC_IN_W;
    d->reshape_shape[3] = 1;
    memcpy(d->conv_b, q->conv_b, sizeof d->conv_b);
    memcpy(d->fc_b, q->fc_b, sizeof d->fc_b);
    const int32_t in_dims[2] = { 1, MDL_TC_IN }, four[1] = { 4 };
    const int32_t w_dims[4] = { 1, MDL_TC_KH, MDL_TC_KW, MDL_TC_FILTERS },
                  b_dims[1] = { MDL_TC_FILTERS };
    const int32_t a_dims[4] = { 1, MDL_TC_OUT_H, MDL_TC_OUT_W, MDL_TC_FILTERS };
    const int32_t fw_dims[2] = { nc, MDL_TC_ACT }, fb_dims[1] = { nc }, out_dims[2] = { 1, nc };

    d->scale[0][0] = d->scale[2][0] = q->in_scale;
    d->zp[0][0] = d->zp[2][0] = q->in_zp;
    for (int c = 0; c < MDL_TC_FILTERS; c++) {
        d->scale[3][c] = q->conv_scale[c];
        d->scale[4][c] = q->in_scale * q->conv_scale[c]; /* bias: input * weight scale */
    }
    d->scale[5][0] = q->conv_out_scale;
    d->zp[5][0] = q->conv_out_zp;
    d->scale[6][0] = q->fc_scale;
    d->scale[7][0] = q->conv_out_scale * q->fc_scale;
    d->scale[8][0] = q->fc_out_scale;
    d->zp[8][0] = q->fc_out_zp;
    d->scale[9][0] = q->sm_scale;
    d->zp[9][0] = q->sm_zp;

    tensor(d, 0, "input", MDL_T_INT8, in_dims, 2, NULL, 1, 0);
    tensor(d, 1, "reshape_shape", MDL_T_INT32, four, 1, d->reshape_shape, 0, 0);
    tensor(d, 2, "reshape", MDL_T_INT8, d->reshape_shape, 4, NULL, 1, 0);
    /* Per-channel weights along the output-channel dimension (3), zero point 0. */
    tensor(d, 3, "conv_weights", MDL_T_INT8, w_dims, 4, q->conv_w, MDL_TC_FILTERS, 3);
    tensor(d, 4, "conv_bias", MDL_T_INT32, b_dims, 1, d->conv_b, MDL_TC_FILTERS, 0);
    tensor(d, 5, "conv_relu", MDL_T_INT8, a_dims, 4, NULL, 1, 0);
    tensor(d, 6, "fc_weights", MDL_T_INT8, fw_dims, 2, q->fc_w, 1, 0);
    tensor(d, 7, "fc_bias", MDL_T_INT32, fb_dims, 1, d->fc_b, 1, 0);
    tensor(d, 8, "logits", MDL_T_INT8, out_dims, 2, NULL, 1, 0);
    tensor(d, 9, "labels_softmax", MDL_T_INT8, out_dims, 2, NULL, 1, 0);

    static const int r_in[2] = { 0, 1 }, dw_in[3] = { 2, 3, 4 }, fc_in[3] = { 5, 6, 7 },
                     sm_in[1] = { 8 };
    op(&d->ops[0], MDL_OP_RESHAPE, r_in, 2, 2);
    d->ops[0].p.n_new_shape = 4;
    memcpy(d->ops[0].p.new_shape, d->reshape_shape, sizeof d->reshape_shape);
    op(&d->ops[1], MDL_OP_DEPTHWISE_CONV_2D, dw_in, 3, 5);
    d->ops[1].p.stride_w = d->ops[1].p.stride_h = MDL_TC_STRIDE;
    d->ops[1].p.depth_multiplier = MDL_TC_FILTERS;
    d->ops[1].p.act = MDL_ACT_RELU;
    op(&d->ops[2], MDL_OP_FULLY_CONNECTED, fc_in, 3, 8);
    op(&d->ops[3], MDL_OP_SOFTMAX, sm_in, 1, 9);

    d->inputs[0] = 0;
    d->outputs[0] = 9;
    m->version = 3;
    m->description = "kwscope TinyConv int8";
    m->n_subgraphs = 1;
    m->n_tensors = 10;
    m->tensors = d->t;
    m->n_ops = 4;
    m->ops = d->ops;
    m->n_inputs = m->n_outputs = 1;
    m->inputs = d->inputs;
    m->outputs = d->outputs;
}

enum kws_status mdl_tc_to_tflite(const struct mdl_tc_quant *q, uint8_t **out, size_t *len,
                                 char *err, size_t err_len)
{
    if (q->n_classes < 2 || q->n_classes > MDL_TC_MAX_CLASSES)
        return kws_err(err, err_len, KWS_ERR_ARG, "bad class count %d", q->n_classes);
    struct tc_desc *d = malloc(sizeof *d);
    if (!d) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    struct mdl_model m;
    describe(q, d, &m);
    enum kws_status st = mdl_model_write(&m, out, len, err, err_len);
    free(d);
    return st;
}

int mdl_write_cc_to(FILE *f, const char *name, const uint8_t *data, size_t len)
{
    /* xxd -i layout, aligned so the flatbuffer can be read in place. */
    fprintf(f, "// %s: generated by kwscope train (xxd -i style).\n", name);
    fprintf(f, "alignas(16) const unsigned char %s[] = {\n", name);
    for (size_t i = 0; i < len; i++)
        fprintf(f, "%s0x%02x%s", i % 12 ? " " : "  ", data[i],
                i + 1 == len ? "\n" : (i % 12 == 11 ? ",\n" : ","));
    fprintf(f, "};\nconst unsigned int %s_len = %zu;\n", name, len);
    return !ferror(f);
}

enum kws_status mdl_write_cc(const char *path, const char *name, const uint8_t *data, size_t len,
                             char *err, size_t err_len)
{
    FILE *f = fopen(path, "w");
    if (!f) return kws_err(err, err_len, KWS_ERR_IO, "%s: cannot create", path);
    int ok = mdl_write_cc_to(f, name, data, len);
    if (fclose(f) || !ok) return kws_err(err, err_len, KWS_ERR_IO, "%s: write failed", path);
    return KWS_OK;
}
