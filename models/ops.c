/* ops.c: the operator registry: the table of supported ops and, per op, the
 * prepare step (validation, geometry, requantisation multipliers, computed
 * once as TFLM's Prepare does), the invoke step (a call to the kernel entry
 * point in models.h) and the FLOPs rule (conventions in info.c). Kernels stay
 * in kernels_*.c; this file only binds them to the ops. */
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "tflite_codes.h"

#define UNSUP(...) kws_err(err, err_len, KWS_ERR_UNSUPPORTED, __VA_ARGS__)

struct operands {
    const struct mdl_tensor *in, *out, *w, *b; /* w, b: NULL when absent */
};

static struct operands operands(const struct mdl_model *m, const struct mdl_operator *op)
{
    struct operands x;
    x.in = &m->tensors[op->inputs[0]];
    x.out = &m->tensors[op->outputs[0]];
    x.w = op->n_inputs > 1 && op->inputs[1] >= 0 ? &m->tensors[op->inputs[1]] : NULL;
    x.b = op->n_inputs > 2 && op->inputs[2] >= 0 ? &m->tensors[op->inputs[2]] : NULL;
    return x;
}

static int32_t qzp(const struct mdl_tensor *t)
{
    return t->n_quant ? t->zero_point[0] : 0;
}

/* Multipliers input_scale * filter_scale[c] / output_scale, in double as
 * TFLite's PopulateConvolutionQuantizationParams does. */
static enum kws_status prep_rq(struct mdl_step *s, const struct mdl_tensor *in,
                               const struct mdl_tensor *w, const struct mdl_tensor *out,
                               enum mdl_act act, int n_ch, char *err, size_t err_len)
{
    if (!in->n_quant || !w->n_quant || !out->n_quant)
        return UNSUP("int8 tensor without quantization");
    int n = w->n_quant > 1 ? w->n_quant : 1;
    if (n > 1 && n != n_ch)
        return UNSUP("per-channel scales (%d) do not match %d output channels", n, n_ch);
    s->mult = malloc((size_t)n * sizeof *s->mult);
    s->shift = malloc((size_t)n * sizeof *s->shift);
    if (!s->mult || !s->shift) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    for (int c = 0; c < n; c++) {
        double real = (double)in->scale[0] * (double)w->scale[c] / (double)out->scale[0];
        mdl_quantize_multiplier(real, &s->mult[c], &s->shift[c]);
    }
    s->rq.per_channel = n > 1;
    s->rq.mult = s->mult;
    s->rq.shift = s->shift;
    s->rq.in_offset = -qzp(in);
    s->rq.w_offset = -qzp(w);
    s->rq.out_offset = qzp(out);
    mdl_act_range_i8(act, out->scale[0], qzp(out), &s->rq.act_min, &s->rq.act_max);
    return KWS_OK;
}

/* Weight and bias types shared by conv, depthwise conv and fully connected. */
static enum kws_status check_weights(const char *name, const struct operands *x, char *err,
                                     size_t err_len)
{
    bool i8 = x->in->type == MDL_T_INT8, f32 = x->in->type == MDL_T_FLOAT32;
    if (!(i8 || f32) || x->in->type != x->out->type || x->w->type != x->in->type || !x->w->data)
        return UNSUP("%s: unsupported types %s/%s", name, mdl_type_name(x->in->type),
                     mdl_type_name(x->w->type));
    if (x->b && (!x->b->data || x->b->type != (i8 ? MDL_T_INT32 : MDL_T_FLOAT32)))
        return UNSUP("%s: bias must be constant %s", name, i8 ? "int32" : "float32");
    return KWS_OK;
}

static enum kws_status conv_geom(const char *name, const struct mdl_operator *op, bool dw,
                                 const struct operands *x, struct mdl_step *s, char *err,
                                 size_t err_len)
{
    const struct mdl_tensor *in = x->in, *w = x->w, *out = x->out;
    struct mdl_conv_geom *g = &s->g;
    g->batch = in->dims[0];
    g->in_h = in->dims[1];
    g->in_w = in->dims[2];
    g->in_c = in->dims[3];
    g->k_h = w->dims[1];
    g->k_w = w->dims[2];
    g->stride_h = op->p.stride_h;
    g->stride_w = op->p.stride_w;
    g->dil_h = op->p.dilation_h;
    g->dil_w = op->p.dilation_w;
    if (g->stride_h < 1 || g->stride_w < 1 || g->dil_h < 1 || g->dil_w < 1)
        return UNSUP("%s: strides and dilations must be positive", name);
    s->out_c = dw ? w->dims[3] : w->dims[0];
    if (dw) {
        if (w->dims[0] != 1 || g->in_c <= 0 || s->out_c % g->in_c)
            return UNSUP("%s: filter [1,h,w,%d] does not fit %d input channels", name, s->out_c,
                         g->in_c);
        g->depth_mul = s->out_c / g->in_c;
    } else if (w->dims[3] != g->in_c) {
        return UNSUP("%s: filter depth %d != input channels %d", name, w->dims[3], g->in_c);
    }
    mdl_conv_out_size(op->p.padding, g->in_h, g->k_h, g->stride_h, g->dil_h, &g->out_h,
                      &g->pad_top);
    mdl_conv_out_size(op->p.padding, g->in_w, g->k_w, g->stride_w, g->dil_w, &g->out_w,
                      &g->pad_left);
    if (out->dims[0] != g->batch || out->dims[1] != g->out_h || out->dims[2] != g->out_w ||
        out->dims[3] != s->out_c)
        return UNSUP("%s: output shape [%d,%d,%d,%d] != computed [%d,%d,%d,%d]", name, out->dims[0],
                     out->dims[1], out->dims[2], out->dims[3], g->batch, g->out_h, g->out_w,
                     s->out_c);
    return KWS_OK;
}

static enum kws_status prep_conv(const struct mdl_model *m, const struct mdl_operator *op,
                                 struct mdl_step *s, char *err, size_t err_len)
{
    const char *name = mdl_op_name(op->op);
    struct operands x = operands(m, op);
    if (!x.w || x.in->n_dims != 4 || x.w->n_dims != 4 || x.out->n_dims != 4)
        return UNSUP("%s needs 4-D input, filter and output", name);
    enum kws_status st = check_weights(name, &x, err, err_len);
    if (st == KWS_OK)
        st = conv_geom(name, op, op->op == MDL_OP_DEPTHWISE_CONV_2D, &x, s, err, err_len);
    if (st != KWS_OK) return st;
    if (x.b && (int)x.b->n_elems != s->out_c)
        return UNSUP("%s: bias has %zu elements, not %d", name, x.b->n_elems, s->out_c);
    if (x.in->type == MDL_T_INT8)
        return prep_rq(s, x.in, x.w, x.out, op->p.act, s->out_c, err, err_len);
    return KWS_OK;
}

static enum kws_status prep_fc(const struct mdl_model *m, const struct mdl_operator *op,
                               struct mdl_step *s, char *err, size_t err_len)
{
    const char *name = mdl_op_name(op->op);
    struct operands x = operands(m, op);
    if (!x.w || x.w->n_dims != 2 || !x.w->data)
        return UNSUP("%s needs a constant 2-D weight", name);
    enum kws_status st = check_weights(name, &x, err, err_len);
    if (st != KWS_OK) return st;
    s->out_n = x.w->dims[0];
    s->in_n = x.w->dims[1];
    if (s->in_n <= 0 || x.in->n_elems % (size_t)s->in_n)
        return UNSUP("%s: input of %zu elements is not a multiple of %d", name, x.in->n_elems,
                     s->in_n);
    s->rows = (int)(x.in->n_elems / (size_t)s->in_n);
    if (x.out->n_elems != (size_t)s->rows * (size_t)s->out_n)
        return UNSUP("%s: output has %zu elements, expected %d x %d", name, x.out->n_elems, s->rows,
                     s->out_n);
    if (x.b && (int)x.b->n_elems != s->out_n)
        return UNSUP("%s: bias has %zu elements, not %d", name, x.b->n_elems, s->out_n);
    if (x.in->type == MDL_T_INT8)
        return prep_rq(s, x.in, x.w, x.out, op->p.act, s->out_n, err, err_len);
    return KWS_OK;
}

static enum kws_status prep_reshape(const struct mdl_model *m, const struct mdl_operator *op,
                                    struct mdl_step *s, char *err, size_t err_len)
{
    struct operands x = operands(m, op);
    if (x.in->bytes != x.out->bytes || x.in->type != x.out->type)
        return UNSUP("%s: %zu bytes in, %zu out", mdl_op_name(op->op), x.in->bytes, x.out->bytes);
    s->out_bytes = x.out->bytes;
    return KWS_OK;
}

static enum kws_status prep_softmax(const struct mdl_model *m, const struct mdl_operator *op,
                                    struct mdl_step *s, char *err, size_t err_len)
{
    const char *name = mdl_op_name(op->op);
    struct operands x = operands(m, op);
    bool i8 = x.in->type == MDL_T_INT8, f32 = x.in->type == MDL_T_FLOAT32;
    if (!(i8 || f32) || x.in->type != x.out->type || x.in->n_elems != x.out->n_elems ||
        x.in->n_dims < 1)
        return UNSUP("%s: unsupported types or shapes", name);
    s->in_n = x.in->dims[x.in->n_dims - 1];
    if (s->in_n <= 0) return UNSUP("%s: empty last dimension", name);
    s->rows = (int)(x.in->n_elems / (size_t)s->in_n);
    s->beta = op->p.beta;
    if (i8) {
        if (!x.in->n_quant || !x.out->n_quant || qzp(x.out) != -128 ||
            x.out->scale[0] != 1.0f / 256.0f)
            return UNSUP("%s: int8 output must have scale 1/256 and zero point -128", name);
        mdl_softmax_i8_prepare(x.in->scale[0], op->p.beta, &s->sm);
    }
    return KWS_OK;
}

static enum kws_status prep_misc(const struct mdl_model *m, const struct mdl_operator *op,
                                 struct mdl_step *s, char *err, size_t err_len)
{
    return mdl_misc_prepare(m, op, &s->misc, err, err_len);
}

static void run_conv(const struct mdl_step *s, const void *in, const void *w, const void *b,
                     void *out)
{
    if (s->type == MDL_T_INT8)
        mdl_conv_i8(&s->g, s->out_c, &s->rq, in, w, b, out);
    else
        mdl_conv_f32(&s->g, s->out_c, s->act_lo, s->act_hi, in, w, b, out);
}

static void run_dwconv(const struct mdl_step *s, const void *in, const void *w, const void *b,
                       void *out)
{
    if (s->type == MDL_T_INT8)
        mdl_dwconv_i8(&s->g, &s->rq, in, w, b, out);
    else
        mdl_dwconv_f32(&s->g, s->act_lo, s->act_hi, in, w, b, out);
}

static void run_fc(const struct mdl_step *s, const void *in, const void *w, const void *b,
                   void *out)
{
    if (s->type == MDL_T_INT8)
        mdl_fc_i8(s->rows, s->in_n, s->out_n, &s->rq, in, w, b, out);
    else
        mdl_fc_f32(s->rows, s->in_n, s->out_n, s->act_lo, s->act_hi, in, w, b, out);
}

static void run_reshape(const struct mdl_step *s, const void *in, const void *w, const void *b,
                        void *out)
{
    (void)w, (void)b;
    if (in != out) memmove(out, in, s->out_bytes);
}

static void run_softmax(const struct mdl_step *s, const void *in, const void *w, const void *b,
                        void *out)
{
    (void)w, (void)b;
    if (s->type == MDL_T_INT8)
        mdl_softmax_i8(&s->sm, s->rows, s->in_n, in, out);
    else
        mdl_softmax_f32(s->beta, s->rows, s->in_n, in, out);
}

static void run_misc(const struct mdl_step *s, const void *in, const void *w, const void *b,
                     void *out)
{
    (void)b;
    mdl_misc_run(&s->misc, in, w, out);
}

/* ---- FLOPs (info.c states the conventions) ---- */

static const struct mdl_tensor *tensor(const struct mdl_model *m, int i)
{
    return i >= 0 && i < m->n_tensors ? &m->tensors[i] : NULL;
}

static void add_param(struct mdl_layer_info *l, const struct mdl_tensor *t)
{
    if (!t) return;
    l->params += t->n_elems;
    l->weight_bytes += t->bytes;
}

static uint64_t out_elems(const struct mdl_model *m, const struct mdl_operator *o)
{
    const struct mdl_tensor *out = tensor(m, o->outputs[0]);
    return out ? out->n_elems : 0;
}

/* CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: 2 per multiply-add, plus the
 * bias adds by the chosen convention. */
static enum kws_status count_weighted(const struct mdl_model *m, const struct mdl_operator *o,
                                      enum mdl_flops_conv conv, struct mdl_layer_info *l, char *err,
                                      size_t err_len)
{
    const struct mdl_tensor *w = o->n_inputs > 1 ? tensor(m, o->inputs[1]) : NULL;
    const struct mdl_tensor *bias = o->n_inputs > 2 ? tensor(m, o->inputs[2]) : NULL;
    bool fc = o->op == MDL_OP_FULLY_CONNECTED;
    if (!w || (fc ? w->n_dims < 2 : w->n_dims != 4))
        return kws_err(err, err_len, KWS_ERR_FORMAT,
                       "operator %d (%s): filter tensor has %d dimensions, needs %s", l->op_index,
                       mdl_op_name(o->op), w ? w->n_dims : 0, fc ? "2" : "4");
    uint64_t per_out, out_n = out_elems(m, o);
    if (fc)
        per_out = (uint64_t)w->dims[w->n_dims - 1];
    else if (o->op == MDL_OP_CONV_2D)
        per_out = (uint64_t)w->dims[1] * (uint64_t)w->dims[2] * (uint64_t)w->dims[3];
    else
        per_out = (uint64_t)w->dims[1] * (uint64_t)w->dims[2];
    l->macs = out_n * per_out;
    l->flops = 2 * l->macs;
    add_param(l, w);
    add_param(l, bias);
    if (bias) l->flops += conv == MDL_FLOPS_SEED ? bias->n_elems : out_n;
    return KWS_OK;
}

static enum kws_status count_binary(const struct mdl_model *m, const struct mdl_operator *o,
                                    enum mdl_flops_conv conv, struct mdl_layer_info *l, char *err,
                                    size_t err_len)
{
    (void)conv, (void)err, (void)err_len;
    l->flops = out_elems(m, o);
    for (int k = 0; k < 2; k++) {
        const struct mdl_tensor *t = tensor(m, o->inputs[k]);
        if (t && t->data) add_param(l, t);
    }
    return KWS_OK;
}

static enum kws_status count_softmax(const struct mdl_model *m, const struct mdl_operator *o,
                                     enum mdl_flops_conv conv, struct mdl_layer_info *l, char *err,
                                     size_t err_len)
{
    (void)conv, (void)err, (void)err_len;
    l->flops = 3 * out_elems(m, o);
    return KWS_OK;
}

static enum kws_status count_avg_pool(const struct mdl_model *m, const struct mdl_operator *o,
                                      enum mdl_flops_conv conv, struct mdl_layer_info *l, char *err,
                                      size_t err_len)
{
    (void)conv, (void)err, (void)err_len;
    l->flops = out_elems(m, o) * (uint64_t)o->p.filter_w * (uint64_t)o->p.filter_h;
    return KWS_OK;
}

/* ---- the table ---- */

static const struct mdl_op_reg ops[MDL_OP_COUNT] = {
    [MDL_OP_CONV_2D] = { MDL_OP_CONV_2D, 3, "CONV_2D", TFL_OPT_CONV2D, 2, tfl_read_conv_options,
                         prep_conv, run_conv, count_weighted },
    [MDL_OP_DEPTHWISE_CONV_2D] = { MDL_OP_DEPTHWISE_CONV_2D, 4, "DEPTHWISE_CONV_2D",
                                   TFL_OPT_DEPTHWISE, 2, tfl_read_dwconv_options, prep_conv,
                                   run_dwconv, count_weighted },
    [MDL_OP_FULLY_CONNECTED] = { MDL_OP_FULLY_CONNECTED, 9, "FULLY_CONNECTED", TFL_OPT_FC, 2,
                                 tfl_read_fc_options, prep_fc, run_fc, count_weighted },
    [MDL_OP_RESHAPE] = { MDL_OP_RESHAPE, 22, "RESHAPE", TFL_OPT_RESHAPE, 1,
                         tfl_read_reshape_options, prep_reshape, run_reshape, NULL },
    [MDL_OP_SOFTMAX] = { MDL_OP_SOFTMAX, 25, "SOFTMAX", TFL_OPT_SOFTMAX, 1,
                         tfl_read_softmax_options, prep_softmax, run_softmax, count_softmax },
    [MDL_OP_PAD] = { MDL_OP_PAD, 34, "PAD", TFL_OPT_NONE, 2, NULL, prep_misc, run_misc, NULL },
    [MDL_OP_TRANSPOSE] = { MDL_OP_TRANSPOSE, 39, "TRANSPOSE", TFL_OPT_NONE, 2, NULL, prep_misc,
                           run_misc, NULL },
    [MDL_OP_MAX_POOL_2D] = { MDL_OP_MAX_POOL_2D, 17, "MAX_POOL_2D", TFL_OPT_POOL2D, 1,
                             tfl_read_pool_options, prep_misc, run_misc, NULL },
    [MDL_OP_AVERAGE_POOL_2D] = { MDL_OP_AVERAGE_POOL_2D, 1, "AVERAGE_POOL_2D", TFL_OPT_POOL2D, 1,
                                 tfl_read_pool_options, prep_misc, run_misc, count_avg_pool },
    [MDL_OP_ADD] = { MDL_OP_ADD, 0, "ADD", TFL_OPT_ADD, 2, tfl_read_act_options, prep_misc,
                     run_misc, count_binary },
    [MDL_OP_MUL] = { MDL_OP_MUL, 18, "MUL", TFL_OPT_MUL, 2, tfl_read_act_options, prep_misc,
                     run_misc, count_binary },
    [MDL_OP_QUANTIZE] = { MDL_OP_QUANTIZE, 114, "QUANTIZE", TFL_OPT_NONE, 1, NULL, prep_misc,
                          run_misc, NULL },
    [MDL_OP_DEQUANTIZE] = { MDL_OP_DEQUANTIZE, 6, "DEQUANTIZE", TFL_OPT_NONE, 1, NULL, prep_misc,
                            run_misc, NULL },
};

const struct mdl_op_reg *mdl_op_reg(enum mdl_op op)
{
    return (unsigned)op < MDL_OP_COUNT ? &ops[op] : NULL;
}

const struct mdl_op_reg *mdl_op_reg_code(int code)
{
    for (int i = 0; i < MDL_OP_COUNT; i++)
        if (ops[i].code == code) return &ops[i];
    return NULL;
}
