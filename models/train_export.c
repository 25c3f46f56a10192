/* train_export.c: a quantised TinyConv (struct mdl_tc_quant) as a .tflite
 * flatbuffer, and any byte array as the `xxd -i` style .cc file the Arduino
 * sketch includes.
 *
 * The graph is upstream micro_speech's: RESHAPE [1,1960] -> [1,49,40,1],
 * DEPTHWISE_CONV_2D (ReLU fused), FULLY_CONNECTED, SOFTMAX, all int8.
 *
 * The flatbuffer is written front to back: a parent table first, its children
 * after it, uoffsets patched once the child's position is known (uoffsets
 * point forward, vtables sit just before their table so soffsets are
 * positive). Every table field gets a 4-byte slot; narrower scalars (bytes)
 * live in the slot's first byte, which is where a reader looks. Field ids and
 * enum values are from TensorFlow's tensorflow/lite/schema/schema.fbs.
 *
 * This is a writer for this one graph, kept separate from the model
 * description (struct mdl_tc_quant) so a general writer can replace it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"

/* schema.fbs enums. */
enum { OP_DEPTHWISE_CONV_2D = 4, OP_FULLY_CONNECTED = 9, OP_RESHAPE = 22, OP_SOFTMAX = 25 };
enum { T_FLOAT32 = 0, T_INT32 = 2, T_INT8 = 9 };
enum { OPT_DEPTHWISE = 2, OPT_FULLY_CONNECTED = 8, OPT_SOFTMAX = 9, OPT_RESHAPE = 17 };
enum { PAD_SAME = 0, ACT_NONE = 0, ACT_RELU = 1 };

struct fb {
    uint8_t *b;
    size_t n, cap;
    int oom;
};

static void put(struct fb *f, const void *p, size_t len)
{
    if (f->oom)
        return;
    if (f->n + len > f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 4096;
        while (cap < f->n + len)
            cap *= 2;
        uint8_t *nb = realloc(f->b, cap);
        if (!nb) {
            f->oom = 1;
            return;
        }
        f->b = nb;
        f->cap = cap;
    }
    if (p)
        memcpy(f->b + f->n, p, len);
    else
        memset(f->b + f->n, 0, len);
    f->n += len;
}

static void align(struct fb *f, size_t a)
{
    while (f->n % a && !f->oom)
        put(f, NULL, 1);
}

static void put32(struct fb *f, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(f, b, 4);
}

static void set32(struct fb *f, size_t at, uint32_t v)
{
    if (f->oom)
        return;
    f->b[at] = (uint8_t)v;
    f->b[at + 1] = (uint8_t)(v >> 8);
    f->b[at + 2] = (uint8_t)(v >> 16);
    f->b[at + 3] = (uint8_t)(v >> 24);
}

/* Points the uoffset at `at` to the object at `target` (target > at). */
static void fb_link(struct fb *f, size_t at, size_t target)
{
    set32(f, at, (uint32_t)(target - at));
}

/* A table with fields 0..n-1; present[i] says whether field i is written and
 * val[i] is its 4-byte slot (offsets are patched later with slot()). Returns
 * the table's position. */
#define MAXF 12
struct tbl {
    size_t pos;
    size_t slot[MAXF];
};

static struct tbl table(struct fb *f, int n, const int *present, const uint32_t *val)
{
    struct tbl t = {0};
    int k = 0;
    for (int i = 0; i < n; i++)
        k += present[i] != 0;
    align(f, 4);
    /* vtable: its size, the table's size, then each field's offset (0 = absent). */
    size_t vt_bytes = 4 + 2 * (size_t)n, pad = (4 - vt_bytes % 4) % 4;
    put(f, NULL, pad); /* keep the table 4-aligned right after the vtable */
    size_t vt = f->n;
    uint8_t h[4] = {(uint8_t)vt_bytes, (uint8_t)(vt_bytes >> 8), (uint8_t)(4 + 4 * k),
                    (uint8_t)((4 + 4 * k) >> 8)};
    put(f, h, 4);
    int slot = 0;
    for (int i = 0; i < n; i++) {
        uint16_t o = present[i] ? (uint16_t)(4 + 4 * slot++) : 0;
        uint8_t b[2] = {(uint8_t)o, (uint8_t)(o >> 8)};
        put(f, b, 2);
    }
    t.pos = f->n;
    put32(f, (uint32_t)(t.pos - vt)); /* soffset: vtable = table - this */
    slot = 0;
    for (int i = 0; i < n; i++) {
        if (!present[i])
            continue;
        t.slot[i] = t.pos + 4 + 4 * (size_t)slot++;
        put32(f, val[i]);
    }
    return t;
}

/* A vector: 4-byte count, then elements whose start is `a`-aligned. */
static size_t vec(struct fb *f, const void *data, size_t count, size_t elem, size_t a)
{
    if (a < 4)
        a = 4;
    align(f, 4);
    while ((f->n + 4) % a && !f->oom)
        put(f, NULL, 4);
    size_t pos = f->n;
    put32(f, (uint32_t)count);
    put(f, data, count * elem);
    return pos;
}

static size_t vec_i32(struct fb *f, const int32_t *v, size_t n)
{
    align(f, 4);
    size_t pos = f->n;
    put32(f, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        put32(f, (uint32_t)v[i]);
    return pos;
}

static size_t vec_f32(struct fb *f, const float *v, size_t n)
{
    align(f, 4);
    size_t pos = f->n;
    put32(f, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        put32(f, u);
    }
    return pos;
}

static size_t vec_i64(struct fb *f, const int64_t *v, size_t n)
{
    align(f, 8);
    if ((f->n + 4) % 8)
        put(f, NULL, 4);
    size_t pos = f->n;
    put32(f, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        put32(f, (uint32_t)(uint64_t)v[i]);
        put32(f, (uint32_t)((uint64_t)v[i] >> 32));
    }
    return pos;
}

static size_t str(struct fb *f, const char *s)
{
    size_t pos = vec(f, s, strlen(s), 1, 4);
    put(f, NULL, 1);
    return pos;
}

/* Vector of uoffsets, patched later: returns the vector's position; the i-th
 * element's slot is pos + 4 + 4*i. */
static size_t vec_offsets(struct fb *f, size_t n)
{
    align(f, 4);
    size_t pos = f->n;
    put32(f, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        put32(f, 0);
    return pos;
}

struct tensor_desc {
    const char *name;
    int type;
    int32_t shape[4];
    int rank;
    int buffer;          /* 0: no data */
    int nq;              /* quantisation entries (0: none) */
    float scale[MDL_TC_FILTERS];
    int64_t zp[MDL_TC_FILTERS];
    int qdim;
};

static void write_tensor(struct fb *f, size_t slot, const struct tensor_desc *t)
{
    /* Tensor: 0 shape, 1 type, 2 buffer, 3 name, 4 quantization. */
    int pr[5] = {1, 1, 1, 1, t->nq > 0};
    uint32_t val[5] = {0, (uint32_t)t->type, (uint32_t)t->buffer, 0, 0};
    struct tbl tt = table(f, 5, pr, val);
    fb_link(f, slot, tt.pos);
    fb_link(f, tt.slot[0], vec_i32(f, t->shape, (size_t)t->rank));
    fb_link(f, tt.slot[3], str(f, t->name));
    if (t->nq) {
        /* QuantizationParameters: 2 scale, 3 zero_point, 6 quantized_dimension. */
        int qp[7] = {0, 0, 1, 1, 0, 0, 1};
        uint32_t qv[7] = {0, 0, 0, 0, 0, 0, (uint32_t)t->qdim};
        struct tbl qt = table(f, 7, qp, qv);
        fb_link(f, tt.slot[4], qt.pos);
        fb_link(f, qt.slot[2], vec_f32(f, t->scale, (size_t)t->nq));
        fb_link(f, qt.slot[3], vec_i64(f, t->zp, (size_t)t->nq));
    }
}

static void write_operator(struct fb *f, size_t slot, int opcode, const int32_t *in, int nin,
                           int32_t out, int opt_type, const int *opt_pr, const uint32_t *opt_val,
                           int opt_n, const int32_t *new_shape)
{
    /* Operator: 0 opcode_index, 1 inputs, 2 outputs, 3 builtin_options_type,
     * 4 builtin_options. */
    int pr[5] = {1, 1, 1, 1, 1};
    uint32_t val[5] = {(uint32_t)opcode, 0, 0, (uint32_t)opt_type, 0};
    struct tbl ot = table(f, 5, pr, val);
    fb_link(f, slot, ot.pos);
    struct tbl opt = table(f, opt_n, opt_pr, opt_val);
    fb_link(f, ot.slot[4], opt.pos);
    if (new_shape)
        fb_link(f, opt.slot[0], vec_i32(f, new_shape, 4));
    fb_link(f, ot.slot[1], vec_i32(f, in, (size_t)nin));
    fb_link(f, ot.slot[2], vec_i32(f, &out, 1));
}

enum kws_status mdl_tc_to_tflite(const struct mdl_tc_quant *q, uint8_t **out, size_t *len,
                                 char *err, size_t err_len)
{
    int nc = q->n_classes;
    if (nc < 2 || nc > MDL_TC_MAX_CLASSES)
        return kws_err(err, err_len, KWS_ERR_ARG, "bad class count %d", nc);
    static const int32_t reshape_shape[4] = {1, MDL_TC_IN_H, MDL_TC_IN_W, 1};
    struct tensor_desc t[10];
    memset(t, 0, sizeof t);
    t[0] = (struct tensor_desc){"input", T_INT8, {1, MDL_TC_IN}, 2, 0, 1, {q->in_scale}, {q->in_zp}, 0};
    t[1] = (struct tensor_desc){"reshape_shape", T_INT32, {4}, 1, 1, 0, {0}, {0}, 0};
    t[2] = (struct tensor_desc){"reshape", T_INT8, {1, MDL_TC_IN_H, MDL_TC_IN_W, 1}, 4, 0, 1,
                                {q->in_scale}, {q->in_zp}, 0};
    t[3] = (struct tensor_desc){"conv_weights", T_INT8, {1, MDL_TC_KH, MDL_TC_KW, MDL_TC_FILTERS},
                                4, 2, MDL_TC_FILTERS, {0}, {0}, 3};
    t[4] = (struct tensor_desc){"conv_bias", T_INT32, {MDL_TC_FILTERS}, 1, 3, MDL_TC_FILTERS,
                                {0}, {0}, 0};
    for (int c = 0; c < MDL_TC_FILTERS; c++) {
        t[3].scale[c] = q->conv_scale[c];
        t[4].scale[c] = q->in_scale * q->conv_scale[c];
    }
    t[5] = (struct tensor_desc){"conv_relu", T_INT8, {1, MDL_TC_OUT_H, MDL_TC_OUT_W, MDL_TC_FILTERS},
                                4, 0, 1, {q->conv_out_scale}, {q->conv_out_zp}, 0};
    t[6] = (struct tensor_desc){"fc_weights", T_INT8, {nc, MDL_TC_ACT}, 2, 4, 1, {q->fc_scale}, {0}, 0};
    t[7] = (struct tensor_desc){"fc_bias", T_INT32, {nc}, 1, 5, 1,
                                {q->conv_out_scale * q->fc_scale}, {0}, 0};
    t[8] = (struct tensor_desc){"logits", T_INT8, {1, nc}, 2, 0, 1, {q->fc_out_scale}, {q->fc_out_zp}, 0};
    t[9] = (struct tensor_desc){"labels_softmax", T_INT8, {1, nc}, 2, 0, 1, {q->sm_scale}, {q->sm_zp}, 0};

    struct fb f = {0};
    put32(&f, 0);          /* root uoffset, patched below */
    put(&f, "TFL3", 4);    /* file identifier */

    /* Model: 0 version, 1 operator_codes, 2 subgraphs, 3 description, 4 buffers. */
    int mp[5] = {1, 1, 1, 1, 1};
    uint32_t mv[5] = {3, 0, 0, 0, 0};
    struct tbl model = table(&f, 5, mp, mv);
    fb_link(&f, 0, model.pos);

    /* Operator codes: 0 deprecated_builtin_code (what older readers use),
     * 2 version, 3 builtin_code. Versions as the TFLite converter sets them
     * for these int8 kernels. */
    static const int codes[4][2] = {{OP_RESHAPE, 1}, {OP_DEPTHWISE_CONV_2D, 3},
                                    {OP_FULLY_CONNECTED, 4}, {OP_SOFTMAX, 2}};
    size_t oc = vec_offsets(&f, 4);
    fb_link(&f, model.slot[1], oc);
    for (int i = 0; i < 4; i++) {
        int pr[4] = {1, 0, 1, 1};
        uint32_t v[4] = {(uint32_t)codes[i][0], 0, (uint32_t)codes[i][1], (uint32_t)codes[i][0]};
        struct tbl ct = table(&f, 4, pr, v);
        fb_link(&f, oc + 4 + 4 * (size_t)i, ct.pos);
    }
    fb_link(&f, model.slot[3], str(&f, "kwscope TinyConv int8"));

    /* SubGraph: 0 tensors, 1 inputs, 2 outputs, 3 operators, 4 name. */
    size_t sgv = vec_offsets(&f, 1);
    fb_link(&f, model.slot[2], sgv);
    int sp[5] = {1, 1, 1, 1, 1};
    uint32_t sv[5] = {0};
    struct tbl sg = table(&f, 5, sp, sv);
    fb_link(&f, sgv + 4, sg.pos);
    size_t tv = vec_offsets(&f, 10);
    fb_link(&f, sg.slot[0], tv);
    for (int i = 0; i < 10; i++)
        write_tensor(&f, tv + 4 + 4 * (size_t)i, &t[i]);
    int32_t io_in = 0, io_out = 9;
    fb_link(&f, sg.slot[1], vec_i32(&f, &io_in, 1));
    fb_link(&f, sg.slot[2], vec_i32(&f, &io_out, 1));
    fb_link(&f, sg.slot[4], str(&f, "main"));
    size_t ov = vec_offsets(&f, 4);
    fb_link(&f, sg.slot[3], ov);
    {
        /* ReshapeOptions: 0 new_shape. */
        int pr[1] = {1};
        uint32_t v[1] = {0};
        int32_t in[2] = {0, 1};
        write_operator(&f, ov + 4, 0, in, 2, 2, OPT_RESHAPE, pr, v, 1, reshape_shape);
    }
    {
        /* DepthwiseConv2DOptions: 0 padding, 1 stride_w, 2 stride_h,
         * 3 depth_multiplier, 4 fused_activation_function, 5/6 dilation. */
        int pr[7] = {1, 1, 1, 1, 1, 1, 1};
        uint32_t v[7] = {PAD_SAME, MDL_TC_STRIDE, MDL_TC_STRIDE, MDL_TC_FILTERS, ACT_RELU, 1, 1};
        int32_t in[3] = {2, 3, 4};
        write_operator(&f, ov + 8, 1, in, 3, 5, OPT_DEPTHWISE, pr, v, 7, NULL);
    }
    {
        /* FullyConnectedOptions: 0 fused_activation_function, 1 weights_format. */
        int pr[2] = {1, 1};
        uint32_t v[2] = {ACT_NONE, 0};
        int32_t in[3] = {5, 6, 7};
        write_operator(&f, ov + 12, 2, in, 3, 8, OPT_FULLY_CONNECTED, pr, v, 2, NULL);
    }
    {
        /* SoftmaxOptions: 0 beta = 1.0f. */
        int pr[1] = {1};
        uint32_t v[1] = {0x3F800000u};
        int32_t in[1] = {8};
        write_operator(&f, ov + 16, 3, in, 1, 9, OPT_SOFTMAX, pr, v, 1, NULL);
    }

    /* Buffers: 0 empty (the convention), then the constants, data 16-aligned. */
    size_t bv = vec_offsets(&f, 6);
    fb_link(&f, model.slot[4], bv);
    uint8_t le_shape[16], le_cb[4 * MDL_TC_FILTERS], le_fb[4 * MDL_TC_MAX_CLASSES];
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++)
            le_shape[4 * i + k] = (uint8_t)((uint32_t)reshape_shape[i] >> (8 * k));
    for (int i = 0; i < MDL_TC_FILTERS; i++)
        for (int k = 0; k < 4; k++)
            le_cb[4 * i + k] = (uint8_t)((uint32_t)q->conv_b[i] >> (8 * k));
    for (int i = 0; i < nc; i++)
        for (int k = 0; k < 4; k++)
            le_fb[4 * i + k] = (uint8_t)((uint32_t)q->fc_b[i] >> (8 * k));
    const void *data[6] = {NULL, le_shape, q->conv_w, le_cb, q->fc_w, le_fb};
    size_t size[6] = {0, 16, MDL_TC_CONV_W, sizeof le_cb, (size_t)nc * MDL_TC_ACT, 4 * (size_t)nc};
    for (int i = 0; i < 6; i++) {
        int pr[1] = {size[i] > 0};
        uint32_t v[1] = {0};
        struct tbl bt = table(&f, 1, pr, v);
        fb_link(&f, bv + 4 + 4 * (size_t)i, bt.pos);
        if (size[i])
            fb_link(&f, bt.slot[0], vec(&f, data[i], size[i], 1, 16));
    }
    align(&f, 16);
    if (f.oom) {
        free(f.b);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory writing the model");
    }
    *out = f.b;
    *len = f.n;
    return KWS_OK;
}

enum kws_status mdl_write_cc(const char *path, const char *name, const uint8_t *data, size_t len,
                             char *err, size_t err_len)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return kws_err(err, err_len, KWS_ERR_IO, "%s: cannot create", path);
    /* xxd -i layout, aligned so the flatbuffer can be read in place. */
    fprintf(f, "// %s: generated by kwscope train (xxd -i style).\n", name);
    fprintf(f, "alignas(16) const unsigned char %s[] = {\n", name);
    for (size_t i = 0; i < len; i++)
        fprintf(f, "%s0x%02x%s", i % 12 ? " " : "  ", data[i],
                i + 1 == len ? "\n" : (i % 12 == 11 ? ",\n" : ","));
    fprintf(f, "};\nconst unsigned int %s_len = %zu;\n", name, len);
    if (fclose(f))
        return kws_err(err, err_len, KWS_ERR_IO, "%s: write failed", path);
    return KWS_OK;
}
