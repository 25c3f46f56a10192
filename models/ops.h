/* ops.h: the operator registry (private to models/), in the style of TFLM's
 * op resolver: one row per supported op with its schema code, name, options
 * reader, prepare, invoke and FLOPs count. The reader (tflite_read.c), the
 * interpreter (interp.c), the sizing (info.c) and the names (tflite_codes.c)
 * look an op up here instead of each switching over the ops.
 *
 * Adding an op: a row in ops.c (and MDL_OP_* in models.h), its options
 * reader in tflite_read.c when it has options, its prepare/invoke in ops.c
 * around a kernel entry point (models.h), its FLOPs rule in ops.c. */
#ifndef MODELS_OPS_H
#define MODELS_OPS_H

#include "models.h"
#include "tflite_fb.h"

/* What prepare computes once for an operator and invoke reads every run. */
struct mdl_step {
    enum mdl_type type; /* of the main data input */
    struct mdl_conv_geom g;
    int out_c, rows, in_n, out_n;
    size_t out_bytes; /* RESHAPE: bytes moved */
    struct mdl_rq rq;
    int32_t *mult; /* per channel (or one), owned */
    int *shift;    /* owned */
    struct mdl_softmax_q sm;
    float act_lo, act_hi, beta;
    struct mdl_misc misc; /* the other ops (kernels_misc.c) */
};

/* Reads the op's BuiltinOptions table o into p (what: for messages). */
typedef enum kws_status (*mdl_op_read_fn)(struct fb *f, const struct fb_table *o,
                                          struct mdl_op_params *p, const char *what);
/* Validates the operator and fills s (type and activation range are set by
 * the caller); KWS_ERR_UNSUPPORTED with the reason. */
typedef enum kws_status (*mdl_op_prepare_fn)(const struct mdl_model *m,
                                             const struct mdl_operator *op, struct mdl_step *s,
                                             char *err, size_t err_len);
/* Runs the prepared operator on its tensors' data (w, b: NULL when absent). */
typedef void (*mdl_op_invoke_fn)(const struct mdl_step *s, const void *in, const void *w,
                                 const void *b, void *out);
/* Adds the operator's MACs, FLOPs and parameters to l (info.c's conventions). */
typedef enum kws_status (*mdl_op_count_fn)(const struct mdl_model *m, const struct mdl_operator *o,
                                           enum mdl_flops_conv conv, struct mdl_layer_info *l,
                                           char *err, size_t err_len);

struct mdl_op_reg {
    enum mdl_op op;
    int code;            /* schema.fbs BuiltinOperator */
    const char *name;    /* "CONV_2D" */
    int options;         /* BuiltinOptions union member (TFL_OPT_*), TFL_OPT_NONE: none */
    int min_inputs;      /* further inputs are optional (a bias) */
    mdl_op_read_fn read; /* NULL: no options to read */
    mdl_op_prepare_fn prepare;
    mdl_op_invoke_fn invoke;
    mdl_op_count_fn count; /* NULL: data movement, 0 FLOPs */
};

/* The row of op (NULL outside 0..MDL_OP_COUNT-1), or of a BuiltinOperator
 * code (NULL when unsupported). */
const struct mdl_op_reg *mdl_op_reg(enum mdl_op op);
const struct mdl_op_reg *mdl_op_reg_code(int code);

/* Options readers (tflite_read.c). */
enum kws_status tfl_read_conv_options(struct fb *f, const struct fb_table *o,
                                      struct mdl_op_params *p, const char *what);
enum kws_status tfl_read_dwconv_options(struct fb *f, const struct fb_table *o,
                                        struct mdl_op_params *p, const char *what);
enum kws_status tfl_read_pool_options(struct fb *f, const struct fb_table *o,
                                      struct mdl_op_params *p, const char *what);
enum kws_status tfl_read_fc_options(struct fb *f, const struct fb_table *o, struct mdl_op_params *p,
                                    const char *what);
enum kws_status tfl_read_softmax_options(struct fb *f, const struct fb_table *o,
                                         struct mdl_op_params *p, const char *what);
enum kws_status tfl_read_act_options(struct fb *f, const struct fb_table *o,
                                     struct mdl_op_params *p, const char *what);
enum kws_status tfl_read_reshape_options(struct fb *f, const struct fb_table *o,
                                         struct mdl_op_params *p, const char *what);

#endif
