/* mel.c: the mel filterbank, built like torchaudio.functional.melscale_fbanks:
 * n_freqs = n_fft/2 + 1 bins spaced linearly over 0..rate/2; n_mels + 2 points
 * equally spaced in mel between f_min and f_max, mapped back to Hz; filter m
 * is the triangle over points m, m+1, m+2 (min of the rising and falling
 * slopes, clipped at 0). Slaney normalisation scales each triangle by
 * 2 / (f[m+2] - f[m]) so it has unit area (librosa/torchaudio norm="slaney").
 *
 * Each triangle is non-zero over a short run of bins, so the bank stores only
 * that run per band: applying it costs about 2 multiply-adds per bin instead
 * of n_mels per bin. */
#include <math.h>
#include <stdlib.h>

#include "dsp.h"

struct dsp_mel {
    int n_mels, n_bins;
    int *lo, *hi; /* band m uses bins [lo[m], hi[m]) */
    float *w;     /* n_mels x n_bins dense weights (zeros outside lo..hi) */
};

/* Slaney scale constants (Slaney's Auditory Toolbox, as librosa/torchaudio):
 * linear 200/3 Hz per mel below 1 kHz, then log steps of ln(6.4)/27. */
#define SLANEY_F_SP (200.0 / 3.0)
#define SLANEY_MIN_LOG_HZ 1000.0
#define SLANEY_MIN_LOG_MEL (SLANEY_MIN_LOG_HZ / SLANEY_F_SP)
#define SLANEY_LOGSTEP (0.06875177742094912) /* log(6.4) / 27 */

static double hz_to_mel(double hz, enum dsp_mel_scale scale)
{
    if (scale == DSP_MEL_HTK)
        return 2595.0 * log10(1.0 + hz / 700.0); /* O'Shaughnessy / HTK book */
    if (hz < SLANEY_MIN_LOG_HZ) return hz / SLANEY_F_SP;
    return SLANEY_MIN_LOG_MEL + log(hz / SLANEY_MIN_LOG_HZ) / SLANEY_LOGSTEP;
}

static double mel_to_hz(double mel, enum dsp_mel_scale scale)
{
    if (scale == DSP_MEL_HTK) return 700.0 * (pow(10.0, mel / 2595.0) - 1.0);
    if (mel < SLANEY_MIN_LOG_MEL) return SLANEY_F_SP * mel;
    return SLANEY_MIN_LOG_HZ * exp(SLANEY_LOGSTEP * (mel - SLANEY_MIN_LOG_MEL));
}

float dsp_hz_to_mel(float hz, enum dsp_mel_scale scale)
{
    return (float)hz_to_mel(hz, scale);
}

float dsp_mel_to_hz(float mel, enum dsp_mel_scale scale)
{
    return (float)mel_to_hz(mel, scale);
}

struct dsp_mel *dsp_mel_create(const struct dsp_mel_config *cfg, int n_fft, int rate_hz, char *err,
                               size_t err_len)
{
    if (dsp_mel_config_check(cfg, n_fft, rate_hz, err, err_len) != KWS_OK) return NULL;
    int n_mels = cfg->n_mels, n_bins = n_fft / 2 + 1;
    struct dsp_mel *m = calloc(1, sizeof *m);
    double *f_pts = malloc(sizeof *f_pts * (size_t)(n_mels + 2));
    if (m) {
        m->lo = calloc((size_t)n_mels, sizeof *m->lo);
        m->hi = calloc((size_t)n_mels, sizeof *m->hi);
        m->w = calloc((size_t)n_mels * (size_t)n_bins, sizeof *m->w);
    }
    if (!m || !f_pts || !m->lo || !m->hi || !m->w) {
        free(f_pts);
        dsp_mel_free(m);
        kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory for a %d-band mel filterbank", n_mels);
        return NULL;
    }
    m->n_mels = n_mels;
    m->n_bins = n_bins;
    double m_min = hz_to_mel(cfg->f_min_hz, cfg->scale),
           m_max = hz_to_mel(cfg->f_max_hz, cfg->scale);
    for (int i = 0; i < n_mels + 2; i++)
        f_pts[i] = mel_to_hz(m_min + (m_max - m_min) * i / (n_mels + 1), cfg->scale);
    double nyq = rate_hz / 2; /* torchaudio: linspace(0, sample_rate // 2, n_freqs) */
    for (int b = 0; b < n_mels; b++) {
        double left = f_pts[b], centre = f_pts[b + 1], right = f_pts[b + 2];
        double enorm = cfg->slaney_norm ? 2.0 / (right - left) : 1.0;
        m->lo[b] = n_bins;
        m->hi[b] = 0;
        /* Only bins strictly between left and right can be non-zero; the
         * range is widened by one bin each side so rounding cannot lose one. */
        double df = n_bins > 1 ? nyq / (n_bins - 1) : 1.0;
        int k0 = (int)fmax(0.0, floor(left / df) - 1.0);
        int k1 = (int)fmin((double)n_bins, ceil(right / df) + 2.0);
        for (int k = k0; k < k1; k++) {
            double f = n_bins > 1 ? nyq * k / (n_bins - 1) : 0.0;
            double up = (f - left) / (centre - left), down = (right - f) / (right - centre);
            double w = fmin(up, down);
            if (!(w > 0.0)) continue;
            m->w[(size_t)b * (size_t)n_bins + (size_t)k] = (float)(w * enorm);
            if (k < m->lo[b]) m->lo[b] = k;
            m->hi[b] = k + 1;
        }
        if (m->hi[b] == 0) /* an empty band (too many mels for n_fft): all zero */
            m->lo[b] = 0;
    }
    free(f_pts);
    return m;
}

void dsp_mel_apply(const struct dsp_mel *m, const float *power, float *mel_out)
{
    for (int b = 0; b < m->n_mels; b++) {
        const float *w = m->w + (size_t)b * (size_t)m->n_bins;
        float acc = 0.0f;
        for (int k = m->lo[b]; k < m->hi[b]; k++) acc += w[k] * power[k];
        mel_out[b] = acc;
    }
}

const float *dsp_mel_weights(const struct dsp_mel *m, int *n_mels, int *n_bins)
{
    if (n_mels) *n_mels = m->n_mels;
    if (n_bins) *n_bins = m->n_bins;
    return m->w;
}

void dsp_mel_free(struct dsp_mel *m)
{
    if (!m) return;
    free(m->lo);
    free(m->hi);
    free(m->w);
    free(m);
}
