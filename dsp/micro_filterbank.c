/* micro_filterbank.c: the micro frontend's mel filterbank.
 *
 * Init (float, as TFLM's filterbank_util does it): num_channels + 1 mel band
 * edges between lower_hz and upper_hz; each FFT bin from start_bin on joins
 * the first segment whose upper edge is >= its mel value, with a Q12 weight
 * (distance to that upper edge) and a separately rounded Q12 unweight.
 * Per frame (integer): channel i = sum of weight * energy over segment i+1 +
 * unweight * energy over segment i in 64 bits, then a rounded square root
 * shifted right by the FFT's input shift. */
#include <math.h>

#include "micro_internal.h"

/* mel(f) = 1127 ln(1 + f/700) in single precision (conformance README); the
 * double-precision version moves three Q12 weights (bins 149, 221, 225) by
 * one against frontend_tables.json. */
static float freq_to_mel(float f)
{
    return 1127.0f * log1pf(f / 700.0f);
}

enum kws_status micro_filterbank_init(struct dsp_micro_state *st, char *err, size_t err_len)
{
    const struct dsp_micro_config *c = &st->cfg;
    int nch1 = c->num_channels + 1, spectrum = st->fft_size / 2 + 1;
    float edges[DSP_MICRO_MAX_CHANNELS + 1];
    float mel_low = freq_to_mel(c->lower_hz), mel_hi = freq_to_mel(c->upper_hz);
    float spacing = (mel_hi - mel_low) / (float)nch1;
    for (int i = 0; i < nch1; i++)
        edges[i] = mel_low + spacing * (float)(i + 1);
    float hz_per_bin = (float)(0.5 * c->rate_hz / ((float)spectrum - 1));
    st->start_bin = (int)(1.5 + c->lower_hz / hz_per_bin);
    if (st->start_bin < 1 || st->start_bin >= spectrum)
        return kws_err(err, err_len, KWS_ERR_ARG, "micro filterbank: lower edge %g Hz out of range",
                       (double)c->lower_hz);
    int b = st->start_bin;
    for (int s = 0; s < nch1; s++) {
        float denom = s == 0 ? mel_low : edges[s - 1];
        for (; b < spectrum; b++) {
            float mel = freq_to_mel((float)b * hz_per_bin);
            if (!(mel <= edges[s]))
                break;
            float w = (edges[s] - mel) / (edges[s] - denom);
            st->seg[b] = (uint8_t)s;
            st->weight_q12[b] = (int16_t)floor(w * 4096.0f + 0.5);
            st->unweight_q12[b] = (int16_t)floor((1 - w) * 4096.0f + 0.5);
        }
    }
    st->end_bin = b;
    return KWS_OK;
}

/* Rounded square root: r = floor(sqrt(n)), +1 when n - r^2 > r, without going
 * past 0xFFFF for n < 2^32 or 0xFFFFFFFF above (the reference's caps). */
uint32_t micro_sqrt64_round(uint64_t n)
{
    uint64_t rem = n, res = 0;
    if (n == 0)
        return 0;
    /* start at the highest even bit position <= the top bit of n */
    int top = (n >> 32) ? 32 + micro_msb32((uint32_t)(n >> 32)) - 1 : micro_msb32((uint32_t)n) - 1;
    uint64_t bit = (uint64_t)1 << (top & ~1);
    while (bit) {
        if (rem >= res + bit) {
            rem -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    /* here rem = n - res^2 */
    uint64_t cap = (n >> 32) ? 0xFFFFFFFFu : 0xFFFFu;
    if (rem > res && res != cap)
        res++;
    return (uint32_t)res;
}

void micro_filterbank_apply(struct dsp_micro_state *st, int input_shift)
{
    int nch = st->cfg.num_channels;
    uint64_t *work = st->work;
    for (int i = 0; i < nch + 2; i++)
        work[i] = 0;
    for (int b = st->start_bin; b < st->end_bin; b++) {
        uint32_t re = (uint32_t)(int32_t)st->fft_out[b].r, im = (uint32_t)(int32_t)st->fft_out[b].i;
        uint32_t e = re * re + im * im; /* mod 2^32 == the true value, < 2^31 + 1 */
        /* the reference keeps energy in an int32 and widens it with sign
         * extension: only 2^31 (both parts -32768) is affected */
        uint64_t e64 = (e & 0x80000000u) ? (uint64_t)e | 0xFFFFFFFF00000000u : e;
        int s = st->seg[b];
        work[s] += (uint64_t)st->weight_q12[b] * e64;
        work[s + 1] += (uint64_t)st->unweight_q12[b] * e64;
    }
    for (int i = 0; i < nch; i++)
        st->signal[i] = micro_sqrt64_round(work[i + 1]) >> input_shift;
}
