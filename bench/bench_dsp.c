/* bench_dsp.c: cost of the float analysis per second of audio.
 *
 * For spectrogram, mel and MFCC (defaults: n_fft 512, win 480, hop 160, 40
 * mels, 13 MFCC) over 1 s and 60 s of noise plus a tone: the median wall time
 * of repeated whole-clip runs on one thread, printed as microseconds per
 * second of audio and as the realtime factor (audio seconds / compute
 * seconds). Also the streaming STFT fed 10 ms chunks. The aim: MFCC of 60 s
 * in under 10 ms (6000x realtime). Prints only; never fails on time. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dsp.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void report(const char *what, double seconds_audio, double t_s, int runs)
{
    printf("%-12s %4.0f s audio: median %9.3f ms  %8.1f us per audio second  %9.0fx realtime"
           "  (%d runs)\n",
           what, seconds_audio, t_s * 1e3, t_s * 1e6 / seconds_audio, seconds_audio / t_s, runs);
}

int main(void)
{
    struct dsp_analysis_config cfg = dsp_analysis_config_default();
    static const int secs[] = { 1, 60 };
    static const struct {
        const char *name;
        enum dsp_kind kind;
    } kinds[] = { { "spectrogram", DSP_KIND_SPECTROGRAM },
                  { "mel", DSP_KIND_MEL },
                  { "mfcc", DSP_KIND_MFCC } };
    size_t nmax = 60 * 16000;
    int16_t *x = malloc(sizeof *x * nmax);
    uint32_t s = 1;
    for (size_t i = 0; i < nmax; i++) {
        s = s * 1664525u + 1013904223u;
        double noise = ((double)(s >> 16) / 65536.0 - 0.5) * 0.1;
        x[i] =
            (int16_t)lrint(32767.0 * (0.3 * sin(2 * M_PI * 440.0 * (double)i / 16000.0) + noise));
    }
    char err[256];
    printf("dsp float analysis, one thread, defaults (n_fft 512, win 480, hop 160, 40 mels, 13 "
           "MFCC)\n");
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (size_t j = 0; j < sizeof secs / sizeof secs[0]; j++) {
            size_t n = (size_t)secs[j] * 16000;
            int runs = secs[j] == 1 ? 201 : 21;
            double t[201];
            for (int r = -2; r < runs; r++) { /* 2 warm-up runs (plan cache, page faults) */
                struct dsp_matrix m = { 0 };
                double t0 = now_s();
                if (dsp_analyze(&cfg, kinds[k].kind, x, n, &m, err, sizeof err) != KWS_OK) {
                    fprintf(stderr, "bench_dsp: %s\n", err);
                    return 1;
                }
                double dt = now_s() - t0;
                if (r >= 0) t[r] = dt;
                dsp_matrix_free(&m);
            }
            report(kinds[k].name, secs[j], median(t, runs), runs);
        }
    /* Streaming STFT, 160-sample (10 ms) chunks, as the live views feed it. */
    struct dsp_stft *st = NULL;
    if (dsp_stft_init(&st, &cfg.stft) != KWS_OK) return 1;
    float frames[4 * 257];
    double t[21];
    for (int r = -1; r < 21; r++) {
        dsp_stft_reset(st);
        double t0 = now_s();
        for (size_t pos = 0; pos + 160 <= nmax; pos += 160)
            dsp_stft_feed(st, x + pos, 160, frames, 4);
        if (r >= 0) t[r] = now_s() - t0;
    }
    report("stft-stream", 60, median(t, 21), 21);
    dsp_stft_free(st);
    free(x);
    return 0;
}
