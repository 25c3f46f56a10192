/* info.c: per-layer sizing of a model: parameters, multiply-accumulates,
 * FLOPs, weight bytes, and the RAM (planned tensor arena) and flash (model
 * bytes) it needs against the Arduino Nano 33 BLE Sense (nRF52840: 256 KB
 * RAM, 1 MB flash).
 *
 * FLOPs count 2 per multiply-add. Bias adds: by default one per biased output
 * element (each output gets its bias added once); the "seed" convention
 * counts one per bias parameter, which is how TinyML course material arrives
 * at TinyConv = 672,024: conv 640,008 + fully connected 32,004 + softmax 12
 * (so both conventions count SOFTMAX as 3 per output element: exponential,
 * sum, divide). ADD and MUL count one per output element, AVERAGE_POOL_2D one
 * add per window element; data movement (RESHAPE, PAD, TRANSPOSE,
 * (DE)QUANTIZE) and MAX_POOL_2D count 0. */
#include <stdlib.h>
#include <string.h>

#include "models.h"

static const struct mdl_tensor *tensor(const struct mdl_model *m, int i)
{
    return i >= 0 && i < m->n_tensors ? &m->tensors[i] : NULL;
}

static uint64_t count_nonzero(const struct mdl_tensor *t)
{
    if (!t->data)
        return 0;
    size_t es = mdl_type_size(t->type), nz = 0;
    const uint8_t *p = t->data;
    for (size_t i = 0; i < t->n_elems; i++) {
        size_t b = 0;
        while (b < es && !p[i * es + b])
            b++;
        nz += b < es;
    }
    return nz;
}

static void add_param(struct mdl_layer_info *l, const struct mdl_tensor *t)
{
    if (!t)
        return;
    l->params += t->n_elems;
    l->weight_bytes += t->bytes;
    l->packed_weight_bytes += t->bytes;
    l->nonzero_params += count_nonzero(t);
}

/* A filter quantised below 8 bits is still stored as int8, but its values
 * only span [-2^(b-1), 2^(b-1) - 1]: the smallest such b is its width, and
 * the flash it would take packed b bits per value is what a sub-byte kernel
 * would need (the int32 biases stay as they are). */
static void weight_width(struct mdl_layer_info *l, const struct mdl_tensor *w)
{
    if (!w || w->type != MDL_T_INT8 || !w->data || !w->n_elems)
        return;
    const int8_t *v = w->data;
    int lo = 0, hi = 0;
    for (size_t i = 0; i < w->n_elems; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    int b = 1;
    while (b < 8 && (lo < -(1 << (b - 1)) || hi > (1 << (b - 1)) - 1))
        b++;
    l->weight_bits = b;
    l->packed_weight_bytes -= w->bytes - (w->n_elems * (size_t)b + 7) / 8;
}

static enum kws_status layer(const struct mdl_model *m, int i, enum mdl_flops_conv conv,
                             struct mdl_layer_info *l, char *err, size_t err_len)
{
    const struct mdl_operator *o = &m->ops[i];
    const struct mdl_tensor *out = tensor(m, o->outputs[0]);
    const struct mdl_tensor *w = o->n_inputs > 1 ? tensor(m, o->inputs[1]) : NULL;
    const struct mdl_tensor *bias = o->n_inputs > 2 ? tensor(m, o->inputs[2]) : NULL;
    memset(l, 0, sizeof *l);
    l->op_index = i;
    l->op = o->op;
    l->in_tensor = o->inputs[0];
    l->out_tensor = o->outputs[0];
    uint64_t out_n = out ? out->n_elems : 0;
    switch (o->op) {
    case MDL_OP_CONV_2D:
    case MDL_OP_DEPTHWISE_CONV_2D:
    case MDL_OP_FULLY_CONNECTED: {
        bool fc = o->op == MDL_OP_FULLY_CONNECTED;
        if (!w || (fc ? w->n_dims < 2 : w->n_dims != 4))
            return kws_err(err, err_len, KWS_ERR_FORMAT,
                           "operator %d (%s): filter tensor has %d dimensions, needs %s", i,
                           mdl_op_name(o->op), w ? w->n_dims : 0, fc ? "2" : "4");
        uint64_t per_out;
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
        weight_width(l, w);
        if (bias)
            l->flops += conv == MDL_FLOPS_SEED ? bias->n_elems : out_n;
        break;
    }
    case MDL_OP_ADD:
    case MDL_OP_MUL:
        l->flops = out_n;
        for (int k = 0; k < 2; k++) {
            const struct mdl_tensor *t = tensor(m, o->inputs[k]);
            if (t && t->data)
                add_param(l, t);
        }
        break;
    case MDL_OP_SOFTMAX:
        l->flops = 3 * out_n;
        break;
    case MDL_OP_AVERAGE_POOL_2D:
        l->flops = out_n * (uint64_t)o->p.filter_w * (uint64_t)o->p.filter_h;
        break;
    default:
        break;
    }
    return KWS_OK;
}

enum kws_status mdl_model_info(const struct mdl_model *m, enum mdl_flops_conv conv,
                               struct mdl_info *info, char *err, size_t err_len)
{
    memset(info, 0, sizeof *info);
    info->layers = calloc((size_t)(m->n_ops ? m->n_ops : 1), sizeof *info->layers);
    if (!info->layers)
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    enum kws_status st = KWS_OK;
    for (int i = 0; i < m->n_ops && !st; i++) {
        struct mdl_layer_info *l = &info->layers[i];
        if ((st = layer(m, i, conv, l, err, err_len)))
            break;
        info->params += l->params;
        info->macs += l->macs;
        info->flops += l->flops;
        info->weight_bytes += l->weight_bytes;
        info->nonzero_params += l->nonzero_params;
        info->packed_weight_bytes += l->packed_weight_bytes;
        info->weight_bits = l->weight_bits > info->weight_bits ? l->weight_bits : info->weight_bits;
    }
    info->n_layers = m->n_ops;
    struct mdl_plan plan;
    if (!st && !(st = mdl_plan_model(m, &plan, err, err_len))) {
        info->arena_bytes = plan.arena_bytes;
        mdl_plan_free(&plan);
    }
    if (st) {
        mdl_info_free(info);
        return st;
    }
    info->model_bytes = m->n_bytes;
    info->ram_share = (double)info->arena_bytes / MDL_NANO33_RAM;
    info->flash_share = (double)info->model_bytes / MDL_NANO33_FLASH;
    return KWS_OK;
}

void mdl_info_free(struct mdl_info *info)
{
    free(info->layers);
    memset(info, 0, sizeof *info);
}
