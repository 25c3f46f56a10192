/* micro_pcan.c: per-channel amplitude normalisation (PCAN) gain control.
 *
 * gain(x) = 2^gain_bits * (x / 2^input_bits + offset)^-strength for the noise
 * estimate x, approximated by a table (exact at x = 0, 1, 2; a quadratic in
 * the 10 bits below the top bit on each power-of-two interval), then a soft
 * "shrink" of the gained signal. Table and lookup follow the conformance
 * README, "PCAN gain control"; the table uses single precision like TFLM. */
#include <math.h>

#include "micro_internal.h"

#define PCAN_SNR_BITS 12
#define PCAN_OUTPUT_BITS 6

static int input_bits(const struct dsp_micro_state *st)
{
    return st->cfg.smoothing_bits - st->log_correction_bits;
}

static int16_t gain_function(const struct dsp_micro_state *st, uint32_t x)
{
    float xf = (float)x / (float)((uint32_t)1 << input_bits(st));
    float g = (float)((uint32_t)1 << st->cfg.pcan_gain_bits) *
        powf(xf + st->cfg.pcan_offset, -st->cfg.pcan_strength);
    if (g > 32767.0f) return 32767;
    return (int16_t)(g + 0.5f);
}

void micro_pcan_init(struct dsp_micro_state *st)
{
    int16_t *lut = st->gain_lut;
    for (size_t i = 0; i < sizeof st->gain_lut / sizeof *lut; i++) lut[i] = 0;
    st->pcan_snr_shift = st->cfg.pcan_gain_bits - st->log_correction_bits - PCAN_SNR_BITS;
    lut[0] = gain_function(st, 0);
    lut[1] = gain_function(st, 1);
    for (int v = 2; v <= 32; v++) {
        uint32_t x0 = (uint32_t)1 << (v - 1);
        uint32_t x1 = x0 + (x0 >> 1);
        uint32_t x2 = v == 32 ? x0 + (x0 - 1) : 2 * x0;
        int32_t y0 = gain_function(st, x0);
        int32_t d1 = gain_function(st, x1) - y0, d2 = gain_function(st, x2) - y0;
        int32_t a1 = 4 * d1 - d2, a2 = d2 - a1;
        lut[4 * v - 6] = (int16_t)y0;
        lut[4 * v - 5] = (int16_t)a1;
        lut[4 * v - 4] = (int16_t)a2;
    }
}

int16_t micro_pcan_gain(const int16_t *lut, uint32_t x)
{
    if (x <= 2) return lut[x];
    int v = micro_msb32(x);
    const int16_t *l = lut + 4 * v - 6;
    /* the 10 bits below the top bit: x << (11 - v) or x >> (v - 11), as one
     * shift of a 64-bit value (no data-dependent branch) */
    int32_t frac = (int32_t)((((uint64_t)x << 11) >> v) & 0x3FF);
    int32_t r = (l[2] * frac) >> 5;
    r += (int32_t)((uint32_t)(int32_t)l[1] << 5);
    r *= frac;
    r = (r + 16384) >> 15;
    return micro_wrap16(r + l[0]);
}

void micro_pcan_apply(struct dsp_micro_state *st)
{
    for (int i = 0; i < st->cfg.num_channels; i++) {
        uint32_t gain = (uint32_t)(int32_t)micro_pcan_gain(st->gain_lut, st->estimate[i]);
        uint32_t snr = (uint32_t)(((uint64_t)st->signal[i] * gain) >> st->pcan_snr_shift);
        if (snr < (2u << PCAN_SNR_BITS))
            st->signal[i] = (snr * snr) >> (2 + 2 * PCAN_SNR_BITS - PCAN_OUTPUT_BITS);
        else
            st->signal[i] = (snr >> (PCAN_SNR_BITS - PCAN_OUTPUT_BITS)) - (1u << PCAN_OUTPUT_BITS);
    }
}
