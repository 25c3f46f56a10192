/* cmd_bench.c: `kwscope bench [--model M] [--json] [--runs N]`: host timing of
 * the keyword pipeline's stages over N runs (default 200) on 1 s of audio
 * (assets/demo.wav's first second when present, else a fixed pseudo-random
 * signal): preprocessing (micro frontend over 1 s -> 49 x 40 features),
 * inference (one invoke), post-processing (one detector step). Prints the
 * on-device profiling table shape, Process stage | Min | Max | Avg | Median,
 * in µs; --json prints one object with timings_us per stage.
 * `--target m4 [--ref]` runs the same second on the emulated Cortex-M4F
 * (dev_emu_bench; N runs, default 10) and prints the course's table, stage |
 * min | max | avg in estimated 64 MHz M4 ms, with the executed instructions,
 * the host's average and the ratio of the two.
 * Exit status: 0 done, 1 runtime error, 2 usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/capture.h"
#include "cli.h"
#include "device/device.h"
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

static const char *const stage_names[3] = { "preprocess", "inference", "postprocess" };

static void print_m4_json(const char *path, const struct dev_emu_bench *b, int ref,
                          const struct stats host[3])
{
    printf("{\"model\": ");
    cli_json_str(path);
    printf(", \"target\": \"m4\", \"image\": \"%s\", \"clock_mhz\": 64, \"runs\": %d, "
           "\"stages\": {",
           ref ? "reference" : "kwscope", b->runs);
    for (int j = 0; j < 3; j++) {
        const struct dev_emu_stage *s = &b->stage[j];
        double ratio = host[j].avg > 0 ? s->avg_ms * 1000.0 / host[j].avg : 0;
        printf("%s\"%s\": {\"min_ms\": %.3f, \"max_ms\": %.3f, \"avg_ms\": %.3f, "
               "\"instructions\": {\"min\": %u, \"max\": %u, \"avg\": %.0f}, "
               "\"host_avg_ms\": %.4f, \"ratio\": %.1f}",
               j ? ", " : "", stage_names[j], s->min_ms, s->max_ms, s->avg_ms,
               (unsigned)s->min_instr, (unsigned)s->max_instr, s->avg_instr, host[j].avg / 1000.0,
               ratio);
    }
    printf("}, \"memory\": {\"stack_used\": %u, \"stack_bytes\": %u, \"heap_used\": %u, "
           "\"arena_bytes\": %u, \"image_flash\": %u, \"image_ram\": %u}, "
           "\"ready_s\": %.2f, \"runs_s\": %.2f}\n",
           (unsigned)b->info.stack_used, (unsigned)b->info.stack_bytes, (unsigned)b->info.heap_used,
           (unsigned)b->info.arena_bytes, (unsigned)b->image_flash, (unsigned)b->image_ram,
           b->ready_s, b->runs_s);
}

static void print_m4(const char *path, const struct dev_emu_bench *b, int ref,
                     const struct stats host[3])
{
    printf("model %s on the emulated Cortex-M4F (%s kernels), %d runs, 1 s of audio\n", path,
           ref ? "reference-loop" : "kwscope", b->runs);
    printf("M4 est.: executed instructions x cycles per instruction / 64 MHz "
           "(device/firmware/README-emu.md)\n");
    printf("%-13s | %8s | %8s | %8s | %12s | %10s | %7s\n", "Process stage", "Min ms", "Max ms",
           "Avg ms", "instructions", "host ms", "M4/host");
    for (int j = 0; j < 3; j++) {
        const struct dev_emu_stage *s = &b->stage[j];
        printf("%-13s | %8.2f | %8.2f | %8.2f | %12.0f | %10.4f | %6.0fx\n", stage_names[j],
               s->min_ms, s->max_ms, s->avg_ms, s->avg_instr, host[j].avg / 1000.0,
               host[j].avg > 0 ? s->avg_ms * 1000.0 / host[j].avg : 0);
    }
    printf("memory: stack high-water %u of %u B, heap %u B, arena %u B; image flash %u B, "
           "static RAM %u B\n",
           (unsigned)b->info.stack_used, (unsigned)b->info.stack_bytes, (unsigned)b->info.heap_used,
           (unsigned)b->info.arena_bytes, (unsigned)b->image_flash, (unsigned)b->image_ram);
    printf("emulator: ready in %.2f s, %d runs in %.2f s (the second preloaded, not pushed)\n",
           b->ready_s, b->runs, b->runs_s);
}

/* The emulated board's figures beside the host's (200 runs). 0, or 1. */
static int bench_m4(const char *path, struct mdl_kws *k, const int16_t *audio, int runs, int ref,
                    bool json)
{
    double *t = malloc(3 * 200 * sizeof *t);
    if (!t || time_runs(k, audio, 200, t)) {
        if (!t) fprintf(stderr, "kwscope bench: out of memory\n");
        free(t);
        return 1;
    }
    struct stats host[3];
    for (int j = 0; j < 3; j++) host[j] = summarise(t + (size_t)j * 200, 200);
    free(t);
    cli_log_quiet();
    struct dev_emu_bench_config c = { 0 };
    c.model_path = path; /* the host's model, loaded into the board's flash slot */
    c.reference = ref;
    c.audio = audio;
    c.n = KWS_CLIP_SAMPLES;
    c.runs = runs;
    static struct dev_emu_bench b;
    char err[512];
    if (dev_emu_bench(&c, &b, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope bench: %s\n", err);
        return 1;
    }
    if (json)
        print_m4_json(path, &b, ref, host);
    else
        print_m4(path, &b, ref, host);
    return 0;
}

int cli_cmd_bench(int argc, char **argv)
{
    const char *model_arg = NULL;
    bool json = false;
    long runs = 0;
    int m4 = 0, ref = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--") && i == argc - 1) { /* the end of options; no operands */
            break;
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--model") && i + 1 < argc) {
            model_arg = argv[++i];
        } else if (!strcmp(argv[i], "--target") && i + 1 < argc) {
            if (strcmp(argv[++i], "m4") && strcmp(argv[i], "host")) {
                fprintf(stderr, "kwscope bench: --target is host or m4, not '%s'\n", argv[i]);
                return 2;
            }
            m4 = !strcmp(argv[i], "m4");
        } else if (!strcmp(argv[i], "--ref")) {
            ref = 1;
        } else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
            if (cli_int_option("kwscope bench", "--runs", argv[++i], 1, 1000000, &runs)) return 2;
        } else {
            cli_usage(stderr, "bench", NULL);
            return 2;
        }
    }
    if (ref && !m4) {
        fprintf(stderr, "kwscope bench: --ref needs --target m4\n");
        return 2;
    }
    if (!runs) runs = m4 ? 10 : 200;
    if (m4 && runs > 1000) {
        fprintf(stderr, "kwscope bench: --runs with --target m4 is at most 1000\n");
        return 2;
    }
    char path[4096];
    struct mdl_model m;
    static struct mdl_kws k;
    if (cli_open_kws("kwscope bench", model_arg, &m, &k, path, sizeof path)) return 1;
    static int16_t audio[KWS_CLIP_SAMPLES];
    bench_audio(audio);
    int rc;
    if (m4) {
        rc = bench_m4(path, &k, audio, (int)runs, ref, json);
    } else {
        double *t = malloc(3 * (size_t)runs * sizeof *t);
        rc = t ? time_runs(&k, audio, (int)runs, t) : 1;
        if (!t) fprintf(stderr, "kwscope bench: out of memory\n");
        if (!rc) print_stats(path, (int)runs, t, json);
        free(t);
    }
    mdl_kws_free(&k);
    mdl_model_free(&m);
    return rc;
}
