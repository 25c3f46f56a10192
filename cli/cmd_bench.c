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

struct stats { double min, max, avg, median; };

static struct stats summarise(double *t, int n)
{
    struct stats s = {0};
    qsort(t, (size_t)n, sizeof t[0], cmp_d);
    for (int i = 0; i < n; i++)
        s.avg += t[i] / n;
    s.min = t[0];
    s.max = t[n - 1];
    s.median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    return s;
}

int cli_cmd_bench(int argc, char **argv)
{
    const char *model_arg = NULL;
    bool json = false, m4 = false;
    int runs = 200;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--target") && i + 1 < argc) {
            const char *t = argv[++i];
            if (strcmp(t, "m4") && strcmp(t, "host")) {
                fprintf(stderr, "kwscope bench: --target is host or m4\n");
                return 2;
            }
            m4 = !strcmp(t, "m4");
        } else if (!strcmp(argv[i], "--model") && i + 1 < argc) {
            model_arg = argv[++i];
        } else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > 1000000) {
                fprintf(stderr, "kwscope bench: --runs needs an integer in 1..1000000\n");
                return 2;
            }
            runs = (int)v;
        } else {
            fprintf(stderr, "usage: kwscope bench [--model M] [--json] [--runs N] [--target host|m4]\n");
            return 2;
        }
    }
    char path[4096], err[256];
    struct mdl_model m = {0};
    if (mdl_model_find(model_arg, KWSCOPE_DATADIR, path, sizeof path, err, sizeof err) ||
        mdl_model_load(path, &m, err, sizeof err)) {
        fprintf(stderr, "kwscope bench: %s\n", err);
        return 1;
    }
    static struct mdl_kws k;
    if (mdl_kws_init(&k, &m, err, sizeof err)) {
        fprintf(stderr, "kwscope bench: %s: %s\n", path, err);
        mdl_model_free(&m);
        return 1;
    }
    /* 1 s of audio: the demo clip when it is there, else noise. */
    static int16_t audio[16000];
    char demo[4096];
    snprintf(demo, sizeof demo, "%s/assets/demo.wav", KWSCOPE_DATADIR);
    struct cap_clip clip = {0};
    if (cap_clip_load(demo, &clip, err, sizeof err) == KWS_OK && clip.n_samples >= 16000) {
        memcpy(audio, clip.samples, sizeof audio);
    } else {
        uint32_t r = 1;
        for (int i = 0; i < 16000; i++) {
            r = r * 1664525u + 1013904223u;
            audio[i] = (int16_t)(((int32_t)(r >> 16) - 32768) / 8);
        }
    }
    cap_clip_free(&clip);
    double *t = malloc(3 * (size_t)runs * sizeof *t);
    if (!t) {
        fprintf(stderr, "kwscope bench: out of memory\n");
        mdl_kws_free(&k);
        mdl_model_free(&m);
        return 1;
    }
    struct dsp_micro_config mc = dsp_micro_config_default();
    struct mdl_detect_config dc = mdl_detect_config_default();
    dc.n_classes = k.n_classes;
    static struct mdl_detect det;
    mdl_detect_init(&det, &dc, err, sizeof err);
    int rc = 0;
    int8_t s[MDL_DETECT_MAX_CLASSES];
    for (int i = 0; i < runs && !rc; i++) {
        uint16_t *u = NULL;
        size_t frames = 0;
        double t0 = now_us();
        if (dsp_micro_clip(&mc, audio, 16000, &u, &frames, err, sizeof err) != KWS_OK ||
            frames < (size_t)k.frames) {
            fprintf(stderr, "kwscope bench: frontend: %s\n", err);
            rc = 1;
            free(u);
            break;
        }
        double t1 = now_us();
        mdl_kws_score(&k, u, s, err, sizeof err);
        double t2 = now_us();
        struct mdl_detect_result r;
        mdl_detect_process(&det, s, 1000 * (i + 1), &r, err, sizeof err);
        double t3 = now_us();
        free(u);
        t[i] = t1 - t0;
        t[runs + i] = t2 - t1;
        t[2 * runs + i] = t3 - t2;
    }
    if (!rc) {
        static const char *names[3] = { "preprocess", "inference", "postprocess" };
        struct stats st[3];
        for (int j = 0; j < 3; j++)
            st[j] = summarise(t + (size_t)j * runs, runs);
        if (m4) {
            const double avg[3] = {st[0].avg, st[1].avg, st[2].avg};
            rc = cli_bench_m4(model_arg ? path : NULL, audio, runs, avg, json);
        } else if (json) {
            printf("{\"model\": \"%s\", \"runs\": %d, \"timings_us\": {", path, runs);
            for (int j = 0; j < 3; j++)
                printf("%s\"%s\": {\"min\": %.1f, \"max\": %.1f, \"avg\": %.1f, \"median\": %.1f}",
                       j ? ", " : "", names[j], st[j].min, st[j].max, st[j].avg, st[j].median);
            printf("}}\n");
        } else {
            printf("model %s, %d runs, 1 s of audio, times in us\n", path, runs);
            printf("%-15s | %9s | %9s | %9s | %9s\n", "Process stage", "Min", "Max", "Avg", "Median");
            for (int j = 0; j < 3; j++)
                printf("%-15s | %9.1f | %9.1f | %9.1f | %9.1f\n", names[j], st[j].min, st[j].max,
                       st[j].avg, st[j].median);
        }
    }
    free(t);
    mdl_kws_free(&k);
    mdl_model_free(&m);
    return rc;
}
