/* scope_views.c: a scope's analyses turned into view models, and drawn.
 *
 * The colour range follows the view table's scale: dB views show the top
 * 80 dB of their data on 10 dB steps (a fixed dynamic range reads best
 * across clips, fitted so the colour bar has no empty decades); MFCC shows
 * each coefficient against its own mean and spread (c0, the log energy, is
 * ten times larger than the rest and would otherwise take the whole colour
 * range) on a diverging map; the model's features their int8 range. Only
 * rows not scanned before are looked at: rescanning a long or live clip
 * every frame would be too slow. */
#include "tui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DB_SPAN 80.0f

void tui_fit_db(const float *v, size_t n, float span_db, float *lo, float *hi)
{
    float mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            mn = fminf(mn, v[i]);
            mx = fmaxf(mx, v[i]);
        }
    if (!(mx >= mn)) {
        *lo = -span_db;
        *hi = 0;
        return;
    }
    *hi = ceilf(mx / 10) * 10;
    *lo = fmaxf(*hi - span_db, floorf(mn / 10) * 10);
    if (!(*hi > *lo)) *lo = *hi - 10;
}

/* Min/max over the rows not scanned yet (a live scope grows). */
static void scan_range(struct tui_scope *s, enum tui_view_id v, size_t rows)
{
    const struct dsp_matrix *m = &s->mat[v];
    if (s->rows_scanned[v] == 0 || s->rows_scanned[v] > rows) {
        s->raw_lo[v] = INFINITY;
        s->raw_hi[v] = -INFINITY;
        s->rows_scanned[v] = 0;
    }
    float mn = s->raw_lo[v], mx = s->raw_hi[v];
    for (size_t i = s->rows_scanned[v] * m->cols; i < rows * m->cols; i++) {
        if (m->data[i] < mn) mn = m->data[i];
        if (m->data[i] > mx) mx = m->data[i];
    }
    s->raw_lo[v] = mn;
    s->raw_hi[v] = mx;
    s->rows_scanned[v] = rows;
}

/* Per-coefficient mean and spread over the frames computed so far. */
static void column_stats(struct tui_scope *s, enum tui_view_id v, size_t rows)
{
    const struct dsp_matrix *m = &s->mat[v];
    size_t cols = m->cols < 64 ? m->cols : 64;
    if (s->col_rows > rows) {
        s->col_rows = 0;
        memset(s->col_sum, 0, sizeof s->col_sum);
        memset(s->col_sum2, 0, sizeof s->col_sum2);
    }
    for (size_t r = s->col_rows; r < rows; r++)
        for (size_t k = 0; k < cols; k++) {
            double x = m->data[r * m->cols + k];
            s->col_sum[k] += x;
            s->col_sum2[k] += x * x;
        }
    s->col_rows = rows;
    for (size_t k = 0; k < cols; k++) {
        double n = rows ? (double)rows : 1, mean = s->col_sum[k] / n;
        double var = s->col_sum2[k] / n - mean * mean;
        s->col_mean[k] = (float)mean;
        s->col_spread[k] = var > 1e-12 ? (float)sqrt(var) : 1.0f;
    }
}

static void value_range(struct tui_scope *s, enum tui_view_id v, size_t rows,
                        struct tui_heatmap_model *m)
{
    switch (tui_view_desc(v)->scale) {
    case TUI_SCALE_INT8:
        m->vmin = -128;
        m->vmax = 127;
        return;
    case TUI_SCALE_COL_Z:
        column_stats(s, v, rows);
        m->col_mean = s->col_mean;
        m->col_spread = s->col_spread;
        m->vmin = -3;
        m->vmax = 3;
        m->cmap = TUI_CMAP_DIVERGING;
        return;
    case TUI_SCALE_DB:
        scan_range(s, v, rows);
        float ext[2] = { s->raw_lo[v], s->raw_hi[v] };
        tui_fit_db(ext, 2, DB_SPAN, &m->vmin, &m->vmax);
        return;
    }
}

int tui_scope_heatmap(struct tui_scope *s, enum tui_view_id v, const struct tui_timeline *tl,
                      struct tui_heatmap_model *m)
{
    const struct tui_view_desc *d = tui_view_desc(v);
    if (!d || d->kind != TUI_KIND_HEATMAP || !s->mat[v].data) return 0;
    const struct dsp_matrix *mat = &s->mat[v];
    *m = (struct tui_heatmap_model){ .title = d->title,
                                     .data = mat->data,
                                     .rows = s->rows_ready[v],
                                     .cols = mat->cols,
                                     .rows_total = s->computed[v] ? 0 : mat->rows,
                                     .hop_s = d->hop_s,
                                     .frame_s = d->frame_s,
                                     .unit = d->unit,
                                     .axis = d->axis,
                                     .axis_name = d->axis_name,
                                     .cmap = s->cmap,
                                     .tl = *tl };
    value_range(s, v, m->rows, m);
    if (d->axis == TUI_AXIS_HZ)
        m->row_hz = (float)((double)CAP_RATE_HZ / s->cfg.stft.n_fft);
    else if (d->axis == TUI_AXIS_BAND_HZ)
        m->band_hz = v == TUI_VIEW_MEL ? s->mel_hz : s->micro_hz;
    return 1;
}

static void draw_spectrum(struct tui_scope *s, struct tui_canvas *c, struct tui_rect r,
                          const struct tui_timeline *tl)
{
    size_t bins = (size_t)s->cfg.stft.n_fft / 2 + 1;
    const struct dsp_matrix *spec = &s->mat[TUI_VIEW_SPECTROGRAM];
    char title[96];
    const float *db = s->welch_db;
    double hop = tui_view_desc(TUI_VIEW_SPECTROGRAM)->hop_s;
    size_t ready = s->rows_ready[TUI_VIEW_SPECTROGRAM];
    bool latest = s->live && tl->cursor_s < 0;
    size_t frame = latest ? ready - 1 : tl->cursor_s >= 0 ? (size_t)(tl->cursor_s / hop) : 0;
    if (latest && ready == 0) {
        for (size_t i = 0; i < bins; i++) s->frame_db[i] = -100;
        db = s->frame_db;
        snprintf(title, sizeof title, "Spectrum (waiting for audio)");
    } else if ((latest || tl->cursor_s >= 0) && frame < ready) {
        memcpy(s->frame_db, &spec->data[frame * spec->cols], bins * sizeof *s->frame_db);
        db = s->frame_db;
        snprintf(title, sizeof title, "Spectrum (%s %zu @ %.3f s)",
                 latest ? "latest frame" : "frame", frame, frame * hop + s->origin_s);
    } else if (!s->computed[TUI_VIEW_SPECTRUM]) {
        size_t n = s->clip.n_samples, nfft = (size_t)s->cfg.stft.n_fft;
        size_t total = n < nfft ? 1 : (n - nfft) / (size_t)s->cfg.stft.hop_length + 1;
        snprintf(title, sizeof title, "Spectrum (Welch, computing %d%%)",
                 (int)(100.0 * (double)s->welch_rows / (double)total));
    } else {
        snprintf(title, sizeof title, "Spectrum (Welch, whole clip)");
    }
    struct tui_spectrum_model m = { .title = title,
                                    .db = db,
                                    .n_bins = bins,
                                    .bin_hz = (float)CAP_RATE_HZ / (float)s->cfg.stft.n_fft,
                                    .log_freq = s->spectrum_log };
    tui_fit_db(db + 1, bins - 1, DB_SPAN, &m.db_min, &m.db_max); /* DC says nothing */
    tui_view_spectrum(c, r, &m);
}

void tui_scope_draw(struct tui_scope *s, enum tui_view_id v, struct tui_canvas *c,
                    struct tui_rect r, const struct tui_timeline *tl)
{
    bool done = true;
    const struct tui_view_desc *d = tui_view_desc(v);
    enum kws_status st = !d->compute || s->computed[v]
        ? KWS_OK
        : tui_scope_step(s, v, 0, &done); /* set up, compute later */
    if (st != KWS_OK) {
        tui_draw_title(c, r, d->title, "");
        tui_canvas_text(c, r.x, r.y + 1, r.w, tui_ui_color(c->color, TUI_UI_ALERT),
                        TUI_COLOR_DEFAULT, s->error);
        return;
    }
    if (d->kind == TUI_KIND_WAVE) {
        struct tui_wave_model m = { .title = d->title,
                                    .samples = s->clip.samples,
                                    .n = s->clip.n_samples,
                                    .rate_hz = CAP_RATE_HZ,
                                    .db_axis = s->wave_db,
                                    .tl = *tl };
        tui_view_wave(c, r, &m);
    } else if (d->kind == TUI_KIND_SPECTRUM) {
        draw_spectrum(s, c, r, tl);
    } else {
        struct tui_heatmap_model m;
        if (tui_scope_heatmap(s, v, tl, &m)) tui_view_heatmap(c, r, &m);
    }
}
