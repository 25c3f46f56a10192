/* tflite_options.c: the BuiltinOptions readers, one per options table
 * (schema.fbs: Conv2DOptions, DepthwiseConv2DOptions, Pool2DOptions,
 * FullyConnectedOptions, SoftmaxOptions, Add/MulOptions, ReshapeOptions).
 * The op registry (ops.c) says which op reads which; every value is checked
 * against its range before it reaches a kernel. */
#include <math.h>

#include "ops.h"

static enum kws_status bad_opt(struct fb *f, const char *what, const char *name, long v)
{
    return kws_err(f->err, f->err_len, KWS_ERR_FORMAT, "%s: option %s = %ld is out of range", what,
                   name, v);
}

static enum kws_status read_act(struct fb *f, const struct fb_table *o, int id,
                                struct mdl_op_params *p, const char *what)
{
    uint8_t a;
    enum kws_status st = fb_u8(f, o, id, 0, &a, what);
    if (st) return st;
    if (a > MDL_ACT_RELU6)
        return kws_err(f->err, f->err_len, KWS_ERR_UNSUPPORTED,
                       "%s: fused activation %s is not supported", what,
                       a == 4       ? "TANH"
                           : a == 5 ? "SIGN_BIT"
                                    : "(unknown)");
    p->act = (enum mdl_act)a;
    return KWS_OK;
}

/* Reads an int32 option that must lie in [lo, hi]. */
static enum kws_status opt_int(struct fb *f, const struct fb_table *o, int id, int32_t def, int lo,
                               int hi, int *out, const char *what, const char *name)
{
    int32_t v;
    enum kws_status st = fb_i32(f, o, id, def, &v, what);
    if (st) return st;
    if (v < lo || v > hi) return bad_opt(f, what, name, v);
    *out = v;
    return KWS_OK;
}

static enum kws_status read_padding(struct fb *f, const struct fb_table *o, struct mdl_op_params *p,
                                    const char *what)
{
    uint8_t v;
    enum kws_status st = fb_u8(f, o, 0, 0, &v, what);
    if (st) return st;
    if (v > 1) return bad_opt(f, what, "padding", v);
    p->padding = (enum mdl_padding)v;
    return KWS_OK;
}

#define DIM_MAX 65535

/* Fields 0-2 of Conv2DOptions, DepthwiseConv2DOptions and Pool2DOptions:
 * padding, stride_w, stride_h. */
static enum kws_status read_padding_strides(struct fb *f, const struct fb_table *o,
                                            struct mdl_op_params *p, const char *what)
{
    enum kws_status st;
    if ((st = read_padding(f, o, p, what)) ||
        (st = opt_int(f, o, 1, 1, 1, DIM_MAX, &p->stride_w, what, "stride_w")))
        return st;
    return opt_int(f, o, 2, 1, 1, DIM_MAX, &p->stride_h, what, "stride_h");
}

/* BuiltinOptions readers, one per options table; the registry (ops.c) says
 * which op reads which. */
enum kws_status tfl_read_conv_options(struct fb *f, const struct fb_table *o,
                                      struct mdl_op_params *p, const char *what)
{
    enum kws_status st;
    if ((st = read_padding_strides(f, o, p, what)) || (st = read_act(f, o, 3, p, what)) ||
        (st = opt_int(f, o, 4, 1, 1, DIM_MAX, &p->dilation_w, what, "dilation_w_factor")))
        return st;
    return opt_int(f, o, 5, 1, 1, DIM_MAX, &p->dilation_h, what, "dilation_h_factor");
}

enum kws_status tfl_read_dwconv_options(struct fb *f, const struct fb_table *o,
                                        struct mdl_op_params *p, const char *what)
{
    enum kws_status st;
    if ((st = read_padding_strides(f, o, p, what)) ||
        (st = opt_int(f, o, 3, 1, 0, DIM_MAX, &p->depth_multiplier, what, "depth_multiplier")) ||
        (st = read_act(f, o, 4, p, what)) ||
        (st = opt_int(f, o, 5, 1, 1, DIM_MAX, &p->dilation_w, what, "dilation_w_factor")))
        return st;
    return opt_int(f, o, 6, 1, 1, DIM_MAX, &p->dilation_h, what, "dilation_h_factor");
}

enum kws_status tfl_read_pool_options(struct fb *f, const struct fb_table *o,
                                      struct mdl_op_params *p, const char *what)
{
    enum kws_status st;
    if ((st = read_padding_strides(f, o, p, what)) ||
        (st = opt_int(f, o, 3, 1, 1, DIM_MAX, &p->filter_w, what, "filter_width")) ||
        (st = opt_int(f, o, 4, 1, 1, DIM_MAX, &p->filter_h, what, "filter_height")))
        return st;
    return read_act(f, o, 5, p, what);
}

enum kws_status tfl_read_fc_options(struct fb *f, const struct fb_table *o, struct mdl_op_params *p,
                                    const char *what)
{
    enum kws_status st;
    uint8_t wf, keep;
    if ((st = read_act(f, o, 0, p, what)) || (st = fb_u8(f, o, 1, 0, &wf, what)) ||
        (st = fb_u8(f, o, 2, 0, &keep, what)))
        return st;
    if (wf != 0)
        return kws_err(f->err, f->err_len, KWS_ERR_UNSUPPORTED,
                       "%s: shuffled fully-connected weights format %u is not supported", what, wf);
    p->keep_num_dims = keep != 0;
    return KWS_OK;
}

enum kws_status tfl_read_softmax_options(struct fb *f, const struct fb_table *o,
                                         struct mdl_op_params *p, const char *what)
{
    enum kws_status st;
    if ((st = fb_f32(f, o, 0, 1.0f, &p->beta, what))) return st;
    if (!isfinite(p->beta))
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT, "%s: softmax beta is not finite", what);
    return KWS_OK;
}

/* ADD, MUL: only the fused activation. */
enum kws_status tfl_read_act_options(struct fb *f, const struct fb_table *o,
                                     struct mdl_op_params *p, const char *what)
{
    return read_act(f, o, 0, p, what);
}

enum kws_status tfl_read_reshape_options(struct fb *f, const struct fb_table *o,
                                         struct mdl_op_params *p, const char *what)
{
    struct fb_vec v;
    enum kws_status st;
    if ((st = fb_vector(f, o, 0, 4, MDL_MAX_DIMS, &v, what))) return st;
    if (v.start) {
        p->n_new_shape = (int)v.count;
        for (uint32_t i = 0; i < v.count; i++)
            p->new_shape[i] = (int32_t)fb_le32(f->b + v.start + 4 * (size_t)i);
    }
    return KWS_OK;
}
