/* micro_fft_plan.c: the plan of the fixed-point real FFT (micro_fft.c),
 * made once per frontend: the radix of each stage (kissfft's factoring), the
 * Q15 twiddles, the per-stage copies the o-major stages read, and the split
 * step's twiddles in the order its two loops read them. This is the FFT's
 * only floating point; the transform itself is integer only. */
#include <math.h>

#include "micro_internal.h"

static struct dsp_micro_cpx cexp_q15(double phase)
{
    struct dsp_micro_cpx c = { (int16_t)floor(0.5 + 32767.0 * cos(phase)),
                               (int16_t)floor(0.5 + 32767.0 * sin(phase)) };
    return c;
}

enum kws_status micro_fft_init(struct dsp_micro_state *st, char *err, size_t err_len)
{
    const double pi = 3.14159265358979323846;
    int n = st->cfft_size;
    if (n < 4 || n > DSP_MICRO_MAX_CFFT || (n & (n - 1)))
        return kws_err(err, err_len, KWS_ERR_ARG,
                       "micro FFT size %d unsupported (power of two, 8..%d)", st->fft_size,
                       DSP_MICRO_MAX_FFT);
    /* factor as kissfft does: 4s first (outermost), then a 2 */
    int outer[8], nf = 0;
    for (int r = n; r > 1;) {
        int p = (r % 4 == 0) ? 4 : 2;
        outer[nf++] = p;
        r /= p;
    }
    st->num_stages = nf;
    for (int s = 0; s < nf; s++) st->radix[s] = (uint8_t)outer[nf - 1 - s];
    for (int i = 0; i < n; i++) st->twiddle[i] = cexp_q15(-2.0 * pi * (double)i / (double)n);
    /* per-stage twiddles of the o-major stages, in the order the FFT uses
     * them; their total is sum (p - 1) m over those stages < n */
    int m = 1, off = 0;
    for (int s = 0; s < nf; s++) {
        int p = st->radix[s], L = n / (p * m);
        if (!micro_fft_stage_k_major(m, L)) {
            for (int q = 1; q < p; q++)
                for (int k = 0; k < m; k++, off++) {
                    st->stage_tw_r[off] = st->twiddle[q * k * L].r;
                    st->stage_tw_i[off] = st->twiddle[q * k * L].i;
                }
        }
        m *= p;
    }
    st->split_tw_r[0] = st->split_tw_i[0] = 0;
    for (int k = 1; k <= n / 2; k++) {
        struct dsp_micro_cpx c = cexp_q15(-pi * ((double)k / (double)n + 0.5));
        st->split_tw_r[k] = c.r;
        st->split_tw_i[k] = c.i;
    }
    /* the same, for the high bins b = n/2 + j (k = n/2 - j) */
    for (int j = 0; j < n / 2; j++) {
        st->split_twh_r[j] = st->split_tw_r[n / 2 - j];
        st->split_twh_i[j] = st->split_tw_i[n / 2 - j];
    }
    return KWS_OK;
}
