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
 * (DE)QUANTIZE) and MAX_POOL_2D count 0. Each op's rule is its row's count
 * in the registry (ops.c). */
#include <stdlib.h>
#include <string.h>

#include "ops.h"

static uint64_t count_nonzero(const struct mdl_tensor *t)
{
    size_t es = mdl_type_size(t->type), nz = 0;
    const uint8_t *p = t->data;
    for (size_t i = 0; i < t->n_elems; i++) {
        size_t b = 0;
        while (b < es && !p[i * es + b]) b++;
        nz += b < es;
    }
    return nz;
}

/* A filter quantised below 8 bits is still stored as int8, but its values
 * only span [-2^(b-1), 2^(b-1) - 1]: the smallest such b is its width, and
 * the flash it would take packed b bits per value is what a sub-byte kernel
 * would need (the int32 biases stay as they are). */
static void weight_width(struct mdl_layer_info *l, const struct mdl_tensor *w)
{
    if (w->type != MDL_T_INT8 || !w->data || !w->n_elems) return;
    const int8_t *v = w->data;
    int lo = 0, hi = 0;
    for (size_t i = 0; i < w->n_elems; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    int b = 1;
    while (b < 8 && (lo < -(1 << (b - 1)) || hi > (1 << (b - 1)) - 1)) b++;
    l->weight_bits = b;
    l->packed_weight_bytes -= w->bytes - (w->n_elems * (size_t)b + 7) / 8;
}

/* Non-zero constants of a layer with parameters, and its filter's width. */
static void sparsity_and_width(const struct mdl_model *m, const struct mdl_operator *o,
                               struct mdl_layer_info *l)
{
    l->packed_weight_bytes = l->weight_bytes;
    if (!l->params) return;
    for (int k = 1; k < o->n_inputs; k++) {
        int t = o->inputs[k];
        if (t >= 0 && t < m->n_tensors && m->tensors[t].data)
            l->nonzero_params += count_nonzero(&m->tensors[t]);
    }
    bool filter = o->op == MDL_OP_CONV_2D || o->op == MDL_OP_DEPTHWISE_CONV_2D ||
        o->op == MDL_OP_FULLY_CONNECTED;
    if (filter && o->n_inputs > 1 && o->inputs[1] >= 0 && o->inputs[1] < m->n_tensors)
        weight_width(l, &m->tensors[o->inputs[1]]);
}

static enum kws_status layer(const struct mdl_model *m, int i, enum mdl_flops_conv conv,
                             struct mdl_layer_info *l, char *err, size_t err_len)
{
    const struct mdl_operator *o = &m->ops[i];
    memset(l, 0, sizeof *l);
    l->op_index = i;
    l->op = o->op;
    l->in_tensor = o->inputs[0];
    l->out_tensor = o->outputs[0];
    const struct mdl_op_reg *r = mdl_op_reg(o->op);
    enum kws_status st = r && r->count ? r->count(m, o, conv, l, err, err_len) : KWS_OK;
    if (st == KWS_OK) sparsity_and_width(m, o, l);
    return st;
}

enum kws_status mdl_model_info(const struct mdl_model *m, enum mdl_flops_conv conv,
                               struct mdl_info *info, char *err, size_t err_len)
{
    memset(info, 0, sizeof *info);
    info->layers = calloc((size_t)(m->n_ops ? m->n_ops : 1), sizeof *info->layers);
    if (!info->layers) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    enum kws_status st = KWS_OK;
    for (int i = 0; i < m->n_ops && !st; i++) {
        struct mdl_layer_info *l = &info->layers[i];
        if ((st = layer(m, i, conv, l, err, err_len))) break;
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
