/* train_import.c: a loaded .tflite back into the quantised TinyConv
 * description, when it has exactly TinyConv's graph (RESHAPE,
 * DEPTHWISE_CONV_2D 10x8/2 SAME x8 + ReLU, FULLY_CONNECTED, SOFTMAX, int8).
 * Lets the trainer's reference int8 pass run any such model (ours or
 * upstream's micro_speech), which tests check against published scores. */
#include <string.h>

#include "train.h"

static const struct mdl_tensor *tin(const struct mdl_model *m, const struct mdl_operator *op, int i)
{
    if (i >= op->n_inputs || op->inputs[i] < 0 || op->inputs[i] >= m->n_tensors) return NULL;
    return &m->tensors[op->inputs[i]];
}

static const struct mdl_tensor *tout(const struct mdl_model *m, const struct mdl_operator *op)
{
    if (op->n_outputs < 1 || op->outputs[0] < 0 || op->outputs[0] >= m->n_tensors) return NULL;
    return &m->tensors[op->outputs[0]];
}

static int q1(const struct mdl_tensor *t, float *scale, int *zp)
{
    if (!t || t->n_quant < 1) return 0;
    *scale = t->scale[0];
    *zp = (int)t->zero_point[0];
    return 1;
}

enum kws_status mdl_tc_from_model(const struct mdl_model *m, struct mdl_tc_quant *q, char *err,
                                  size_t err_len)
{
    memset(q, 0, sizeof *q);
    if (m->n_ops != 4 || m->ops[0].op != MDL_OP_RESHAPE ||
        m->ops[1].op != MDL_OP_DEPTHWISE_CONV_2D || m->ops[2].op != MDL_OP_FULLY_CONNECTED ||
        m->ops[3].op != MDL_OP_SOFTMAX)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "not a TinyConv graph");
    const struct mdl_operator *dw = &m->ops[1], *fc = &m->ops[2], *sm = &m->ops[3];
    const struct mdl_tensor *in = tin(m, dw, 0), *w = tin(m, dw, 1), *b = tin(m, dw, 2);
    const struct mdl_tensor *a = tout(m, dw), *fw = tin(m, fc, 1), *fb = tin(m, fc, 2);
    const struct mdl_tensor *lo = tout(m, fc), *so = tout(m, sm);
    if (!in || !w || !b || !a || !fw || !fb || !lo || !so || in->type != MDL_T_INT8 ||
        in->n_elems != MDL_TC_IN || w->type != MDL_T_INT8 || w->n_elems != MDL_TC_CONV_W ||
        !w->data || b->type != MDL_T_INT32 || b->n_elems != MDL_TC_FILTERS || !b->data ||
        a->n_elems != MDL_TC_ACT || fw->type != MDL_T_INT8 || !fw->data ||
        fb->type != MDL_T_INT32 || !fb->data || dw->p.stride_w != MDL_TC_STRIDE ||
        dw->p.stride_h != MDL_TC_STRIDE || dw->p.padding != MDL_PAD_SAME ||
        dw->p.depth_multiplier != MDL_TC_FILTERS || dw->p.act != MDL_ACT_RELU || w->n_dims != 4 ||
        w->dims[1] != MDL_TC_KH || w->dims[2] != MDL_TC_KW)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "not a TinyConv graph (shapes/types)");
    int nc = (int)lo->n_elems;
    if (nc < 2 || nc > MDL_TC_MAX_CLASSES || fw->n_elems != (size_t)nc * MDL_TC_ACT ||
        fb->n_elems != (size_t)nc || fw->n_quant != 1 || w->n_quant < 1)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "not a TinyConv graph (classes)");
    q->n_classes = nc;
    if (!q1(in, &q->in_scale, &q->in_zp) || !q1(a, &q->conv_out_scale, &q->conv_out_zp) ||
        !q1(lo, &q->fc_out_scale, &q->fc_out_zp) || !q1(so, &q->sm_scale, &q->sm_zp))
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "TinyConv graph without quantisation");
    for (int c = 0; c < MDL_TC_FILTERS; c++)
        q->conv_scale[c] = w->scale[w->n_quant == MDL_TC_FILTERS ? c : 0];
    memcpy(q->conv_w, w->data, MDL_TC_CONV_W);
    memcpy(q->conv_b, b->data, sizeof q->conv_b);
    q->fc_scale = fw->scale[0];
    memcpy(q->fc_w, fw->data, (size_t)nc * MDL_TC_ACT);
    memcpy(q->fc_b, fb->data, (size_t)nc * sizeof(int32_t));
    return KWS_OK;
}
