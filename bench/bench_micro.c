/* bench_micro.c: microseconds for the micro frontend to compute the 49 x 40
 * features of 1 s of 16 kHz audio (init excluded, state reset each run), on
 * one core; median over many runs. Target: under 100 us (issue 5). */
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
    static double t[RUNS];
    static struct dsp_micro_state st;
    uint32_t seed = 1;
    for (int i = 0; i < N; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (int16_t)(6000.0 * sin(2 * M_PI * 440.0 * i / 16000.0) + (int)((seed >> 16) & 0x7FF) - 1024);
    }
    struct dsp_micro_config cfg = dsp_micro_config_default();
    char err[256];
    if (dsp_micro_init(&st, &cfg, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "bench_micro: %s\n", err);
        return 1;
    }
    unsigned sink = 0;
    for (int r = 0; r < RUNS; r++) {
        dsp_micro_reset(&st);
        double t0 = now_us();
        size_t f = dsp_micro_feed(&st, x, N, NULL, out, 49);
        t[r] = now_us() - t0;
        sink += out[r % (49 * 40)] + (unsigned)f;
    }
    qsort(t, RUNS, sizeof *t, cmp);
    printf("micro frontend, 1 s of audio -> 49x40 u16: median %.1f us, min %.1f us, p90 %.1f us "
           "(%d runs; %.0fx realtime; target < 100 us) [%u]\n",
           t[RUNS / 2], t[0], t[RUNS * 9 / 10], RUNS, 1e6 / t[RUNS / 2], sink & 1);
    return 0;
}
