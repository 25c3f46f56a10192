/* analyze.c: whole-clip analyses (spectrogram, mel, MFCC in dB) and the
 * Welch-averaged spectrum. Frames are computed one at a time with the shared
 * power engine (the same code the streaming STFT runs) straight from the
 * caller's samples: no copy of the clip, one scratch row per stage. */
#include <stdlib.h>
#include <string.h>

#include "dsp_float.h"

static size_t frame_count(const struct dsp_stft_config *c, size_t n)
{
    size_t nfft = (size_t)c->n_fft;
    return n < nfft ? 0 : (n - nfft) / (size_t)c->hop_length + 1;
}

enum kws_status dsp_analyze(const struct dsp_analysis_config *cfg, enum dsp_kind kind,
                            const int16_t *samples, size_t n, struct dsp_matrix *out, char *err,
                            size_t err_len)
{
    *out = (struct dsp_matrix){ 0 };
    enum kws_status st = dsp_analysis_config_check(cfg, err, err_len);
    if (st != KWS_OK) return st;
    if (kind != DSP_KIND_SPECTROGRAM && kind != DSP_KIND_MEL && kind != DSP_KIND_MFCC)
        return kws_err(err, err_len, KWS_ERR_ARG, "unknown analysis kind %d", (int)kind);
    if (!samples && n) return kws_err(err, err_len, KWS_ERR_ARG, "no samples");
    size_t bins = (size_t)cfg->stft.n_fft / 2 + 1, n_mels = (size_t)cfg->mel.n_mels;
    size_t cols = kind == DSP_KIND_SPECTROGRAM ? bins
        : kind == DSP_KIND_MEL                 ? n_mels
                                               : (size_t)cfg->n_mfcc;
    size_t rows = frame_count(&cfg->stft, n);
    if (rows > SIZE_MAX / sizeof(float) / cols)
        return kws_err(err, err_len, KWS_ERR_NOMEM, "clip too long");

    struct dsp_power_engine eng;
    struct dsp_mel *mel = NULL;
    float *power = NULL, *melrow = NULL, *dct = NULL;
    float *data = malloc(sizeof *data * (rows ? rows * cols : 1));
    st = dsp_power_engine_init(&eng, &cfg->stft, err, err_len);
    if (st != KWS_OK) {
        free(data);
        return st;
    }
    power = malloc(sizeof *power * bins);
    melrow = malloc(sizeof *melrow * n_mels);
    if (kind != DSP_KIND_SPECTROGRAM) {
        mel = dsp_mel_create(&cfg->mel, cfg->stft.n_fft, cfg->stft.rate_hz, err, err_len);
        if (!mel) st = KWS_ERR_ARG;
    }
    if (kind == DSP_KIND_MFCC) dct = dsp_dct_matrix(n_mels, (size_t)cfg->n_mfcc);
    if (st == KWS_OK && (!data || !power || !melrow || (kind == DSP_KIND_MFCC && !dct)))
        st = kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory for %zu frames", rows);

    for (size_t r = 0; st == KWS_OK && r < rows; r++) {
        const int16_t *x = samples + r * (size_t)cfg->stft.hop_length;
        float *row = data + r * cols;
        if (kind == DSP_KIND_SPECTROGRAM) {
            dsp_power_frame(&eng, x, row);
            dsp_power_to_db(row, bins);
            continue;
        }
        dsp_power_frame(&eng, x, power);
        dsp_mel_apply(mel, power, kind == DSP_KIND_MEL ? row : melrow);
        if (kind == DSP_KIND_MEL) {
            dsp_power_to_db(row, n_mels);
            continue;
        }
        dsp_power_to_db(melrow, n_mels);
        for (size_t k = 0; k < cols; k++) {
            const float *c = dct + k * n_mels;
            float acc = 0.0f;
            for (size_t i = 0; i < n_mels; i++) acc += c[i] * melrow[i];
            row[k] = acc;
        }
    }
    dsp_power_engine_free(&eng);
    dsp_mel_free(mel);
    free(power);
    free(melrow);
    free(dct);
    if (st != KWS_OK) {
        free(data);
        return st;
    }
    *out = (struct dsp_matrix){ data, rows, cols };
    return KWS_OK;
}

size_t dsp_welch_db(const struct dsp_stft_config *cfg, const int16_t *samples, size_t n,
                    float *db_out)
{
    struct dsp_power_engine eng;
    if (dsp_power_engine_init(&eng, cfg, NULL, 0) != KWS_OK) return 0;
    size_t bins = (size_t)cfg->n_fft / 2 + 1, rows = frame_count(cfg, n);
    float *power = malloc(sizeof *power * bins);
    double *sum = calloc(bins, sizeof *sum);
    if (!power || !sum) rows = 0;
    for (size_t r = 0; r < rows; r++) {
        dsp_power_frame(&eng, samples + r * (size_t)cfg->hop_length, power);
        for (size_t k = 0; k < bins; k++) sum[k] += power[k];
    }
    for (size_t k = 0; k < bins; k++) db_out[k] = rows ? (float)(sum[k] / (double)rows) : 1e-10f;
    dsp_power_to_db(db_out, bins);
    free(power);
    free(sum);
    dsp_power_engine_free(&eng);
    return rows;
}
