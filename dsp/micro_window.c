/* micro_window.c: the micro frontend's Hann window in Q12.
 *
 * Coefficients are floor(4096 * (0.5 - 0.5 cos(2 pi (i + 0.5) / N)) + 0.5) in
 * double precision: TFLM evaluates it in single precision, which on x86-64
 * gives 54 instead of 53 at index 17 and breaks agreement with every upstream
 * golden file. */
#include <math.h>

#include "micro_internal.h"

void micro_window_init(struct dsp_micro_state *st)
{
    const double pi = 3.14159265358979323846;
    double arg = 2.0 * pi / (double)st->window_size;
    for (int i = 0; i < st->window_size; i++) {
        double v = 0.5 - 0.5 * cos(arg * ((double)i + 0.5));
        st->window_q12[i] = (int16_t)floor(v * 4096.0 + 0.5);
    }
}

/* Windowed sample = (sample * coefficient) >> 12 (arithmetic shift; the
 * product fits in int16 because coefficients are <= 4096). max_abs ignores a
 * -32768, which the reference negates in int16 to itself: here too the
 * int16 negation of -32768 is -32768, which never beats the running
 * maximum (>= 0). All of it in int16 and branch-free so that it vectorises
 * (a 16-bit max reduction); blocks of 8 and a rest, as in micro_fft.c. */
MICRO_INLINE int16_t window_one(const int16_t *restrict x, const int16_t *restrict w,
                                int16_t *restrict out, int i, int16_t max_abs)
{
    /* |v| <= 32768; only -32768 * 4096 reaches it, and stays -32768 */
    int16_t v = (int16_t)(((int32_t)x[i] * w[i]) >> 12);
    out[i] = v;
    int16_t a = v < 0 ? (int16_t)-v : v;
    return a > max_abs ? a : max_abs;
}

MICRO_NOINLINE int window_run(const int16_t *restrict x, const int16_t *restrict w,
                              int16_t *restrict out, int n)
{
#if MICRO_M4_DSP
    return micro_m4_window(x, w, out, n);
#endif
    int16_t max_abs = 0;
    int i = 0;
    for (; MICRO_BLOCKS && i + 8 <= n; i += 8)
        for (int u = 0; u < 8; u++) max_abs = window_one(x, w, out, i + u, max_abs);
    for (; i < n; i++) max_abs = window_one(x, w, out, i, max_abs);
    return max_abs;
}

int micro_window_apply(const struct dsp_micro_state *st, int16_t *out)
{
#if MICRO_X86
    if (micro_simd()) return micro_x86_window(st->input, st->window_q12, out, st->window_size);
#endif
    return window_run(st->input, st->window_q12, out, st->window_size);
}
