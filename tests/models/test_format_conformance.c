/* test_format_conformance.c: the upstream micro_speech int8 model
 * (../shared/conformance, skipped without it): its structure, its size in
 * both FLOP conventions (TinyML course figures: depthwise conv 640,008, fully
 * connected 32,004, softmax 12, total 672,024; default convention 644,000
 * for the conv),
 * its planned arena, and the same model from an `xxd -i` array. */
#include <stdlib.h>
#include <string.h>

#include "models.h"
#include "test.h"

int main(void)
{
    test_require_shared();
    char path[4096], err[256] = "";
    struct mdl_model m;
    CHECK(mdl_model_load(SHARED_PATH("conformance/micro_speech_quantized.tflite", path), &m, err,
                         sizeof err) == KWS_OK);
    if (err[0]) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    CHECK_INT(m.n_ops, 4);
    CHECK_INT(m.n_tensors, 10);
    CHECK_INT(m.ops[0].op, MDL_OP_RESHAPE);
    CHECK_INT(m.ops[1].op, MDL_OP_DEPTHWISE_CONV_2D);
    CHECK_INT(m.ops[2].op, MDL_OP_FULLY_CONNECTED);
    CHECK_INT(m.ops[3].op, MDL_OP_SOFTMAX);
    const struct mdl_operator *dw = &m.ops[1];
    CHECK_INT(dw->p.stride_w, 2);
    CHECK_INT(dw->p.stride_h, 2);
    CHECK_INT(dw->p.depth_multiplier, 8);
    CHECK_INT(dw->p.padding, MDL_PAD_SAME);
    CHECK_INT(dw->p.act, MDL_ACT_RELU);
    const struct mdl_tensor *in = &m.tensors[m.inputs[0]], *w = &m.tensors[dw->inputs[1]];
    CHECK_INT(in->type, MDL_T_INT8);
    CHECK_INT(in->n_elems, 1960);
    CHECK_INT(in->zero_point[0], -128);
    CHECK_NEAR(in->scale[0], 0.10171568393707275, 1e-9);
    CHECK_INT(w->n_quant, 8); /* per-channel along the last axis */
    CHECK_INT(w->quant_dim, 3);
    CHECK_INT(m.tensors[m.outputs[0]].n_elems, 4);

    struct mdl_info def, seed;
    CHECK(mdl_model_info(&m, MDL_FLOPS_DEFAULT, &def, err, sizeof err) == KWS_OK);
    CHECK(mdl_model_info(&m, MDL_FLOPS_SEED, &seed, err, sizeof err) == KWS_OK);
    CHECK_INT(def.layers[1].flops, 644000);
    CHECK_INT(seed.layers[1].flops, 640008);
    CHECK_INT(seed.layers[2].flops, 32004);
    CHECK_INT(seed.layers[3].flops, 12); /* softmax over 4 classes */
    CHECK_INT(seed.flops, 672024);
    CHECK_INT(def.flops, 644000 + 32004 + 12);
    CHECK_INT(def.macs, 336000);
    CHECK_INT(def.params, 640 + 8 + 16000 + 4);
    /* Arena by hand: Relu 4000 B at 0 (steps 1-2); the input 1960 B (step 0)
     * reuses 0; Reshape_2 (steps 0-1) meets both: 4000; the 4-byte tensors
     * fit below. */
    CHECK_INT(def.arena_bytes, 5960);
    CHECK_INT(def.model_bytes, 18800);
    mdl_info_free(&def);
    mdl_info_free(&seed);

    /* The same model as an xxd -i array. */
    size_t cap = m.n_bytes * 7 + 256;
    char *s = malloc(cap), *p = s;
    p += sprintf(p, "const unsigned char g_model[] = {\n");
    for (size_t i = 0; i < m.n_bytes; i++)
        p += sprintf(p, "0x%02x,%s", m.bytes[i], i % 12 == 11 ? "\n" : " ");
    sprintf(p, "};\nconst int g_model_len = %zu;\n", m.n_bytes);
    struct mdl_model x;
    CHECK(mdl_model_load_mem(s, strlen(s), &x, err, sizeof err) == KWS_OK);
    CHECK_INT(x.n_bytes, m.n_bytes);
    CHECK(x.bytes && !memcmp(x.bytes, m.bytes, m.n_bytes));
    mdl_model_free(&x);
    free(s);
    mdl_model_free(&m);
    return test_done();
}
