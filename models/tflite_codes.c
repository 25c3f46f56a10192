/* tflite_codes.c: the TFLite schema's enum values and names (schema.fbs,
 * TensorType and BuiltinOperator), so errors can name what is unsupported. */
#include "tflite_codes.h"
#include "ops.h"

#include <stddef.h>

/* BuiltinOperator names 0..71 (schema.fbs order), for error messages. */
static const char *const builtin_names[] = {
    "ADD",
    "AVERAGE_POOL_2D",
    "CONCATENATION",
    "CONV_2D",
    "DEPTHWISE_CONV_2D",
    "DEPTH_TO_SPACE",
    "DEQUANTIZE",
    "EMBEDDING_LOOKUP",
    "FLOOR",
    "FULLY_CONNECTED",
    "HASHTABLE_LOOKUP",
    "L2_NORMALIZATION",
    "L2_POOL_2D",
    "LOCAL_RESPONSE_NORMALIZATION",
    "LOGISTIC",
    "LSH_PROJECTION",
    "LSTM",
    "MAX_POOL_2D",
    "MUL",
    "RELU",
    "RELU_N1_TO_1",
    "RELU6",
    "RESHAPE",
    "RESIZE_BILINEAR",
    "RNN",
    "SOFTMAX",
    "SPACE_TO_DEPTH",
    "SVDF",
    "TANH",
    "CONCAT_EMBEDDINGS",
    "SKIP_GRAM",
    "CALL",
    "CUSTOM",
    "EMBEDDING_LOOKUP_SPARSE",
    "PAD",
    "UNIDIRECTIONAL_SEQUENCE_RNN",
    "GATHER",
    "BATCH_TO_SPACE_ND",
    "SPACE_TO_BATCH_ND",
    "TRANSPOSE",
    "MEAN",
    "SUB",
    "DIV",
    "SQUEEZE",
    "UNIDIRECTIONAL_SEQUENCE_LSTM",
    "STRIDED_SLICE",
    "BIDIRECTIONAL_SEQUENCE_RNN",
    "EXP",
    "TOPK_V2",
    "SPLIT",
    "LOG_SOFTMAX",
    "DELEGATE",
    "BIDIRECTIONAL_SEQUENCE_LSTM",
    "CAST",
    "PRELU",
    "MAXIMUM",
    "ARG_MAX",
    "MINIMUM",
    "LESS",
    "NEG",
    "PADV2",
    "GREATER",
    "GREATER_EQUAL",
    "LESS_EQUAL",
    "SELECT",
    "SLICE",
    "SIN",
    "TRANSPOSE_CONV",
    "SPARSE_TO_DENSE",
    "TILE",
    "EXPAND_DIMS",
    "EQUAL",
};

static const char *const type_names[] = {
    "FLOAT32", "FLOAT16",  "INT32",     "UINT8",  "INT64",   "STRING",
    "BOOL",    "INT16",    "COMPLEX64", "INT8",   "FLOAT64", "COMPLEX128",
    "UINT64",  "RESOURCE", "VARIANT",   "UINT32", "UINT16",  "INT4",
};

size_t mdl_type_size(enum mdl_type t)
{
    switch (t) {
    case MDL_T_INT8:
    case MDL_T_UINT8: return 1;
    case MDL_T_INT16: return 2;
    case MDL_T_FLOAT32:
    case MDL_T_INT32: return 4;
    case MDL_T_INT64: return 8;
    }
    return 1;
}

const char *mdl_type_name(enum mdl_type t)
{
    switch (t) {
    case MDL_T_FLOAT32: return "float32";
    case MDL_T_INT8: return "int8";
    case MDL_T_UINT8: return "uint8";
    case MDL_T_INT16: return "int16";
    case MDL_T_INT32: return "int32";
    case MDL_T_INT64: return "int64";
    }
    return "?";
}

bool tfl_type_from(int code, enum mdl_type *t)
{
    switch (code) {
    case TFL_FLOAT32: *t = MDL_T_FLOAT32; return true;
    case TFL_INT8: *t = MDL_T_INT8; return true;
    case TFL_UINT8: *t = MDL_T_UINT8; return true;
    case TFL_INT16: *t = MDL_T_INT16; return true;
    case TFL_INT32: *t = MDL_T_INT32; return true;
    case TFL_INT64: *t = MDL_T_INT64; return true;
    }
    return false;
}

int tfl_type_code(enum mdl_type t)
{
    static const int codes[] = {
        TFL_FLOAT32, TFL_INT8, TFL_UINT8, TFL_INT16, TFL_INT32, TFL_INT64
    };
    return codes[t];
}

const char *tfl_type_label(int code)
{
    if (code >= 0 && (size_t)code < sizeof type_names / sizeof type_names[0])
        return type_names[code];
    return NULL;
}

/* The supported ops' names and codes are the registry's (ops.c). */
const char *mdl_op_name(enum mdl_op op)
{
    const struct mdl_op_reg *r = mdl_op_reg(op);
    return r ? r->name : "?";
}

int mdl_op_builtin_code(enum mdl_op op)
{
    const struct mdl_op_reg *r = mdl_op_reg(op);
    return r ? r->code : -1;
}

const char *tfl_builtin_label(int code)
{
    if (code == 114) return "QUANTIZE";
    if (code >= 0 && (size_t)code < sizeof builtin_names / sizeof builtin_names[0])
        return builtin_names[code];
    return NULL;
}
