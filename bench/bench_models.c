/* bench_models.c: host cost of the keyword pipeline on one core.
 * - inference: µs per invoke of the int8 TinyConv (the conformance model when
 *   ../shared exists, else a TinyConv of the same architecture quantised by
 *   models/train_quant.c and written by our writer); target < 50 µs;
 * - the full 1 s pipeline: micro frontend over 16000 samples + inference +
 *   keyword post-processing.
 * Prints medians (and min); never fails on time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/dsp.h"
#include "train/train.h"

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static enum kws_status load_model(struct mdl_model *m, const char **what, char *err, size_t n)
{
    char path[4096];
    const char *shared = getenv("KWSCOPE_SHARED_DIR");
    snprintf(path, sizeof path, "%s/conformance/micro_speech_quantized.tflite", shared ? shared : "../shared");
    if (mdl_model_load(path, m, err, n) == KWS_OK) {
        *what = "micro_speech_quantized.tflite (conformance)";
        return KWS_OK;
    }
    static struct mdl_tinyconv tc;
    static struct mdl_tc_quant q;
    char labels[4][32] = { "silence", "unknown", "yes", "no" };
    mdl_tc_init(&tc, 4, 1);
    struct mdl_tc_ranges r = { 4.0f, -10.0f, 10.0f };
    mdl_tc_quantize(&tc, &r, labels, &q);
    uint8_t *buf = NULL;
    size_t len = 0;
    enum kws_status st = mdl_tc_to_tflite(&q, &buf, &len, err, n);
    if (st == KWS_OK)
        st = mdl_model_load_mem(buf, len, m, err, n);
    free(buf);
    *what = "TinyConv (random weights, written by our writer)";
    return st;
}

int main(void)
{
    char err[256];
    struct mdl_model m = {0};
    const char *what = "";
    if (load_model(&m, &what, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "bench_models: %s\n", err);
        return 1;
    }
    static struct mdl_kws k;
    if (mdl_kws_init(&k, &m, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "bench_models: %s\n", err);
        return 1;
    }
    enum { RUNS = 3000, PRUNS = 300 };
    static double t[RUNS];
    static uint16_t feat[49 * 40];
    uint32_t r = 7;
    for (int i = 0; i < 49 * 40; i++) {
        r = r * 1664525u + 1013904223u;
        feat[i] = (uint16_t)(r >> 22);
    }
    int8_t scores[MDL_DETECT_MAX_CLASSES];
    for (int i = 0; i < 100; i++)
        mdl_kws_score(&k, feat, scores, err, sizeof err);
    for (int i = 0; i < RUNS; i++) {
        double t0 = now_us();
        mdl_kws_score(&k, feat, scores, err, sizeof err);
        t[i] = now_us() - t0;
    }
    qsort(t, RUNS, sizeof t[0], cmp_d);
    printf("model: %s\n", what);
    printf("inference (int8 TinyConv, 1 invoke):  median %8.1f us  min %8.1f us  (%d runs; target < 50 us)\n",
           t[RUNS / 2], t[0], RUNS);

    /* Full 1 s pipeline: frontend + inference + post-processing. */
    static int16_t audio[16000];
    for (int i = 0; i < 16000; i++) {
        r = r * 1664525u + 1013904223u;
        audio[i] = (int16_t)((int32_t)(r >> 16) - 32768) / 8;
    }
    struct dsp_micro_config mc = dsp_micro_config_default();
    struct mdl_detect_config dc = mdl_detect_config_default();
    dc.n_classes = k.n_classes;
    static struct mdl_detect det;
    double tf[PRUNS], tp[PRUNS];
    for (int i = 0; i < PRUNS; i++) {
        double t0 = now_us();
        uint16_t *u = NULL;
        size_t frames = 0;
        if (dsp_micro_clip(&mc, audio, 16000, &u, &frames, err, sizeof err) != KWS_OK) {
            fprintf(stderr, "bench_models: %s\n", err);
            return 1;
        }
        double t1 = now_us();
        mdl_kws_score(&k, u, scores, err, sizeof err);
        mdl_detect_init(&det, &dc, err, sizeof err);
        struct mdl_detect_result res;
        mdl_detect_process(&det, scores, 1000, &res, err, sizeof err);
        double t2 = now_us();
        free(u);
        tf[i] = t1 - t0;
        tp[i] = t2 - t0;
    }
    qsort(tf, PRUNS, sizeof tf[0], cmp_d);
    qsort(tp, PRUNS, sizeof tp[0], cmp_d);
    printf("micro frontend (1 s of audio):         median %8.1f us  min %8.1f us\n", tf[PRUNS / 2], tf[0]);
    printf("full 1 s pipeline (features+model+pp): median %8.1f us  min %8.1f us  (%d runs)\n",
           tp[PRUNS / 2], tp[0], PRUNS);
    mdl_kws_free(&k);
    mdl_model_free(&m);
    return 0;
}
