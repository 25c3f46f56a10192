/* bench_micro.c: microseconds for the micro frontend to compute the 49 x 40
 * features of 1 s of 16 kHz audio (init excluded, state reset each run), on
 * one core; median over many runs, on the portable loops and on the AVX2 ones
 * (where the machine has them) in interleaved rounds of the same run, the
 * AVX2 figure as a ratio against the portable one (> 1 = faster). Target:
 * under 100 us. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dsp.h"

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    enum { N = 16000, RUNS = 2001 };
    static int16_t x[N];
    static uint16_t out[49 * 40];
    static struct dsp_micro_state st;
    uint32_t seed = 1;
    for (int i = 0; i < N; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (int16_t)(6000.0 * sin(2 * M_PI * 440.0 * i / 16000.0) +
                         (int)((seed >> 16) & 0x7FF) - 1024);
    }
    struct dsp_micro_config cfg = dsp_micro_config_default();
    char err[256];
    if (dsp_micro_init(&st, &cfg, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "bench_micro: %s\n", err);
        return 1;
    }
    unsigned sink = 0;
    enum { ROUNDS = 7, PER = RUNS / ROUNDS };
    static double tp[2][RUNS];
    int np[2] = { 0, 0 };
    bool fast = dsp_micro_simd_supported();
    for (int round = 0; round < ROUNDS; round++)
        for (int path = 0; path <= (int)fast; path++) {
            dsp_micro_simd_set(path == 1);
            for (int r = 0; r < PER; r++) {
                dsp_micro_reset(&st);
                double t0 = now_us();
                size_t f = dsp_micro_feed(&st, x, N, NULL, out, 49);
                tp[path][np[path]++] = now_us() - t0;
                sink += out[r % (49 * 40)] + (unsigned)f;
            }
        }
    double base = 0;
    for (int path = 0; path <= (int)fast; path++) {
        double *t = tp[path];
        int n = np[path];
        qsort(t, (size_t)n, sizeof *t, cmp);
        if (path == 0) base = t[n / 2];
        printf("micro frontend, 1 s of audio -> 49x40 u16, %-8s: median %6.1f us, min %6.1f us, "
               "p90 %6.1f us (%d runs; %.0fx realtime); ratio vs portable %.2fx%s [%u]\n",
               path ? "avx2" : "portable", t[n / 2], t[0], t[n * 9 / 10], n, 1e6 / t[n / 2],
               base / t[n / 2], path == (int)fast ? "; target < 100 us" : "", sink & 1);
    }
    dsp_micro_simd_set(fast);
    return 0;
}
