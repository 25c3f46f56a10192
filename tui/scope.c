/* scope.c: clip + cached analysis -> view models. */
#include "scope.h"

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
        s->mel_hz[i] = dsp_mel_to_hz(m0 + (m1 - m0) * (float)(i + 1) / (float)(mc->n_mels + 1), mc->scale);
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
    if (st != KWS_OK)
        return st;
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

void tui_scope_free(struct tui_scope *s)
{
    for (int v = 0; v < TUI_VIEW_COUNT; v++)
        dsp_matrix_free(&s->mat[v]);
    free(s->welch_db);
    free(s->frame_db);
    cap_clip_free(&s->clip);
    memset(s, 0, sizeof *s);
}

double tui_scope_duration(const struct tui_scope *s)
{
    return (double)s->clip.n_samples / CAP_RATE_HZ;
}

static enum kws_status prepare_features(struct tui_scope *s)
{
    struct dsp_micro_config cfg = dsp_micro_config_default();
    uint16_t *u16 = NULL;
    size_t frames = 0;
    enum kws_status st = dsp_micro_clip(&cfg, s->clip.samples, s->clip.n_samples, &u16, &frames,
                                        s->error, sizeof s->error);
    if (st != KWS_OK)
        return st;
    size_t n = frames * (size_t)cfg.num_channels;
    float *f = malloc((n ? n : 1) * sizeof *f);
    if (!f) {
        free(u16);
        return kws_err(s->error, sizeof s->error, KWS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        f[i] = dsp_micro_to_int8(u16[i]);
    free(u16);
    s->mat[TUI_VIEW_FEATURES] = (struct dsp_matrix){f, frames, (size_t)cfg.num_channels};
    return KWS_OK;
}

static enum kws_status prepare_spectrum(struct tui_scope *s)
{
    size_t bins = (size_t)s->cfg.stft.n_fft / 2 + 1;
    s->welch_db = malloc(bins * sizeof *s->welch_db);
    s->frame_db = malloc(bins * sizeof *s->frame_db);
    if (!s->welch_db || !s->frame_db)
        return kws_err(s->error, sizeof s->error, KWS_ERR_NOMEM, "out of memory");
    dsp_welch_db(&s->cfg.stft, s->clip.samples, s->clip.n_samples, s->welch_db);
    return tui_scope_prepare(s, TUI_VIEW_SPECTROGRAM); /* frames for the cursor */
}

static enum dsp_kind view_kind(enum tui_view_id v)
{
    return v == TUI_VIEW_SPECTROGRAM ? DSP_KIND_SPECTROGRAM : v == TUI_VIEW_MEL ? DSP_KIND_MEL : DSP_KIND_MFCC;
}

/* Frames [k, k + b) of a float view come from the slice of samples starting
 * at k * hop: framing has no centering, so slices give the same frames as the
 * whole clip and a long file can be filled in a chunk at a time. */
static enum kws_status step_float(struct tui_scope *s, enum tui_view_id v, size_t budget, bool *done)
{
    const struct dsp_stft_config *sc = &s->cfg.stft;
    size_t n = s->clip.n_samples, nfft = (size_t)sc->n_fft, hop = (size_t)sc->hop_length;
    size_t total = n < nfft ? 0 : (n - nfft) / hop + 1;
    struct dsp_matrix *mat = &s->mat[v];
    if (!mat->data) {
        size_t cols = v == TUI_VIEW_SPECTROGRAM ? nfft / 2 + 1
                    : v == TUI_VIEW_MEL ? (size_t)s->cfg.mel.n_mels : (size_t)s->cfg.n_mfcc;
        mat->data = calloc(total ? total * cols : 1, sizeof *mat->data);
        if (!mat->data)
            return kws_err(s->error, sizeof s->error, KWS_ERR_NOMEM, "out of memory");
        mat->rows = total;
        mat->cols = cols;
    }
    size_t k = s->rows_ready[v], b = total - k < budget ? total - k : budget;
    if (b > 0) {
        struct dsp_matrix part = {0};
        size_t len = (b - 1) * hop + nfft;
        enum kws_status st = dsp_analyze(&s->cfg, view_kind(v), s->clip.samples + k * hop, len,
                                         &part, s->error, sizeof s->error);
        if (st != KWS_OK)
            return st;
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

enum kws_status tui_scope_step(struct tui_scope *s, enum tui_view_id v, size_t budget_frames,
                               bool *done)
{
    *done = true;
    if (v == TUI_VIEW_WAVE || v >= TUI_VIEW_COUNT || s->computed[v])
        return KWS_OK;
    enum kws_status st;
    if (v == TUI_VIEW_SPECTRUM) {
        st = prepare_spectrum(s);
    } else if (v == TUI_VIEW_FEATURES) {
        st = prepare_features(s);
        if (st == KWS_OK)
            s->rows_ready[v] = s->mat[v].rows;
    } else {
        st = step_float(s, v, budget_frames, done);
    }
    if (st == KWS_OK && *done)
        s->computed[v] = true;
    return st;
}

enum kws_status tui_scope_prepare(struct tui_scope *s, enum tui_view_id v)
{
    bool done = false;
    enum kws_status st = KWS_OK;
    while (st == KWS_OK && !done)
        st = tui_scope_step(s, v, (size_t)-1, &done);
    return st;
}

/* Colour range: dB views show 80 dB below the loudest value (a fixed dynamic
 * range reads best across clips); MFCC and features their own min..max / the
 * int8 range. */
static void value_range(const struct dsp_matrix *m, enum tui_view_id v, float *lo, float *hi)
{
    if (v == TUI_VIEW_FEATURES) {
        *lo = -128;
        *hi = 127;
        return;
    }
    float mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < m->rows * m->cols; i++) {
        if (m->data[i] < mn) mn = m->data[i];
        if (m->data[i] > mx) mx = m->data[i];
    }
    if (!(mx >= mn)) {
        mn = 0;
        mx = 1;
    }
    if (v == TUI_VIEW_SPECTROGRAM || v == TUI_VIEW_MEL) {
        *hi = ceilf(mx / 10) * 10;
        *lo = fmaxf(*hi - 80, floorf(mn / 10) * 10);
    } else {
        *lo = floorf(mn);
        *hi = ceilf(mx);
    }
    if (!(*hi > *lo))
        *hi = *lo + 1;
}

int tui_scope_heatmap(struct tui_scope *s, enum tui_view_id v, const struct tui_timeline *tl,
                      struct tui_heatmap_model *m)
{
    if (v < TUI_VIEW_SPECTROGRAM || v >= TUI_VIEW_COUNT || !s->mat[v].data)
        return 0;
    struct dsp_matrix mat_ready = s->mat[v];
    mat_ready.rows = s->rows_ready[v]; /* a long clip fills in progressively */
    const struct dsp_matrix *mat = &mat_ready;
    double rate = CAP_RATE_HZ;
    *m = (struct tui_heatmap_model){
        .title = tui_view_title(v), .data = mat->data, .rows = mat->rows, .cols = mat->cols,
        .hop_s = s->cfg.stft.hop_length / rate, .frame_s = s->cfg.stft.n_fft / rate,
        .unit = "dB", .cmap = s->cmap, .tl = *tl};
    if (s->range_rows[v] != mat->rows + 1) { /* scanning a long clip each frame is too slow */
        value_range(mat, v, &s->range_lo[v], &s->range_hi[v]);
        s->range_rows[v] = mat->rows + 1;
    }
    m->vmin = s->range_lo[v];
    m->vmax = s->range_hi[v];
    switch (v) {
    case TUI_VIEW_SPECTROGRAM:
        m->axis = TUI_AXIS_HZ;
        m->row_hz = (float)(rate / s->cfg.stft.n_fft);
        m->axis_name = "bins";
        break;
    case TUI_VIEW_MEL:
        m->axis = TUI_AXIS_BAND_HZ;
        m->band_hz = s->mel_hz;
        m->axis_name = "mel band";
        break;
    case TUI_VIEW_MFCC:
        m->axis = TUI_AXIS_INDEX;
        m->axis_name = "coef";
        m->unit = "";
        break;
    default: {
        struct dsp_micro_config mc = dsp_micro_config_default();
        m->axis = TUI_AXIS_BAND_HZ;
        m->band_hz = s->micro_hz;
        m->axis_name = "channel";
        m->unit = "int8";
        m->hop_s = mc.step_ms / 1000.0;
        m->frame_s = mc.window_ms / 1000.0;
        break;
    }
    }
    return 1;
}

static void draw_spectrum(struct tui_scope *s, struct tui_canvas *c, struct tui_rect r,
                          const struct tui_timeline *tl)
{
    size_t bins = (size_t)s->cfg.stft.n_fft / 2 + 1;
    const struct dsp_matrix *spec = &s->mat[TUI_VIEW_SPECTROGRAM];
    char title[96];
    const float *db = s->welch_db;
    double hop = s->cfg.stft.hop_length / (double)CAP_RATE_HZ;
    size_t frame = tl->cursor_s >= 0 ? (size_t)(tl->cursor_s / hop) : 0;
    if (tl->cursor_s >= 0 && frame < spec->rows) {
        memcpy(s->frame_db, &spec->data[frame * spec->cols], bins * sizeof *s->frame_db);
        db = s->frame_db;
        snprintf(title, sizeof title, "Spectrum (frame %zu @ %.3f s)", frame, frame * hop);
    } else {
        snprintf(title, sizeof title, "Spectrum (Welch, whole clip)");
    }
    float mx = -INFINITY;
    for (size_t i = 0; i < bins; i++)
        mx = fmaxf(mx, db[i]);
    float top = isfinite(mx) ? ceilf(mx / 10) * 10 : 0;
    struct tui_spectrum_model m = {
        .title = title, .db = db, .n_bins = bins,
        .bin_hz = (float)CAP_RATE_HZ / (float)s->cfg.stft.n_fft, .log_freq = s->spectrum_log,
        .db_min = top - 100, .db_max = top};
    tui_view_spectrum(c, r, &m);
}

void tui_scope_draw(struct tui_scope *s, enum tui_view_id v, struct tui_canvas *c,
                    struct tui_rect r, const struct tui_timeline *tl)
{
    bool done = true;
    enum kws_status st = v == TUI_VIEW_WAVE || s->computed[v] ? KWS_OK
                       : tui_scope_step(s, v, 0, &done); /* set up, compute later */
    if (st != KWS_OK) {
        tui_draw_title(c, r, tui_view_title(v), "");
        tui_canvas_text(c, r.x, r.y + 1, r.w, tui_ui_color(c->color, TUI_UI_ALERT),
                        TUI_COLOR_DEFAULT, s->error);
        return;
    }
    if (v == TUI_VIEW_WAVE) {
        struct tui_wave_model m = {
            .title = "Waveform", .samples = s->clip.samples, .n = s->clip.n_samples,
            .rate_hz = CAP_RATE_HZ, .db_axis = s->wave_db, .tl = *tl};
        tui_view_wave(c, r, &m);
    } else if (v == TUI_VIEW_SPECTRUM) {
        draw_spectrum(s, c, r, tl);
    } else {
        struct tui_heatmap_model m;
        if (tui_scope_heatmap(s, v, tl, &m))
            tui_view_heatmap(c, r, &m);
    }
}
