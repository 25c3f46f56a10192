/* micro_log.c: the micro frontend's fixed-point natural log, scaled.
 *
 * log2 from the bit length plus a 129-entry correction table for the 16-bit
 * fraction (L[i] = round(65536 (log2(1 + i/128) - i/128))), then ln = log2 *
 * 45426 / 65536 (45426 = round(65536 ln 2)), then scaled by 2^scale_shift /
 * 65536, capped at 65535, as TFLM's log scale does. */
#include <math.h>

#include "micro_internal.h"

void micro_log_init(struct dsp_micro_state *st)
{
    for (int i = 0; i <= 128; i++) {
        double x = (double)i / 128.0;
        st->log_lut[i] = (uint16_t)lround(65536.0 * (log2(1.0 + x) - x));
    }
}

uint32_t micro_log_value(const uint16_t *lut, uint32_t value, int scale_shift)
{
    if (value <= 1) return 0;
    int n = micro_msb32(value) - 1;
    int32_t frac = (int32_t)(value - ((uint32_t)1 << n));
    /* frac << (16 - n) or frac >> (n - 16), without a data-dependent branch */
    frac = (int32_t)(((uint64_t)(uint32_t)frac << 16) >> n);
    int seg = frac >> 9;
    int32_t c0 = lut[seg], c1 = lut[seg + 1];
    int32_t rel = ((c1 - c0) * (frac - 512 * seg)) >> 16;
    uint32_t log2v = ((uint32_t)n << 16) + (uint32_t)(frac + c0 + rel);
    uint32_t ln = (uint32_t)(((uint64_t)45426 * log2v + 32768) >> 16);
    return ((ln << scale_shift) + 32768) >> 16;
}

void micro_log_apply(const struct dsp_micro_state *st, uint16_t *out)
{
    int cb = st->log_correction_bits;
    for (int i = 0; i < st->cfg.num_channels; i++) {
        uint32_t v = st->signal[i];
        if (st->cfg.log_enable) {
            v = cb < 0 ? v >> -cb : v << cb;
            v = micro_log_value(st->log_lut, v, st->cfg.log_scale_shift);
        }
        out[i] = (uint16_t)(v < 65535 ? v : 65535);
    }
}
