/* train.h: training TinyConv (TF speech_commands tiny_conv, the default
 * model's network) in float on a Speech Commands style data set, int8
 * post-training quantisation, and export as .tflite / `xxd -i` .cc.
 *
 * Kept apart from models/ because the board never trains: models/ is the
 * runtime the firmware also builds, train/ is host-only and uses it (the
 * interpreter checks exported models, the reader imports them). The names
 * keep the mdl_ prefix of the models layer they extend. */
#ifndef TRAIN_H
#define TRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/kws.h"
#include "models/models.h"

/* TinyConv (TF speech_commands tiny_conv), the default model's network. */
#define MDL_TC_IN_H KWS_FEATURE_FRAMES   /* frames (time) */
#define MDL_TC_IN_W KWS_FEATURE_CHANNELS /* micro frontend channels */
#define MDL_TC_KH 10
#define MDL_TC_KW 8
#define MDL_TC_STRIDE 2
#define MDL_TC_PAD_TOP 4  /* TF SAME: total 9 rows, 4 top / 5 bottom */
#define MDL_TC_PAD_LEFT 3 /* total 6 columns, 3 left / 3 right */
#define MDL_TC_FILTERS 8  /* depth multiplier 8 on one input channel */
#define MDL_TC_OUT_H 25
#define MDL_TC_OUT_W 20
#define MDL_TC_IN (MDL_TC_IN_H * MDL_TC_IN_W)                     /* 1960 */
#define MDL_TC_ACT (MDL_TC_OUT_H * MDL_TC_OUT_W * MDL_TC_FILTERS) /* 4000 */
#define MDL_TC_CONV_W (MDL_TC_KH * MDL_TC_KW * MDL_TC_FILTERS)    /* 640 */
#define MDL_TC_MAX_CLASSES 8

/* The taps of the convolution at output (oh, ow): for each filter position
 * that lands inside the input (SAME padding skips the rest), the input index
 * ih * MDL_TC_IN_W + iw and the filter row kh * MDL_TC_KW + kw, in kh-then-kw
 * order (the float and int8 passes sum in that order). Returns how many. */
#define MDL_TC_TAPS (MDL_TC_KH * MDL_TC_KW)
int mdl_tc_taps(int oh, int ow, int in_idx[MDL_TC_TAPS], int w_row[MDL_TC_TAPS]);

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
struct mdl_rng {
    uint64_t s;
};
uint64_t mdl_rng_next(struct mdl_rng *r);
double mdl_rng_uniform(struct mdl_rng *r); /* [0, 1) */
double mdl_rng_normal(struct mdl_rng *r);

/* Weights from truncated normal (stddev 0.01), biases zero. */
void mdl_tc_init(struct mdl_tinyconv *m, int n_classes, uint64_t seed);
/* x: 1960 floats (49x40). drop: NULL (inference) or 4000 keep flags. act gets
 * the 4000 post-ReLU(-dropout) activations, probs the softmax. Returns the
 * largest logit. */
float mdl_tc_forward(const struct mdl_tinyconv *m, const float *x, const uint8_t *drop, float *act,
                     float *probs);
/* Adds this example's gradient of the cross-entropy loss to grad (same
 * n_classes as m) and returns the loss; probs (may be NULL) gets the forward
 * pass's softmax. */
float mdl_tc_backward(const struct mdl_tinyconv *m, const float *x, int label, const uint8_t *drop,
                      struct mdl_tinyconv *grad, float *probs);
/* Fake quantisation for quantisation-aware training: a value goes onto the
 * int8 grid of (scale, zero point) clamped to [qmin, qmax] and back; the
 * gradient passes straight through inside that range and is zero outside. */
struct mdl_fq {
    float scale;
    int zp, qmin, qmax;
};
struct mdl_tc_fq {
    struct mdl_fq act, logit;
}; /* ReLU output, logits */
/* mdl_tc_backward with the ReLU output and logits fake quantised (fq NULL:
 * the same as mdl_tc_backward). */
float mdl_tc_backward_fq(const struct mdl_tinyconv *m, const struct mdl_tc_fq *fq, const float *x,
                         int label, const uint8_t *drop, struct mdl_tinyconv *grad, float *probs);
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

/* A data set in the Speech Commands layout, loaded into memory (train_data.c). */
#define MDL_CLIP_SAMPLES KWS_CLIP_SAMPLES
#define MDL_SHIFT_MAX 1600 /* time shift augmentation: +-100 ms */
#define MDL_MAX_NOISE 32
struct mdl_clip {
    char name[240];
    int label;
    enum mdl_split split;
    int16_t samples[MDL_CLIP_SAMPLES];
};
struct mdl_dataset {
    double val_pct, test_pct; /* set before loading; 0 means 10 */
    int n_classes;            /* _silence_, _unknown_, then the words */
    char labels[MDL_TC_MAX_CLASSES][32];
    struct mdl_clip *clips;
    size_t n, cap;
    int16_t *noise[MDL_MAX_NOISE];
    size_t noise_len[MDL_MAX_NOISE];
    size_t n_noise;
    bool stream_aug; /* set before training: stream-like examples (train_stream.c) */
};
/* 16-bit PCM mono 16 kHz WAV only; *out is malloc'd. */
enum kws_status mdl_wav_read(const char *path, int16_t **out, size_t *n, char *err, size_t err_len);
enum kws_status mdl_dataset_load(const char *dir, const char *const *words, int n_words,
                                 struct mdl_dataset *ds, char *err, size_t err_len);
void mdl_dataset_free(struct mdl_dataset *ds);
/* Micro frontend features of a clip as the float network input (u16/25.6);
 * with aug non-NULL, the time-shift and background-noise augmentation first.
 * u16 (may be NULL) gets the raw frontend output. */
enum kws_status mdl_clip_features(const struct mdl_dataset *ds, const struct mdl_clip *c,
                                  struct mdl_rng *aug, float *x, uint16_t *u16, char *err,
                                  size_t err_len);

/* A training example as a stream shows it (train_stream.c): context audio
 * for the frontend to adapt on, then the 1 s window with the clip's word at
 * a random place, neighbouring words, noise at 0-30 dB SNR. out gets up to
 * MDL_STREAM_MAX samples; returns how many (the window is the last N). */
#define MDL_STREAM_MAX (75 * KWS_STRIDE_SAMPLES + MDL_CLIP_SAMPLES)
size_t mdl_stream_example(const struct mdl_dataset *ds, const struct mdl_clip *c, struct mdl_rng *r,
                          int16_t *out);

/* Training (train_run.c). */
struct mdl_train_progress {
    int epoch, epochs;  /* 1-based */
    size_t done, total; /* training clips done in this epoch */
    float loss, acc;    /* running means over this epoch */
    bool epoch_done;
    float val_acc; /* when epoch_done */
    bool best;     /* this epoch is the new best checkpoint */
};
struct mdl_train_opts {
    int epochs; /* default 40 */
    uint64_t seed;
    int batch; /* default 100 */
    float lr;  /* default 0.001; a tenth for the last 20% of epochs */
    void (*progress)(const struct mdl_train_progress *p, void *user);
    void *user;
};
struct mdl_eval {
    int n, correct;
    int confusion[MDL_TC_MAX_CLASSES][MDL_TC_MAX_CLASSES]; /* [truth][predicted] */
};
/* Trains from mdl_tc_init(seed); *best gets the weights of the epoch with the
 * best validation accuracy. */
enum kws_status mdl_train(const struct mdl_dataset *ds, const struct mdl_train_opts *opts,
                          struct mdl_tinyconv *best, int *best_epoch, char *err, size_t err_len);
/* Float accuracy and confusion matrix on one partition (no augmentation). */
enum kws_status mdl_tc_evaluate(const struct mdl_tinyconv *m, const struct mdl_dataset *ds,
                                enum mdl_split split, struct mdl_eval *ev, char *err,
                                size_t err_len);

/* Post-training int8 quantisation (train_quant.c). Layouts as struct
 * mdl_tinyconv; the scheme is described at the top of train_quant.c. */
#define MDL_TC_IN_SCALE 0.10171568393707275f /* upstream micro_speech input */
struct mdl_tc_quant {
    int n_classes;
    char labels[MDL_TC_MAX_CLASSES][32];
    float in_scale;
    int in_zp;
    int8_t conv_w[MDL_TC_CONV_W];
    float conv_scale[MDL_TC_FILTERS]; /* per output channel */
    int32_t conv_b[MDL_TC_FILTERS];
    float conv_out_scale;
    int conv_out_zp;
    int8_t fc_w[MDL_TC_MAX_CLASSES * MDL_TC_ACT];
    float fc_scale; /* per tensor */
    int32_t fc_b[MDL_TC_MAX_CLASSES];
    float fc_out_scale;
    int fc_out_zp;
    float sm_scale; /* 1/256 */
    int sm_zp;      /* -128 */
};
/* Activation ranges: ReLU output maximum, logits minimum and maximum. */
struct mdl_tc_ranges {
    float act_max, logit_min, logit_max;
};
/* Measures them on the training partition (no augmentation). */
enum kws_status mdl_tc_calibrate(const struct mdl_tinyconv *m, const struct mdl_dataset *ds,
                                 struct mdl_tc_ranges *r, char *err, size_t err_len);
/* Quantises the weights for those ranges; labels[n_classes] name the classes. */
void mdl_tc_quantize(const struct mdl_tinyconv *m, const struct mdl_tc_ranges *r,
                     char (*labels)[32], struct mdl_tc_quant *q);
/* Reference int8 forward pass up to the quantised logits (softmax is
 * monotonic); returns the predicted class. in: 1960 int8 features. */
int mdl_tc_quant_run(const struct mdl_tc_quant *q, const int8_t *in, int8_t *logits);
enum kws_status mdl_tc_quant_evaluate(const struct mdl_tc_quant *q, const struct mdl_dataset *ds,
                                      enum mdl_split split, struct mdl_eval *ev, char *err,
                                      size_t err_len);

/* Export (train_export.c): the upstream micro_speech graph (RESHAPE,
 * DEPTHWISE_CONV_2D + ReLU, FULLY_CONNECTED, SOFTMAX, int8) as a .tflite
 * flatbuffer in *out (malloc'd), and bytes as an `xxd -i` style .cc array
 * (`alignas(16) const unsigned char NAME[]` and `NAME_len`). */
enum kws_status mdl_tc_to_tflite(const struct mdl_tc_quant *q, uint8_t **out, size_t *len,
                                 char *err, size_t err_len);
enum kws_status mdl_write_cc(const char *path, const char *name, const uint8_t *data, size_t len,
                             char *err, size_t err_len);
/* The same text to an open stream; 0 if the stream has an error. */
int mdl_write_cc_to(FILE *f, const char *name, const uint8_t *data, size_t len);
/* The reverse (train_import.c): a loaded model with exactly TinyConv's int8
 * graph back into the description, so mdl_tc_quant_run can run it. */
enum kws_status mdl_tc_from_model(const struct mdl_model *m, struct mdl_tc_quant *q, char *err,
                                  size_t err_len);

/* ======== the model lab: quantisation at any width, pruning (lab_*.c) ======== */

/* b-bit post-training quantisation (lab_quant.c), 2 <= bits <= 8: weights
 * symmetric on [-(2^(b-1)-1), 2^(b-1)-1] (per channel for the conv, per
 * tensor for the FC; scale max|w| / 127 at 8 bits, below it the clipping
 * point of least squared rounding error), activations on 2^b levels
 * from -128 (scale range / (2^b - 1)). The values stay int8, so the model runs
 * on any int8 interpreter; at 8 bits this is exactly mdl_tc_quantize. */
#define MDL_LAB_MIN_BITS 2
#define MDL_LAB_MAX_BITS 8
void mdl_tc_quantize_bits(const struct mdl_tinyconv *m, const struct mdl_tc_ranges *r,
                          char (*labels)[32], int bits, struct mdl_tc_quant *q);
/* out = m with its weights rounded to the b-bit grid (biases untouched): the
 * forward weights of quantisation-aware training. */
void mdl_tc_fake_weights(const struct mdl_tinyconv *m, int bits, struct mdl_tinyconv *out);
/* The activation fake quantisers matching mdl_tc_quantize_bits for r. */
void mdl_tc_fq_for(const struct mdl_tc_ranges *r, int bits, struct mdl_tc_fq *fq);

/* Pruning masks (lab_prune.c): 1 keeps a weight, 0 removes it. chan[c] is 0
 * when structured pruning removed depthwise channel c (its conv weights,
 * bias and every FC weight reading it). */
struct mdl_tc_mask {
    uint8_t conv_w[MDL_TC_CONV_W];
    uint8_t fc_w[MDL_TC_MAX_CLASSES * MDL_TC_ACT];
    uint8_t chan[MDL_TC_FILTERS];
};
void mdl_tc_mask_all(struct mdl_tc_mask *k); /* keeps everything */
/* Unstructured magnitude pruning: removes the fraction `sparsity` (0..1) of
 * the weights with the smallest |w|, over conv and FC together (global) or
 * in each layer on its own. Ties break by index, so the result is exact. */
void mdl_tc_prune_magnitude(const struct mdl_tinyconv *m, double sparsity, bool global,
                            struct mdl_tc_mask *k);
/* Structured pruning: keeps the round(8 (1 - sparsity)) channels (at least
 * one) with the largest L1 norm of their conv weights. Returns that count. */
int mdl_tc_prune_channels(const struct mdl_tinyconv *m, double sparsity, struct mdl_tc_mask *k);
/* Zeroes what the mask removes (weights, and biases of removed channels). */
void mdl_tc_mask_apply(struct mdl_tinyconv *m, const struct mdl_tc_mask *k);
/* The quantised model as a .tflite in *out (malloc'd) with only the channels
 * chan_keep marks (NULL: all): a genuinely smaller depthwise conv (depth
 * multiplier = channels kept), activation tensor and FC. */
enum kws_status mdl_tc_to_tflite_channels(const struct mdl_tc_quant *q, const uint8_t *chan_keep,
                                          uint8_t **out, size_t *len, char *err, size_t err_len);

/* Fine-tuning (lab_tune.c) from the weights in *m, in place: the training
 * recipe of mdl_train (augmentation, dropout, Adam, the rate a tenth for the
 * last fifth) without its validation checkpoints: the last epoch is kept. */
struct mdl_tune_opts {
    int epochs, batch; /* > 0 */
    float lr;
    uint64_t seed;
    int qat_bits;                   /* 2..8: quantisation-aware (weights and, with
                                   fq, activations); 0: plain float */
    const struct mdl_tc_fq *fq;     /* activation fake quantisers (QAT) or NULL */
    const struct mdl_tc_mask *mask; /* kept zero after every step, or NULL */
    /* Gradual pruning (Zhu & Gupta 2017): before each epoch e of E the mask
     * is recomputed for sparsity * (1 - (1 - e/E)^3). 0 none, 1 magnitude,
     * 2 channels; the final mask is written back to gradual_mask. */
    int gradual;
    double sparsity;
    bool global;
    struct mdl_tc_mask *gradual_mask;
    void (*progress)(const struct mdl_train_progress *p, void *user);
    void *user;
    volatile int *stop; /* checked between batches; non-zero stops */
};
enum kws_status mdl_tc_finetune(const struct mdl_dataset *ds, const struct mdl_tune_opts *o,
                                struct mdl_tinyconv *m, char *err, size_t err_len);

/* The sweep (lab.c): one variant of the trained model, quantised or pruned,
 * evaluated on the test split and sized as exported. */
enum mdl_lab_method {
    MDL_LAB_PTQ,
    MDL_LAB_QAT,
    MDL_LAB_UNSTRUCTURED,
    MDL_LAB_STRUCTURED,
    MDL_LAB_METHODS
};
const char *mdl_lab_method_name(enum mdl_lab_method m); /* "ptq", "qat", ... */
struct mdl_lab_variant {
    enum mdl_lab_method method;
    int bits;         /* 2..8 (pruned variants: 8) */
    int sparsity_pct; /* 0..99 (quantised variants: 0) */
    bool finetune;    /* QAT always fine-tunes */
};
/* "ptq-4b", "qat-8b", "unstructured-50", "structured-75-ft" */
void mdl_lab_variant_name(const struct mdl_lab_variant *v, char *buf, size_t len);

/* What every variant shares: the data, the trained float model, its
 * calibrated ranges and the test split's features (computed once). */
struct mdl_lab {
    const struct mdl_dataset *ds;
    const struct mdl_tinyconv *base;
    struct mdl_tc_ranges base_ranges;
    size_t n_test;
    int *test_label;
    float *test_x;   /* n_test x 1960 float features */
    int8_t *test_i8; /* n_test x 1960 int8 features */
    /* Fine-tuning: epochs, batch, rate, seed (each variant derives its own
     * seed from this and its name), pruning scope, gradual schedule. */
    int ft_epochs, batch;
    float ft_lr;
    uint64_t seed;
    bool global, gradual;
    void (*progress)(const struct mdl_train_progress *p, void *user);
    void *user;
    volatile int *stop;
};
enum kws_status mdl_lab_init(struct mdl_lab *lab, const struct mdl_dataset *ds,
                             const struct mdl_tinyconv *base, char *err, size_t err_len);
void mdl_lab_free(struct mdl_lab *lab);
struct mdl_lab_result {
    double acc_float, acc_int8;        /* test split, 0..1 */
    int n_test, channels;              /* depthwise channels exported */
    uint64_t params, params_nonzero;   /* constant elements (weights + biases) */
    uint64_t weights, weights_nonzero; /* conv + FC filters only */
    uint64_t flops, conv_flops;        /* default convention */
    size_t flash_bytes, arena_bytes;   /* model bytes, planned arena */
    int weight_bits;                   /* as `model info` reads it */
    uint64_t packed_weight_bytes;
    double host_us; /* median interpreter invoke, host */
    uint8_t *model; /* the .tflite (malloc'd; caller frees) */
    size_t model_len;
    uint8_t *pred;  /* n_test reference-pass labels */
    int8_t *scores; /* n_test x classes interpreter outputs */
};
enum kws_status mdl_lab_run(struct mdl_lab *lab, const struct mdl_lab_variant *v,
                            struct mdl_lab_result *r, char *err, size_t err_len);
void mdl_lab_result_free(struct mdl_lab_result *r);

/* The float checkpoint `kwscope train` writes as model_float.bin (lab_io.c). */
enum kws_status mdl_tc_load_float(const char *path, struct mdl_tinyconv *m, char *err,
                                  size_t err_len);
/* Writes it to f (the caller owns f and its commit); 1 on success. */
int mdl_tc_write_float(FILE *f, const struct mdl_tinyconv *m);

#endif
