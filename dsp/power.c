/* power.c: one frame's power spectrum: scale int16 by 1/32768 (as
 * torchaudio.load does), multiply by the centred Hann window, r2c FFT, |X|^2.
 * No normalisation (torchaudio Spectrogram normalized=False, power=2). */
#include <stdlib.h>

#include "dsp_float.h"

enum kws_status dsp_power_engine_init(struct dsp_power_engine *e, const struct dsp_stft_config *cfg,
                                      char *err, size_t err_len)
{
    *e = (struct dsp_power_engine){0};
    enum kws_status st = dsp_stft_config_check(cfg, err, err_len);
    if (st != KWS_OK)
        return st;
    e->n_fft = cfg->n_fft;
    e->plan = dsp_fft_plan_r2c(cfg->n_fft);
    e->window = malloc(sizeof *e->window * (size_t)cfg->n_fft);
    e->in = fftwf_malloc(sizeof *e->in * (size_t)cfg->n_fft);
    e->out = fftwf_malloc(sizeof *e->out * ((size_t)cfg->n_fft / 2 + 1));
    if (!e->plan || !e->window || !e->in || !e->out) {
        dsp_power_engine_free(e);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "cannot set up a %d-point FFT", cfg->n_fft);
    }
    dsp_hann_periodic(e->window, cfg->win_length, cfg->n_fft);
    return KWS_OK;
}

void dsp_power_engine_free(struct dsp_power_engine *e)
{
    free(e->window);
    fftwf_free(e->in);
    fftwf_free(e->out);
    *e = (struct dsp_power_engine){0};
}

void dsp_power_frame(struct dsp_power_engine *e, const int16_t *x, float *power_out)
{
    const float scale = 1.0f / 32768.0f;
    for (int i = 0; i < e->n_fft; i++)
        e->in[i] = (float)x[i] * scale * e->window[i];
    fftwf_execute_dft_r2c(e->plan, e->in, e->out);
    int bins = e->n_fft / 2 + 1;
    for (int k = 0; k < bins; k++)
        power_out[k] = e->out[k][0] * e->out[k][0] + e->out[k][1] * e->out[k][1];
}
