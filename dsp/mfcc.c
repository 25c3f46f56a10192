/* mfcc.c: power to dB and the orthonormal DCT-II that turns log-mel bands
 * into cepstral coefficients.
 *
 * dB: 10*log10(max(p, 1e-10)), torchaudio's AmplitudeToDB(stype="power")
 * with amin 1e-10, ref 1 and top_db disabled.
 * DCT-II, orthonormal (torchaudio.functional.create_dct(norm="ortho")):
 *   out[k] = s_k * sum_n in[n] cos(pi/N (n + 1/2) k),
 *   s_0 = sqrt(1/N), s_k = sqrt(2/N) for k > 0. */
#include <math.h>
#include <stdlib.h>

#include "dsp.h"

#define DSP_DB_FLOOR_POWER 1e-10f /* torchaudio AmplitudeToDB amin */

/* 10*log10(p) as (10/ln 10) * ln(p): glibc's logf is about 4x faster than
 * log10f, and the extra rounding (~1 ulp) is far below the 1e-3 dB we hold
 * ourselves to against torchaudio. */
#define DSP_DB_PER_NEPER 4.342944819032518f /* 10 / ln(10) */

void dsp_power_to_db(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = DSP_DB_PER_NEPER * logf(x[i] > DSP_DB_FLOOR_POWER ? x[i] : DSP_DB_FLOOR_POWER);
}

static double dct_coef(size_t k, size_t n, size_t n_in)
{
    double s = k == 0 ? sqrt(1.0 / (double)n_in) : sqrt(2.0 / (double)n_in);
    return s * cos(M_PI / (double)n_in * ((double)n + 0.5) * (double)k);
}

void dsp_dct_ortho(const float *in, size_t n_in, float *out, size_t n_out)
{
    for (size_t k = 0; k < n_out; k++) {
        double acc = 0.0;
        for (size_t n = 0; n < n_in; n++) acc += dct_coef(k, n, n_in) * in[n];
        out[k] = (float)acc;
    }
}

float *dsp_dct_matrix(size_t n_in, size_t n_out)
{
    float *t = malloc(sizeof *t * n_in * n_out);
    if (!t) return NULL;
    for (size_t k = 0; k < n_out; k++)
        for (size_t n = 0; n < n_in; n++) t[k * n_in + n] = (float)dct_coef(k, n, n_in);
    return t;
}
