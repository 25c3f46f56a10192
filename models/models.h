/* models.h: keyword models. Reading .tflite flatbuffers and `xxd -i` C arrays
 * (bounds-checked), the int8/float kernels with TFLM reference semantics, the
 * interpreter with one arena sized by a lifetime-based planner, per-layer
 * FLOPs/params/RAM/flash, keyword post-processing, training and export.
 * Portable C: the firmware and the virtual board reuse it. */
#ifndef MODELS_H
#define MODELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/kws.h"

/* Model input: frames x KWS_FEATURE_CHANNELS micro frontend features. A
 * float model's feature is the frontend's uint16 / 25.6 (TF speech_commands'
 * convention); an int8 model's is that value quantised with its input scale. */
#define MDL_FEATURE_DIV 25.6f

/* ===== FORMAT: model representation and reading (models-format) ===== */

/* Tensor element types we accept (others are rejected as unsupported). */
enum mdl_type { MDL_T_FLOAT32, MDL_T_INT8, MDL_T_UINT8, MDL_T_INT16, MDL_T_INT32, MDL_T_INT64 };
size_t mdl_type_size(enum mdl_type t);
const char *mdl_type_name(enum mdl_type t); /* "int8", "float32", ... */

/* The 13 supported builtin operators (their table: ops.c). */
enum mdl_op {
    MDL_OP_CONV_2D,
    MDL_OP_DEPTHWISE_CONV_2D,
    MDL_OP_FULLY_CONNECTED,
    MDL_OP_RESHAPE,
    MDL_OP_SOFTMAX,
    MDL_OP_PAD,
    MDL_OP_TRANSPOSE,
    MDL_OP_MAX_POOL_2D,
    MDL_OP_AVERAGE_POOL_2D,
    MDL_OP_ADD,
    MDL_OP_MUL,
    MDL_OP_QUANTIZE,
    MDL_OP_DEQUANTIZE,
    MDL_OP_COUNT
};
const char *mdl_op_name(enum mdl_op op); /* "CONV_2D", ... */
int mdl_op_builtin_code(enum mdl_op op); /* TFLite BuiltinOperator value */

enum mdl_padding { MDL_PAD_SAME, MDL_PAD_VALID }; /* TFLite Padding values */
/* TFLite ActivationFunctionType values; TANH and SIGN_BIT are rejected. */
enum mdl_act { MDL_ACT_NONE = 0, MDL_ACT_RELU = 1, MDL_ACT_RELU_N1_TO_1 = 2, MDL_ACT_RELU6 = 3 };

#define MDL_MAX_DIMS 6
#define MDL_MAX_IO 4 /* inputs or outputs per operator */

/* Everything in a model is owned by its struct mdl_model (freed by
 * mdl_model_free); pointers below point into it. */
struct mdl_tensor {
    const char *name; /* never NULL ("" when the file has none) */
    enum mdl_type type;
    int n_dims; /* 0 = scalar */
    int32_t dims[MDL_MAX_DIMS];
    size_t n_elems;   /* product of dims, 1 for a scalar */
    size_t bytes;     /* n_elems * mdl_type_size(type) */
    const void *data; /* constant data, 16-byte aligned, or NULL */
    size_t data_size; /* == bytes when data != NULL (checked) */
    /* Quantization: n_quant 0 = none, 1 = per tensor, else per channel along
     * quant_dim (n_quant == dims[quant_dim], checked). */
    int n_quant;
    const float *scale;
    const int32_t *zero_point;
    int quant_dim;
    bool is_variable;
};

/* Parsed builtin options; fields an op does not use keep these defaults:
 * padding SAME, strides/dilations/filter 1, depth_multiplier 1, act NONE,
 * keep_num_dims false, beta 1, n_new_shape -1 (absent). */
struct mdl_op_params {
    enum mdl_padding padding;   /* CONV, DEPTHWISE, pools */
    int stride_w, stride_h;     /* CONV, DEPTHWISE, pools */
    int dilation_w, dilation_h; /* CONV, DEPTHWISE */
    int filter_w, filter_h;     /* pools */
    int depth_multiplier;       /* DEPTHWISE */
    enum mdl_act act;           /* CONV, DEPTHWISE, FC, pools, ADD, MUL */
    bool keep_num_dims;         /* FC */
    float beta;                 /* SOFTMAX */
    int n_new_shape;            /* RESHAPE options; -1 = none given */
    int32_t new_shape[MDL_MAX_DIMS];
};

struct mdl_operator {
    enum mdl_op op;
    int version; /* operator code version */
    int n_inputs, n_outputs;
    int inputs[MDL_MAX_IO]; /* tensor indices, -1 = optional input absent */
    int outputs[MDL_MAX_IO];
    struct mdl_op_params p;
};

struct mdl_model {
    uint32_t version;        /* schema version (3) */
    const char *description; /* never NULL */
    int n_subgraphs;         /* only subgraph 0 is read and run */
    int n_tensors;
    struct mdl_tensor *tensors;
    int n_ops; /* in execution order */
    struct mdl_operator *ops;
    int n_inputs, n_outputs; /* graph inputs/outputs (tensor indices) */
    int *inputs, *outputs;
    uint8_t *bytes; /* the flatbuffer (owned copy) */
    size_t n_bytes; /* flatbuffer size = flash bytes */
    void *priv;     /* reader allocations */
};

/* Reads a .tflite flatbuffer or an `xxd -i` C array (.cc/.h), chosen by
 * content. Every offset and size is checked; a malformed or unsupported model
 * gives KWS_ERR_FORMAT or KWS_ERR_UNSUPPORTED and one message naming the
 * problem. On failure *m is left empty (mdl_model_free is still safe). */
enum kws_status mdl_model_load(const char *path, struct mdl_model *m, char *err, size_t err_len);
/* Same from memory (the bytes are copied). */
enum kws_status mdl_model_load_mem(const void *data, size_t n, struct mdl_model *m, char *err,
                                   size_t err_len);
void mdl_model_free(struct mdl_model *m);
/* The bytes of an `xxd -i` array (text, n chars): *out is malloc'd. */
enum kws_status mdl_xxd_parse(const char *text, size_t n, uint8_t **out, size_t *out_n, char *err,
                              size_t err_len);

/* Model lookup shared by every command: arg (--model, may be NULL), then
 * $KWSCOPE_MODEL, then DATADIR/assets/default_model.tflite. */
#define MDL_DEFAULT_MODEL "assets/default_model.tflite"
enum kws_status mdl_model_find(const char *arg, const char *datadir, char *path, size_t len,
                               char *err, size_t err_len);

/* Writer (tflite_write.c): a TFLite flatbuffer (schema version 3, one
 * subgraph, buffer 0 empty, one buffer per tensor with data) of the model's
 * tensors/ops/inputs/outputs/description; bytes/priv/version are ignored.
 * *out is malloc'd. */
enum kws_status mdl_model_write(const struct mdl_model *m, uint8_t **out, size_t *n, char *err,
                                size_t err_len);
enum kws_status mdl_model_save(const struct mdl_model *m, const char *path, char *err,
                               size_t err_len);

/* Arena planner (plan.c): lifetimes from operator order (graph inputs from
 * the start, outputs to the end, constants not in the arena), greedy
 * largest-first placement at the lowest non-overlapping offset, aligned. */
#define MDL_ARENA_ALIGN 16
struct mdl_plan_buf {
    size_t size;
    int first, last; /* operator steps where it is live, inclusive */
    size_t offset;   /* result */
};
/* Places n buffers; *arena gets the total size. */
enum kws_status mdl_plan_greedy(struct mdl_plan_buf *b, int n, size_t align, size_t *arena,
                                char *err, size_t err_len);
struct mdl_plan {
    int n_tensors;
    size_t *offset; /* per tensor; MDL_PLAN_NONE for constants/unused */
    size_t arena_bytes;
};
#define MDL_PLAN_NONE ((size_t)-1)
enum kws_status mdl_plan_model(const struct mdl_model *m, struct mdl_plan *p, char *err,
                               size_t err_len);
void mdl_plan_free(struct mdl_plan *p);

/* Sizing (info.c). FLOPs: 2 per multiply-add plus, by default, one per biased
 * output element; the seed convention counts one per bias parameter instead
 * (TinyConv: conv 640,008 + FC 32,004 + softmax 12 = 672,024). */
enum mdl_flops_conv { MDL_FLOPS_DEFAULT, MDL_FLOPS_SEED };
#define MDL_NANO33_RAM (256u * 1024u)    /* nRF52840: 256 KB RAM */
#define MDL_NANO33_FLASH (1024u * 1024u) /* 1 MB flash */
struct mdl_layer_info {
    int op_index;
    enum mdl_op op;
    int in_tensor, out_tensor; /* first data input, first output */
    uint64_t params;           /* weight + bias elements (constant inputs) */
    uint64_t macs, flops;
    uint64_t weight_bytes;
    uint64_t nonzero_params;      /* constant elements that are not 0 */
    int weight_bits;              /* int8 filter's width read off its value
                                    range (8 full, 4 for -8..7, ...); 0 none */
    uint64_t packed_weight_bytes; /* weight_bytes with that filter packed at
                                    weight_bits per value */
};
struct mdl_info {
    int n_layers;
    struct mdl_layer_info *layers;
    uint64_t params, macs, flops, weight_bytes;
    uint64_t nonzero_params, packed_weight_bytes;
    int weight_bits; /* widest layer's weight_bits (0: none) */
    size_t arena_bytes, model_bytes;
    double ram_share, flash_share; /* of MDL_NANO33_RAM / _FLASH */
};
enum kws_status mdl_model_info(const struct mdl_model *m, enum mdl_flops_conv conv,
                               struct mdl_info *info, char *err, size_t err_len);
void mdl_info_free(struct mdl_info *info);

/* ===== EXEC: kernels, interpreter, post-processing (models-exec) ===== */

/* Fixed-point helpers (quant.c), TFLite/gemmlowp semantics. */
/* real -> Q0.31 multiplier and power-of-two shift (frexp; ties away from 0). */
void mdl_quantize_multiplier(double real, int32_t *mult, int *shift);
int32_t mdl_srdhm(int32_t a, int32_t b);              /* SaturatingRoundingDoublingHighMul */
int32_t mdl_rdbpot(int32_t x, int exponent);          /* RoundingDivideByPOT, exponent 0..31 */
int32_t mdl_mbqm(int32_t x, int32_t mult, int shift); /* MultiplyByQuantizedMultiplier */
int32_t mdl_sat_mul_pot(int32_t x, int exponent);     /* SaturatingRoundingMultiplyByPOT */
/* zp + round(v / scale), clamped to [lo, hi]. */
int32_t mdl_quantize_value(float v, float scale, int32_t zero_point, int32_t lo, int32_t hi);
void mdl_act_range_i8(enum mdl_act act, float scale, int32_t zp, int32_t *lo, int32_t *hi);
void mdl_act_range_f32(enum mdl_act act, float *lo, float *hi);

/* Convolution geometry (NHWC); pads are the top/left amounts. */
struct mdl_conv_geom {
    int batch, in_h, in_w, in_c, out_h, out_w;
    int k_h, k_w, stride_h, stride_w, dil_h, dil_w, pad_top, pad_left;
    int depth_mul; /* depthwise only */
};
/* TFLite's output size and top/left padding for one dimension. */
void mdl_conv_out_size(enum mdl_padding pad, int in, int k, int stride, int dil, int *out,
                       int *pad_before);
/* Requantisation of int32 accumulators: mult/shift have one entry, or one per
 * output channel when per_channel. Offsets are -zero_point for inputs and
 * weights, +zero_point for the output. */
struct mdl_rq {
    int32_t in_offset, w_offset, out_offset;
    int32_t act_min, act_max;
    bool per_channel;
    const int32_t *mult;
    const int *shift;
};
/* Kernels (kernels_conv.c): filters in TFLite layouts (conv OHWI, depthwise
 * 1HWO, FC [out][in]); bias may be NULL. No allocation. */
void mdl_dwconv_i8(const struct mdl_conv_geom *g, const struct mdl_rq *q, const int8_t *in,
                   const int8_t *w, const int32_t *bias, int8_t *out);
void mdl_conv_i8(const struct mdl_conv_geom *g, int out_c, const struct mdl_rq *q, const int8_t *in,
                 const int8_t *w, const int32_t *bias, int8_t *out);
void mdl_fc_i8(int rows, int in_n, int out_n, const struct mdl_rq *q, const int8_t *in,
               const int8_t *w, const int32_t *bias, int8_t *out);
/* Cortex-M4 DSP-extension inner loops (kernels_m4.c), used by the kernels
 * above when the compiler targets the DSP extension; -DKWS_NO_M4_DSP keeps
 * the portable loops (the reference they are tested against). */
#if defined(__ARM_FEATURE_DSP) && !defined(KWS_NO_M4_DSP)
#define MDL_M4_DSP 1
void mdl_m4_dw1_dot8(const int16_t *p, const int16_t *w, int stride, int taps, int32_t *acc);
/* the same for a patch of rows rows of 8 taps each, row r at p + r * row_stride
 * (read in place from the kernel's band; any int16 alignment), weights
 * channel c's row r at w + c * stride + r * 8 */
void mdl_m4_dw1_rows8(const int16_t *p, int row_stride, const int16_t *w, int stride, int rows,
                      int32_t *acc);
void mdl_m4_fc_acc(const int16_t *x, const int8_t *w, size_t w_stride, int len, int n,
                   int32_t *acc);
#else
#define MDL_M4_DSP 0
#endif
void mdl_dwconv_f32(const struct mdl_conv_geom *g, float act_lo, float act_hi, const float *in,
                    const float *w, const float *bias, float *out);
void mdl_conv_f32(const struct mdl_conv_geom *g, int out_c, float act_lo, float act_hi,
                  const float *in, const float *w, const float *bias, float *out);
void mdl_fc_f32(int rows, int in_n, int out_n, float act_lo, float act_hi, const float *in,
                const float *w, const float *bias, float *out);

/* Target-specific kernel paths (simd.c). The int8 kernels pick, at run
 * time, the best path the CPU supports (x86-64: AVX2, AVX-512 VNNI); the
 * portable C is the reference they are pinned against bit for bit, and
 * runs alone when KWSCOPE_NO_SIMD is set (non-empty, not "0") or on other
 * targets. mdl_simd_set lowers (or restores) the level for tests and
 * benchmarks, clamped to what the CPU and the environment allow; it returns
 * the level now in use. */
enum mdl_simd { MDL_SIMD_PORTABLE, MDL_SIMD_AVX2, MDL_SIMD_AVX512_VNNI };
enum mdl_simd mdl_simd_supported(void);
enum mdl_simd mdl_simd_level(void);
enum mdl_simd mdl_simd_set(enum mdl_simd want);
const char *mdl_simd_name(enum mdl_simd level);

/* Softmax (softmax_i8.c). int8 output scale must be 1/256, zero point -128. */
struct mdl_softmax_q {
    int32_t mult;
    int left_shift;
    int32_t diff_min;
};
void mdl_softmax_i8_prepare(float input_scale, float beta, struct mdl_softmax_q *q);
void mdl_softmax_i8(const struct mdl_softmax_q *q, int rows, int depth, const int8_t *in,
                    int8_t *out);
void mdl_softmax_f32(float beta, int rows, int depth, const float *in, float *out);

/* The remaining ops (kernels_misc.c): PAD, TRANSPOSE, MAX_POOL_2D,
 * AVERAGE_POOL_2D, ADD, MUL, QUANTIZE, DEQUANTIZE, int8 and float32.
 * ADD/MUL take equal shapes or a one-element second operand. */
struct mdl_misc {
    enum mdl_op op;
    enum mdl_type type; /* input type */
    int n_dims;
    int32_t in_dims[MDL_MAX_DIMS], out_dims[MDL_MAX_DIMS];
    size_t n_out, n_in2;
    int32_t perm[MDL_MAX_DIMS];       /* TRANSPOSE */
    int32_t pad_before[MDL_MAX_DIMS]; /* PAD */
    int32_t pad_value;                /* PAD int8: output zero point */
    struct mdl_conv_geom g;           /* pools (k = filter) */
    int32_t act_min, act_max;         /* int8 clamps */
    float act_lo, act_hi;             /* float clamps */
    /* ADD (TFLite: left shift 20, inputs scaled to twice the larger scale)
     * and MUL (one multiplier); QUANTIZE/DEQUANTIZE use scale/zp. */
    int32_t in1_offset, in2_offset, out_offset;
    int32_t in1_mult, in2_mult, out_mult;
    int in1_shift, in2_shift, out_shift, left_shift;
    float scale;
    int32_t zp;
};
enum kws_status mdl_misc_prepare(const struct mdl_model *m, const struct mdl_operator *op,
                                 struct mdl_misc *x, char *err, size_t err_len);
void mdl_misc_run(const struct mdl_misc *x, const void *in, const void *in2, void *out);
/* Elementwise kernels, exposed for tests. */
void mdl_add_i8(const struct mdl_misc *x, size_t n, const int8_t *a, const int8_t *b, size_t nb,
                int8_t *out);
void mdl_mul_i8(const struct mdl_misc *x, size_t n, const int8_t *a, const int8_t *b, size_t nb,
                int8_t *out);
void mdl_add_prepare_i8(struct mdl_misc *x, float s1, int32_t z1, float s2, int32_t z2, float so,
                        int32_t zo, enum mdl_act act);
void mdl_mul_prepare_i8(struct mdl_misc *x, float s1, int32_t z1, float s2, int32_t z2, float so,
                        int32_t zo, enum mdl_act act);

/* Interpreter (interp.c). mdl_interp_init validates the model (supported op
 * and type combinations, shapes), prepares per-op requantisation once and
 * allocates one arena sized by mdl_plan_model; invoke never allocates. The
 * model must outlive the interpreter. */
struct mdl_interp {
    const struct mdl_model *model;
    struct mdl_plan plan;
    uint8_t *arena; /* plan.arena_bytes, MDL_ARENA_ALIGN aligned */
    bool own_arena; /* allocated by init (else the caller's) */
    void *prep;     /* per-op prepared data (interp.c) */
};
enum kws_status mdl_interp_init(struct mdl_interp *it, const struct mdl_model *m, char *err,
                                size_t err_len);
/* Same with a caller-owned arena (e.g. a static buffer on the board): arena
 * must be MDL_ARENA_ALIGN aligned with at least the planned size rounded up
 * to MDL_ARENA_ALIGN (else KWS_ERR_NOMEM naming the size needed); NULL
 * allocates as mdl_interp_init does. mdl_interp_free never frees the
 * caller's arena. The small per-op tables and the plan are still malloc'd
 * once here; invoke allocates nothing. */
enum kws_status mdl_interp_init_arena(struct mdl_interp *it, const struct mdl_model *m, void *arena,
                                      size_t arena_cap, char *err, size_t err_len);
void mdl_interp_free(struct mdl_interp *it);
/* Data pointer of tensor t (arena or constant); NULL when it has none. */
void *mdl_interp_tensor_data(const struct mdl_interp *it, int t);
/* Graph input/output i: tensor description and data pointer. */
const struct mdl_tensor *mdl_interp_input(const struct mdl_interp *it, int i, void **data);
const struct mdl_tensor *mdl_interp_output(const struct mdl_interp *it, int i, void **data);
/* Fill the input before every invoke: its memory may be reused once dead. */
enum kws_status mdl_interp_invoke(struct mdl_interp *it, char *err, size_t err_len);
/* Runs only the first n_ops operators (debugging: intermediate tensors are
 * intact until a later operator reuses their arena space). */
enum kws_status mdl_interp_invoke_ops(struct mdl_interp *it, int n_ops, char *err, size_t err_len);

/* Keyword post-processing (detect.c): micro_speech's RecognizeCommands.
 * Each result (int8 scores, zero point -128) is queued with its time; results
 * older than window_ms before the newest are dropped; with at least min_count
 * results the scores + 128 (0..255) are averaged (integer division), the top
 * class (lowest index on a tie) is a new detection when its average exceeds
 * threshold and it differs from the previous top label or more than
 * suppression_ms passed since it (always, when the previous top label was
 * class 0, silence). Defaults are micro_speech's: 1000 ms, 200, 1500 ms, 3. */
#define MDL_DETECT_MAX_CLASSES 16
#define MDL_DETECT_QUEUE 128 /* results kept; the oldest are dropped beyond */
/* The limits a caller may set (the command line rejects values outside them,
 * the dashboard's keys clamp to them). The threshold is on the 0..255
 * average; a window longer than the queue holds (MDL_DETECT_QUEUE results,
 * 2.56 s at a 20 ms stride) averages the whole queue. */
#define MDL_DETECT_THRESHOLD_MAX 255
#define MDL_DETECT_WINDOW_MS_MAX 600000
#define MDL_DETECT_SUPPRESSION_MS_MAX 600000
struct mdl_detect_config {
    int32_t window_ms;      /* averaging window, >= 0 */
    int32_t threshold;      /* 0..255 on the averaged score */
    int32_t suppression_ms; /* >= 0 */
    int32_t min_count;      /* >= 1 results in the window */
    int n_classes;          /* 1..MDL_DETECT_MAX_CLASSES */
};
struct mdl_detect_config mdl_detect_config_default(void); /* 4 classes */
struct mdl_detect_result {
    bool valid;    /* enough results in the window to judge */
    int label;     /* top class of the averages (valid only) */
    int32_t score; /* its average, 0..255 */
    bool is_new;   /* a detection at this result */
    int32_t avg[MDL_DETECT_MAX_CLASSES];
};
struct mdl_detect {
    struct mdl_detect_config cfg;
    struct {
        int32_t t_ms;
        int8_t s[MDL_DETECT_MAX_CLASSES];
    } q[MDL_DETECT_QUEUE];
    int head, count;
    int prev_label; /* starts as 0 (silence) */
    int32_t prev_t_ms;
    bool have_prev_t;
    bool started;
    int32_t last_t_ms;
};
enum kws_status mdl_detect_init(struct mdl_detect *d, const struct mdl_detect_config *cfg,
                                char *err, size_t err_len);
/* scores: cfg.n_classes int8 values; t_ms must not decrease. */
enum kws_status mdl_detect_process(struct mdl_detect *d, const int8_t *scores, int32_t t_ms,
                                   struct mdl_detect_result *r, char *err, size_t err_len);
/* Replays a stored score track (n rows of cfg.n_classes, row i at t_ms[i])
 * through a fresh detector: the detections (up to max) go to out, their
 * number to *n_out. Used to re-tune on a recorded clip at once. */
struct mdl_detection {
    size_t row;
    int32_t t_ms;
    int label;
    int32_t score;
};
enum kws_status mdl_detect_track(const struct mdl_detect_config *cfg, const int8_t *scores,
                                 const int32_t *t_ms, size_t n, struct mdl_detection *out,
                                 size_t max, size_t *n_out, char *err, size_t err_len);

/* Detector settings stored with a model (detect_config.c): a small text
 * sidecar beside the model file, named like the model with its extension
 * (.tflite, .cc, .h) replaced by ".detect" (assets/default_model.detect
 * serves default_model.tflite and default_model.cc alike). One "key value"
 * per line, '#' comments: threshold (0..255), window_ms, suppression_ms,
 * min_count; keys left out keep micro_speech's defaults. Written by
 * `kwscope calibrate`, read by classify, the dashboard and `board sim`. */
#define MDL_DETECT_SET_THRESHOLD 1u   /* bits of `keep`: fields given on the */
#define MDL_DETECT_SET_WINDOW 2u      /* command line, which the sidecar */
#define MDL_DETECT_SET_SUPPRESSION 4u /* must not replace */
#define MDL_DETECT_SET_MIN_COUNT 8u
void mdl_detect_sidecar_path(const char *model_path, char *out, size_t len);
/* Parses sidecar text into *cfg (fields not named are left as they are). */
enum kws_status mdl_detect_config_parse(const char *text, size_t n, struct mdl_detect_config *cfg,
                                        char *err, size_t err_len);
/* Reads the sidecar of model_path into *cfg, except the fields in keep.
 * No sidecar: KWS_OK, *found false, cfg untouched. found may be NULL. */
enum kws_status mdl_detect_config_load(const char *model_path, struct mdl_detect_config *cfg,
                                       unsigned keep, bool *found, char *err, size_t err_len);
/* The sidecar text for cfg (note: one comment line, may be NULL). */
void mdl_detect_config_format(const struct mdl_detect_config *cfg, const char *note, char *out,
                              size_t len);
/* Writes the sidecar of model_path (temporary file, then rename); an
 * existing one is replaced only with force (else KWS_ERR_IO saying so). */
enum kws_status mdl_detect_config_save(const char *model_path, const struct mdl_detect_config *cfg,
                                       const char *note, bool force, char *err, size_t err_len);

/* Fast re-tuning (detect.c). The averages, and so each row's top class and
 * its score, depend only on window_ms and min_count; threshold and
 * suppression only decide which rows become detections. mdl_detect_tops
 * runs the detector once for cfg's window and min count and stores, per row,
 * the top class (-1 where fewer than min_count results) and its score;
 * mdl_detect_from_tops then finds the detections for any threshold and
 * suppression in one pass, exactly as mdl_detect_track would. */
enum kws_status mdl_detect_tops(const struct mdl_detect_config *cfg, const int8_t *scores,
                                const int32_t *t_ms, size_t n, int8_t *top, uint8_t *score,
                                char *err, size_t err_len);
size_t mdl_detect_from_tops(int32_t threshold, int32_t suppression_ms, const int8_t *top,
                            const uint8_t *score, const int32_t *t_ms, size_t n,
                            struct mdl_detection *out, size_t max);

/* Streaming evaluation (evaluate.c). Word labels in Audacity's label-track
 * format: one "start<TAB>end<TAB>word" line per word, times in seconds. The
 * parser takes CRLF/CR line ends, blank lines, '#' comments and Audacity's
 * spectral-selection lines ("\<TAB>f0<TAB>f1"), and sorts labels by start
 * (overlaps allowed); anything else it cannot read is one error naming the
 * line. */
#define MDL_LABEL_WORD 32
struct mdl_word_label {
    double start_s, end_s;
    char word[MDL_LABEL_WORD];
};
struct mdl_word_labels {
    struct mdl_word_label *v;
    size_t n;
}; /* v malloc'd */
enum kws_status mdl_labels_parse(const char *text, size_t n, struct mdl_word_labels *out, char *err,
                                 size_t err_len);
enum kws_status mdl_labels_load(const char *path, struct mdl_word_labels *out, char *err,
                                size_t err_len);
void mdl_labels_free(struct mdl_word_labels *l);
/* False for silence/unknown class names ("silence", "_unknown_", ...). */
bool mdl_label_is_keyword(const char *name);

/* Counts for one keyword (or the total over keywords). A detection at t is
 * a hit for the earliest unmatched label of its word with start <= t <= end
 * + tolerance (latency t - end); every other keyword detection is a false
 * alarm. Latency percentiles: median (mean of the middle two), p90 nearest
 * rank; NAN without hits. */
struct mdl_kw_stats {
    long labels, hits, misses, false_alarms;
    double recall;      /* hits / labels, NAN without labels */
    double fa_per_hour; /* false alarms per hour of audio */
    double latency_median_ms, latency_p90_ms;
};
struct mdl_stream_eval {
    int n_classes;
    char names[MDL_DETECT_MAX_CLASSES][32];
    bool keyword[MDL_DETECT_MAX_CLASSES];
    int32_t tolerance_ms;      /* how late after a word's end a hit may come */
    double seconds;            /* audio evaluated */
    long streams, other_words; /* files added; labels of non-keywords */
    struct mdl_kw_stats kw[MDL_DETECT_MAX_CLASSES], total; /* after finish */
    int32_t *lat_ms[MDL_DETECT_MAX_CLASSES];               /* hit latencies, owned */
    size_t n_lat[MDL_DETECT_MAX_CLASSES], cap_lat[MDL_DETECT_MAX_CLASSES];
};
enum kws_status mdl_stream_eval_init(struct mdl_stream_eval *ev, const char *const *names,
                                     int n_classes, int32_t tolerance_ms, char *err,
                                     size_t err_len);
/* Adds one stream: its labels, its detections (time order) and its length. */
enum kws_status mdl_stream_eval_add(struct mdl_stream_eval *ev, const struct mdl_word_labels *lab,
                                    const struct mdl_detection *det, size_t n_det, double seconds,
                                    char *err, size_t err_len);
/* Fills kw[] and total from what was added (call again after more adds). */
enum kws_status mdl_stream_eval_finish(struct mdl_stream_eval *ev, char *err, size_t err_len);
void mdl_stream_eval_free(struct mdl_stream_eval *ev);

/* Keyword pipeline model step (pipeline.c): micro frontend frames in, int8
 * scores out. The model input is frames x 40 features (int8 or float32). */
struct mdl_kws {
    struct mdl_interp it;
    int frames; /* model input frames (49 for TinyConv) */
    int n_classes;
    float out_scale; /* dequantise: (s - out_zp) * out_scale */
    int32_t out_zp;
    bool micro_conv; /* input uses micro_speech's int8 conversion */
};
enum kws_status mdl_kws_init(struct mdl_kws *k, const struct mdl_model *m, char *err,
                             size_t err_len);
/* Same with a caller-owned arena (see mdl_interp_init_arena). */
enum kws_status mdl_kws_init_arena(struct mdl_kws *k, const struct mdl_model *m, void *arena,
                                   size_t arena_cap, char *err, size_t err_len);
void mdl_kws_free(struct mdl_kws *k);
/* feat_u16: frames x 40 micro frontend values; scores: n_classes int8. */
enum kws_status mdl_kws_score(struct mdl_kws *k, const uint16_t *feat_u16, int8_t *scores,
                              char *err, size_t err_len);
/* The two halves of mdl_kws_score for int8-input models, so a board can time
 * (and send) its int8 features apart from the inference: the model's int8
 * input for frames x 40 frontend values (the same conversion mdl_kws_score
 * does; x: frames x 40), and the scores for such an input. Both return
 * KWS_ERR_UNSUPPORTED for a float-input model. */
enum kws_status mdl_kws_input_i8(const struct mdl_kws *k, const uint16_t *feat_u16, int8_t *x);
enum kws_status mdl_kws_score_i8(struct mdl_kws *k, const int8_t *x, int8_t *scores, char *err,
                                 size_t err_len);
/* Label rule: index of the largest score, lowest index on a tie. */
int mdl_kws_top(const int8_t *scores, int n);

/* Score track (track.c): the model over a stream, one row of int8 scores
 * every 20 ms (a window of kws->frames frames sliding one frame), each
 * stamped at the end of its window's audio. `kwscope classify` on a long
 * file, the dashboard and the board all compute exactly this. */
struct mdl_track {
    struct mdl_kws *kws;        /* borrowed; initialised by the caller */
    struct dsp_micro_state *fe; /* owned: the frontend's streaming state */
    uint16_t *window;           /* owned: the newest frames x 40 (u16) */
    size_t win_frames;          /* frames held in window, <= kws->frames */
    size_t frames;              /* frontend frames produced so far */
    size_t samples;             /* samples consumed so far */
    int n_classes;              /* == kws->n_classes */
    int8_t *scores;             /* owned: rows x n_classes int8 scores */
    int32_t *t_ms;              /* owned: rows stamps, ms */
    size_t rows, cap_rows;
};
/* Stamp of window w (frames w .. w + win_frames - 1): the end of its audio,
 * (320 (w + win_frames - 1) + 480) / 16 ms. */
int32_t mdl_track_stamp_ms(size_t w, int win_frames);
enum kws_status mdl_track_init(struct mdl_track *t, struct mdl_kws *k, char *err, size_t err_len);
void mdl_track_free(struct mdl_track *t);
/* Back to an empty track (a new clip), keeping the allocations. */
void mdl_track_reset(struct mdl_track *t);
/* Feeds the next samples (16 kHz int16, continuing where the last call
 * stopped) and computes at most budget_rows new rows, so a long file fills
 * progressively: *consumed (may be NULL) says how many samples were taken;
 * the caller passes the rest again next time. Any chunking gives the same
 * track as one call. Errors: allocation or model failure. */
enum kws_status mdl_track_feed(struct mdl_track *t, const int16_t *samples, size_t n,
                               size_t budget_rows, size_t *consumed, char *err, size_t err_len);
/* Row i's n_classes scores (NULL when i >= rows). */
const int8_t *mdl_track_row(const struct mdl_track *t, size_t i);
/* The last row stamped at or before t_s; -1 when none is. */
long mdl_track_row_at(const struct mdl_track *t, double t_s);
/* The detector's smoothed scores at row i (what mdl_detect_process computes
 * there for cfg): avg gets n_classes values 0..255. Returns the number of
 * rows averaged, 0 when fewer than cfg->min_count (avg then zero). */
int mdl_track_avg(const struct mdl_track *t, const struct mdl_detect_config *cfg, size_t i,
                  int32_t *avg);
/* The detector over the whole stored track with cfg (n_classes is taken from
 * the model): up to max detections in out, their number in *n_out. */
enum kws_status mdl_track_detect(const struct mdl_track *t, const struct mdl_detect_config *cfg,
                                 struct mdl_detection *out, size_t max, size_t *n_out, char *err,
                                 size_t err_len);

#endif
