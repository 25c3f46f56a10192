/* cmd_bench.c: `kwscope bench [--model M] [--json] [--runs N]`: host timing of
 * the keyword pipeline's stages over N runs (default 200) on 1 s of audio
 * (assets/demo.wav's first second when present, else a fixed pseudo-random
 * signal): preprocessing (micro frontend over 1 s -> 49 x 40 features),
 * inference (one invoke), post-processing (one detector step). Prints the
 * on-device profiling table shape, Process stage | Min | Max | Avg | Median,
 * in µs; --json prints one object with timings_us per stage.
 * Exit status: 0 done, 1 runtime error, 2 usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/capture.h"
#include "cli.h"
#include "dsp/dsp.h"
#include "models/models.h"

#ifndef KWSCOPE_DATADIR
#define KWSCOPE_DATADIR "."
#endif

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

struct stats {
    double min, max, avg, median;
};

static struct stats summarise(double *t, int n)
{
    struct stats s = { 0 };
    qsort(t, (size_t)n, sizeof t[0], cmp_d);
    for (int i = 0; i < n; i++) s.avg += t[i] / n;
    s.min = t[0];
    s.max = t[n - 1];
    s.median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    return s;
}

/* 1 s of audio: the demo clip when it is there, else noise. */
static void bench_audio(int16_t audio[KWS_CLIP_SAMPLES])
{
    char demo[4096], err[256];
    snprintf(demo, sizeof demo, "%s/assets/demo.wav", KWSCOPE_DATADIR);
    struct cap_clip clip = { 0 };
    if (cap_clip_load(demo, &clip, err, sizeof err) == KWS_OK &&
        clip.n_samples >= KWS_CLIP_SAMPLES) {
        memcpy(audio, clip.samples, KWS_CLIP_SAMPLES * sizeof *audio);
    } else {
        uint32_t r = 1;
        for (int i = 0; i < KWS_CLIP_SAMPLES; i++) {
            r = r * 1664525u + 1013904223u;
            audio[i] = (int16_t)(((int32_t)(r >> 16) - 32768) / 8);
        }
    }
    cap_clip_free(&clip);
}

/* runs x (frontend, model, detector) on audio; times in t[stage * runs + i].
 * 0, or 1 (reported). */
static int time_runs(struct mdl_kws *k, const int16_t *audio, int runs, double *t)
{
    char err[256];
    struct dsp_micro_config mc = dsp_micro_config_default();
    struct mdl_detect_config dc = mdl_detect_config_default();
    dc.n_classes = k->n_classes;
    static struct mdl_detect det;
    mdl_detect_init(&det, &dc, err, sizeof err);
    int8_t s[MDL_DETECT_MAX_CLASSES];
    for (int i = 0; i < runs; i++) {
        uint16_t *u = NULL;
        size_t frames = 0;
        double t0 = cli_now_us();
        if (dsp_micro_clip(&mc, audio, KWS_CLIP_SAMPLES, &u, &frames, err, sizeof err) != KWS_OK ||
            frames < (size_t)k->frames) {
            fprintf(stderr, "kwscope bench: frontend: %s\n", err);
            free(u);
            return 1;
        }
        double t1 = cli_now_us();
        mdl_kws_score(k, u, s, err, sizeof err);
        double t2 = cli_now_us();
        struct mdl_detect_result r;
        mdl_detect_process(&det, s, 1000 * (i + 1), &r, err, sizeof err);
        double t3 = cli_now_us();
        free(u);
        t[i] = t1 - t0;
        t[runs + i] = t2 - t1;
        t[2 * runs + i] = t3 - t2;
    }
    return 0;
}

static void print_stats(const char *path, int runs, double *t, bool json)
{
    static const char *names[3] = { "preprocess", "inference", "postprocess" };
    struct stats st[3];
    for (int j = 0; j < 3; j++) st[j] = summarise(t + (size_t)j * runs, runs);
    if (json) {
        printf("{\"model\": \"%s\", \"runs\": %d, \"timings_us\": {", path, runs);
        for (int j = 0; j < 3; j++)
            printf("%s\"%s\": {\"min\": %.1f, \"max\": %.1f, \"avg\": %.1f, \"median\": %.1f}",
                   j ? ", " : "", names[j], st[j].min, st[j].max, st[j].avg, st[j].median);
        printf("}}\n");
        return;
    }
    printf("model %s, %d runs, 1 s of audio, times in us\n", path, runs);
    printf("%-15s | %9s | %9s | %9s | %9s\n", "Process stage", "Min", "Max", "Avg", "Median");
    for (int j = 0; j < 3; j++)
        printf("%-15s | %9.1f | %9.1f | %9.1f | %9.1f\n", names[j], st[j].min, st[j].max, st[j].avg,
               st[j].median);
}

int cli_cmd_bench(int argc, char **argv)
{
    const char *model_arg = NULL;
    bool json = false;
    long runs = 200;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--") && i == argc - 1) { /* the end of options; no operands */
            break;
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--model") && i + 1 < argc) {
            model_arg = argv[++i];
        } else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
            if (cli_int_option("kwscope bench", "--runs", argv[++i], 1, 1000000, &runs)) return 2;
        } else {
            cli_usage(stderr, "bench", NULL);
            return 2;
        }
    }
    char path[4096];
    struct mdl_model m;
    static struct mdl_kws k;
    if (cli_open_kws("kwscope bench", model_arg, &m, &k, path, sizeof path)) return 1;
    static int16_t audio[KWS_CLIP_SAMPLES];
    bench_audio(audio);
    double *t = malloc(3 * (size_t)runs * sizeof *t);
    int rc = t ? time_runs(&k, audio, (int)runs, t) : 1;
    if (!t) fprintf(stderr, "kwscope bench: out of memory\n");
    if (!rc) print_stats(path, (int)runs, t, json);
    free(t);
    mdl_kws_free(&k);
    mdl_model_free(&m);
    return rc;
}
