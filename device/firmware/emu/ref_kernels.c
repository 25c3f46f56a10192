/* ref_kernels.c: the int8 convolution, depthwise convolution and fully
 * connected kernels written as TensorFlow Lite Micro's reference kernels
 * are (the loops of reference_integer_ops::ConvPerChannel,
 * DepthwiseConvPerChannel and FullyConnected): one output value at a time,
 * every tap bounds-checked, the requantisation called per output. Linked
 * only into the emulated board's "ref" image, in place of models/'s faster
 * kernels (build.sh weakens those), to show how far those are from what a
 * board running TFLM's reference kernels spends. Same arithmetic, so the
 * same scores. */
#include "models/models.h"

static int8_t finish(int32_t acc, const struct mdl_rq *q, int oc)
{
    int idx = q->per_channel ? oc : 0;
    acc = mdl_mbqm(acc, q->mult[idx], q->shift[idx]) + q->out_offset;
    if (acc < q->act_min) acc = q->act_min;
    if (acc > q->act_max) acc = q->act_max;
    return (int8_t)acc;
}

void mdl_conv_i8(const struct mdl_conv_geom *g, int out_c, const struct mdl_rq *q, const int8_t *in,
                 const int8_t *w, const int32_t *bias, int8_t *out)
{
    for (int b = 0; b < g->batch; b++)
        for (int oy = 0; oy < g->out_h; oy++)
            for (int ox = 0; ox < g->out_w; ox++)
                for (int oc = 0; oc < out_c; oc++) {
                    int32_t acc = 0;
                    for (int ky = 0; ky < g->k_h; ky++)
                        for (int kx = 0; kx < g->k_w; kx++) {
                            int iy = oy * g->stride_h - g->pad_top + ky * g->dil_h;
                            int ix = ox * g->stride_w - g->pad_left + kx * g->dil_w;
                            if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) continue;
                            for (int ic = 0; ic < g->in_c; ic++) {
                                int32_t x = in[((b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic];
                                int32_t f = w[((oc * g->k_h + ky) * g->k_w + kx) * g->in_c + ic];
                                acc += (f + q->w_offset) * (x + q->in_offset);
                            }
                        }
                    if (bias) acc += bias[oc];
                    out[((b * g->out_h + oy) * g->out_w + ox) * out_c + oc] = finish(acc, q, oc);
                }
}

void mdl_dwconv_i8(const struct mdl_conv_geom *g, const struct mdl_rq *q, const int8_t *in,
                   const int8_t *w, const int32_t *bias, int8_t *out)
{
    int out_c = g->in_c * g->depth_mul;
    for (int b = 0; b < g->batch; b++)
        for (int oy = 0; oy < g->out_h; oy++)
            for (int ox = 0; ox < g->out_w; ox++)
                for (int ic = 0; ic < g->in_c; ic++)
                    for (int m = 0; m < g->depth_mul; m++) {
                        int oc = m + ic * g->depth_mul;
                        int32_t acc = 0;
                        for (int ky = 0; ky < g->k_h; ky++)
                            for (int kx = 0; kx < g->k_w; kx++) {
                                int iy = oy * g->stride_h - g->pad_top + ky * g->dil_h;
                                int ix = ox * g->stride_w - g->pad_left + kx * g->dil_w;
                                if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) continue;
                                int32_t x = in[((b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic];
                                int32_t f = w[(ky * g->k_w + kx) * out_c + oc];
                                acc += (f + q->w_offset) * (x + q->in_offset);
                            }
                        if (bias) acc += bias[oc];
                        out[((b * g->out_h + oy) * g->out_w + ox) * out_c + oc] =
                            finish(acc, q, oc);
                    }
}

void mdl_fc_i8(int rows, int in_n, int out_n, const struct mdl_rq *q, const int8_t *in,
               const int8_t *w, const int32_t *bias, int8_t *out)
{
    for (int r = 0; r < rows; r++)
        for (int o = 0; o < out_n; o++) {
            int32_t acc = 0;
            for (int i = 0; i < in_n; i++)
                acc += (w[o * in_n + i] + q->w_offset) * (in[r * in_n + i] + q->in_offset);
            if (bias) acc += bias[o];
            out[r * out_n + o] = finish(acc, q, o);
        }
}
