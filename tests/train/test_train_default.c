/* test_train_default.c: the committed default model (assets/) is our int8
 * TinyConv, its .cc array holds the same bytes, and it labels the real
 * recordings in ../shared/conformance/ correctly (yes, no, silence) from their
 * int8 features, and its detector sidecar (assets/default_model.detect) loads.
 * Skips (77) without ../shared/. */
#include <stdio.h>
#include <stdlib.h>

#include "train/train.h"
#include "test.h"

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static uint8_t buf[1 << 20];
    *n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

int main(void)
{
    char path[4096], err[256];
    struct mdl_model m = { 0 };
    static struct mdl_tc_quant q;
    enum kws_status st =
        mdl_model_load(SOURCE_PATH("assets/default_model.tflite", path), &m, err, sizeof err);
    if (st != KWS_OK) fprintf(stderr, "%s\n", err);
    CHECK_INT(st, KWS_OK);
    if (st != KWS_OK) return test_done();
    CHECK_INT(mdl_tc_from_model(&m, &q, err, sizeof err), KWS_OK);
    CHECK_INT(q.n_classes, 4);
    CHECK_NEAR(q.in_scale, 0.10171568393707275, 1e-9);
    CHECK_INT(q.in_zp, -128);

    /* assets/default_model.cc is the same model as an array. */
    size_t n = 0;
    char *text = (char *)slurp(SOURCE_PATH("assets/default_model.cc", path), &n);
    CHECK(text != NULL);
    if (text) {
        uint8_t *bytes = NULL;
        size_t nb = 0;
        CHECK_INT(mdl_xxd_parse(text, n, &bytes, &nb, err, sizeof err), KWS_OK);
        CHECK_INT(nb, m.n_bytes);
        CHECK(bytes && !memcmp(bytes, m.bytes, m.n_bytes));
        free(bytes);
    }

    /* Its calibrated detector settings sit beside it (kwscope calibrate). */
    struct mdl_detect_config dc = mdl_detect_config_default();
    bool found = false;
    CHECK_INT(mdl_detect_config_load(SOURCE_PATH("assets/default_model.tflite", path), &dc, 0,
                                     &found, err, sizeof err),
              KWS_OK);
    CHECK(found);
    dc.n_classes = 4;
    struct mdl_detect d;
    CHECK_INT(mdl_detect_init(&d, &dc, err, sizeof err), KWS_OK);

    test_require_shared();
    static const struct {
        const char *name;
        int label;
    } clips[] = {
        { "yes_1000ms", 2 },
        { "no_1000ms", 3 },
        { "silence_1000ms", 0 },
    };
    for (size_t i = 0; i < sizeof clips / sizeof clips[0]; i++) {
        char rel[128];
        int8_t in[MDL_TC_IN], logits[MDL_TC_MAX_CLASSES];
        snprintf(rel, sizeof rel, "conformance/%s.features_i8.bin", clips[i].name);
        FILE *f = fopen(SHARED_PATH(rel, path), "rb");
        CHECK(f != NULL);
        if (!f) continue;
        CHECK_INT(fread(in, 1, sizeof in, f), sizeof in);
        fclose(f);
        int p = mdl_tc_quant_run(&q, in, logits);
        if (p != clips[i].label)
            fprintf(stderr, "%s: logits %d %d %d %d\n", clips[i].name, logits[0], logits[1],
                    logits[2], logits[3]);
        CHECK_INT(p, clips[i].label);
    }
    mdl_model_free(&m);
    return test_done();
}
