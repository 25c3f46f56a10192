/* micro_frontend.c: the micro frontend's configuration, state and the
 * streaming / whole-clip drivers that chain window -> FFT -> filterbank ->
 * noise reduction -> PCAN -> log (dsp/micro_*.c), plus the micro_speech
 * uint16 -> int8 model-input conversion. */
#include <stdlib.h>
#include <string.h>

#include "micro_internal.h"

struct dsp_micro_config dsp_micro_config_default(void)
{
    /* the Arduino micro_speech sketch's configuration */
    struct dsp_micro_config c = {
        .rate_hz = KWS_RATE_HZ,
        .window_ms = 30,
        .step_ms = 20,
        .num_channels = 40,
        .lower_hz = 125.0f,
        .upper_hz = 7500.0f,
        .smoothing_bits = 10,
        .even_smoothing = 0.025f,
        .odd_smoothing = 0.06f,
        .min_signal_remaining = 0.05f,
        .pcan_enable = true,
        .pcan_strength = 0.95f,
        .pcan_offset = 80.0f,
        .pcan_gain_bits = 21,
        .log_enable = true,
        .log_scale_shift = 6,
    };
    return c;
}

static enum kws_status check_config(const struct dsp_micro_config *c, char *err, size_t err_len)
{
    if (c->rate_hz < 1000 || c->rate_hz > 192000)
        return kws_err(err, err_len, KWS_ERR_ARG, "micro frontend: sample rate %d Hz out of range",
                       c->rate_hz);
    if (c->window_ms <= 0 || c->step_ms <= 0)
        return kws_err(err, err_len, KWS_ERR_ARG,
                       "micro frontend: window and step must be positive");
    long win = (long)c->rate_hz * c->window_ms / 1000, step = (long)c->rate_hz * c->step_ms / 1000;
    if (win < 8 || win > DSP_MICRO_MAX_FFT || step < 1 || step > win)
        return kws_err(err, err_len, KWS_ERR_ARG,
                       "micro frontend: window of %ld samples (max %d) / step %ld unsupported", win,
                       DSP_MICRO_MAX_FFT, step);
    if (c->num_channels < 1 || c->num_channels > DSP_MICRO_MAX_CHANNELS)
        return kws_err(err, err_len, KWS_ERR_ARG, "micro frontend: %d channels (1..%d)",
                       c->num_channels, DSP_MICRO_MAX_CHANNELS);
    if (!(c->lower_hz > 0) || !(c->upper_hz > c->lower_hz) || !(c->upper_hz <= c->rate_hz / 2.0f))
        return kws_err(err, err_len, KWS_ERR_ARG, "micro frontend: band %g..%g Hz invalid",
                       (double)c->lower_hz, (double)c->upper_hz);
    if (c->smoothing_bits < 0 || c->smoothing_bits > 16)
        return kws_err(err, err_len, KWS_ERR_ARG, "micro frontend: smoothing_bits %d (0..16)",
                       c->smoothing_bits);
    if (!(c->even_smoothing >= 0 && c->even_smoothing <= 1) ||
        !(c->odd_smoothing >= 0 && c->odd_smoothing <= 1) ||
        !(c->min_signal_remaining >= 0 && c->min_signal_remaining <= 1))
        return kws_err(err, err_len, KWS_ERR_ARG,
                       "micro frontend: smoothing values must be in 0..1");
    if (c->pcan_enable &&
        (c->pcan_gain_bits < 1 || c->pcan_gain_bits > 30 || !(c->pcan_offset >= 0) ||
         !(c->pcan_strength >= 0)))
        return kws_err(err, err_len, KWS_ERR_ARG, "micro frontend: PCAN parameters invalid");
    if (c->log_enable && (c->log_scale_shift < 0 || c->log_scale_shift > 15))
        return kws_err(err, err_len, KWS_ERR_ARG, "micro frontend: log_scale_shift %d (0..15)",
                       c->log_scale_shift);
    return KWS_OK;
}

enum kws_status dsp_micro_init(struct dsp_micro_state *st, const struct dsp_micro_config *cfg,
                               char *err, size_t err_len)
{
    if (!st || !cfg)
        return kws_err(err, err_len, KWS_ERR_ARG, "micro frontend: no state or configuration");
    enum kws_status rc = check_config(cfg, err, err_len);
    if (rc != KWS_OK) return rc;
    memset(st, 0, sizeof *st);
    st->cfg = *cfg;
    st->window_size = (int)((long)cfg->rate_hz * cfg->window_ms / 1000);
    st->step_size = (int)((long)cfg->rate_hz * cfg->step_ms / 1000);
    st->fft_size = 1;
    while (st->fft_size < st->window_size) st->fft_size <<= 1;
    st->cfft_size = st->fft_size / 2;
    /* MSB(fft_size) - 1 - kFilterbankBits / 2 (= 3 for 512) */
    st->log_correction_bits = micro_msb32((uint32_t)st->fft_size) - 1 - 6;
    if (cfg->pcan_enable &&
        (cfg->smoothing_bits - st->log_correction_bits < 0 ||
         cfg->pcan_gain_bits - st->log_correction_bits - 12 < 0))
        return kws_err(err, err_len, KWS_ERR_ARG,
                       "micro frontend: PCAN bits too small for this FFT size");
    micro_window_init(st);
    if ((rc = micro_fft_init(st, err, err_len)) != KWS_OK) return rc;
    if ((rc = micro_filterbank_init(st, err, err_len)) != KWS_OK) return rc;
    micro_noise_init(st);
    if (cfg->pcan_enable) micro_pcan_init(st);
    micro_log_init(st);
    return KWS_OK;
}

void dsp_micro_reset(struct dsp_micro_state *st)
{
    st->input_used = 0;
    memset(st->input, 0, sizeof st->input);
    memset(st->estimate, 0, sizeof st->estimate);
}

/* Normalise the windowed samples (the reference shifts as uint16, then
 * stores as int16), zero-pad and transform. The loop is split into a
 * multiple of 8 and a rest so that it vectorises; the M4 path shifts while
 * its first FFT stage reads. */
static void frame_fft(struct dsp_micro_state *st, int shift)
{
    int16_t *restrict x = st->fft_in;
    int n = st->window_size, i = 0;
#if MICRO_M4_DSP
    if (micro_m4_fft_fits(st)) {
        memset(x + n, 0, sizeof *x * (size_t)(st->fft_size - n));
        micro_m4_fft_real(st, shift);
        return;
    }
#endif
    for (; MICRO_BLOCKS && i < (n & ~7); i++)
        x[i] = (int16_t)(uint16_t)((uint32_t)(uint16_t)x[i] << shift);
    for (; i < n; i++) x[i] = (int16_t)(uint16_t)((uint32_t)(uint16_t)x[i] << shift);
    for (; i < st->fft_size; i++) x[i] = 0;
    micro_fft_real(st);
}

/* One full window in st->input -> num_channels values; then slide by step. */
static void process_frame(struct dsp_micro_state *st, uint16_t *out)
{
    int max_abs = micro_window_apply(st, st->fft_in);
    int shift = 15 - micro_msb32((uint32_t)max_abs);
    frame_fft(st, shift);
    micro_filterbank_apply(st, shift);
    micro_noise_apply(st);
    if (st->cfg.pcan_enable) micro_pcan_apply(st);
    micro_log_apply(st, out);
    memmove(st->input, st->input + st->step_size,
            sizeof *st->input * (size_t)(st->window_size - st->step_size));
    st->input_used -= st->step_size;
}

size_t dsp_micro_feed(struct dsp_micro_state *st, const int16_t *samples, size_t n,
                      size_t *consumed, uint16_t *out_u16, size_t max_frames)
{
    size_t pos = 0, frames = 0;
    while (frames < max_frames && pos < n) {
        size_t room = (size_t)(st->window_size - st->input_used), take = n - pos;
        if (take > room) take = room;
        memcpy(st->input + st->input_used, samples + pos, take * sizeof *samples);
        st->input_used += (int)take;
        pos += take;
        if (st->input_used == st->window_size) {
            process_frame(st, out_u16 + frames * (size_t)st->cfg.num_channels);
            frames++;
        }
    }
    if (consumed) *consumed = pos;
    return frames;
}

size_t dsp_micro_frame_count(const struct dsp_micro_config *cfg, size_t n)
{
    size_t win = (size_t)((long)cfg->rate_hz * cfg->window_ms / 1000);
    size_t step = (size_t)((long)cfg->rate_hz * cfg->step_ms / 1000);
    if (step == 0 || n < win) return 0;
    return (n - win) / step + 1;
}

int8_t dsp_micro_to_int8(uint16_t v)
{
    /* 666 = int(25.6 * 26 + 0.5): u16 / 25.6 mapped from 0..26 to -128..127 */
    int32_t q = ((int32_t)v * 256 + 333) / 666 - 128;
    return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}

void dsp_micro_to_int8_n(const uint16_t *v, int8_t *out, size_t n)
{
    /* The same formula in one loop: the division by a constant becomes a
     * multiply and the loop vectorises, where a call per value cannot. */
    for (size_t i = 0; i < n; i++) {
        int32_t q = ((int32_t)v[i] * 256 + 333) / 666 - 128;
        out[i] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
    }
}

enum kws_status dsp_micro_clip(const struct dsp_micro_config *cfg, const int16_t *samples, size_t n,
                               uint16_t **out_u16, size_t *frames, char *err, size_t err_len)
{
    if (!out_u16 || !frames || (!samples && n))
        return kws_err(err, err_len, KWS_ERR_ARG, "micro frontend: missing argument");
    *out_u16 = NULL;
    *frames = 0;
    struct dsp_micro_state *st = malloc(sizeof *st);
    if (!st) return kws_err(err, err_len, KWS_ERR_NOMEM, "micro frontend: out of memory");
    enum kws_status rc = dsp_micro_init(st, cfg, err, err_len);
    if (rc != KWS_OK) {
        free(st);
        return rc;
    }
    size_t want = dsp_micro_frame_count(cfg, n), nch = (size_t)cfg->num_channels;
    uint16_t *out = malloc((want ? want : 1) * nch * sizeof *out);
    if (!out) {
        free(st);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "micro frontend: out of memory");
    }
    size_t got = dsp_micro_feed(st, samples, n, NULL, out, want);
    free(st);
    *out_u16 = out;
    *frames = got;
    return KWS_OK;
}
