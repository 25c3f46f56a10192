/* power.c: one frame's power spectrum: scale int16 by 1/32768 (as
 * torchaudio.load does), multiply by the centred Hann window, r2c FFT, |X|^2.
 * No normalisation (torchaudio Spectrogram normalized=False, power=2). */
#include <stdlib.h>

#include "dsp_float.h"

enum kws_status dsp_power_engine_init(struct dsp_power_engine *e, const struct dsp_stft_config *cfg,
                                      char *err, size_t err_len)
{
    *e = (struct dsp_power_engine){ 0 };
    enum kws_status st = dsp_stft_config_check(cfg, err, err_len);
    if (st != KWS_OK) return st;
    e->n_fft = cfg->n_fft;
    e->plan = dsp_fft_plan_r2c(cfg->n_fft);
    e->window = malloc(sizeof *e->window * (size_t)cfg->n_fft);
    e->in = fftwf_malloc(sizeof *e->in * (size_t)cfg->n_fft);
    e->out = fftwf_malloc(sizeof *e->out * ((size_t)cfg->n_fft / 2 + 1));
    if (!e->plan || !e->window || !e->in || !e->out) {
        dsp_power_engine_free(e);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "cannot set up a %d-point FFT", cfg->n_fft);
    }
    /* Fold the int16 scaling (1/32768, a power of two, so exact) into the
     * window: x * w / 32768 rounds exactly as (x / 32768) * w does. */
    dsp_hann_periodic(e->window, cfg->win_length, cfg->n_fft);
    for (int i = 0; i < cfg->n_fft; i++) e->window[i] *= 1.0f / 32768.0f;
    return KWS_OK;
}

void dsp_power_engine_free(struct dsp_power_engine *e)
{
    free(e->window);
    fftwf_free(e->in);
    fftwf_free(e->out);
    *e = (struct dsp_power_engine){ 0 };
}

void dsp_power_frame(struct dsp_power_engine *e, const int16_t *x, float *power_out)
{
    float *restrict in = e->in;
    const float *restrict w = e->window;
    int n = e->n_fft;
    for (int i = 0; i < n; i++) in[i] = (float)x[i] * w[i];
    fftwf_execute_dft_r2c(e->plan, in, e->out);
    const float *restrict c = (const float *)e->out; /* interleaved re, im */
    int bins = n / 2 + 1;
    for (int k = 0; k < bins; k++) power_out[k] = c[2 * k] * c[2 * k] + c[2 * k + 1] * c[2 * k + 1];
}
