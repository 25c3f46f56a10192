/* tflite_codes.h: TFLite schema enum values (schema.fbs: TensorType,
 * BuiltinOperator, BuiltinOptions) and their names (private to models/). */
#ifndef MODELS_TFLITE_CODES_H
#define MODELS_TFLITE_CODES_H

#include <stdbool.h>

#include "models.h"

/* TensorType values. */
enum { TFL_FLOAT32 = 0, TFL_INT32 = 2, TFL_UINT8 = 3, TFL_INT64 = 4, TFL_INT16 = 7, TFL_INT8 = 9 };
/* BuiltinOptions union members used by the 13 ops. */
enum {
    TFL_OPT_NONE = 0,
    TFL_OPT_CONV2D = 1,
    TFL_OPT_DEPTHWISE = 2,
    TFL_OPT_POOL2D = 5,
    TFL_OPT_FC = 8,
    TFL_OPT_SOFTMAX = 9,
    TFL_OPT_ADD = 11,
    TFL_OPT_RESHAPE = 17,
    TFL_OPT_MUL = 21,
    TFL_OPT_PAD = 22,
    TFL_OPT_TRANSPOSE = 26,
    TFL_OPT_DEQUANTIZE = 38,
    TFL_OPT_QUANTIZE = 89,
};
#define TFL_CUSTOM 32 /* BuiltinOperator CUSTOM */

/* TensorType -> ours; false when unsupported. */
bool tfl_type_from(int code, enum mdl_type *t);
int tfl_type_code(enum mdl_type t);
const char *tfl_type_label(int code); /* "FLOAT16", ..., or NULL */
/* Any BuiltinOperator's name, for errors about unsupported ops (the
 * supported ones are the registry's, ops.h). */
const char *tfl_builtin_label(int code); /* "LSTM", ..., or NULL */

/* tflite_read.c: parses a flatbuffer into m; takes ownership of bytes
 * (malloc'd) whatever the outcome. */
enum kws_status mdl_flatbuffer_parse(uint8_t *bytes, size_t n, struct mdl_model *m, char *err,
                                     size_t err_len);

#endif
