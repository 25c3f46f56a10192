/* test_train_int8ref.c: the trainer's reference int8 pass (mdl_tc_quant_run,
 * used for the int8 accuracy that `kwscope train` reports) reproduces the
 * upstream micro_speech model's pre-softmax logits bit-exactly on the
 * conformance features (values from ../shared/conformance/manifest.json).
 * Skips (77) without ../shared/. */
#include <stdio.h>

#include "train/train.h"
#include "test.h"

int main(void)
{
    test_require_shared();
    static const struct {
        const char *name;
        int logits[4];
    } clips[] = {
        { "yes_1000ms", { -50, -5, 121, -4 } },
        { "no_1000ms", { -61, 37, -13, 68 } },
        { "silence_1000ms", { 18, 14, 14, 12 } },
        { "noise_1000ms", { 55, 7, 2, 8 } },
    };
    char path[4096], err[256];
    struct mdl_model m = { 0 };
    static struct mdl_tc_quant q;
    enum kws_status st = mdl_model_load(
        SHARED_PATH("conformance/micro_speech_quantized.tflite", path), &m, err, sizeof err);
    CHECK_INT(st, KWS_OK);
    if (st == KWS_OK) st = mdl_tc_from_model(&m, &q, err, sizeof err);
    if (st != KWS_OK) fprintf(stderr, "%s\n", err);
    CHECK_INT(st, KWS_OK);
    for (size_t i = 0; st == KWS_OK && i < sizeof clips / sizeof clips[0]; i++) {
        char rel[128];
        int8_t in[MDL_TC_IN], logits[MDL_TC_MAX_CLASSES];
        snprintf(rel, sizeof rel, "conformance/%s.features_i8.bin", clips[i].name);
        FILE *f = fopen(SHARED_PATH(rel, path), "rb");
        CHECK(f != NULL);
        if (!f) continue;
        CHECK_INT(fread(in, 1, sizeof in, f), sizeof in);
        fclose(f);
        int p = mdl_tc_quant_run(&q, in, logits);
        for (int k = 0; k < 4; k++) CHECK_INT(logits[k], clips[i].logits[k]);
        int want = 0;
        for (int k = 1; k < 4; k++)
            if (clips[i].logits[k] > clips[i].logits[want]) want = k;
        CHECK_INT(p, want);
    }
    mdl_model_free(&m);
    return test_done();
}
