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

/* mel(f) = 1127 ln(1 + f/700) in single precision, as TFLM computes it; the
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
    for (int i = 0; i < nch1; i++) edges[i] = mel_low + spacing * (float)(i + 1);
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
            if (!(mel <= edges[s])) break;
            float w = (edges[s] - mel) / (edges[s] - denom);
            st->seg[b] = (uint8_t)s;
            st->weight_q12[b] = (int16_t)floor(w * 4096.0f + 0.5);
            st->unweight_q12[b] = (int16_t)floor((1 - w) * 4096.0f + 0.5);
        }
    }
    st->end_bin = b;
    /* segment boundaries, so the per-frame sums run over contiguous bins */
    for (int i = 0, bb = st->start_bin; i <= nch1; i++) {
        while (bb < st->end_bin && st->seg[bb] < i) bb++;
        st->seg_start[i] = (uint16_t)bb;
    }
    return KWS_OK;
}

/* Seed for the square root: round(4096 sqrt(i)), i = 16..64, so that
 * sqrt(x) for x in [2^62, 2^64) is about 2^17 times the table interpolated
 * at x / 2^58. Linear interpolation is good to ~2^-13 relative; one Newton
 * step then gives ~2^-27, and an exact correction follows, so the table's
 * accuracy only decides speed, never the result. */
static const uint16_t sqrt_seed_q12[49] = {
    16384, 16888, 17378, 17854, 18318, 18770, 19212, 19644, 20066, 20480, 20886, 21283, 21674,
    22058, 22435, 22806, 23170, 23530, 23884, 24232, 24576, 24915, 25249, 25580, 25905, 26227,
    26545, 26859, 27170, 27477, 27780, 28081, 28378, 28672, 28963, 29251, 29537, 29819, 30099,
    30377, 30652, 30924, 31194, 31462, 31727, 31991, 32252, 32511, 32768,
};

/* Rounded square root: r = floor(sqrt(n)), +1 when n - r^2 > r, without going
 * past 0xFFFF for n < 2^32 or 0xFFFFFFFF above (the reference's caps; the
 * reference finds r bit by bit, which is slow and branchy). Here r comes from
 * a table seed and one Newton step r1 = (r0 + n / r0) / 2, which is never
 * below floor(sqrt(n)) (AM-GM, and flooring keeps it so), then is lowered
 * while r1^2 > n: exact for every n. */
uint32_t micro_sqrt64_round(uint64_t n)
{
    if (n == 0) return 0;
    int hi = (int)(n >> 32) ? micro_msb32((uint32_t)(n >> 32)) + 32 : micro_msb32((uint32_t)n);
    int z = (64 - hi) & ~1; /* even, so that sqrt scales by 2^(z/2) */
    uint64_t x = n << z;    /* in [2^62, 2^64) */
    uint32_t i = (uint32_t)(x >> 58), f = (uint32_t)(x >> 42) & 0xFFFF;
    uint32_t s = sqrt_seed_q12[i - 16] +
        (((uint32_t)(sqrt_seed_q12[i - 15] - sqrt_seed_q12[i - 16]) * f) >> 16);
    int sh = 17 - z / 2; /* sqrt(n) ~ s 2^sh; s >= 2^14 and sh >= -14, so r0 >= 1 */
    uint64_t r;
    if ((n >> 32) == 0) {
        uint32_t r0 = sh >= 0 ? s << sh : s >> -sh; /* <= 2^16 + small */
        r = (r0 + (uint32_t)n / r0) >> 1;
    } else {
        uint64_t r0 = (uint64_t)s << sh; /* sh > 0 here */
        r = (r0 + n / r0) >> 1;
    }
    if (r > 0xFFFFFFFFu) r = 0xFFFFFFFFu;
    while (r * r > n) r--;
    uint64_t rem = n - r * r;
    uint64_t cap = (n >> 32) ? 0xFFFFFFFFu : 0xFFFFu;
    if (rem > r && r != cap) r++;
    return (uint32_t)r;
}

void micro_filterbank_apply(struct dsp_micro_state *st, int input_shift)
{
    int nch = st->cfg.num_channels, b0 = st->start_bin, nb = st->end_bin - b0;
    const int16_t *restrict re = st->fft_re + b0, *restrict im = st->fft_im + b0;
    uint32_t *restrict energy = st->energy + b0;
    /* energies (vectorised: a multiple of 8 bins, then the rest); mod 2^32
     * this is the true value, < 2^31 + 1 */
    int b = 0;
#if MICRO_M4_DSP
    micro_m4_energy(re, im, energy, nb);
    b = nb;
#endif
    for (; MICRO_BLOCKS && b < (nb & ~7); b++)
        energy[b] = (uint32_t)((int32_t)re[b] * re[b]) + (uint32_t)((int32_t)im[b] * im[b]);
    for (; b < nb; b++)
        energy[b] = (uint32_t)((int32_t)re[b] * re[b]) + (uint32_t)((int32_t)im[b] * im[b]);
    /* Channel i = weights * energy over segment i + 1 + unweights * energy
     * over segment i, summed mod 2^64 in any order. The reference keeps the
     * energy in an int32 and widens it with sign extension: only 2^31 (both
     * parts -32768) is affected, which the int32 round trip reproduces. */
    const uint32_t *e = st->energy;
    uint64_t carry = 0; /* unweighted sum of the previous segment */
    for (int s = 0; s <= nch; s++) {
        uint64_t w = 0, u = 0;
        for (int k = st->seg_start[s], end = st->seg_start[s + 1]; k < end; k++) {
            uint64_t e64 = (uint64_t)(int64_t)(int32_t)e[k];
            w += (uint64_t)st->weight_q12[k] * e64;
            u += (uint64_t)st->unweight_q12[k] * e64;
        }
        if (s > 0) st->signal[s - 1] = micro_sqrt64_round(w + carry) >> input_shift;
        carry = u;
    }
}
