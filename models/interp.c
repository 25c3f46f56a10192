/* interp.c: runs a struct mdl_model. Init validates every operator (op/type
 * combination, tensor ranks and shape consistency), computes the requantisation
 * multipliers and geometry once (as TFLM's Prepare does), plans the arena with
 * mdl_plan_model and allocates it once (or uses the caller's arena: the
 * firmware keeps it in static RAM). Invoke is a loop over the prepared steps
 * calling the kernels: no allocation, no validation left to do. */
#include <stdlib.h>
#include <string.h>

#include "models.h"

struct step {
    enum mdl_type type;                 /* of the main data input */
    struct mdl_conv_geom g;
    int out_c, rows, in_n, out_n;
    struct mdl_rq rq;
    int32_t *mult;                      /* per channel (or one) */
    int *shift;
    struct mdl_softmax_q sm;
    float act_lo, act_hi, beta;
    struct mdl_misc misc;               /* the other ops (kernels_misc.c) */
};

struct prep { struct step *steps; };

#define FAIL(...) do { st = kws_err(err, err_len, KWS_ERR_UNSUPPORTED, __VA_ARGS__); goto out; } while (0)

void *mdl_interp_tensor_data(const struct mdl_interp *it, int t)
{
    if (t < 0 || t >= it->model->n_tensors)
        return NULL;
    const struct mdl_tensor *x = &it->model->tensors[t];
    if (x->data)
        return (void *)x->data;
    if (!it->arena || it->plan.offset[t] == MDL_PLAN_NONE)
        return NULL;
    return it->arena + it->plan.offset[t];
}

const struct mdl_tensor *mdl_interp_input(const struct mdl_interp *it, int i, void **data)
{
    if (i < 0 || i >= it->model->n_inputs)
        return NULL;
    int t = it->model->inputs[i];
    if (data)
        *data = mdl_interp_tensor_data(it, t);
    return &it->model->tensors[t];
}

const struct mdl_tensor *mdl_interp_output(const struct mdl_interp *it, int i, void **data)
{
    if (i < 0 || i >= it->model->n_outputs)
        return NULL;
    int t = it->model->outputs[i];
    if (data)
        *data = mdl_interp_tensor_data(it, t);
    return &it->model->tensors[t];
}

static int32_t qzp(const struct mdl_tensor *t) { return t->n_quant ? t->zero_point[0] : 0; }

/* Multipliers input_scale * filter_scale[c] / output_scale, in double as
 * TFLite's PopulateConvolutionQuantizationParams does. */
static enum kws_status prep_rq(struct step *s, const struct mdl_tensor *in,
                               const struct mdl_tensor *w, const struct mdl_tensor *out,
                               enum mdl_act act, int n_ch, char *err, size_t err_len)
{
    if (!in->n_quant || !w->n_quant || !out->n_quant)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "int8 tensor without quantization");
    int n = w->n_quant > 1 ? w->n_quant : 1;
    if (n > 1 && n != n_ch)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED,
                       "per-channel scales (%d) do not match %d output channels", n, n_ch);
    s->mult = malloc((size_t)n * sizeof *s->mult);
    s->shift = malloc((size_t)n * sizeof *s->shift);
    if (!s->mult || !s->shift)
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
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

static bool same_type(const struct mdl_tensor *a, const struct mdl_tensor *b)
{
    return a->type == b->type;
}

static enum kws_status prep_op(const struct mdl_model *m, const struct mdl_operator *op,
                               struct step *s, char *err, size_t err_len)
{
    enum kws_status st = KWS_OK;
    const char *name = mdl_op_name(op->op);
    if (op->n_inputs < 1 || op->n_outputs < 1 || op->inputs[0] < 0)
        FAIL("%s without input or output", name);
    const struct mdl_tensor *in = &m->tensors[op->inputs[0]];
    const struct mdl_tensor *out = &m->tensors[op->outputs[0]];
    const struct mdl_tensor *w = op->n_inputs > 1 && op->inputs[1] >= 0 ? &m->tensors[op->inputs[1]] : NULL;
    const struct mdl_tensor *b = op->n_inputs > 2 && op->inputs[2] >= 0 ? &m->tensors[op->inputs[2]] : NULL;
    s->type = in->type;
    bool i8 = in->type == MDL_T_INT8, f32 = in->type == MDL_T_FLOAT32;
    mdl_act_range_f32(op->p.act, &s->act_lo, &s->act_hi);
    switch (op->op) {
    case MDL_OP_CONV_2D:
    case MDL_OP_DEPTHWISE_CONV_2D: {
        bool dw = op->op == MDL_OP_DEPTHWISE_CONV_2D;
        if (!w || in->n_dims != 4 || w->n_dims != 4 || out->n_dims != 4)
            FAIL("%s needs 4-D input, filter and output", name);
        if (!(i8 || f32) || !same_type(in, out) || w->type != in->type || !w->data)
            FAIL("%s: unsupported types %s/%s", name, mdl_type_name(in->type), mdl_type_name(w->type));
        if (b && (!b->data || b->type != (i8 ? MDL_T_INT32 : MDL_T_FLOAT32)))
            FAIL("%s: bias must be constant %s", name, i8 ? "int32" : "float32");
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
            FAIL("%s: strides and dilations must be positive", name);
        s->out_c = dw ? w->dims[3] : w->dims[0];
        if (dw) {
            if (w->dims[0] != 1 || g->in_c <= 0 || s->out_c % g->in_c)
                FAIL("%s: filter [1,h,w,%d] does not fit %d input channels", name, s->out_c, g->in_c);
            g->depth_mul = s->out_c / g->in_c;
        } else if (w->dims[3] != g->in_c) {
            FAIL("%s: filter depth %d != input channels %d", name, w->dims[3], g->in_c);
        }
        mdl_conv_out_size(op->p.padding, g->in_h, g->k_h, g->stride_h, g->dil_h, &g->out_h, &g->pad_top);
        mdl_conv_out_size(op->p.padding, g->in_w, g->k_w, g->stride_w, g->dil_w, &g->out_w, &g->pad_left);
        if (out->dims[0] != g->batch || out->dims[1] != g->out_h || out->dims[2] != g->out_w ||
            out->dims[3] != s->out_c)
            FAIL("%s: output shape [%d,%d,%d,%d] != computed [%d,%d,%d,%d]", name, out->dims[0],
                 out->dims[1], out->dims[2], out->dims[3], g->batch, g->out_h, g->out_w, s->out_c);
        if (b && (int)b->n_elems != s->out_c)
            FAIL("%s: bias has %zu elements, not %d", name, b->n_elems, s->out_c);
        if (i8)
            return prep_rq(s, in, w, out, op->p.act, s->out_c, err, err_len);
        break;
    }
    case MDL_OP_FULLY_CONNECTED:
        if (!w || w->n_dims != 2 || !w->data)
            FAIL("%s needs a constant 2-D weight", name);
        if (!(i8 || f32) || !same_type(in, out) || w->type != in->type)
            FAIL("%s: unsupported types %s/%s", name, mdl_type_name(in->type), mdl_type_name(w->type));
        if (b && (!b->data || b->type != (i8 ? MDL_T_INT32 : MDL_T_FLOAT32)))
            FAIL("%s: bias must be constant %s", name, i8 ? "int32" : "float32");
        s->out_n = w->dims[0];
        s->in_n = w->dims[1];
        if (s->in_n <= 0 || in->n_elems % (size_t)s->in_n)
            FAIL("%s: input of %zu elements is not a multiple of %d", name, in->n_elems, s->in_n);
        s->rows = (int)(in->n_elems / (size_t)s->in_n);
        if (out->n_elems != (size_t)s->rows * (size_t)s->out_n)
            FAIL("%s: output has %zu elements, expected %d x %d", name, out->n_elems, s->rows, s->out_n);
        if (b && (int)b->n_elems != s->out_n)
            FAIL("%s: bias has %zu elements, not %d", name, b->n_elems, s->out_n);
        if (i8)
            return prep_rq(s, in, w, out, op->p.act, s->out_n, err, err_len);
        break;
    case MDL_OP_RESHAPE:
        if (in->bytes != out->bytes || !same_type(in, out))
            FAIL("%s: %zu bytes in, %zu out", name, in->bytes, out->bytes);
        break;
    case MDL_OP_SOFTMAX:
        if (!(i8 || f32) || !same_type(in, out) || in->n_elems != out->n_elems || in->n_dims < 1)
            FAIL("%s: unsupported types or shapes", name);
        s->in_n = in->dims[in->n_dims - 1];
        if (s->in_n <= 0)
            FAIL("%s: empty last dimension", name);
        s->rows = (int)(in->n_elems / (size_t)s->in_n);
        s->beta = op->p.beta;
        if (i8) {
            if (!in->n_quant || !out->n_quant || qzp(out) != -128 ||
                out->scale[0] != 1.0f / 256.0f)
                FAIL("%s: int8 output must have scale 1/256 and zero point -128", name);
            mdl_softmax_i8_prepare(in->scale[0], op->p.beta, &s->sm);
        }
        break;
    default:
        return mdl_misc_prepare(m, op, &s->misc, err, err_len);
    }
out:
    return st;
}

void mdl_interp_free(struct mdl_interp *it)
{
    struct prep *p = it->prep;
    if (p && it->model) {
        for (int i = 0; i < it->model->n_ops; i++) {
            free(p->steps[i].mult);
            free(p->steps[i].shift);
        }
        free(p->steps);
    }
    free(p);
    if (it->own_arena)
        free(it->arena);
    mdl_plan_free(&it->plan);
    memset(it, 0, sizeof *it);
}

enum kws_status mdl_interp_init(struct mdl_interp *it, const struct mdl_model *m,
                                char *err, size_t err_len)
{
    return mdl_interp_init_arena(it, m, NULL, 0, err, err_len);
}

enum kws_status mdl_interp_init_arena(struct mdl_interp *it, const struct mdl_model *m,
                                      void *arena, size_t arena_cap, char *err, size_t err_len)
{
    memset(it, 0, sizeof *it);
    it->model = m;
    if (!m || m->n_ops <= 0 || m->n_inputs < 1 || m->n_outputs < 1)
        return kws_err(err, err_len, KWS_ERR_ARG, "model has no operators or no inputs/outputs");
    struct prep *p = calloc(1, sizeof *p);
    if (!p)
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    it->prep = p;
    p->steps = calloc((size_t)m->n_ops, sizeof *p->steps);
    if (!p->steps) {
        mdl_interp_free(it);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < m->n_ops; i++) {
        char why[200] = "";
        enum kws_status st = prep_op(m, &m->ops[i], &p->steps[i], why, sizeof why);
        if (st != KWS_OK) {
            mdl_interp_free(it);
            return kws_err(err, err_len, st, "operator %d (%s): %s", i, mdl_op_name(m->ops[i].op), why);
        }
    }
    enum kws_status st = mdl_plan_model(m, &it->plan, err, err_len);
    if (st != KWS_OK) {
        mdl_interp_free(it);
        return st;
    }
    size_t n = it->plan.arena_bytes ? it->plan.arena_bytes : MDL_ARENA_ALIGN;
    n = (n + MDL_ARENA_ALIGN - 1) / MDL_ARENA_ALIGN * MDL_ARENA_ALIGN;
    if (arena) {
        if ((uintptr_t)arena % MDL_ARENA_ALIGN || arena_cap < n) {
            mdl_interp_free(it);
            return kws_err(err, err_len, KWS_ERR_NOMEM,
                           "the model needs a %zu-byte arena aligned to %d (given %zu bytes%s)", n,
                           MDL_ARENA_ALIGN, arena_cap,
                           (uintptr_t)arena % MDL_ARENA_ALIGN ? ", misaligned" : "");
        }
        it->arena = arena;
    } else {
        it->arena = aligned_alloc(MDL_ARENA_ALIGN, n);
        it->own_arena = true;
    }
    if (!it->arena) {
        mdl_interp_free(it);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "cannot allocate a %zu-byte arena", n);
    }
    memset(it->arena, 0, n);
    for (int i = 0; i < m->n_ops; i++)
        for (int k = 0; k < m->ops[i].n_outputs; k++)
            if (!mdl_interp_tensor_data(it, m->ops[i].outputs[k])) {
                mdl_interp_free(it);
                return kws_err(err, err_len, KWS_ERR_FORMAT, "operator %d output has no memory", i);
            }
    return KWS_OK;
}

enum kws_status mdl_interp_invoke(struct mdl_interp *it, char *err, size_t err_len)
{
    return mdl_interp_invoke_ops(it, it->model ? it->model->n_ops : 0, err, err_len);
}

enum kws_status mdl_interp_invoke_ops(struct mdl_interp *it, int n_ops, char *err, size_t err_len)
{
    const struct mdl_model *m = it->model;
    struct prep *p = it->prep;
    if (!p || !it->arena)
        return kws_err(err, err_len, KWS_ERR_ARG, "interpreter not initialised");
    if (n_ops > m->n_ops)
        n_ops = m->n_ops;
    for (int i = 0; i < n_ops; i++) {
        const struct mdl_operator *op = &m->ops[i];
        struct step *s = &p->steps[i];
        void *in = mdl_interp_tensor_data(it, op->inputs[0]);
        void *w = op->n_inputs > 1 ? mdl_interp_tensor_data(it, op->inputs[1]) : NULL;
        void *b = op->n_inputs > 2 ? mdl_interp_tensor_data(it, op->inputs[2]) : NULL;
        void *out = mdl_interp_tensor_data(it, op->outputs[0]);
        bool i8 = s->type == MDL_T_INT8;
        switch (op->op) {
        case MDL_OP_CONV_2D:
            if (i8)
                mdl_conv_i8(&s->g, s->out_c, &s->rq, in, w, b, out);
            else
                mdl_conv_f32(&s->g, s->out_c, s->act_lo, s->act_hi, in, w, b, out);
            break;
        case MDL_OP_DEPTHWISE_CONV_2D:
            if (i8)
                mdl_dwconv_i8(&s->g, &s->rq, in, w, b, out);
            else
                mdl_dwconv_f32(&s->g, s->act_lo, s->act_hi, in, w, b, out);
            break;
        case MDL_OP_FULLY_CONNECTED:
            if (i8)
                mdl_fc_i8(s->rows, s->in_n, s->out_n, &s->rq, in, w, b, out);
            else
                mdl_fc_f32(s->rows, s->in_n, s->out_n, s->act_lo, s->act_hi, in, w, b, out);
            break;
        case MDL_OP_RESHAPE:
            if (in != out)
                memmove(out, in, m->tensors[op->outputs[0]].bytes);
            break;
        case MDL_OP_SOFTMAX:
            if (i8)
                mdl_softmax_i8(&s->sm, s->rows, s->in_n, in, out);
            else
                mdl_softmax_f32(s->beta, s->rows, s->in_n, in, out);
            break;
        default:
            mdl_misc_run(&s->misc, in, w, out);
            break;
        }
    }
    (void)err;
    (void)err_len;
    return KWS_OK;
}
