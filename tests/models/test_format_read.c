/* test_format_read.c: writer -> reader round trip of the all-ops fixture,
 * `xxd -i` arrays, the opcode pair rule, the model search order, and one
 * clear error (never a crash) for each kind of malformed input: every
 * truncation, bad offsets, loops, absurd lengths, unsupported op and type,
 * tensor index out of range, buffer too small, overflowing shapes. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models.h"
#include "test.h"
#include "test_format_fixtures.h"
#include "tflite_fb.h"

static struct fixture fx;
static uint8_t *bytes;
static size_t n_bytes;

static void same_model(const struct mdl_model *a, const struct mdl_model *b)
{
    CHECK_INT(b->n_tensors, a->n_tensors);
    CHECK_INT(b->n_ops, a->n_ops);
    CHECK_INT(b->n_inputs, a->n_inputs);
    CHECK_INT(b->n_outputs, a->n_outputs);
    CHECK_INT(b->inputs[0], a->inputs[0]);
    CHECK_INT(b->outputs[0], a->outputs[0]);
    CHECK_STR(b->description, a->description);
    for (int i = 0; i < a->n_tensors && i < b->n_tensors; i++) {
        const struct mdl_tensor *x = &a->tensors[i], *y = &b->tensors[i];
        CHECK_STR(y->name, x->name);
        CHECK_INT(y->type, x->type);
        CHECK_INT(y->n_dims, x->n_dims);
        for (int d = 0; d < x->n_dims; d++) CHECK_INT(y->dims[d], x->dims[d]);
        CHECK_INT(y->n_elems, x->n_elems);
        CHECK_INT(y->bytes, x->bytes);
        CHECK_INT(y->data != NULL, x->data != NULL);
        if (x->data && y->data) CHECK(!memcmp(x->data, y->data, x->bytes));
        if (y->data) CHECK_INT((uintptr_t)y->data % 16, 0);
        CHECK_INT(y->n_quant, x->n_quant);
        for (int q = 0; q < x->n_quant && q < y->n_quant; q++) {
            CHECK(y->scale[q] == x->scale[q]);
            CHECK_INT(y->zero_point[q], x->zero_point[q]);
        }
        if (x->n_quant > 1) CHECK_INT(y->quant_dim, x->quant_dim);
    }
    for (int i = 0; i < a->n_ops && i < b->n_ops; i++) {
        const struct mdl_operator *x = &a->ops[i], *y = &b->ops[i];
        CHECK_INT(y->op, x->op);
        CHECK_INT(y->n_inputs, x->n_inputs);
        CHECK_INT(y->n_outputs, x->n_outputs);
        for (int k = 0; k < MDL_MAX_IO; k++) {
            CHECK_INT(y->inputs[k], x->inputs[k]);
            CHECK_INT(y->outputs[k], x->outputs[k]);
        }
        CHECK(!memcmp(&y->p, &x->p, sizeof x->p));
    }
}

/* Loads bytes, expecting failure with a message containing want. */
static void expect_error(const uint8_t *b, size_t n, const char *want)
{
    struct mdl_model m;
    char err[256] = "";
    enum kws_status st = mdl_model_load_mem(b, n, &m, err, sizeof err);
    CHECK(st != KWS_OK);
    if (!strstr(err, want)) {
        fprintf(stderr, "error \"%s\" does not mention \"%s\"\n", err, want);
        test_failures++;
    }
    mdl_model_free(&m);
}

/* Positions inside the written fixture, found with the checked primitives. */
static struct fb F;

static struct fb_table root_table(void)
{
    struct fb_table t;
    CHECK(fb_root(&F, &t) == KWS_OK);
    return t;
}

static struct fb_table nth(const struct fb_table *t, int field, uint32_t i)
{
    struct fb_vec v;
    struct fb_table r = { 0 };
    CHECK(fb_vector(&F, t, field, 4, 1u << 20, &v, "test") == KWS_OK);
    CHECK(fb_vec_table(&F, &v, i, &r, "test") == KWS_OK);
    return r;
}

static size_t field_pos(const struct fb_table *t, int id, size_t size)
{
    size_t p = 0;
    CHECK(fb_field(&F, t, id, size, &p, "test") == KWS_OK);
    CHECK(p != 0);
    return p;
}

static size_t vec_start(const struct fb_table *t, int id)
{
    struct fb_vec v;
    CHECK(fb_vector(&F, t, id, 1, 1u << 30, &v, "test") == KWS_OK);
    return v.start;
}

static void put32(uint8_t *b, size_t p, uint32_t v)
{
    for (int i = 0; i < 4; i++) b[p + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* A patched copy of the fixture bytes. */
static uint8_t *patched(size_t pos, uint32_t v, int size)
{
    uint8_t *c = malloc(n_bytes);
    memcpy(c, bytes, n_bytes);
    if (size == 1)
        c[pos] = (uint8_t)v;
    else
        put32(c, pos, v);
    return c;
}

static void corrupt(size_t pos, uint32_t v, int size, const char *want)
{
    uint8_t *c = patched(pos, v, size);
    expect_error(c, n_bytes, want);
    free(c);
}

static void test_errors(void)
{
    F = (struct fb){ bytes, n_bytes, NULL, 0 };
    struct fb_table root = root_table();
    struct fb_table code0 = nth(&root, 1, 0); /* QUANTIZE */
    struct fb_table sg = nth(&root, 2, 0);
    struct fb_table t2 = nth(&sg, 0, 2);  /* conv_w [4,3,3,2] int8 */
    struct fb_table op1 = nth(&sg, 3, 1); /* CONV_2D */

    /* Unsupported op: both code fields say LSTM (16). */
    uint8_t *c = patched(field_pos(&code0, 0, 1), 16, 1);
    put32(c, field_pos(&code0, 3, 4), 16);
    expect_error(c, n_bytes, "operator LSTM is not supported");
    free(c);
    c = patched(field_pos(&code0, 0, 1), 32, 1);
    put32(c, field_pos(&code0, 3, 4), 32);
    expect_error(c, n_bytes, "custom operator");
    free(c);
    /* The pair rule (the larger field wins): an old file with only
     * deprecated_builtin_code set, and a new one with only builtin_code. */
    c = patched(field_pos(&code0, 3, 4), 0, 4);
    struct mdl_model m;
    char err[256];
    CHECK(mdl_model_load_mem(c, n_bytes, &m, err, sizeof err) == KWS_OK);
    CHECK_INT(m.n_ops ? (int)m.ops[0].op : -1, MDL_OP_QUANTIZE);
    mdl_model_free(&m);
    c[field_pos(&code0, 0, 1)] = 0;
    put32(c, field_pos(&code0, 3, 4), 114);
    CHECK(mdl_model_load_mem(c, n_bytes, &m, err, sizeof err) == KWS_OK);
    CHECK_INT(m.n_ops ? (int)m.ops[0].op : -1, MDL_OP_QUANTIZE);
    mdl_model_free(&m);
    free(c);

    corrupt(field_pos(&t2, 1, 1), 1, 1, "unsupported type FLOAT16");
    corrupt(field_pos(&t2, 1, 1), 200, 1, "unsupported type (unknown code)");
    corrupt(vec_start(&t2, 0), 5, 4, "too small for the shape");
    corrupt(vec_start(&t2, 0), 3, 4, "more than the shape");
    c = patched(vec_start(&t2, 0), 0x7fffffff, 4);
    put32(c, vec_start(&t2, 0) + 4, 0x7fffffff);
    expect_error(c, n_bytes, "overflows");
    free(c);
    corrupt(vec_start(&t2, 0), 0xffffffff, 4, "dynamic shapes");
    corrupt(vec_start(&op1, 1), 999, 4, "tensor index 999 out of range");
    corrupt(vec_start(&op1, 2), (uint32_t)-1, 4, "out of range");
    corrupt(field_pos(&op1, 0, 4), 77, 4, "operator code index 77 out of range");
    corrupt(field_pos(&t2, 2, 4), 5000, 4, "buffer index 5000 out of range");
    corrupt(field_pos(&root, 0, 4), 2, 4, "schema version 2");
    corrupt(0, 0, 4, "loops to itself");
    corrupt(0, 0xfffffff0u, 4, "outside");
    corrupt(field_pos(&root, 2, 4), 0, 4, "loops to itself");
    corrupt(field_pos(&root, 2, 4), 0x7ffffff0u, 4, "past the end");
    corrupt(vec_start(&root, 2) - 4, 0x40000000u, 4, "absurd length");
    corrupt(vec_start(&sg, 0) - 4, 30, 4, "past the end"); /* 30 tensor offsets */
    corrupt(t2.pos, 0x7fffffff, 4, "vtable");
    corrupt(4, 'X', 1, "no TFL3 identifier");
    /* Options out of range. */
    struct fb_table opts;
    bool present;
    CHECK(fb_sub(&F, &op1, 4, &opts, &present, "test") == KWS_OK && present);
    corrupt(field_pos(&opts, 1, 4), 0, 4, "stride_w = 0");
    corrupt(field_pos(&opts, 3, 1), 4, 1, "fused activation TANH");
    corrupt(field_pos(&opts, 0, 1), 7, 1, "padding = 7");

    /* Every truncation fails cleanly. */
    for (size_t k = 0; k < n_bytes; k++) {
        char e[256] = "";
        CHECK(mdl_model_load_mem(bytes, k, &m, e, sizeof e) != KWS_OK);
        CHECK(e[0] != '\0');
        mdl_model_free(&m);
    }
}

/* Text of `xxd -i` for the fixture, with extras as Arduino sketches have. */
static char *xxd_text(const uint8_t *b, size_t n, long declared, bool decorate)
{
    size_t cap = n * 7 + 512;
    char *s = malloc(cap), *p = s;
    if (decorate)
        p += sprintf(p,
                     "// model.cc: pasted model /* not a comment end\n#include \"model.h\"\n"
                     "/* block { comment = { 0x99 } */\n"
                     "alignas(16) const unsigned char g_model[] __attribute__((aligned(16))) = {");
    else
        p += sprintf(p, "unsigned char model_tflite[] = {");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s0x%02x%s", i % 12 ? " " : "\n  ", b[i], i + 1 < n ? "," : "");
    p += sprintf(p, "%s\n};\n%s int model_tflite_len = %ld;\n", decorate ? "," : "",
                 decorate ? "const" : "unsigned", declared);
    return s;
}

static void test_xxd(const struct mdl_model *orig)
{
    for (int dec = 0; dec < 2; dec++) {
        char *s = xxd_text(bytes, n_bytes, (long)n_bytes, dec);
        struct mdl_model m;
        char err[256] = "";
        CHECK(mdl_model_load_mem(s, strlen(s), &m, err, sizeof err) == KWS_OK);
        if (!err[0]) {
            CHECK_INT(m.n_bytes, n_bytes);
            same_model(orig, &m);
        } else {
            fprintf(stderr, "xxd: %s\n", err);
        }
        mdl_model_free(&m);
        free(s);
    }
    char *s = xxd_text(bytes, n_bytes, (long)n_bytes + 1, false);
    expect_error((const uint8_t *)s, strlen(s), "declares length");
    free(s);
    const char *bad[][2] = {
        { "int x[] = { 0x1c, 0x00, zz };", "unexpected 'zz" },
        { "int x[] = { 0x1c, 0x300 };", "is not a byte" },
        { "int x[] = { 0x1c 0x00 };", "missing ','" },
        { "int x[] = { };", "empty" },
        { "int x[] = { 0x1c, 0x00,", "unexpected end of file" },
        { "no initializer here {", "no `= {`" },
        { "char x[] = { 0x1c, 0x00, 0x00, 0x00, 0x54, 0x46, 0x4c, 0x33 };", "outside" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_error((const uint8_t *)bad[i][0], strlen(bad[i][0]), bad[i][1]);
}

static void test_find(void)
{
    char path[512], err[256];
    unsetenv("KWSCOPE_MODEL");
    CHECK(mdl_model_find(NULL, "/nonexistent-dir", path, sizeof path, err, sizeof err) != KWS_OK);
    CHECK(strstr(err, "no default model is bundled yet") != NULL);
    CHECK(strstr(err, "--model") != NULL);
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char f[512];
    snprintf(f, sizeof f, "%s/kws_find_%d.tflite", tmp, (int)getpid());
    CHECK(mdl_model_save(&fx.m, f, err, sizeof err) == KWS_OK);
    CHECK(mdl_model_find(f, NULL, path, sizeof path, err, sizeof err) == KWS_OK);
    CHECK_STR(path, f);
    setenv("KWSCOPE_MODEL", f, 1);
    CHECK(mdl_model_find(NULL, "/nonexistent-dir", path, sizeof path, err, sizeof err) == KWS_OK);
    CHECK_STR(path, f);
    CHECK(mdl_model_find("/no/such/model.tflite", NULL, path, sizeof path, err, sizeof err) !=
          KWS_OK);
    CHECK(strstr(err, "/no/such/model.tflite") != NULL);
    unsetenv("KWSCOPE_MODEL");
    struct mdl_model m;
    CHECK(mdl_model_load(f, &m, err, sizeof err) == KWS_OK);
    same_model(&fx.m, &m);
    mdl_model_free(&m);
    remove(f);
    CHECK(mdl_model_load(f, &m, err, sizeof err) == KWS_ERR_IO);
    CHECK(strstr(err, f) != NULL);
}

/* Quantisation outside a type's range is refused at load, naming the tensor
 * (an int8 zero point of 1000 or INT32_MIN would give garbage or undefined
 * arithmetic in the kernels); scales must be finite and > 0. */
static void test_quant_ranges(void)
{
    int ti = -1;
    for (int i = 0; i < fx.m.n_tensors && ti < 0; i++)
        if (fx.m.tensors[i].type == MDL_T_INT8 && fx.m.tensors[i].n_quant == 1 &&
            fx.m.tensors[i].scale == &fx.s[i])
            ti = i;
    CHECK(ti >= 0);
    if (ti < 0) return;
    /* the fixture's own (writable) arrays behind the model's const pointers */
    struct {
        float *scale;
        int32_t *zero_point;
    } q = { &fx.s[ti], &fx.z[ti] }, *x = &q;
    const int32_t zp0 = x->zero_point[0];
    const float sc0 = x->scale[0];
    const int32_t bad_zp[] = { 1000, INT32_MIN, -129, 128 };
    const float bad_scale[] = { NAN, INFINITY, 0.0f, -1.0f };
    char err[256];
    for (int k = 0; k < 8; k++) {
        x->zero_point[0] = k < 4 ? bad_zp[k] : zp0;
        x->scale[0] = k < 4 ? sc0 : bad_scale[k - 4];
        uint8_t *b = NULL;
        size_t n = 0;
        CHECK(mdl_model_write(&fx.m, &b, &n, err, sizeof err) == KWS_OK);
        struct mdl_model m;
        err[0] = 0;
        CHECK(mdl_model_load_mem(b, n, &m, err, sizeof err) == KWS_ERR_FORMAT);
        CHECK(strstr(err, "tensor ") != NULL);
        CHECK(strstr(err, k < 4 ? "out of range for int8 (-128..127)" : "not a positive number") !=
              NULL);
        if (test_failures) fprintf(stderr, "case %d: %s\n", k, err);
        free(b);
    }
    x->zero_point[0] = zp0;
    x->scale[0] = sc0;
}

/* A .cc error quotes the source on one line: never a newline of the file. */
static void test_xxd_one_line(void)
{
    const char *bad[] = { "unsigned char m[] = {0x01, x\n\n\x1b[2J};",
                          "unsigned char m[] = {0x01, 0x1\n0000};" };
    for (int i = 0; i < 2; i++) {
        char err[256] = "";
        uint8_t *b = NULL;
        size_t n = 0;
        CHECK(mdl_xxd_parse(bad[i], strlen(bad[i]), &b, &n, err, sizeof err) == KWS_ERR_FORMAT);
        CHECK(err[0] && !strchr(err, '\n') && !strchr(err, '\x1b'));
        free(b);
    }
}

int main(void)
{
    fixture_all_ops(&fx);
    char err[256] = "";
    CHECK(mdl_model_write(&fx.m, &bytes, &n_bytes, err, sizeof err) == KWS_OK);
    if (!bytes) {
        fprintf(stderr, "write: %s\n", err);
        return 1;
    }
    struct mdl_model m;
    CHECK(mdl_model_load_mem(bytes, n_bytes, &m, err, sizeof err) == KWS_OK);
    same_model(&fx.m, &m);
    CHECK_INT(m.version, 3);
    CHECK_INT(m.n_subgraphs, 1);
    CHECK_INT(m.n_bytes, n_bytes);
    /* Writing what was read gives the same bytes. */
    uint8_t *again;
    size_t n_again;
    CHECK(mdl_model_write(&m, &again, &n_again, err, sizeof err) == KWS_OK);
    CHECK(n_again == n_bytes && !memcmp(again, bytes, n_bytes));
    free(again);
    test_xxd(&m);
    mdl_model_free(&m);
    test_errors();
    test_quant_ranges();
    test_xxd_one_line();
    test_find();
    free(bytes);
    return test_done();
}
