/* fft_plans.c: the FFTW plan cache. FFTW's planner is not thread-safe and
 * planning repeatedly would dominate short analyses, so each FFT size is
 * planned once (FFTW_ESTIMATE) under a lock and the plan is reused by every
 * STFT of that size; fftwf_execute_dft_r2c is thread-safe on distinct arrays.
 * ESTIMATE rather than MEASURE: MEASURE was ~15% faster here but picks its
 * algorithm by timing, so results could differ in the last bits from run to
 * run, and golden outputs downstream must not. */
#include <pthread.h>

#include "dsp_float.h"

#define PLAN_CACHE_SIZE 16 /* distinct n_fft values in one process: a handful */

static struct {
    int n;
    fftwf_plan plan;
} cache[PLAN_CACHE_SIZE];
static int cache_used;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

fftwf_plan dsp_fft_plan_r2c(int n)
{
    fftwf_plan p = NULL;
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < cache_used; i++)
        if (cache[i].n == n) {
            p = cache[i].plan;
            break;
        }
    if (!p && cache_used < PLAN_CACHE_SIZE) {
        float *in = fftwf_malloc(sizeof *in * (size_t)n);
        fftwf_complex *out = fftwf_malloc(sizeof *out * ((size_t)n / 2 + 1));
        if (in && out) p = fftwf_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE);
        fftwf_free(in);
        fftwf_free(out);
        if (p) {
            cache[cache_used].n = n;
            cache[cache_used].plan = p;
            cache_used++;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return p;
}
