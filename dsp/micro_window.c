/* micro_window.c: the micro frontend's Hann window in Q12.
 *
 * Coefficients are floor(4096 * (0.5 - 0.5 cos(2 pi (i + 0.5) / N)) + 0.5) in
 * double precision: TFLM evaluates it in single precision, which on x86-64
 * gives 54 instead of 53 at index 17 and breaks agreement with every upstream
 * golden file (conformance README, "Window"). */
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
 * -32768, which the reference negates in int16 to itself. Branch-free, and
 * the loop is split into a multiple of 8 and a rest so that it vectorises. */
static inline int window_one(const int16_t *restrict x, const int16_t *restrict w,
                             int16_t *restrict out, int i, int max_abs)
{
    int32_t v = ((int32_t)x[i] * w[i]) >> 12;
    out[i] = (int16_t)v; /* |v| <= 32768; only -32768 * 4096 reaches it */
    int32_t a = v < 0 ? -v : v;
    a = a > 32767 ? 0 : a;
    return a > max_abs ? a : max_abs;
}

int micro_window_apply(const struct dsp_micro_state *st, int16_t *out)
{
    int max_abs = 0, n = st->window_size, i = 0;
    for (; i < (n & ~7); i++)
        max_abs = window_one(st->input, st->window_q12, out, i, max_abs);
    for (; i < n; i++)
        max_abs = window_one(st->input, st->window_q12, out, i, max_abs);
    return max_abs;
}
