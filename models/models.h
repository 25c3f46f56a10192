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

/* ===== FORMAT: model representation and reading (models-format) ===== */

/* ===== EXEC: kernels, interpreter, post-processing (models-exec) ===== */

/* ===== TRAIN: training and export (models-train) ===== */

/* TinyConv (TF speech_commands tiny_conv), the default model's network. */
#define MDL_TC_IN_H 49          /* frames (time) */
#define MDL_TC_IN_W 40          /* micro frontend channels */
#define MDL_TC_KH 10
#define MDL_TC_KW 8
#define MDL_TC_STRIDE 2
#define MDL_TC_PAD_TOP 4        /* TF SAME: total 9 rows, 4 top / 5 bottom */
#define MDL_TC_PAD_LEFT 3       /* total 6 columns, 3 left / 3 right */
#define MDL_TC_FILTERS 8        /* depth multiplier 8 on one input channel */
#define MDL_TC_OUT_H 25
#define MDL_TC_OUT_W 20
#define MDL_TC_IN (MDL_TC_IN_H * MDL_TC_IN_W)                      /* 1960 */
#define MDL_TC_ACT (MDL_TC_OUT_H * MDL_TC_OUT_W * MDL_TC_FILTERS)  /* 4000 */
#define MDL_TC_CONV_W (MDL_TC_KH * MDL_TC_KW * MDL_TC_FILTERS)     /* 640 */
#define MDL_TC_MAX_CLASSES 8
/* Float feature = micro frontend uint16 / 25.6 (TF's convention). */
#define MDL_TC_FEATURE_DIV 25.6f

/* Parameters (or their gradients, or Adam moments), TFLite layouts:
 * conv_w [kh][kw][filter], fc_w [class][4000] over NHWC-flattened activations. */
struct mdl_tinyconv {
    int n_classes;
    float conv_w[MDL_TC_CONV_W];
    float conv_b[MDL_TC_FILTERS];
    float fc_w[MDL_TC_MAX_CLASSES * MDL_TC_ACT];
    float fc_b[MDL_TC_MAX_CLASSES];
};

struct mdl_adam {
    long t;
    struct mdl_tinyconv m, v;
};

/* Deterministic PRNG (splitmix64); the seed is the whole state. */
struct mdl_rng { uint64_t s; };
uint64_t mdl_rng_next(struct mdl_rng *r);
double mdl_rng_uniform(struct mdl_rng *r);   /* [0, 1) */
double mdl_rng_normal(struct mdl_rng *r);

/* Weights from truncated normal (stddev 0.01), biases zero. */
void mdl_tc_init(struct mdl_tinyconv *m, int n_classes, uint64_t seed);
/* x: 1960 floats (49x40). drop: NULL (inference) or 4000 keep flags. act gets
 * the 4000 post-ReLU(-dropout) activations, probs the softmax. Returns the
 * largest logit. */
float mdl_tc_forward(const struct mdl_tinyconv *m, const float *x, const uint8_t *drop,
                     float *act, float *probs);
/* Adds this example's gradient of the cross-entropy loss to grad (same
 * n_classes as m) and returns the loss. */
float mdl_tc_backward(const struct mdl_tinyconv *m, const float *x, int label,
                      const uint8_t *drop, struct mdl_tinyconv *grad);
void mdl_tc_zero(struct mdl_tinyconv *g);
/* One Adam step with the mean of grad over batch examples. */
void mdl_tc_adam_step(struct mdl_tinyconv *m, const struct mdl_tinyconv *grad, int batch,
                      struct mdl_adam *st, float lr);

/* SHA-1 (FIPS 180-4) and the Speech Commands split rule: the file's base name
 * with everything from "_nohash_" removed is hashed; the low 27 bits of the
 * digest (the digest mod 2^27) scaled by 100/(2^27-1) give a percentage;
 * below val_pct is validation, below val_pct+test_pct is test. */
void mdl_sha1(const void *data, size_t n, uint8_t digest[20]);
enum mdl_split { MDL_SPLIT_TRAIN, MDL_SPLIT_VAL, MDL_SPLIT_TEST };
enum mdl_split mdl_split_of(const char *path, double val_pct, double test_pct);

#endif
