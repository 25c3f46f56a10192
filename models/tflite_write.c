/* tflite_write.c: a struct mdl_model -> TFLite flatbuffer (schema version 3),
 * for tests that need small models and for the int8 exporter.
 *
 * The builder writes front to back: a table's reference fields are written as
 * placeholders and patched once the child exists further on (flatbuffer
 * references are unsigned forward offsets), each vtable sits just before its
 * table. Field ids are the schema's (see tflite_read.c). Layout follows what
 * the TFLite converter produces: "TFL3" identifier, buffer 0 empty, one
 * buffer per constant tensor with its data 16-byte aligned, builtin options
 * for the ops that have them. n_elems/bytes/data_size of the tensors are
 * recomputed from dims; operator versions of 0 get the converter's usual
 * version for the tensor type. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"
#include "ops.h"
#include "tflite_codes.h"

struct bld {
    uint8_t *b;
    size_t n, cap;
    bool oom;
};

/* Appends size zero bytes so that (position + skew) is a multiple of align;
 * returns the position. */
static size_t grow(struct bld *w, size_t size, size_t align, size_t skew)
{
    size_t pad = (align - (w->n + skew) % align) % align;
    size_t need = w->n + pad + size;
    if (need > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < need) cap *= 2;
        uint8_t *nb = realloc(w->b, cap);
        if (!nb) {
            w->oom = true;
            return 0;
        }
        w->b = nb;
        w->cap = cap;
    }
    memset(w->b + w->n, 0, pad + size);
    size_t pos = w->n + pad;
    w->n = need;
    return pos;
}

static void put(struct bld *w, size_t pos, uint64_t v, int size)
{
    if (w->oom) return;
    for (int i = 0; i < size; i++) w->b[pos + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* Patches the reference at `at` to point at target (later in the buffer). */
static void patch(struct bld *w, size_t at, size_t target)
{
    put(w, at, (uint32_t)(target - at), 4);
}

/* One table field: size 1, 4 or 8 bytes; ref fields are 4-byte placeholders
 * whose position is returned in pos. */
struct fld {
    int id, size;
    uint64_t v;
    size_t pos;
};

static size_t table(struct bld *w, struct fld *f, int nf)
{
    int max_id = -1;
    size_t off = 4, align = 4;
    size_t offs[16];
    for (int i = 0; i < nf; i++) {
        size_t s = (size_t)f[i].size;
        off = (off + s - 1) / s * s;
        offs[i] = off;
        off += s;
        if (s > align) align = s;
        if (f[i].id > max_id) max_id = f[i].id;
    }
    size_t tbl_len = (off + 3) / 4 * 4;
    size_t vt_len = 4 + 2 * (size_t)(max_id + 1);
    size_t vt = grow(w, vt_len, 2, 0);
    size_t t = grow(w, tbl_len, align, 0);
    if (w->oom) return 0;
    put(w, vt, vt_len, 2);
    put(w, vt + 2, tbl_len, 2);
    put(w, t, (uint32_t)(int32_t)(t - vt), 4);
    for (int i = 0; i < nf; i++) {
        put(w, vt + 4 + 2 * (size_t)f[i].id, offs[i], 2);
        put(w, t + offs[i], f[i].v, f[i].size);
        f[i].pos = t + offs[i];
    }
    return t;
}

/* Vector of count elements of elem bytes with the elements aligned; returns
 * the position of the first element (the length sits just before). */
static size_t vector(struct bld *w, uint32_t count, size_t elem, size_t align, size_t ref)
{
    size_t p = grow(w, 4 + (size_t)count * elem, align < 4 ? 4 : align, 4);
    if (w->oom) return 0;
    put(w, p, count, 4);
    patch(w, ref, p);
    return p + 4;
}

static void string(struct bld *w, const char *s, size_t ref)
{
    size_t len = s ? strlen(s) : 0;
    size_t p = vector(w, (uint32_t)len + 1, 1, 4, ref); /* the NUL is not counted */
    if (w->oom) return;
    put(w, p - 4, len, 4);
    if (len) memcpy(w->b + p, s, len);
}

static void int_vector(struct bld *w, const int *v, int n, size_t ref)
{
    size_t p = vector(w, (uint32_t)n, 4, 4, ref);
    for (int i = 0; i < n && !w->oom; i++) put(w, p + 4 * (size_t)i, (uint32_t)v[i], 4);
}

/* Usual operator versions of the converter for int8 models (TFLite's
 * op-version table); float models use 1. */
static int default_version(enum mdl_op op, bool int8)
{
    static const int v8[MDL_OP_COUNT] = {
        [MDL_OP_CONV_2D] = 3,
        [MDL_OP_DEPTHWISE_CONV_2D] = 3,
        [MDL_OP_FULLY_CONNECTED] = 4,
        [MDL_OP_RESHAPE] = 1,
        [MDL_OP_SOFTMAX] = 2,
        [MDL_OP_PAD] = 2,
        [MDL_OP_TRANSPOSE] = 2,
        [MDL_OP_MAX_POOL_2D] = 2,
        [MDL_OP_AVERAGE_POOL_2D] = 2,
        [MDL_OP_ADD] = 2,
        [MDL_OP_MUL] = 2,
        [MDL_OP_QUANTIZE] = 2,
        [MDL_OP_DEQUANTIZE] = 2,
    };
    return int8 ? v8[op] : 1;
}

static void write_options(struct bld *w, const struct mdl_operator *o, size_t ref)
{
    const struct mdl_op_params *p = &o->p;
    struct fld f[8];
    int n = 0;
#define F(id_, size_, v_) (f[n++] = (struct fld){ (id_), (size_), (uint64_t)(v_), 0 })
/* fields 0-2 of Conv2DOptions, DepthwiseConv2DOptions and Pool2DOptions */
#define PADDING_STRIDES() (F(0, 1, p->padding), F(1, 4, p->stride_w), F(2, 4, p->stride_h))
    switch (o->op) {
    case MDL_OP_CONV_2D:
        PADDING_STRIDES();
        F(3, 1, p->act);
        F(4, 4, p->dilation_w);
        F(5, 4, p->dilation_h);
        break;
    case MDL_OP_DEPTHWISE_CONV_2D:
        PADDING_STRIDES();
        F(3, 4, p->depth_multiplier);
        F(4, 1, p->act);
        F(5, 4, p->dilation_w);
        F(6, 4, p->dilation_h);
        break;
    case MDL_OP_MAX_POOL_2D:
    case MDL_OP_AVERAGE_POOL_2D:
        PADDING_STRIDES();
        F(3, 4, p->filter_w);
        F(4, 4, p->filter_h);
        F(5, 1, p->act);
        break;
    case MDL_OP_FULLY_CONNECTED:
        F(0, 1, p->act);
        F(1, 1, 0);
        F(2, 1, p->keep_num_dims);
        break;
    case MDL_OP_SOFTMAX: {
        uint32_t u;
        memcpy(&u, &p->beta, 4);
        F(0, 4, u);
        break;
    }
    case MDL_OP_ADD:
    case MDL_OP_MUL: F(0, 1, p->act); break;
    case MDL_OP_RESHAPE:
        if (p->n_new_shape >= 0) F(0, 4, 0);
        break;
    default: break;
    }
#undef PADDING_STRIDES
#undef F
    size_t t = table(w, f, n);
    patch(w, ref, t);
    if (o->op == MDL_OP_RESHAPE && p->n_new_shape >= 0) {
        int s[MDL_MAX_DIMS];
        for (int i = 0; i < p->n_new_shape; i++) s[i] = p->new_shape[i];
        int_vector(w, s, p->n_new_shape, f[0].pos);
    }
}

static void write_quant(struct bld *w, const struct mdl_tensor *t, size_t ref)
{
    struct fld f[3] = { { 2, 4, 0, 0 }, { 3, 4, 0, 0 }, { 6, 4, (uint32_t)t->quant_dim, 0 } };
    patch(w, ref, table(w, f, 3));
    size_t p = vector(w, (uint32_t)t->n_quant, 4, 4, f[0].pos);
    for (int i = 0; i < t->n_quant && !w->oom; i++) {
        uint32_t u;
        memcpy(&u, &t->scale[i], 4);
        put(w, p + 4 * (size_t)i, u, 4);
    }
    p = vector(w, (uint32_t)t->n_quant, 8, 8, f[1].pos);
    for (int i = 0; i < t->n_quant && !w->oom; i++)
        put(w, p + 8 * (size_t)i, (uint64_t)(int64_t)t->zero_point[i], 8);
}

static size_t tensor_bytes(const struct mdl_tensor *t)
{
    size_t n = 1;
    for (int d = 0; d < t->n_dims; d++) n *= (size_t)t->dims[d];
    return n * mdl_type_size(t->type);
}

static enum kws_status check(const struct mdl_model *m, char *err, size_t err_len)
{
    if (m->n_tensors <= 0 || m->n_inputs <= 0 || m->n_outputs <= 0)
        return kws_err(err, err_len, KWS_ERR_ARG,
                       "writer: model needs tensors, inputs and outputs");
    for (int i = 0; i < m->n_tensors; i++) {
        const struct mdl_tensor *t = &m->tensors[i];
        if (t->n_dims < 0 || t->n_dims > MDL_MAX_DIMS ||
            (t->n_quant > 0 && (!t->scale || !t->zero_point)))
            return kws_err(err, err_len, KWS_ERR_ARG, "writer: tensor %d is malformed", i);
        for (int d = 0; d < t->n_dims; d++)
            if (t->dims[d] < 0)
                return kws_err(err, err_len, KWS_ERR_ARG,
                               "writer: tensor %d has a negative dimension", i);
    }
    for (int i = 0; i < m->n_inputs + m->n_outputs; i++) {
        int x = i < m->n_inputs ? m->inputs[i] : m->outputs[i - m->n_inputs];
        if (x < 0 || x >= m->n_tensors)
            return kws_err(err, err_len, KWS_ERR_ARG, "writer: graph tensor index %d out of range",
                           x);
    }
    for (int i = 0; i < m->n_ops; i++) {
        const struct mdl_operator *o = &m->ops[i];
        if ((unsigned)o->op >= MDL_OP_COUNT || o->n_inputs < 0 || o->n_inputs > MDL_MAX_IO ||
            o->n_outputs < 0 || o->n_outputs > MDL_MAX_IO)
            return kws_err(err, err_len, KWS_ERR_ARG, "writer: operator %d is malformed", i);
        for (int k = 0; k < o->n_inputs + o->n_outputs; k++) {
            int x = k < o->n_inputs ? o->inputs[k] : o->outputs[k - o->n_inputs];
            if (x < -1 || x >= m->n_tensors)
                return kws_err(err, err_len, KWS_ERR_ARG,
                               "writer: operator %d uses tensor %d (out of range)", i, x);
        }
    }
    return KWS_OK;
}

/* The operator codes a model uses, in first-use order, with their versions. */
struct op_codes {
    enum mdl_op codes[MDL_OP_COUNT];
    int versions[MDL_OP_COUNT], n, code_of[MDL_OP_COUNT];
};

static void collect_op_codes(const struct mdl_model *m, struct op_codes *c)
{
    c->n = 0;
    for (int i = 0; i < MDL_OP_COUNT; i++) c->code_of[i] = -1;
    for (int i = 0; i < m->n_ops; i++) {
        const struct mdl_operator *o = &m->ops[i];
        if (c->code_of[o->op] >= 0) continue;
        bool int8 = o->inputs[0] >= 0 && m->tensors[o->inputs[0]].type == MDL_T_INT8;
        c->code_of[o->op] = c->n;
        c->codes[c->n] = o->op;
        c->versions[c->n++] = o->version > 0 ? o->version : default_version(o->op, int8);
    }
}

static void write_op_codes(struct bld *w, const struct op_codes *c, size_t ref)
{
    size_t v = vector(w, (uint32_t)c->n, 4, 4, ref);
    for (int i = 0; i < c->n && !w->oom; i++) {
        int code = mdl_op_builtin_code(c->codes[i]);
        struct fld f[3] = { { 0, 1, (uint64_t)(code < 127 ? code : 127), 0 },
                            { 2, 4, (uint32_t)c->versions[i], 0 },
                            { 3, 4, (uint32_t)code, 0 } };
        patch(w, v + 4 * (size_t)i, table(w, f, 3));
    }
}

/* The subgraph's tensors; constant tensors get buffers 1, 2, ... in tensor
 * order. Returns how many buffers that makes, the empty buffer 0 included. */
static uint32_t write_tensors(struct bld *w, const struct mdl_model *m, size_t ref)
{
    size_t tv = vector(w, (uint32_t)m->n_tensors, 4, 4, ref);
    uint32_t next_buf = 1;
    for (int i = 0; i < m->n_tensors && !w->oom; i++) {
        const struct mdl_tensor *t = &m->tensors[i];
        struct fld f[6] = { { 0, 4, 0, 0 },
                            { 1, 1, (uint64_t)tfl_type_code(t->type), 0 },
                            { 2, 4, t->data ? next_buf++ : 0, 0 },
                            { 3, 4, 0, 0 },
                            { 4, 4, 0, 0 },
                            { 5, 1, t->is_variable, 0 } };
        int nf = t->n_quant > 0 ? 6 : 5;
        if (nf == 5) f[4] = f[5];
        patch(w, tv + 4 * (size_t)i, table(w, f, nf));
        int dims[MDL_MAX_DIMS];
        for (int d = 0; d < t->n_dims; d++) dims[d] = t->dims[d];
        int_vector(w, dims, t->n_dims, f[0].pos);
        string(w, t->name ? t->name : "", f[3].pos);
        if (t->n_quant > 0) write_quant(w, t, f[4].pos);
    }
    return next_buf;
}

static void write_operators(struct bld *w, const struct mdl_model *m, const struct op_codes *c,
                            size_t ref)
{
    size_t ov = vector(w, (uint32_t)m->n_ops, 4, 4, ref);
    for (int i = 0; i < m->n_ops && !w->oom; i++) {
        const struct mdl_operator *o = &m->ops[i];
        int opt = mdl_op_reg(o->op)->options;
        bool has_opt = opt != TFL_OPT_NONE;
        struct fld f[5] = { { 0, 4, (uint32_t)c->code_of[o->op], 0 },
                            { 1, 4, 0, 0 },
                            { 2, 4, 0, 0 },
                            { 3, 1, (uint64_t)opt, 0 },
                            { 4, 4, 0, 0 } };
        patch(w, ov + 4 * (size_t)i, table(w, f, has_opt ? 5 : 3));
        int_vector(w, o->inputs, o->n_inputs, f[1].pos);
        int_vector(w, o->outputs, o->n_outputs, f[2].pos);
        if (has_opt) write_options(w, o, f[4].pos);
    }
}

/* Buffer 0 is empty, then one per constant tensor in tensor order. */
static void write_buffers(struct bld *w, const struct mdl_model *m, uint32_t n_bufs, size_t ref)
{
    size_t bv = vector(w, n_bufs, 4, 4, ref);
    patch(w, bv, table(w, NULL, 0));
    uint32_t k = 1;
    for (int i = 0; i < m->n_tensors && !w->oom; i++) {
        const struct mdl_tensor *t = &m->tensors[i];
        if (!t->data) continue;
        struct fld f[1] = { { 0, 4, 0, 0 } };
        patch(w, bv + 4 * (size_t)k++, table(w, f, 1));
        size_t len = tensor_bytes(t);
        size_t p = vector(w, (uint32_t)len, 1, MDL_ARENA_ALIGN, f[0].pos);
        if (!w->oom && len) memcpy(w->b + p, t->data, len);
    }
}

enum kws_status mdl_model_write(const struct mdl_model *m, uint8_t **out, size_t *n, char *err,
                                size_t err_len)
{
    *out = NULL;
    *n = 0;
    enum kws_status st = check(m, err, err_len);
    if (st) return st;
    struct op_codes codes;
    collect_op_codes(m, &codes);

    struct bld w = { 0 };
    size_t root_ref = grow(&w, 8, 4, 0);
    memcpy(w.b + root_ref + 4, "TFL3", 4);
    struct fld model[5] = {
        { 0, 4, 3, 0 }, { 1, 4, 0, 0 }, { 2, 4, 0, 0 }, { 3, 4, 0, 0 }, { 4, 4, 0, 0 }
    };
    size_t mt = table(&w, model, 5);
    patch(&w, root_ref, mt);
    write_op_codes(&w, &codes, model[1].pos);

    /* subgraphs: one */
    size_t v = vector(&w, 1, 4, 4, model[2].pos);
    struct fld sg[5] = {
        { 0, 4, 0, 0 }, { 1, 4, 0, 0 }, { 2, 4, 0, 0 }, { 3, 4, 0, 0 }, { 4, 4, 0, 0 }
    };
    patch(&w, v, table(&w, sg, 5));
    uint32_t n_bufs = write_tensors(&w, m, sg[0].pos);
    int_vector(&w, m->inputs, m->n_inputs, sg[1].pos);
    int_vector(&w, m->outputs, m->n_outputs, sg[2].pos);
    write_operators(&w, m, &codes, sg[3].pos);
    string(&w, "main", sg[4].pos);
    string(&w, m->description ? m->description : "kwscope", model[3].pos);
    write_buffers(&w, m, n_bufs, model[4].pos);
    if (w.oom) {
        free(w.b);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "writer: out of memory");
    }
    *out = w.b;
    *n = w.n;
    return KWS_OK;
}

enum kws_status mdl_model_save(const struct mdl_model *m, const char *path, char *err,
                               size_t err_len)
{
    uint8_t *b;
    size_t n;
    enum kws_status st = mdl_model_write(m, &b, &n, err, err_len);
    if (st) return st;
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(b);
        return kws_err(err, err_len, KWS_ERR_IO, "%s: %s", path, strerror(errno));
    }
    bool ok = fwrite(b, 1, n, f) == n;
    ok = fclose(f) == 0 && ok;
    free(b);
    return ok ? KWS_OK : kws_err(err, err_len, KWS_ERR_IO, "%s: write failed", path);
}
