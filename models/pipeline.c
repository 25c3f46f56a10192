/* pipeline.c: the keyword pipeline's model step shared by `kwscope classify`,
 * `kwscope bench` and the benchmarks: micro frontend frames (uint16, frames x
 * 40) -> the model's input (int8 with micro_speech's exact conversion when the
 * input has its quantization, else quantised from u16 / 25.6, TF's float
 * feature convention; or float) -> invoke -> int8 scores (zero point -128,
 * scale 1/256 for softmax outputs; a float output is mapped the same way).
 * mdl_kws_input_i8 + mdl_kws_score_i8 are the same two halves apart, for the
 * board (device/board_pipeline.c), which times and sends its int8 features. */
#include <math.h>
#include <string.h>

#include "dsp/dsp.h"
#include "models.h"

enum kws_status mdl_kws_init(struct mdl_kws *k, const struct mdl_model *m, char *err,
                             size_t err_len)
{
    return mdl_kws_init_arena(k, m, NULL, 0, err, err_len);
}

enum kws_status mdl_kws_init_arena(struct mdl_kws *k, const struct mdl_model *m, void *arena,
                                   size_t arena_cap, char *err, size_t err_len)
{
    memset(k, 0, sizeof *k);
    enum kws_status st = mdl_interp_init_arena(&k->it, m, arena, arena_cap, err, err_len);
    if (st != KWS_OK) return st;
    const struct mdl_tensor *in = mdl_interp_input(&k->it, 0, NULL);
    const struct mdl_tensor *out = mdl_interp_output(&k->it, 0, NULL);
    if ((in->type != MDL_T_INT8 && in->type != MDL_T_FLOAT32) ||
        in->n_elems % KWS_FEATURE_CHANNELS || (in->type == MDL_T_INT8 && !in->n_quant)) {
        mdl_interp_free(&k->it);
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED,
                       "model input must be int8 or float32 frames x %d features",
                       KWS_FEATURE_CHANNELS);
    }
    if ((out->type != MDL_T_INT8 && out->type != MDL_T_FLOAT32) || out->n_elems < 1 ||
        out->n_elems > MDL_DETECT_MAX_CLASSES || (out->type == MDL_T_INT8 && !out->n_quant)) {
        mdl_interp_free(&k->it);
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED,
                       "model output must be 1..%d int8/float32 scores", MDL_DETECT_MAX_CLASSES);
    }
    k->frames = (int)(in->n_elems / KWS_FEATURE_CHANNELS);
    k->n_classes = (int)out->n_elems;
    k->out_scale = out->type == MDL_T_INT8 ? out->scale[0] : 1.0f / 256.0f;
    k->out_zp = out->type == MDL_T_INT8 ? out->zero_point[0] : -128;
    /* micro_speech's input quantization. */
    k->micro_conv = in->type == MDL_T_INT8 && in->zero_point[0] == -128 &&
        fabsf(in->scale[0] - 0.1017157f) < 1e-6f;
    return KWS_OK;
}

void mdl_kws_free(struct mdl_kws *k)
{
    mdl_interp_free(&k->it);
}

enum kws_status mdl_kws_input_i8(const struct mdl_kws *k, const uint16_t *feat_u16, int8_t *x)
{
    const struct mdl_tensor *in = mdl_interp_input(&k->it, 0, NULL);
    if (in->type != MDL_T_INT8) return KWS_ERR_UNSUPPORTED;
    size_t n = in->n_elems;
    if (k->micro_conv) {
        dsp_micro_to_int8_n(feat_u16, x, n);
    } else {
        for (size_t i = 0; i < n; i++)
            x[i] = (int8_t)mdl_quantize_value(feat_u16[i] / MDL_FEATURE_DIV, in->scale[0],
                                              in->zero_point[0], -128, 127);
    }
    return KWS_OK;
}

static enum kws_status invoke_and_read(struct mdl_kws *k, int8_t *scores, char *err, size_t err_len)
{
    void *out_d;
    const struct mdl_tensor *out = mdl_interp_output(&k->it, 0, &out_d);
    enum kws_status st = mdl_interp_invoke(&k->it, err, err_len);
    if (st != KWS_OK) return st;
    if (out->type == MDL_T_INT8) {
        memcpy(scores, out_d, (size_t)k->n_classes);
    } else {
        const float *y = out_d;
        for (int c = 0; c < k->n_classes; c++)
            scores[c] = (int8_t)mdl_quantize_value(y[c], 1.0f / 256.0f, -128, -128, 127);
    }
    return KWS_OK;
}

enum kws_status mdl_kws_score_i8(struct mdl_kws *k, const int8_t *x, int8_t *scores, char *err,
                                 size_t err_len)
{
    void *in_d;
    const struct mdl_tensor *in = mdl_interp_input(&k->it, 0, &in_d);
    if (in->type != MDL_T_INT8)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "model input is not int8");
    memcpy(in_d, x, in->n_elems);
    return invoke_and_read(k, scores, err, err_len);
}

enum kws_status mdl_kws_score(struct mdl_kws *k, const uint16_t *feat_u16, int8_t *scores,
                              char *err, size_t err_len)
{
    void *in_d;
    const struct mdl_tensor *in = mdl_interp_input(&k->it, 0, &in_d);
    if (in->type == MDL_T_INT8) {
        mdl_kws_input_i8(k, feat_u16, in_d);
    } else {
        float *x = in_d;
        for (size_t i = 0; i < in->n_elems; i++) x[i] = feat_u16[i] / MDL_FEATURE_DIV;
    }
    return invoke_and_read(k, scores, err, err_len);
}

int mdl_kws_top(const int8_t *scores, int n)
{
    int top = 0;
    for (int c = 1; c < n; c++)
        if (scores[c] > scores[top]) top = c;
    return top;
}
