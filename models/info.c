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
    return r && r->count ? r->count(m, o, conv, l, err, err_len) : KWS_OK;
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
