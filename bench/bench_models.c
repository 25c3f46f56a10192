/* bench_models.c: host cost of the keyword pipeline on one core.
 * - inference: µs per invoke of the int8 TinyConv (the conformance model when
 *   ../shared exists, else a TinyConv of the same architecture quantised by
 *   models/train_quant.c and written by our writer), and its two heavy
 *   kernels alone (the one-channel depthwise conv, FULLY_CONNECTED 4000 -> 4),
 *   on every kernel path this machine runs (portable C, AVX2, AVX-512 VNNI)
 *   in interleaved rounds of one run, each as a ratio against the portable
 *   path (> 1 = faster); target <= 10 µs for the inference;
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
    snprintf(path, sizeof path, "%s/conformance/micro_speech_quantized.tflite",
             shared ? shared : "../shared");
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
    if (st == KWS_OK) st = mdl_model_load_mem(buf, len, m, err, n);
    free(buf);
    *what = "TinyConv (random weights, written by our writer)";
    return st;
}

enum { ROUNDS = 7, PER = 400, MAXS = ROUNDS * PER };

struct series {
    double t[MAXS];
    int n;
};

static double median(struct series *s)
{
    qsort(s->t, (size_t)s->n, sizeof s->t[0], cmp_d);
    return s->t[s->n / 2];
}

/* TinyConv's kernels with random data (geometry of the conformance model). */
static struct mdl_conv_geom dw_g = { 1, 49, 40, 1, 25, 20, 10, 8, 2, 2, 1, 1, 4, 3, 8 };
static int8_t dw_in[49 * 40], dw_w[10 * 8 * 8], dw_out[25 * 20 * 8], fc_w[4 * 4000], fc_out[4];
static int32_t dw_b[8], fc_b[4], q_mult[8];
static int q_shift[8];
static struct mdl_rq dw_q, fc_q;

static void kernels_init(void)
{
    uint32_t r = 99;
    for (size_t i = 0; i < sizeof dw_in; i++)
        dw_in[i] = (int8_t)((r = r * 1664525u + 1013904223u) >> 24);
    for (size_t i = 0; i < sizeof dw_w; i++)
        dw_w[i] = (int8_t)((r = r * 1664525u + 1013904223u) >> 24);
    for (size_t i = 0; i < sizeof fc_w; i++)
        fc_w[i] = (int8_t)((r = r * 1664525u + 1013904223u) >> 24);
    for (int c = 0; c < 8; c++) {
        q_mult[c] = 1400000000 + c * 1000;
        q_shift[c] = -9;
        dw_b[c] = c * 100;
    }
    struct mdl_rq q = { 128, 0, -128, -128, 127, true, q_mult, q_shift };
    dw_q = q;
    fc_q = q;
    fc_q.per_channel = false;
    fc_q.in_offset = 128;
}

enum what { W_INFER, W_DW, W_FC, W_N };
static const char *what_name[W_N] = { "TinyConv inference (mdl_kws_score)",
                                      "depthwise conv 49x40 -> 25x20x8", "FC 4000 -> 4" };

static double run_once(enum what w, struct mdl_kws *k, const uint16_t *feat, int8_t *scores)
{
    char err[128];
    double t0 = now_us();
    if (w == W_INFER)
        mdl_kws_score(k, feat, scores, err, sizeof err);
    else if (w == W_DW)
        mdl_dwconv_i8(&dw_g, &dw_q, dw_in, dw_w, dw_b, dw_out);
    else
        mdl_fc_i8(1, 4000, 4, &fc_q, dw_out, fc_w, fc_b, fc_out);
    return now_us() - t0;
}

int main(void)
{
    char err[256];
    struct mdl_model m = { 0 };
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
    enum { PRUNS = 300 };
    static uint16_t feat[49 * 40];
    uint32_t r = 7;
    for (int i = 0; i < 49 * 40; i++) {
        r = r * 1664525u + 1013904223u;
        feat[i] = (uint16_t)(r >> 22);
    }
    int8_t scores[MDL_DETECT_MAX_CLASSES];
    kernels_init();
    int best = (int)mdl_simd_supported();
    static struct series s[W_N][3];
    /* interleaved: every round runs every path, so a busy machine slows
     * them alike and the ratios stay meaningful */
    for (int round = 0; round < ROUNDS; round++)
        for (int w = 0; w < W_N; w++)
            for (int lv = 0; lv <= best; lv++) {
                mdl_simd_set((enum mdl_simd)lv);
                for (int i = 0; i < 20; i++) run_once((enum what)w, &k, feat, scores);
                for (int i = 0; i < PER; i++)
                    s[w][lv].t[s[w][lv].n++] = run_once((enum what)w, &k, feat, scores);
            }
    printf("model: %s\n", what);
    for (int w = 0; w < W_N; w++) {
        double base = median(&s[w][0]);
        for (int lv = 0; lv <= best; lv++) {
            double med = lv ? median(&s[w][lv]) : base;
            printf("%-36s %-12s median %7.2f us  min %7.2f us  ratio vs portable %5.2fx%s\n",
                   what_name[w], mdl_simd_name((enum mdl_simd)lv), med, s[w][lv].t[0], base / med,
                   w == W_INFER && lv == best ? "  (target <= 10 us)" : "");
        }
    }
    mdl_simd_set((enum mdl_simd)best);

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
    printf("micro frontend (1 s of audio):         median %8.1f us  min %8.1f us\n", tf[PRUNS / 2],
           tf[0]);
    printf("full 1 s pipeline (features+model+pp): median %8.1f us  min %8.1f us  (%d runs)\n",
           tp[PRUNS / 2], tp[0], PRUNS);
    mdl_kws_free(&k);
    mdl_model_free(&m);
    return 0;
}
