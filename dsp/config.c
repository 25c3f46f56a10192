/* config.c: defaults and validation of the float-analysis parameters.
 *
 * Defaults are the README's feature conventions (torchaudio's MFCC with
 * n_fft 512, win 480, hop 160, 40 HTK mel bands 20-8000 Hz, 13 MFCC).
 * Validation happens here, once, at the boundary; the per-frame code trusts
 * a checked config. Each message names the parameter and the allowed range. */
#include <math.h>

#include "dsp.h"

#define DSP_MAX_N_FFT 65536 /* 4 s at 16 kHz: far beyond any view's need */

struct dsp_stft_config dsp_stft_config_default(void)
{
    return (struct dsp_stft_config){
        .rate_hz = KWS_RATE_HZ, .n_fft = 512, .win_length = 480, .hop_length = 160
    };
}

struct dsp_mel_config dsp_mel_config_default(void)
{
    return (struct dsp_mel_config){ .n_mels = 40,
                                    .f_min_hz = 20.0f,
                                    .f_max_hz = 8000.0f,
                                    .scale = DSP_MEL_HTK,
                                    .slaney_norm = false };
}

struct dsp_analysis_config dsp_analysis_config_default(void)
{
    return (struct dsp_analysis_config){ .stft = dsp_stft_config_default(),
                                         .mel = dsp_mel_config_default(),
                                         .n_mfcc = 13 };
}

enum kws_status dsp_stft_config_check(const struct dsp_stft_config *c, char *err, size_t err_len)
{
    if (!c) return kws_err(err, err_len, KWS_ERR_ARG, "no STFT configuration");
    if (c->rate_hz <= 0)
        return kws_err(err, err_len, KWS_ERR_ARG, "sample rate %d Hz: must be > 0", c->rate_hz);
    if (c->n_fft < 2 || c->n_fft > DSP_MAX_N_FFT)
        return kws_err(err, err_len, KWS_ERR_ARG, "n_fft %d: must be in 2..%d", c->n_fft,
                       DSP_MAX_N_FFT);
    if (c->win_length < 1 || c->win_length > c->n_fft)
        return kws_err(err, err_len, KWS_ERR_ARG, "win_length %d: must be in 1..n_fft (%d)",
                       c->win_length, c->n_fft);
    if (c->hop_length < 1)
        return kws_err(err, err_len, KWS_ERR_ARG, "hop_length %d: must be > 0", c->hop_length);
    return KWS_OK;
}

enum kws_status dsp_mel_config_check(const struct dsp_mel_config *c, int n_fft, int rate_hz,
                                     char *err, size_t err_len)
{
    if (!c) return kws_err(err, err_len, KWS_ERR_ARG, "no mel configuration");
    if (rate_hz <= 0 || n_fft < 2)
        return kws_err(err, err_len, KWS_ERR_ARG, "mel: bad rate %d Hz or n_fft %d", rate_hz,
                       n_fft);
    if (c->scale != DSP_MEL_HTK && c->scale != DSP_MEL_SLANEY)
        return kws_err(err, err_len, KWS_ERR_ARG, "mel scale %d: must be HTK or Slaney",
                       (int)c->scale);
    if (c->n_mels < 1 || c->n_mels > 1024)
        return kws_err(err, err_len, KWS_ERR_ARG, "n_mels %d: must be in 1..1024", c->n_mels);
    float nyq = (float)rate_hz / 2.0f;
    if (!isfinite(c->f_min_hz) || c->f_min_hz < 0.0f)
        return kws_err(err, err_len, KWS_ERR_ARG, "f_min %g Hz: must be >= 0", (double)c->f_min_hz);
    if (!isfinite(c->f_max_hz) || c->f_max_hz > nyq)
        return kws_err(err, err_len, KWS_ERR_ARG, "f_max %g Hz: must be <= rate/2 (%g Hz)",
                       (double)c->f_max_hz, (double)nyq);
    if (c->f_min_hz >= c->f_max_hz)
        return kws_err(err, err_len, KWS_ERR_ARG, "f_min %g Hz must be below f_max %g Hz",
                       (double)c->f_min_hz, (double)c->f_max_hz);
    return KWS_OK;
}

enum kws_status dsp_analysis_config_check(const struct dsp_analysis_config *c, char *err,
                                          size_t err_len)
{
    if (!c) return kws_err(err, err_len, KWS_ERR_ARG, "no analysis configuration");
    enum kws_status st = dsp_stft_config_check(&c->stft, err, err_len);
    if (st != KWS_OK) return st;
    st = dsp_mel_config_check(&c->mel, c->stft.n_fft, c->stft.rate_hz, err, err_len);
    if (st != KWS_OK) return st;
    if (c->n_mfcc < 1 || c->n_mfcc > c->mel.n_mels)
        return kws_err(err, err_len, KWS_ERR_ARG, "n_mfcc %d: must be in 1..n_mels (%d)", c->n_mfcc,
                       c->mel.n_mels);
    return KWS_OK;
}
