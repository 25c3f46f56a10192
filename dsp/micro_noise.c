/* micro_noise.c: the micro frontend's per-channel noise reduction.
 *
 * A running noise estimate per channel (Q = smoothing_bits above the signal),
 * smoothed with 0.025 on even and 0.06 on odd channels (Q14, truncated), is
 * subtracted from the signal, keeping at least min_signal_remaining (Q14) of
 * it, as TFLM's noise reduction does. */
#include "micro_internal.h"

void micro_noise_init(struct dsp_micro_state *st)
{
    /* float -> Q14 truncates, as the reference's int conversion does:
     * 0.025 -> 409, 0.06 -> 983, 0.05 -> 819 */
    st->even_smoothing = (uint32_t)(st->cfg.even_smoothing * 16384);
    st->odd_smoothing = (uint32_t)(st->cfg.odd_smoothing * 16384);
    st->min_signal_remaining = (uint32_t)(st->cfg.min_signal_remaining * 16384);
}

void micro_noise_apply(struct dsp_micro_state *st)
{
    int bits = st->cfg.smoothing_bits;
    for (int i = 0; i < st->cfg.num_channels; i++) {
        uint32_t smoothing = (i & 1) ? st->odd_smoothing : st->even_smoothing;
        uint32_t sig = st->signal[i];
        uint32_t up = sig << bits; /* 32-bit, wraps like the reference */
        uint32_t est = (uint32_t)(((uint64_t)up * smoothing +
                                   (uint64_t)st->estimate[i] * (16384 - smoothing)) >>
                                  14);
        st->estimate[i] = est;
        if (est > up) est = up;
        uint32_t floor_ = (uint32_t)(((uint64_t)sig * st->min_signal_remaining) >> 14);
        uint32_t sub = (up - est) >> bits;
        st->signal[i] = sub > floor_ ? sub : floor_;
    }
}
