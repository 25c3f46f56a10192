/* tflite_read.c: the TFLite flatbuffer -> struct mdl_model (subgraph 0).
 *
 * Field ids follow the public schema (tensorflow/lite/schema/schema.fbs):
 * Model{version 0, operator_codes 1, subgraphs 2, description 3, buffers 4},
 * OperatorCode{deprecated_builtin_code 0, custom_code 1, version 2,
 * builtin_code 3}, SubGraph{tensors 0, inputs 1, outputs 2, operators 3},
 * Tensor{shape 0, type 1, buffer 2, name 3, quantization 4, is_variable 5},
 * QuantizationParameters{scale 2, zero_point 3, quantized_dimension 6},
 * Buffer{data 0, offset 1, size 2}, Operator{opcode_index 0, inputs 1,
 * outputs 2, builtin_options_type 3, builtin_options 4}. Everything the model
 * keeps is copied into allocations it owns, so nothing points at unchecked
 * bytes; constant data is 16-byte aligned (copied once per buffer if the
 * file's is not). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"
#include "ops.h"
#include "tflite_codes.h"
#include "tflite_fb.h"

/* Sanity limits: far above any microcontroller model, low enough that a
 * hostile count cannot make us allocate gigabytes. */
#define MAX_TENSORS 16384u
#define MAX_OPS 16384u
#define MAX_CODES 10000u
#define MAX_BUFFERS 16384u
#define MAX_SUBGRAPHS 10000u
#define MAX_CHANNELS 65536u
#define MAX_TENSOR_BYTES ((size_t)1 << 31)

struct owned {
    void **p;
    size_t n, cap;
};

static void *own(struct mdl_model *m, size_t size)
{
    struct owned *o = m->priv;
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 32;
        void **p = realloc(o->p, cap * sizeof *p);
        if (!p) return NULL;
        o->p = p;
        o->cap = cap;
    }
    void *q = NULL;
    if (posix_memalign(&q, MDL_ARENA_ALIGN, size ? size : 1)) return NULL;
    memset(q, 0, size ? size : 1);
    o->p[o->n++] = q;
    return q;
}

void mdl_model_free(struct mdl_model *m)
{
    if (!m) return;
    struct owned *o = m->priv;
    if (o) {
        for (size_t i = 0; i < o->n; i++) free(o->p[i]);
        free(o->p);
        free(o);
    }
    free(m->bytes);
    memset(m, 0, sizeof *m);
}

#define NOMEM(f) kws_err((f)->err, (f)->err_len, KWS_ERR_NOMEM, "out of memory reading the model")

static enum kws_status read_string(struct fb *f, struct mdl_model *m, const struct fb_table *t,
                                   int id, const char **out, const char *what)
{
    struct fb_vec v;
    enum kws_status st = fb_vector(f, t, id, 1, (uint32_t)f->n, &v, what);
    if (st) return st;
    char *s = own(m, (size_t)v.count + 1);
    if (!s) return NOMEM(f);
    if (v.count) memcpy(s, f->b + v.start, v.count);
    *out = s;
    return KWS_OK;
}

/* Vector of int32 tensor indices; -1 allowed when opt. */
static enum kws_status read_indices(struct fb *f, const struct fb_table *t, int id, int n_tensors,
                                    uint32_t max, int *out, int *n, bool opt, const char *what)
{
    struct fb_vec v;
    enum kws_status st = fb_vector(f, t, id, 4, MAX_TENSORS, &v, what);
    if (st) return st;
    if (v.count > max)
        return kws_err(f->err, f->err_len, KWS_ERR_UNSUPPORTED, "%s: %u entries (at most %u)", what,
                       v.count, max);
    for (uint32_t i = 0; i < v.count; i++) {
        int32_t x = (int32_t)fb_le32(f->b + v.start + 4 * (size_t)i);
        if (!(x >= 0 && x < n_tensors) && !(opt && x == -1))
            return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                           "%s: tensor index %d out of range (%d tensors)", what, (int)x,
                           n_tensors);
        out[i] = x;
    }
    *n = (int)v.count;
    return KWS_OK;
}

struct buf_info {
    const void *data;
    size_t size;
};

static enum kws_status read_buffers(struct fb *f, struct mdl_model *m, const struct fb_table *root,
                                    struct buf_info **out, uint32_t *n_out)
{
    struct fb_vec v;
    enum kws_status st = fb_vector(f, root, 4, 4, MAX_BUFFERS, &v, "model buffers");
    if (st) return st;
    struct buf_info *bi = own(m, (v.count ? v.count : 1) * sizeof *bi);
    if (!bi) return NOMEM(f);
    for (uint32_t i = 0; i < v.count; i++) {
        char what[48];
        snprintf(what, sizeof what, "buffer %u", i);
        struct fb_table t;
        struct fb_vec d;
        uint64_t off, size;
        if ((st = fb_vec_table(f, &v, i, &t, what)) ||
            (st = fb_vector(f, &t, 0, 1, (uint32_t)f->n, &d, what)) ||
            (st = fb_u64(f, &t, 1, &off, what)) || (st = fb_u64(f, &t, 2, &size, what)))
            return st;
        const uint8_t *p = f->b + d.start;
        size_t len = d.count;
        if (off > 1) { /* data stored after the flatbuffer (models over 2 GB) */
            if (off > f->n || size > f->n - off)
                return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                               "%s: offset %llu + size %llu lies outside the %zu-byte file", what,
                               (unsigned long long)off, (unsigned long long)size, f->n);
            p = f->b + off;
            len = (size_t)size;
        }
        if (len && ((uintptr_t)p % MDL_ARENA_ALIGN)) {
            uint8_t *q = own(m, len);
            if (!q) return NOMEM(f);
            memcpy(q, p, len);
            p = q;
        }
        bi[i].data = len ? p : NULL;
        bi[i].size = len;
    }
    *out = bi;
    *n_out = v.count;
    return KWS_OK;
}

/* The zero points a tensor of this type can hold: its value range (the
 * kernels add and negate them in int32, so never INT32_MIN). */
static void zp_range(enum mdl_type t, int64_t *lo, int64_t *hi)
{
    switch (t) {
    case MDL_T_INT8:
        *lo = INT8_MIN;
        *hi = INT8_MAX;
        return;
    case MDL_T_UINT8:
        *lo = 0;
        *hi = UINT8_MAX;
        return;
    case MDL_T_INT16:
        *lo = INT16_MIN;
        *hi = INT16_MAX;
        return;
    default:
        *lo = -(int64_t)INT32_MAX;
        *hi = INT32_MAX;
        return;
    }
}

static enum kws_status read_quant(struct fb *f, struct mdl_model *m, const struct fb_table *tt,
                                  struct mdl_tensor *x, const char *what)
{
    struct fb_table q;
    bool present;
    enum kws_status st = fb_sub(f, tt, 4, &q, &present, what);
    if (st || !present) return st;
    struct fb_vec sv, zv;
    int32_t qd;
    if ((st = fb_vector(f, &q, 2, 4, MAX_CHANNELS, &sv, what)) ||
        (st = fb_vector(f, &q, 3, 8, MAX_CHANNELS, &zv, what)) ||
        (st = fb_i32(f, &q, 6, 0, &qd, what)))
        return st;
    if (sv.count == 0) return KWS_OK; /* min/max only, or empty: not quantised */
    if (zv.count != sv.count)
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT, "%s: %u scales but %u zero points", what,
                       sv.count, zv.count);
    if (sv.count > 1 && (qd < 0 || qd >= x->n_dims || (uint32_t)x->dims[qd] != sv.count))
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                       "%s: %u per-channel scales do not match dimension %d of the shape", what,
                       sv.count, (int)qd);
    float *scale = own(m, sv.count * sizeof *scale);
    int32_t *zp = own(m, sv.count * sizeof *zp);
    if (!scale || !zp) return NOMEM(f);
    for (uint32_t i = 0; i < sv.count; i++) {
        uint32_t u = fb_le32(f->b + sv.start + 4 * (size_t)i);
        memcpy(&scale[i], &u, 4);
        int64_t z = (int64_t)fb_le64(f->b + zv.start + 8 * (size_t)i);
        if (!isfinite(scale[i]) || scale[i] <= 0)
            return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                           "%s: quantization scale %g is not a positive number", what,
                           (double)scale[i]);
        int64_t zmin, zmax;
        zp_range(x->type, &zmin, &zmax);
        if (z < zmin || z > zmax)
            return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                           "%s: zero point %lld out of range for %s (%lld..%lld)", what,
                           (long long)z, mdl_type_name(x->type), (long long)zmin, (long long)zmax);
        zp[i] = (int32_t)z;
    }
    x->n_quant = (int)sv.count;
    x->scale = scale;
    x->zero_point = zp;
    x->quant_dim = sv.count > 1 ? qd : 0;
    return KWS_OK;
}

static enum kws_status read_tensor(struct fb *f, struct mdl_model *m, const struct fb_vec *tv,
                                   uint32_t i, const struct buf_info *bufs, uint32_t n_bufs)
{
    struct mdl_tensor *x = &m->tensors[i];
    char what[48];
    snprintf(what, sizeof what, "tensor %u", i);
    struct fb_table t;
    struct fb_vec sh;
    uint8_t type, var;
    int32_t buf;
    enum kws_status st;
    if ((st = fb_vec_table(f, tv, i, &t, what)) || (st = fb_vector(f, &t, 0, 4, 64, &sh, what)) ||
        (st = fb_u8(f, &t, 1, 0, &type, what)) || (st = fb_i32(f, &t, 2, 0, &buf, what)) ||
        (st = read_string(f, m, &t, 3, &x->name, what)) || (st = fb_u8(f, &t, 5, 0, &var, what)))
        return st;
    snprintf(what, sizeof what, "tensor %u (%.24s)", i, x->name);
    if (!tfl_type_from(type, &x->type)) {
        const char *tn = tfl_type_label(type);
        return kws_err(f->err, f->err_len, KWS_ERR_UNSUPPORTED, "%s: unsupported type %s", what,
                       tn ? tn : "(unknown code)");
    }
    if (sh.count > MDL_MAX_DIMS)
        return kws_err(f->err, f->err_len, KWS_ERR_UNSUPPORTED, "%s: %u dimensions (at most %d)",
                       what, sh.count, MDL_MAX_DIMS);
    x->n_dims = (int)sh.count;
    size_t elems = 1, esize = mdl_type_size(x->type);
    for (uint32_t d = 0; d < sh.count; d++) {
        int32_t v = (int32_t)fb_le32(f->b + sh.start + 4 * (size_t)d);
        if (v < 0)
            return kws_err(f->err, f->err_len, KWS_ERR_UNSUPPORTED,
                           "%s: dimension %u is %d (dynamic shapes are not supported)", what, d,
                           (int)v);
        x->dims[d] = v;
        if (v && elems > MAX_TENSOR_BYTES / esize / (size_t)v)
            return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                           "%s: shape element count overflows (over 2 GB)", what);
        elems *= (size_t)v;
    }
    x->n_elems = elems;
    x->bytes = elems * esize;
    x->is_variable = var != 0;
    if (buf < 0 || (uint32_t)buf >= n_bufs) {
        if (buf != 0 || n_bufs != 0)
            return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                           "%s: buffer index %d out of range (%u buffers)", what, (int)buf, n_bufs);
    } else if (bufs[buf].data) {
        if (bufs[buf].size < x->bytes)
            return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                           "%s: buffer %d has %zu bytes, too small for the shape (%zu bytes)", what,
                           (int)buf, bufs[buf].size, x->bytes);
        if (bufs[buf].size > x->bytes)
            return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                           "%s: buffer %d has %zu bytes, more than the shape's %zu", what, (int)buf,
                           bufs[buf].size, x->bytes);
        x->data = bufs[buf].data;
        x->data_size = bufs[buf].size;
    }
    return read_quant(f, m, &t, x, what);
}

struct opcode {
    int code; /* max(deprecated_builtin_code, builtin_code) */
    int version;
    const char *custom;
};

static enum kws_status read_opcodes(struct fb *f, struct mdl_model *m, const struct fb_table *root,
                                    struct opcode **out, uint32_t *n_out)
{
    struct fb_vec v;
    enum kws_status st = fb_vector(f, root, 1, 4, MAX_CODES, &v, "operator codes");
    if (st) return st;
    struct opcode *c = own(m, (v.count ? v.count : 1) * sizeof *c);
    if (!c) return NOMEM(f);
    for (uint32_t i = 0; i < v.count; i++) {
        char what[48];
        snprintf(what, sizeof what, "operator code %u", i);
        struct fb_table t;
        uint8_t dep;
        int32_t bc, ver;
        if ((st = fb_vec_table(f, &v, i, &t, what)) || (st = fb_u8(f, &t, 0, 0, &dep, what)) ||
            (st = read_string(f, m, &t, 1, &c[i].custom, what)) ||
            (st = fb_i32(f, &t, 2, 1, &ver, what)) || (st = fb_i32(f, &t, 3, 0, &bc, what)))
            return st;
        /* schema.fbs: the builtin code is the larger of the two fields
         * (deprecated_builtin_code is an int8, saturated at 127). */
        c[i].code = (int8_t)dep > bc ? (int8_t)dep : bc;
        c[i].version = ver;
    }
    *out = c;
    *n_out = v.count;
    return KWS_OK;
}

static enum kws_status read_operator(struct fb *f, struct mdl_model *m, const struct fb_vec *ov,
                                     uint32_t i, const struct opcode *codes, uint32_t n_codes)
{
    struct mdl_operator *o = &m->ops[i];
    char what[64];
    snprintf(what, sizeof what, "operator %u", i);
    struct fb_table t;
    int32_t idx;
    uint8_t opt_type;
    enum kws_status st;
    if ((st = fb_vec_table(f, ov, i, &t, what)) || (st = fb_i32(f, &t, 0, 0, &idx, what)))
        return st;
    if (idx < 0 || (uint32_t)idx >= n_codes)
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                       "%s: operator code index %u out of range (%u codes)", what, (unsigned)idx,
                       n_codes);
    const struct opcode *c = &codes[idx];
    const struct mdl_op_reg *r = mdl_op_reg_code(c->code);
    if (!r) {
        const char *name = tfl_builtin_label(c->code);
        if (c->code == TFL_CUSTOM)
            return kws_err(f->err, f->err_len, KWS_ERR_UNSUPPORTED,
                           "%s: custom operator '%.40s' is not supported", what, c->custom);
        if (name)
            return kws_err(f->err, f->err_len, KWS_ERR_UNSUPPORTED,
                           "%s: operator %s is not supported", what, name);
        return kws_err(f->err, f->err_len, KWS_ERR_UNSUPPORTED,
                       "%s: builtin operator code %d is not supported", what, c->code);
    }
    o->op = r->op;
    o->version = c->version;
    snprintf(what, sizeof what, "operator %u (%s)", i, mdl_op_name(o->op));
    char w2[96];
    snprintf(w2, sizeof w2, "%s inputs", what);
    if ((st = read_indices(f, &t, 1, m->n_tensors, MDL_MAX_IO, o->inputs, &o->n_inputs, true, w2)))
        return st;
    snprintf(w2, sizeof w2, "%s outputs", what);
    if ((st = read_indices(f, &t, 2, m->n_tensors, MDL_MAX_IO, o->outputs, &o->n_outputs, false,
                           w2)))
        return st;
    for (int k = o->n_inputs; k < MDL_MAX_IO; k++) o->inputs[k] = -1;
    for (int k = o->n_outputs; k < MDL_MAX_IO; k++) o->outputs[k] = -1;
    if (o->n_inputs < r->min_inputs)
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT, "%s: %d inputs, needs %d", what,
                       o->n_inputs, r->min_inputs);
    for (int k = 0; k < r->min_inputs; k++)
        if (o->inputs[k] < 0)
            return kws_err(f->err, f->err_len, KWS_ERR_FORMAT, "%s: required input %d is absent",
                           what, k);
    if (o->n_outputs != 1)
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT, "%s: %d outputs, needs 1", what,
                       o->n_outputs);
    if (m->tensors[o->outputs[0]].data)
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT, "%s: writes constant tensor %d", what,
                       o->outputs[0]);
    /* Defaults, then the options table if any. */
    struct mdl_op_params *p = &o->p;
    p->padding = MDL_PAD_SAME;
    p->stride_w = p->stride_h = p->dilation_w = p->dilation_h = 1;
    p->filter_w = p->filter_h = p->depth_multiplier = 1;
    p->act = MDL_ACT_NONE;
    p->beta = 1.0f;
    p->n_new_shape = -1;
    if ((st = fb_u8(f, &t, 3, 0, &opt_type, what))) return st;
    struct fb_table opts;
    bool present;
    if ((st = fb_sub(f, &t, 4, &opts, &present, what))) return st;
    if (!present || opt_type == TFL_OPT_NONE) return KWS_OK;
    if (opt_type != r->options && r->options != TFL_OPT_NONE)
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                       "%s: builtin options of type %u do not belong to this operator", what,
                       opt_type);
    return r->read ? r->read(f, &opts, p, what) : KWS_OK;
}

static enum kws_status parse(struct fb *f, struct mdl_model *m)
{
    if (f->n < 8 || memcmp(f->b + 4, "TFL3", 4))
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                       "not a TFLite model (no TFL3 file identifier)");
    struct fb_table root, sg;
    enum kws_status st;
    int32_t ver;
    if ((st = fb_root(f, &root)) || (st = fb_i32(f, &root, 0, 0, &ver, "model"))) return st;
    m->version = (uint32_t)ver;
    if (m->version != 3)
        return kws_err(f->err, f->err_len, KWS_ERR_UNSUPPORTED,
                       "model schema version %u is not supported (3 is)", m->version);
    if ((st = read_string(f, m, &root, 3, &m->description, "model description"))) return st;
    struct buf_info *bufs = NULL;
    uint32_t n_bufs = 0, n_codes = 0;
    struct opcode *codes = NULL;
    if ((st = read_buffers(f, m, &root, &bufs, &n_bufs)) ||
        (st = read_opcodes(f, m, &root, &codes, &n_codes)))
        return st;
    struct fb_vec sv, tv, ov;
    if ((st = fb_vector(f, &root, 2, 4, MAX_SUBGRAPHS, &sv, "subgraphs"))) return st;
    if (sv.count == 0) return kws_err(f->err, f->err_len, KWS_ERR_FORMAT, "model has no subgraph");
    m->n_subgraphs = (int)sv.count;
    if (sv.count > 1)
        kws_log(KWS_LOG_INFO, "model has %u subgraphs; only subgraph 0 is used", sv.count);
    if ((st = fb_vec_table(f, &sv, 0, &sg, "subgraph 0")) ||
        (st = fb_vector(f, &sg, 0, 4, MAX_TENSORS, &tv, "subgraph 0 tensors")) ||
        (st = fb_vector(f, &sg, 3, 4, MAX_OPS, &ov, "subgraph 0 operators")))
        return st;
    m->n_tensors = (int)tv.count;
    m->tensors = own(m, (tv.count ? tv.count : 1) * sizeof *m->tensors);
    m->ops = own(m, (ov.count ? ov.count : 1) * sizeof *m->ops);
    m->inputs = own(m, (tv.count + 1) * sizeof(int));
    m->outputs = own(m, (tv.count + 1) * sizeof(int));
    if (!m->tensors || !m->ops || !m->inputs || !m->outputs) return NOMEM(f);
    for (uint32_t i = 0; i < tv.count; i++)
        if ((st = read_tensor(f, m, &tv, i, bufs, n_bufs))) return st;
    if ((st = read_indices(f, &sg, 1, m->n_tensors, tv.count, m->inputs, &m->n_inputs, false,
                           "graph inputs")) ||
        (st = read_indices(f, &sg, 2, m->n_tensors, tv.count, m->outputs, &m->n_outputs, false,
                           "graph outputs")))
        return st;
    m->n_ops = (int)ov.count;
    for (uint32_t i = 0; i < ov.count; i++)
        if ((st = read_operator(f, m, &ov, i, codes, n_codes))) return st;
    if (m->n_inputs == 0 || m->n_outputs == 0)
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT, "subgraph 0 has no %s",
                       m->n_inputs == 0 ? "inputs" : "outputs");
    return KWS_OK;
}

/* Takes ownership of bytes (malloc'd) whatever the outcome. */
enum kws_status mdl_flatbuffer_parse(uint8_t *bytes, size_t n, struct mdl_model *m, char *err,
                                     size_t err_len)
{
    memset(m, 0, sizeof *m);
    m->bytes = bytes;
    m->n_bytes = n;
    m->priv = calloc(1, sizeof(struct owned));
    if (!m->priv) {
        mdl_model_free(m);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory reading the model");
    }
    struct fb f = { bytes, n, err, err_len };
    enum kws_status st = parse(&f, m);
    if (st) mdl_model_free(m);
    return st;
}
