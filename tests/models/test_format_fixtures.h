/* test_format_fixtures.h: a small int8 model using all 13 supported ops, built
 * as a struct mdl_model for the writer (tests of the reader, writer, planner,
 * sizing, and the fuzz seed corpus). Float input -> QUANTIZE -> CONV_2D
 * (per-channel) -> DEPTHWISE_CONV_2D -> MAX_POOL_2D -> AVERAGE_POOL_2D -> PAD
 * -> ADD -> MUL -> TRANSPOSE -> RESHAPE -> FULLY_CONNECTED -> SOFTMAX ->
 * DEQUANTIZE -> float output. Weights are a fixed pseudo-random pattern. */
#ifndef TEST_FORMAT_FIXTURES_H
#define TEST_FORMAT_FIXTURES_H

#include <string.h>

#include "models.h"

enum { FX_TENSORS = 23, FX_OPS = 13 };

struct fixture {
    struct mdl_model m;
    struct mdl_tensor t[FX_TENSORS];
    struct mdl_operator o[FX_OPS];
    int in[1], out[1];
    int8_t conv_w[4 * 3 * 3 * 2], dw_w[3 * 3 * 8], fc_w[3 * 128];
    int32_t conv_b[4], dw_b[8], fc_b[3], pads[8], perm[4], shape[2];
    float conv_s[4], dw_s[8], conv_bs[4], dw_bs[8], s[FX_TENSORS];
    int32_t conv_z[4], dw_z[8], z[FX_TENSORS];
};

static inline void fx_tensor(struct fixture *f, int i, const char *name, enum mdl_type type,
                             int n_dims, const int32_t *dims, const void *data, float scale, int zp)
{
    struct mdl_tensor *t = &f->t[i];
    memset(t, 0, sizeof *t);
    t->name = name;
    t->type = type;
    t->n_dims = n_dims;
    size_t n = 1;
    for (int d = 0; d < n_dims; d++) {
        t->dims[d] = dims[d];
        n *= (size_t)dims[d];
    }
    t->n_elems = n;
    t->bytes = n * mdl_type_size(type);
    t->data = data;
    t->data_size = data ? t->bytes : 0;
    if (scale > 0) {
        f->s[i] = scale;
        f->z[i] = zp;
        t->n_quant = 1;
        t->scale = &f->s[i];
        t->zero_point = &f->z[i];
    }
}

static inline struct mdl_operator *fx_op(struct fixture *f, int i, enum mdl_op op, int n_in, int i0,
                                         int i1, int i2, int out)
{
    struct mdl_operator *o = &f->o[i];
    memset(o, 0, sizeof *o);
    o->op = op;
    o->n_inputs = n_in;
    o->inputs[0] = i0;
    o->inputs[1] = i1;
    o->inputs[2] = i2;
    o->inputs[3] = -1;
    o->n_outputs = 1;
    o->outputs[0] = out;
    o->outputs[1] = o->outputs[2] = o->outputs[3] = -1;
    o->p.padding = MDL_PAD_SAME;
    o->p.stride_w = o->p.stride_h = o->p.dilation_w = o->p.dilation_h = 1;
    o->p.filter_w = o->p.filter_h = o->p.depth_multiplier = 1;
    o->p.beta = 1.0f;
    o->p.n_new_shape = -1;
    return o;
}

static inline void fixture_all_ops(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    uint32_t r = 12345;
#define RND8() (r = r * 1103515245u + 12345u, (int8_t)((r >> 16) % 255 - 127))
    for (size_t i = 0; i < sizeof f->conv_w; i++) f->conv_w[i] = RND8();
    for (size_t i = 0; i < sizeof f->dw_w; i++) f->dw_w[i] = RND8();
    for (size_t i = 0; i < sizeof f->fc_w; i++) f->fc_w[i] = RND8();
    for (int i = 0; i < 4; i++) {
        f->conv_s[i] = 0.01f * (float)(i + 1);
        f->conv_b[i] = 100 * (i - 2);
        f->conv_bs[i] = 0.0625f * f->conv_s[i];
    }
    for (int i = 0; i < 8; i++) {
        f->dw_s[i] = 0.02f + 0.001f * (float)i;
        f->dw_b[i] = 50 * (i - 4);
        f->dw_bs[i] = 0.05f * f->dw_s[i];
    }
    for (int i = 0; i < 3; i++) f->fc_b[i] = 1000 * (i - 1);
#undef RND8
    static const int32_t pads[8] = { 0, 0, 1, 1, 1, 1, 0, 0 }, perm[4] = { 0, 3, 1, 2 },
                         shape[2] = { 1, 128 };
    memcpy(f->pads, pads, sizeof pads);
    memcpy(f->perm, perm, sizeof perm);
    memcpy(f->shape, shape, sizeof shape);

    static const int32_t d_in[4] = { 1, 8, 8, 2 }, d_cw[4] = { 4, 3, 3, 2 }, d4[1] = { 4 },
                         d_c[4] = { 1, 4, 4, 4 }, d_dw[4] = { 1, 3, 3, 8 }, d8[1] = { 8 },
                         d_d[4] = { 1, 4, 4, 8 }, d_p[4] = { 1, 2, 2, 8 }, d_pad[2] = { 4, 2 },
                         d_t[4] = { 1, 8, 4, 4 }, d2[1] = { 2 }, d_r[2] = { 1, 128 },
                         d_fw[2] = { 3, 128 }, d3[1] = { 3 }, d_o[2] = { 1, 3 };
    fx_tensor(f, 0, "input", MDL_T_FLOAT32, 4, d_in, NULL, 0, 0);
    fx_tensor(f, 1, "input_int8", MDL_T_INT8, 4, d_in, NULL, 0.0625f, -3);
    fx_tensor(f, 2, "conv_w", MDL_T_INT8, 4, d_cw, f->conv_w, 0, 0);
    fx_tensor(f, 3, "conv_b", MDL_T_INT32, 1, d4, f->conv_b, 0, 0);
    fx_tensor(f, 4, "conv_out", MDL_T_INT8, 4, d_c, NULL, 0.05f, -128);
    fx_tensor(f, 5, "dw_w", MDL_T_INT8, 4, d_dw, f->dw_w, 0, 0);
    fx_tensor(f, 6, "dw_b", MDL_T_INT32, 1, d8, f->dw_b, 0, 0);
    fx_tensor(f, 7, "dw_out", MDL_T_INT8, 4, d_d, NULL, 0.1f, 5);
    fx_tensor(f, 8, "max_out", MDL_T_INT8, 4, d_p, NULL, 0.1f, 5);
    fx_tensor(f, 9, "avg_out", MDL_T_INT8, 4, d_p, NULL, 0.1f, 5);
    fx_tensor(f, 10, "pads", MDL_T_INT32, 2, d_pad, f->pads, 0, 0);
    fx_tensor(f, 11, "pad_out", MDL_T_INT8, 4, d_d, NULL, 0.1f, 5);
    fx_tensor(f, 12, "add_out", MDL_T_INT8, 4, d_d, NULL, 0.2f, 10);
    fx_tensor(f, 13, "mul_out", MDL_T_INT8, 4, d_d, NULL, 0.5f, -20);
    fx_tensor(f, 14, "perm", MDL_T_INT32, 1, d4, f->perm, 0, 0);
    fx_tensor(f, 15, "transpose_out", MDL_T_INT8, 4, d_t, NULL, 0.5f, -20);
    fx_tensor(f, 16, "shape", MDL_T_INT32, 1, d2, f->shape, 0, 0);
    fx_tensor(f, 17, "reshape_out", MDL_T_INT8, 2, d_r, NULL, 0.5f, -20);
    fx_tensor(f, 18, "fc_w", MDL_T_INT8, 2, d_fw, f->fc_w, 0.004f, 0);
    fx_tensor(f, 19, "fc_b", MDL_T_INT32, 1, d3, f->fc_b, 0.002f, 0);
    fx_tensor(f, 20, "fc_out", MDL_T_INT8, 2, d_o, NULL, 0.25f, 3);
    fx_tensor(f, 21, "softmax_out", MDL_T_INT8, 2, d_o, NULL, 1.0f / 256, -128);
    fx_tensor(f, 22, "output", MDL_T_FLOAT32, 2, d_o, NULL, 0, 0);
    /* Per-channel weights and biases (scale_b = scale_in * scale_w). */
    f->t[2].n_quant = 4;
    f->t[2].scale = f->conv_s;
    f->t[2].zero_point = f->conv_z;
    f->t[2].quant_dim = 0;
    f->t[5].n_quant = 8;
    f->t[5].scale = f->dw_s;
    f->t[5].zero_point = f->dw_z;
    f->t[5].quant_dim = 3;
    f->t[3].n_quant = 4;
    f->t[3].scale = f->conv_bs;
    f->t[3].zero_point = f->conv_z;
    f->t[6].n_quant = 8;
    f->t[6].scale = f->dw_bs;
    f->t[6].zero_point = f->dw_z;

    struct mdl_operator *o;
    fx_op(f, 0, MDL_OP_QUANTIZE, 1, 0, -1, -1, 1);
    o = fx_op(f, 1, MDL_OP_CONV_2D, 3, 1, 2, 3, 4);
    o->p.stride_w = o->p.stride_h = 2;
    o->p.act = MDL_ACT_RELU;
    o = fx_op(f, 2, MDL_OP_DEPTHWISE_CONV_2D, 3, 4, 5, 6, 7);
    o->p.depth_multiplier = 2;
    o->p.act = MDL_ACT_RELU6;
    o = fx_op(f, 3, MDL_OP_MAX_POOL_2D, 1, 7, -1, -1, 8);
    o->p.filter_w = o->p.filter_h = o->p.stride_w = o->p.stride_h = 2;
    o->p.padding = MDL_PAD_VALID;
    o = fx_op(f, 4, MDL_OP_AVERAGE_POOL_2D, 1, 8, -1, -1, 9);
    o->p.filter_w = o->p.filter_h = 2;
    fx_op(f, 5, MDL_OP_PAD, 2, 9, 10, -1, 11);
    fx_op(f, 6, MDL_OP_ADD, 2, 11, 11, -1, 12);
    fx_op(f, 7, MDL_OP_MUL, 2, 12, 11, -1, 13);
    fx_op(f, 8, MDL_OP_TRANSPOSE, 2, 13, 14, -1, 15);
    o = fx_op(f, 9, MDL_OP_RESHAPE, 2, 15, 16, -1, 17);
    o->p.n_new_shape = 2;
    o->p.new_shape[0] = 1;
    o->p.new_shape[1] = 128;
    fx_op(f, 10, MDL_OP_FULLY_CONNECTED, 3, 17, 18, 19, 20);
    fx_op(f, 11, MDL_OP_SOFTMAX, 1, 20, -1, -1, 21);
    fx_op(f, 12, MDL_OP_DEQUANTIZE, 1, 21, -1, -1, 22);
    f->in[0] = 0;
    f->out[0] = 22;
    f->m.description = "kwscope all-ops fixture";
    f->m.n_subgraphs = 1;
    f->m.n_tensors = FX_TENSORS;
    f->m.tensors = f->t;
    f->m.n_ops = FX_OPS;
    f->m.ops = f->o;
    f->m.n_inputs = f->m.n_outputs = 1;
    f->m.inputs = f->in;
    f->m.outputs = f->out;
}

#endif
