/* scope.c: clip + cached analysis -> view models.
 *
 * Every analysis is incremental: a view keeps the frames it has and computes
 * only those that new samples complete. A long file fills in a slice at a
 * time and a live source (tui_scope_append) costs only its new frames; the
 * colour range is kept the same way, over the rows scanned so far. */
#include "tui.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_name(struct tui_scope *s, const char *path)
{
    const char *slash = strrchr(path, '/');
    snprintf(s->name, sizeof s->name, "%s", slash ? slash + 1 : path);
}

static void init_common(struct tui_scope *s)
{
    s->cfg = dsp_analysis_config_default();
    s->cmap = TUI_CMAP_VIRIDIS;
    /* Mel band centres: n_mels + 2 equally spaced mel points, band i peaks at
     * point i + 1 (torchaudio's melscale_fbanks layout). */
    const struct dsp_mel_config *mc = &s->cfg.mel;
    float m0 = dsp_hz_to_mel(mc->f_min_hz, mc->scale), m1 = dsp_hz_to_mel(mc->f_max_hz, mc->scale);
    for (int i = 0; i < mc->n_mels && i < 256; i++)
        s->mel_hz[i] =
            dsp_mel_to_hz(m0 + (m1 - m0) * (float)(i + 1) / (float)(mc->n_mels + 1), mc->scale);
    /* Micro channels: 41 edges equally spaced on mel(f) = 1127 ln(1 + f/700)
     * from 125 to 7500 Hz; channel i is centred on edge i (see the frontend). */
    struct dsp_micro_config cfg = dsp_micro_config_default();
    double lo = 1127 * log1p(cfg.lower_hz / 700.0), hi = 1127 * log1p(cfg.upper_hz / 700.0);
    for (int i = 0; i < cfg.num_channels && i < DSP_MICRO_MAX_CHANNELS; i++) {
        double mel = lo + (i + 1) * (hi - lo) / (cfg.num_channels + 1);
        s->micro_hz[i] = (float)(700.0 * expm1(mel / 1127.0));
    }
}

enum kws_status tui_scope_open(struct tui_scope *s, const char *path, char *err, size_t err_len)
{
    memset(s, 0, sizeof *s);
    enum kws_status st = cap_clip_load(path, &s->clip, err, err_len);
    if (st != KWS_OK) return st;
    set_name(s, path);
    cap_format_describe(&s->clip.original, s->format, sizeof s->format);
    init_common(s);
    return KWS_OK;
}

void tui_scope_adopt(struct tui_scope *s, const char *name, struct cap_clip *clip)
{
    memset(s, 0, sizeof *s);
    s->clip = *clip;
    memset(clip, 0, sizeof *clip);
    set_name(s, name);
    cap_format_describe(&s->clip.original, s->format, sizeof s->format);
    init_common(s);
}

void tui_scope_live(struct tui_scope *s, const char *name, const char *format)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    snprintf(s->format, sizeof s->format, "%s", format);
    s->clip.original.rate_hz = CAP_RATE_HZ;
    s->clip.original.channels = 1;
    s->live = true;
    init_common(s);
}

/* Drops the oldest TUI_SCOPE_TRIM_S: samples and the frames made from them.
 * The trim is a whole number of hops (10 ms) and micro strides (20 ms), so
 * the frames kept stay aligned with the samples kept. */
static void trim(struct tui_scope *s)
{
    size_t d = (size_t)TUI_SCOPE_TRIM_S * CAP_RATE_HZ;
    if (d > s->clip.n_samples) d = s->clip.n_samples;
    memmove(s->clip.samples, s->clip.samples + d,
            (s->clip.n_samples - d) * sizeof *s->clip.samples);
    s->clip.n_samples -= d;
    struct dsp_micro_config mc = dsp_micro_config_default();
    for (int v = 0; v < TUI_VIEW_COUNT; v++) {
        if (tui_view_desc((enum tui_view_id)v)->kind != TUI_KIND_HEATMAP) continue;
        size_t hop = v == TUI_VIEW_FEATURES ? (size_t)mc.step_ms * CAP_RATE_HZ / 1000
                                            : (size_t)s->cfg.stft.hop_length;
        size_t drop = d / hop, keep = s->rows_ready[v] > drop ? s->rows_ready[v] - drop : 0;
        struct dsp_matrix *m = &s->mat[v];
        if (m->data && keep)
            memmove(m->data, m->data + drop * m->cols, keep * m->cols * sizeof *m->data);
        s->rows_ready[v] = keep;
        m->rows = keep;
        s->rows_scanned[v] = 0;
    }
    if (s->micro && s->micro_fed >= d) {
        s->micro_fed -= d;
    } else if (s->micro) { /* it never saw the dropped part: start it afresh */
        dsp_micro_reset(s->micro);
        s->micro_fed = 0;
        s->rows_ready[TUI_VIEW_FEATURES] = s->mat[TUI_VIEW_FEATURES].rows = 0;
    }
    s->col_rows = 0; /* statistics start over on what is kept */
    memset(s->col_sum, 0, sizeof s->col_sum);
    memset(s->col_sum2, 0, sizeof s->col_sum2);
    s->origin_s += (double)d / CAP_RATE_HZ;
}

double tui_scope_append(struct tui_scope *s, const int16_t *x, size_t n)
{
    if (!n) return 0;
    double before = s->origin_s;
    if (s->clip.n_samples + n > (size_t)TUI_SCOPE_KEEP_S * CAP_RATE_HZ) trim(s);
    if (s->clip.n_samples + n > s->cap_samples) {
        size_t cap = s->cap_samples ? s->cap_samples * 2 : CAP_RATE_HZ * 8;
        while (cap < s->clip.n_samples + n) cap *= 2;
        int16_t *p = realloc(s->clip.samples, cap * sizeof *p);
        if (!p) {
            kws_err(s->error, sizeof s->error, KWS_ERR_NOMEM, "out of memory for live audio");
            return -1;
        }
        s->clip.samples = p;
        s->cap_samples = cap;
    }
    memcpy(s->clip.samples + s->clip.n_samples, x, n * sizeof *x);
    s->clip.n_samples += n;
    s->clip.original.frames = (int64_t)s->clip.n_samples;
    for (int v = 0; v < TUI_VIEW_COUNT; v++) s->computed[v] = false;
    return s->origin_s - before;
}

void tui_scope_free(struct tui_scope *s)
{
    for (int v = 0; v < TUI_VIEW_COUNT; v++) dsp_matrix_free(&s->mat[v]);
    free(s->micro);
    free(s->welch_db);
    free(s->welch_sum);
    free(s->frame_db);
    cap_clip_free(&s->clip);
    memset(s, 0, sizeof *s);
}

double tui_scope_duration(const struct tui_scope *s)
{
    return (double)s->clip.n_samples / CAP_RATE_HZ;
}

/* Room for rows frames of cols values in mat[v] (grows by doubling). */
static enum kws_status ensure_rows(struct tui_scope *s, enum tui_view_id v, size_t rows,
                                   size_t cols)
{
    struct dsp_matrix *m = &s->mat[v];
    m->cols = cols;
    if (m->data && rows <= s->mat_cap[v]) return KWS_OK;
    size_t cap = s->mat_cap[v] ? s->mat_cap[v] : 64;
    while (cap < rows) cap *= 2;
    float *p = realloc(m->data, cap * cols * sizeof *p);
    if (!p) return kws_err(s->error, sizeof s->error, KWS_ERR_NOMEM, "out of memory");
    m->data = p;
    s->mat_cap[v] = cap;
    return KWS_OK;
}

/* The micro frontend is stateful (noise estimates, PCAN), so its frames come
 * from one streaming state fed every sample in order; streaming gives the
 * same frames as a whole-clip run (tests/dsp), so a file looks the same
 * either way. */
static enum kws_status step_features(struct tui_scope *s)
{
    if (!s->micro) {
        struct dsp_micro_config cfg = dsp_micro_config_default();
        s->micro = malloc(sizeof *s->micro);
        if (!s->micro) return kws_err(s->error, sizeof s->error, KWS_ERR_NOMEM, "out of memory");
        enum kws_status st = dsp_micro_init(s->micro, &cfg, s->error, sizeof s->error);
        if (st != KWS_OK) {
            free(s->micro);
            s->micro = NULL;
            return st;
        }
    }
    const struct dsp_micro_config *cfg = &s->micro->cfg;
    size_t ch = (size_t)cfg->num_channels, step = (size_t)cfg->step_ms * CAP_RATE_HZ / 1000;
    size_t rows = s->rows_ready[TUI_VIEW_FEATURES];
    size_t left = s->clip.n_samples - s->micro_fed;
    enum kws_status st = ensure_rows(s, TUI_VIEW_FEATURES, rows + left / step + 2, ch);
    if (st != KWS_OK) return st;
    uint16_t u16[16 * DSP_MICRO_MAX_CHANNELS];
    while (s->micro_fed < s->clip.n_samples) {
        size_t used = 0;
        size_t got = dsp_micro_feed(s->micro, s->clip.samples + s->micro_fed,
                                    s->clip.n_samples - s->micro_fed, &used, u16, 16);
        s->micro_fed += used;
        float *out = s->mat[TUI_VIEW_FEATURES].data + rows * ch;
        for (size_t i = 0; i < got * ch; i++) out[i] = dsp_micro_to_int8(u16[i]);
        rows += got;
        if (!got && !used) break;
    }
    s->rows_ready[TUI_VIEW_FEATURES] = s->mat[TUI_VIEW_FEATURES].rows = rows;
    return KWS_OK;
}

static enum dsp_kind view_kind(enum tui_view_id v)
{
    return v == TUI_VIEW_SPECTROGRAM ? DSP_KIND_SPECTROGRAM
        : v == TUI_VIEW_MEL          ? DSP_KIND_MEL
                                     : DSP_KIND_MFCC;
}

/* Frames [k, k + b) of a float view come from the slice of samples starting
 * at k * hop: framing has no centering, so slices give the same frames as the
 * whole clip and a long file can be filled in a chunk at a time. */
static enum kws_status step_float(struct tui_scope *s, enum tui_view_id v, size_t budget,
                                  bool *done)
{
    const struct dsp_stft_config *sc = &s->cfg.stft;
    size_t n = s->clip.n_samples, nfft = (size_t)sc->n_fft, hop = (size_t)sc->hop_length;
    size_t total = n < nfft ? 0 : (n - nfft) / hop + 1;
    struct dsp_matrix *mat = &s->mat[v];
    size_t cols = v == TUI_VIEW_SPECTROGRAM ? nfft / 2 + 1
        : v == TUI_VIEW_MEL                 ? (size_t)s->cfg.mel.n_mels
                                            : (size_t)s->cfg.n_mfcc;
    enum kws_status est = ensure_rows(s, v, total, cols);
    if (est != KWS_OK) return est;
    mat->rows = total;
    size_t k = s->rows_ready[v], b = total - k < budget ? total - k : budget;
    if (b > 0) {
        struct dsp_matrix part = { 0 };
        size_t len = (b - 1) * hop + nfft;
        enum kws_status st = dsp_analyze(&s->cfg, view_kind(v), s->clip.samples + k * hop, len,
                                         &part, s->error, sizeof s->error);
        if (st != KWS_OK) return st;
        size_t rows = part.rows < b ? part.rows : b;
        memcpy(mat->data + k * mat->cols, part.data, rows * mat->cols * sizeof *mat->data);
        dsp_matrix_free(&part);
        s->rows_ready[v] = k + rows;
        if (rows < b) /* cannot happen with consistent framing; stop rather than spin */
            s->rows_ready[v] = total;
    }
    *done = s->rows_ready[v] >= total;
    return KWS_OK;
}

/* The whole-clip Welch average for a file, a slice of frames per call so a
 * long clip never blocks the keys: each slice's mean power is weighed by
 * its frame count (dsp_welch_db gives dB; dB -> power is exact above the
 * floor). A live source shows its latest frame instead (an average over an
 * ever-growing clip says little). The spectrogram fills alongside: the
 * cursor's frame comes from it. */
static enum kws_status step_spectrum(struct tui_scope *s, enum tui_view_id v, size_t budget,
                                     bool *done)
{
    (void)v;
    const struct dsp_stft_config *sc = &s->cfg.stft;
    size_t bins = (size_t)sc->n_fft / 2 + 1, nfft = (size_t)sc->n_fft, hop = (size_t)sc->hop_length;
    if (!s->welch_db) {
        s->welch_db = malloc(bins * sizeof *s->welch_db);
        s->frame_db = malloc(bins * sizeof *s->frame_db);
        s->welch_sum = calloc(bins, sizeof *s->welch_sum);
        if (!s->welch_db || !s->frame_db || !s->welch_sum)
            return kws_err(s->error, sizeof s->error, KWS_ERR_NOMEM, "out of memory");
        for (size_t k = 0; k < bins; k++) s->welch_db[k] = -100;
    }
    size_t n = s->clip.n_samples, total = n < nfft ? 0 : (n - nfft) / hop + 1;
    size_t k0 = s->welch_rows, b = total - k0 < budget ? total - k0 : budget;
    if (!s->live && b > 0) {
        size_t got =
            dsp_welch_db(sc, s->clip.samples + k0 * hop, (b - 1) * hop + nfft, s->frame_db);
        for (size_t k = 0; k < bins; k++)
            s->welch_sum[k] += pow(10.0, s->frame_db[k] / 10.0) * (double)got;
        s->welch_rows += got ? got : b;
        for (size_t k = 0; k < bins; k++)
            s->welch_db[k] = (float)(s->welch_sum[k] / (double)s->welch_rows);
        dsp_power_to_db(s->welch_db, bins);
    }
    bool spec_done = true;
    enum kws_status st = tui_scope_step(s, TUI_VIEW_SPECTROGRAM, budget, &spec_done);
    *done = spec_done && (s->live || s->welch_rows >= total);
    return st;
}

static enum kws_status step_micro(struct tui_scope *s, enum tui_view_id v, size_t budget,
                                  bool *done)
{
    (void)v, (void)budget;
    *done = true;
    return step_features(s);
}

#define HOP_S 0.010 /* the STFT views: 160-sample hop, 400-sample frames */
#define FRAME_S 0.025
static const struct tui_view_desc view_table[TUI_VIEW_COUNT] = {
    [TUI_VIEW_WAVE] = { "wave", "Waveform", TUI_KIND_WAVE, NULL, 0, NULL, NULL, 0, 0, 0 },
    [TUI_VIEW_SPECTRUM] = { "spectrum", "Spectrum", TUI_KIND_SPECTRUM, step_spectrum, TUI_AXIS_HZ,
                            "Hz", "dB", TUI_SCALE_DB, HOP_S, FRAME_S },
    [TUI_VIEW_SPECTROGRAM] = { "spectrogram", "Spectrogram", TUI_KIND_HEATMAP, step_float,
                               TUI_AXIS_HZ, "Hz", "dB", TUI_SCALE_DB, HOP_S, FRAME_S },
    [TUI_VIEW_MEL] = { "mel", "Mel spectrogram", TUI_KIND_HEATMAP, step_float, TUI_AXIS_BAND_HZ,
                       "Hz", "dB", TUI_SCALE_DB, HOP_S, FRAME_S },
    [TUI_VIEW_MFCC] = { "mfcc", "MFCC", TUI_KIND_HEATMAP, step_float, TUI_AXIS_INDEX, "coef", "z",
                        TUI_SCALE_COL_Z, HOP_S, FRAME_S },
    [TUI_VIEW_FEATURES] = { "features", "Model features (int8)", TUI_KIND_HEATMAP, step_micro,
                            TUI_AXIS_BAND_HZ, "Hz", "int8", TUI_SCALE_INT8, 0.020, 0.030 },
};

const struct tui_view_desc *tui_view_desc(enum tui_view_id v)
{
    return (unsigned)v < TUI_VIEW_COUNT ? &view_table[v] : NULL;
}

const char *tui_view_name(enum tui_view_id v)
{
    return v < TUI_VIEW_COUNT ? view_table[v].name : "?";
}
const char *tui_view_title(enum tui_view_id v)
{
    return v < TUI_VIEW_COUNT ? view_table[v].title : "?";
}

enum tui_view_id tui_view_parse(const char *name)
{
    for (int i = 0; i < TUI_VIEW_COUNT; i++)
        if (!strcmp(name, view_table[i].name)) return (enum tui_view_id)i;
    return TUI_VIEW_COUNT;
}

enum kws_status tui_scope_step(struct tui_scope *s, enum tui_view_id v, size_t budget_frames,
                               bool *done)
{
    *done = true;
    const struct tui_view_desc *d = tui_view_desc(v);
    if (!d || !d->compute || s->computed[v]) return KWS_OK;
    enum kws_status st = d->compute(s, v, budget_frames, done);
    if (st == KWS_OK && *done) s->computed[v] = true;
    return st;
}

enum kws_status tui_scope_prepare(struct tui_scope *s, enum tui_view_id v)
{
    bool done = false;
    enum kws_status st = KWS_OK;
    while (st == KWS_OK && !done) st = tui_scope_step(s, v, (size_t)-1, &done);
    return st;
}
