/* kernels_misc.c: the data-movement and elementwise ops (PAD, TRANSPOSE,
 * MAX_POOL_2D, AVERAGE_POOL_2D, ADD, MUL, QUANTIZE, DEQUANTIZE) in int8 and
 * float32 with TFLM reference semantics: ADD rescales both inputs to twice the
 * larger input scale after a left shift of 20 bits; MUL requantises the
 * product with one multiplier; average pooling rounds half away from zero;
 * QUANTIZE is zp + round(x / scale); DEQUANTIZE is scale * (q - zp).
 * Shapes are checked once in mdl_misc_prepare; the run functions trust them. */
#include <math.h>
#include <string.h>

#include "models.h"

static int32_t clamp32(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void mdl_add_prepare_i8(struct mdl_misc *x, float s1, int32_t z1, float s2, int32_t z2, float so,
                        int32_t zo, enum mdl_act act)
{
    x->left_shift = 20;
    x->in1_offset = -z1;
    x->in2_offset = -z2;
    x->out_offset = zo;
    double twice_max = 2.0 * (double)(s1 > s2 ? s1 : s2);
    mdl_quantize_multiplier((double)s1 / twice_max, &x->in1_mult, &x->in1_shift);
    mdl_quantize_multiplier((double)s2 / twice_max, &x->in2_mult, &x->in2_shift);
    mdl_quantize_multiplier(twice_max / ((double)(1 << x->left_shift) * (double)so), &x->out_mult,
                            &x->out_shift);
    mdl_act_range_i8(act, so, zo, &x->act_min, &x->act_max);
}

void mdl_mul_prepare_i8(struct mdl_misc *x, float s1, int32_t z1, float s2, int32_t z2, float so,
                        int32_t zo, enum mdl_act act)
{
    x->in1_offset = -z1;
    x->in2_offset = -z2;
    x->out_offset = zo;
    mdl_quantize_multiplier((double)s1 * (double)s2 / (double)so, &x->out_mult, &x->out_shift);
    mdl_act_range_i8(act, so, zo, &x->act_min, &x->act_max);
}

void mdl_add_i8(const struct mdl_misc *x, size_t n, const int8_t *a, const int8_t *b, size_t nb,
                int8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int32_t v1 = (x->in1_offset + a[i]) * (1 << x->left_shift);
        int32_t v2 = (x->in2_offset + b[nb == 1 ? 0 : i]) * (1 << x->left_shift);
        int32_t s =
            mdl_mbqm(v1, x->in1_mult, x->in1_shift) + mdl_mbqm(v2, x->in2_mult, x->in2_shift);
        int32_t r = mdl_mbqm(s, x->out_mult, x->out_shift) + x->out_offset;
        out[i] = (int8_t)clamp32(r, x->act_min, x->act_max);
    }
}

void mdl_mul_i8(const struct mdl_misc *x, size_t n, const int8_t *a, const int8_t *b, size_t nb,
                int8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int32_t p = (x->in1_offset + a[i]) * (x->in2_offset + b[nb == 1 ? 0 : i]);
        int32_t r = x->out_offset + mdl_mbqm(p, x->out_mult, x->out_shift);
        out[i] = (int8_t)clamp32(r, x->act_min, x->act_max);
    }
}

/* Coordinates of flat index i in dims (row-major). */
static void unflat(size_t i, int n, const int32_t *dims, int32_t *c)
{
    for (int d = n - 1; d >= 0; d--) {
        c[d] = (int32_t)(i % (size_t)dims[d]);
        i /= (size_t)dims[d];
    }
}

static size_t flat(int n, const int32_t *dims, const int32_t *c)
{
    size_t i = 0;
    for (int d = 0; d < n; d++) i = i * (size_t)dims[d] + (size_t)c[d];
    return i;
}

static void run_pad(const struct mdl_misc *x, const void *in, void *out, size_t es)
{
    int32_t c[MDL_MAX_DIMS];
    for (size_t i = 0; i < x->n_out; i++) {
        unflat(i, x->n_dims, x->out_dims, c);
        bool inside = true;
        for (int d = 0; d < x->n_dims; d++) {
            c[d] -= x->pad_before[d];
            if (c[d] < 0 || c[d] >= x->in_dims[d]) inside = false;
        }
        uint8_t *o = (uint8_t *)out + i * es;
        if (inside)
            memcpy(o, (const uint8_t *)in + flat(x->n_dims, x->in_dims, c) * es, es);
        else if (es == 1)
            *(int8_t *)o = (int8_t)x->pad_value;
        else
            memset(o, 0, es); /* float 0.0 */
    }
}

static void run_transpose(const struct mdl_misc *x, const void *in, void *out, size_t es)
{
    int32_t c[MDL_MAX_DIMS], ic[MDL_MAX_DIMS];
    for (size_t i = 0; i < x->n_out; i++) {
        unflat(i, x->n_dims, x->out_dims, c);
        for (int d = 0; d < x->n_dims; d++) ic[x->perm[d]] = c[d];
        memcpy((uint8_t *)out + i * es, (const uint8_t *)in + flat(x->n_dims, x->in_dims, ic) * es,
               es);
    }
}

static void run_pool(const struct mdl_misc *x, const void *in, void *out)
{
    const struct mdl_conv_geom *g = &x->g;
    bool maxp = x->op == MDL_OP_MAX_POOL_2D, i8 = x->type == MDL_T_INT8;
    for (int b = 0; b < g->batch; b++)
        for (int oy = 0; oy < g->out_h; oy++)
            for (int ox = 0; ox < g->out_w; ox++)
                for (int ch = 0; ch < g->in_c; ch++) {
                    int y0 = oy * g->stride_h - g->pad_top, x0 = ox * g->stride_w - g->pad_left;
                    int32_t acc = maxp ? INT32_MIN : 0, count = 0;
                    float facc = maxp ? -INFINITY : 0.0f;
                    for (int ky = 0; ky < g->k_h; ky++)
                        for (int kx = 0; kx < g->k_w; kx++) {
                            int iy = y0 + ky, ix = x0 + kx;
                            if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) continue;
                            size_t k = (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ch;
                            count++;
                            if (i8) {
                                int32_t v = ((const int8_t *)in)[k];
                                acc = maxp ? (v > acc ? v : acc) : acc + v;
                            } else {
                                float v = ((const float *)in)[k];
                                facc = maxp ? (v > facc ? v : facc) : facc + v;
                            }
                        }
                    size_t o = (((size_t)b * g->out_h + oy) * g->out_w + ox) * g->in_c + ch;
                    if (i8) {
                        if (!maxp && count > 0) /* TFLM: round half away from zero */
                            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                        ((int8_t *)out)[o] = (int8_t)clamp32(acc, x->act_min, x->act_max);
                    } else {
                        if (!maxp && count > 0) facc /= (float)count;
                        ((float *)out)[o] = clampf(facc, x->act_lo, x->act_hi);
                    }
                }
}

void mdl_misc_run(const struct mdl_misc *x, const void *in, const void *in2, void *out)
{
    size_t es = x->type == MDL_T_INT8 ? 1 : 4;
    switch (x->op) {
    case MDL_OP_PAD: run_pad(x, in, out, es); break;
    case MDL_OP_TRANSPOSE: run_transpose(x, in, out, es); break;
    case MDL_OP_MAX_POOL_2D:
    case MDL_OP_AVERAGE_POOL_2D: run_pool(x, in, out); break;
    case MDL_OP_ADD:
    case MDL_OP_MUL:
        if (x->type == MDL_T_INT8) {
            if (x->op == MDL_OP_ADD)
                mdl_add_i8(x, x->n_out, in, in2, x->n_in2, out);
            else
                mdl_mul_i8(x, x->n_out, in, in2, x->n_in2, out);
        } else {
            const float *a = in, *b = in2;
            float *o = out;
            for (size_t i = 0; i < x->n_out; i++) {
                float bv = b[x->n_in2 == 1 ? 0 : i];
                o[i] = clampf(x->op == MDL_OP_ADD ? a[i] + bv : a[i] * bv, x->act_lo, x->act_hi);
            }
        }
        break;
    case MDL_OP_QUANTIZE: {
        const float *a = in;
        int8_t *o = out;
        for (size_t i = 0; i < x->n_out; i++) {
            int32_t q = (int32_t)fmaxf(fminf(roundf(a[i] / x->scale), 1e9f), -1e9f) + x->zp;
            o[i] = (int8_t)clamp32(q, -128, 127);
        }
        break;
    }
    case MDL_OP_DEQUANTIZE: {
        const int8_t *a = in;
        float *o = out;
        for (size_t i = 0; i < x->n_out; i++)
            o[i] = (float)((double)x->scale * (double)(a[i] - x->zp));
        break;
    }
    default: break;
    }
}

static const struct mdl_tensor *opt_in(const struct mdl_model *m, const struct mdl_operator *op,
                                       int k)
{
    return op->n_inputs > k && op->inputs[k] >= 0 ? &m->tensors[op->inputs[k]] : NULL;
}

static bool same_dims(const struct mdl_tensor *a, const struct mdl_tensor *b)
{
    if (a->n_dims != b->n_dims) return false;
    for (int d = 0; d < a->n_dims; d++)
        if (a->dims[d] != b->dims[d]) return false;
    return true;
}

/* The operands every misc op reads, and what prepare checks them against. */
struct misc_operands {
    const struct mdl_tensor *in, *in2, *out;
    const char *name;
    bool i8;
};

/* Pads, transposes and pools move int8 values without requantising them. */
static enum kws_status check_same_quant(const struct misc_operands *t, char *err, size_t err_len)
{
    if (t->i8 &&
        (t->out->scale[0] != t->in->scale[0] || t->out->zero_point[0] != t->in->zero_point[0]))
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED,
                       "%s: input and output quantization differ", t->name);
    return KWS_OK;
}

/* QUANTIZE (float32 -> int8) and DEQUANTIZE (int8 -> float32), per tensor. */
static enum kws_status prepare_quant_cast(const struct misc_operands *t, enum mdl_op opc,
                                          struct mdl_misc *x, char *err, size_t err_len)
{
    const struct mdl_tensor *in = t->in, *out = t->out;
    bool quantize = opc == MDL_OP_QUANTIZE;
    const struct mdl_tensor *q = quantize ? out : in;
    enum mdl_type from = quantize ? MDL_T_FLOAT32 : MDL_T_INT8;
    enum mdl_type to = quantize ? MDL_T_INT8 : MDL_T_FLOAT32;
    if (in->type != from || out->type != to || !q->n_quant || q->n_quant > 1 ||
        in->n_elems != out->n_elems)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED,
                       quantize ? "%s: only float32 -> per-tensor int8 is supported"
                                : "%s: only per-tensor int8 -> float32 is supported",
                       t->name);
    x->scale = q->scale[0];
    x->zp = q->zero_point[0];
    return KWS_OK;
}

/* PAD ([n,2] constant paddings) and TRANSPOSE (constant permutation): the
 * output shape must be what they give. */
static enum kws_status prepare_pad_transpose(const struct misc_operands *t, bool pad,
                                             struct mdl_misc *x, char *err, size_t err_len)
{
    const struct mdl_tensor *in = t->in, *in2 = t->in2, *out = t->out;
    const char *name = t->name;
    if (!in2 || !in2->data || in2->type != MDL_T_INT32 ||
        in2->n_elems != (size_t)in->n_dims * (pad ? 2 : 1) || out->n_dims != in->n_dims)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED,
                       "%s needs a constant int32 %s for %d dimensions", name,
                       pad ? "paddings [n,2]" : "permutation [n]", in->n_dims);
    const int32_t *v = in2->data;
    unsigned seen = 0;
    for (int d = 0; d < in->n_dims; d++) {
        int32_t want;
        if (pad) {
            if (v[2 * d] < 0 || v[2 * d + 1] < 0)
                return kws_err(err, err_len, KWS_ERR_FORMAT, "%s: negative padding", name);
            x->pad_before[d] = v[2 * d];
            want = in->dims[d] + v[2 * d] + v[2 * d + 1];
        } else {
            if (v[d] < 0 || v[d] >= in->n_dims || (seen & (1u << v[d])))
                return kws_err(err, err_len, KWS_ERR_FORMAT, "%s: bad permutation", name);
            seen |= 1u << v[d];
            x->perm[d] = v[d];
            want = in->dims[v[d]];
        }
        if (out->dims[d] != want)
            return kws_err(err, err_len, KWS_ERR_FORMAT,
                           "%s: output dimension %d is %d, expected %d", name, d, out->dims[d],
                           want);
    }
    x->pad_value = t->i8 ? out->zero_point[0] : 0;
    return check_same_quant(t, err, err_len);
}

/* MAX_POOL_2D and AVERAGE_POOL_2D: the window geometry from the options. */
static enum kws_status prepare_pool(const struct misc_operands *t, const struct mdl_operator *op,
                                    struct mdl_misc *x, char *err, size_t err_len)
{
    const struct mdl_tensor *in = t->in, *out = t->out;
    if (in->n_dims != 4 || out->n_dims != 4)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "%s needs 4-D tensors", t->name);
    struct mdl_conv_geom *g = &x->g;
    g->batch = in->dims[0];
    g->in_h = in->dims[1];
    g->in_w = in->dims[2];
    g->in_c = in->dims[3];
    g->k_h = op->p.filter_h;
    g->k_w = op->p.filter_w;
    g->stride_h = op->p.stride_h;
    g->stride_w = op->p.stride_w;
    if (g->k_h < 1 || g->k_w < 1 || g->stride_h < 1 || g->stride_w < 1)
        return kws_err(err, err_len, KWS_ERR_FORMAT, "%s: filter and strides must be positive",
                       t->name);
    mdl_conv_out_size(op->p.padding, g->in_h, g->k_h, g->stride_h, 1, &g->out_h, &g->pad_top);
    mdl_conv_out_size(op->p.padding, g->in_w, g->k_w, g->stride_w, 1, &g->out_w, &g->pad_left);
    if (out->dims[0] != g->batch || out->dims[1] != g->out_h || out->dims[2] != g->out_w ||
        out->dims[3] != g->in_c)
        return kws_err(err, err_len, KWS_ERR_FORMAT, "%s: output shape does not match", t->name);
    return check_same_quant(t, err, err_len);
}

/* ADD and MUL: equal shapes, or a one-element second input broadcast. */
static enum kws_status prepare_elementwise(const struct misc_operands *t,
                                           const struct mdl_operator *op, struct mdl_misc *x,
                                           char *err, size_t err_len)
{
    const struct mdl_tensor *in = t->in, *in2 = t->in2, *out = t->out;
    if (!in2 || in2->type != in->type || !same_dims(in, out) ||
        !(same_dims(in, in2) || in2->n_elems == 1))
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED,
                       "%s: needs equal shapes or a one-element second input", t->name);
    x->n_in2 = in2->n_elems;
    if (!t->i8) return KWS_OK;
    if (!in->n_quant || !in2->n_quant)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "%s: int8 input without quantization",
                       t->name);
    if (op->op == MDL_OP_ADD)
        mdl_add_prepare_i8(x, in->scale[0], in->zero_point[0], in2->scale[0], in2->zero_point[0],
                           out->scale[0], out->zero_point[0], op->p.act);
    else
        mdl_mul_prepare_i8(x, in->scale[0], in->zero_point[0], in2->scale[0], in2->zero_point[0],
                           out->scale[0], out->zero_point[0], op->p.act);
    return KWS_OK;
}

enum kws_status mdl_misc_prepare(const struct mdl_model *m, const struct mdl_operator *op,
                                 struct mdl_misc *x, char *err, size_t err_len)
{
    struct misc_operands t = { opt_in(m, op, 0), opt_in(m, op, 1), &m->tensors[op->outputs[0]],
                               mdl_op_name(op->op), false };
    const struct mdl_tensor *in = t.in, *out = t.out;
    memset(x, 0, sizeof *x);
    x->op = op->op;
    x->type = in->type;
    x->n_dims = in->n_dims;
    memcpy(x->in_dims, in->dims, sizeof x->in_dims);
    memcpy(x->out_dims, out->dims, sizeof x->out_dims);
    x->n_out = out->n_elems;
    t.i8 = in->type == MDL_T_INT8;
    bool f32 = in->type == MDL_T_FLOAT32;
    mdl_act_range_f32(op->p.act, &x->act_lo, &x->act_hi);
    if (t.i8 && !out->n_quant && op->op != MDL_OP_DEQUANTIZE)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "%s: int8 output without quantization",
                       t.name);
    if (t.i8 && op->op != MDL_OP_DEQUANTIZE)
        mdl_act_range_i8(op->p.act, out->scale[0], out->zero_point[0], &x->act_min, &x->act_max);
    if (op->op == MDL_OP_QUANTIZE || op->op == MDL_OP_DEQUANTIZE)
        return prepare_quant_cast(&t, op->op, x, err, err_len);
    if (!(t.i8 || f32) || out->type != in->type)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "%s: unsupported types %s -> %s", t.name,
                       mdl_type_name(in->type), mdl_type_name(out->type));
    switch (op->op) {
    case MDL_OP_PAD:
    case MDL_OP_TRANSPOSE: return prepare_pad_transpose(&t, op->op == MDL_OP_PAD, x, err, err_len);
    case MDL_OP_MAX_POOL_2D:
    case MDL_OP_AVERAGE_POOL_2D: return prepare_pool(&t, op, x, err, err_len);
    case MDL_OP_ADD:
    case MDL_OP_MUL: return prepare_elementwise(&t, op, x, err, err_len);
    default:
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "%s is not supported by the interpreter",
                       t.name);
    }
}
