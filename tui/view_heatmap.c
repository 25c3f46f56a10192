/* view_heatmap.c: spectrogram, mel, MFCC and model features as heatmaps.
 *
 * Time runs left to right, rows (bins, bands, coefficients) bottom to top.
 * With Unicode each cell is an upper half block whose foreground is the top
 * pixel and background the bottom one: two pixels per cell. Where several
 * frames or rows fall in one pixel the largest value wins, so short events
 * survive zooming out. Without colour a density ramp carries the value. A
 * colour bar with the value range sits on the right. */
#include "tui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define LABEL_W 6
#define BAR_W 8

/* Frame range [*a, *b) covering time [ta, tb). Frame k is drawn over
 * [k*hop, (k+1)*hop): consecutive frames tile the axis. */
static int frame_range(const struct tui_heatmap_model *m, double ta, double tb, size_t *a,
                       size_t *b)
{
    if (!(m->hop_s > 0) || m->rows == 0) return 0;
    double fa = floor(ta / m->hop_s), fb = ceil(tb / m->hop_s);
    if (fb <= 0 || fa >= (double)m->rows) return 0;
    *a = fa < 0 ? 0 : (size_t)fa;
    *b = fb > (double)m->rows ? m->rows : (size_t)fb;
    if (*b <= *a) *b = *a + 1;
    return 1;
}

/* Largest value over frames [fa, fb) and rows [ra, rb). */
static float block_max(const struct tui_heatmap_model *m, size_t fa, size_t fb, size_t ra,
                       size_t rb)
{
    float best = -INFINITY;
    for (size_t f = fa; f < fb; f++)
        for (size_t r = ra; r < rb; r++) {
            float v = m->data[f * m->cols + r];
            if (m->col_mean) /* largest deviation from the column's mean, either sign */
                v = (v - m->col_mean[r]) / m->col_spread[r];
            if (m->col_mean ? fabsf(v) > fabsf(best) || best == -INFINITY : v > best) best = v;
        }
    return best;
}

static float norm(const struct tui_heatmap_model *m, float v)
{
    float span = m->vmax - m->vmin;
    return span > 0 ? (v - m->vmin) / span : 0.5f;
}

void tui_heatmap_row_label(const struct tui_heatmap_model *m, size_t row, char *buf, size_t len)
{
    char hz[16];
    switch (m->axis) {
    case TUI_AXIS_HZ:
        tui_format_hz(row * (double)m->row_hz, hz, sizeof hz);
        snprintf(buf, len, "%sHz", hz);
        break;
    case TUI_AXIS_BAND_HZ:
        tui_format_hz(m->band_hz ? m->band_hz[row] : 0, hz, sizeof hz);
        snprintf(buf, len, "%s %zu (%sHz)", m->axis_name ? m->axis_name : "band", row, hz);
        break;
    case TUI_AXIS_INDEX:
        snprintf(buf, len, "%s %zu", m->axis_name ? m->axis_name : "coef", row);
        break;
    }
}

int tui_heatmap_probe(const struct tui_heatmap_model *m, double t_s, double y_frac, size_t *frame,
                      size_t *row, float *value)
{
    if (!(m->hop_s > 0) || m->rows == 0 || m->cols == 0 || t_s < 0 || y_frac < 0 || y_frac >= 1)
        return 0;
    size_t f = (size_t)(t_s / m->hop_s);
    if (f >= m->rows) return 0;
    size_t r = (size_t)((1 - y_frac) * (double)m->cols);
    if (r >= m->cols) r = m->cols - 1;
    *frame = f;
    *row = r;
    *value = m->data[f * m->cols + r];
    return 1;
}

/* Where a row value falls on the axis, 0 (bottom) .. 1 (top): row r spans
 * [r, r + 1) of cols, its value at the middle. */
static double hz_frac(double hz, const void *ctx)
{
    const struct tui_heatmap_model *m = ctx;
    return (hz / m->row_hz + 0.5) / (double)m->cols;
}

static double band_frac(double hz, const void *ctx)
{
    const struct tui_heatmap_model *m = ctx;
    const float *b = m->band_hz;
    size_t i = 0;
    while (i + 2 < m->cols && b[i + 1] < hz) i++;
    double u = i + (hz - b[i]) / (b[i + 1] - b[i]); /* fractional band index */
    return (u + 0.5) / (double)m->cols;
}

static double index_frac(double k, const void *ctx)
{
    const struct tui_heatmap_model *m = ctx;
    return (k + 0.5) / (double)m->cols;
}

static void hz_label(double v, double step, char *buf, size_t len)
{
    (void)step;
    tui_format_hz(v, buf, len);
}

static void coef_label(double v, double step, char *buf, size_t len)
{
    (void)step;
    snprintf(buf, len, "c%d", (int)lround(v));
}

/* Nice ticks on the row axis, in Hz (band centres for mel and the model's
 * channels) or coefficient numbers; the unit goes under the labels. */
static void draw_row_labels(struct tui_canvas *c, struct tui_rect plot,
                            const struct tui_heatmap_model *m)
{
    int fg = tui_ui_color(c->color, TUI_UI_AXIS);
    struct tui_axis ax = { .len = plot.h, .vertical = true, .ctx = m };
    switch (m->axis) {
    case TUI_AXIS_HZ:
        ax.lo = 0;
        ax.hi = (m->cols - 1) * (double)m->row_hz;
        ax.to_frac = hz_frac;
        ax.format = hz_label;
        break;
    case TUI_AXIS_BAND_HZ:
        if (!m->band_hz || m->cols < 2) return;
        ax.lo = m->band_hz[0];
        ax.hi = m->band_hz[m->cols - 1];
        ax.to_frac = band_frac;
        ax.format = hz_label;
        ax.decades = true;
        break;
    case TUI_AXIS_INDEX:
        ax.lo = 0;
        ax.hi = m->cols > 1 ? (double)(m->cols - 1) : 1;
        ax.to_frac = index_frac;
        ax.format = coef_label;
        ax.min_step = 1;
        break;
    }
    struct tui_tick t[TUI_MAX_TICKS];
    int n = tui_axis_ticks(&ax, t, TUI_MAX_TICKS);
    for (int i = 0; i < n; i++)
        tui_canvas_printf(c, plot.x - LABEL_W, plot.y + t[i].pos, LABEL_W - 1, fg,
                          TUI_COLOR_DEFAULT, "%5s", t[i].label);
    const char *unit = m->axis == TUI_AXIS_INDEX ? "" : "Hz";
    tui_canvas_printf(c, plot.x - LABEL_W, plot.y + plot.h, LABEL_W - 1, fg, TUI_COLOR_DEFAULT,
                      "%5s", unit);
}

/* The colour bar: the map from bottom (vmin) to top, nice ticks beside it
 * (at least three when it is three rows tall), the unit under it. */
static void draw_colorbar(struct tui_canvas *c, struct tui_rect bar,
                          const struct tui_heatmap_model *m)
{
    int fg = tui_ui_color(c->color, TUI_UI_AXIS);
    for (int y = 0; y < bar.h; y++) {
        float t = 1 - ((float)y + 0.5f) / (float)bar.h;
        int col = tui_colormap_color(m->cmap, c->color, t);
        if (c->color == TUI_COLOR_NONE) {
            char g = tui_density_glyph(t);
            tui_canvas_set(c, bar.x + 1, bar.y + y, (uint32_t)g, fg, TUI_COLOR_DEFAULT);
            tui_canvas_set(c, bar.x + 2, bar.y + y, (uint32_t)g, fg, TUI_COLOR_DEFAULT);
        } else {
            tui_canvas_set(c, bar.x + 1, bar.y + y, ' ', TUI_COLOR_DEFAULT, col);
            tui_canvas_set(c, bar.x + 2, bar.y + y, ' ', TUI_COLOR_DEFAULT, col);
        }
    }
    struct tui_axis ax = {
        .lo = m->vmin, .hi = m->vmax, .len = bar.h, .vertical = true, .max_ticks = bar.h / 4 + 3
    };
    struct tui_tick t[TUI_MAX_TICKS];
    int n = tui_axis_ticks(&ax, t, TUI_MAX_TICKS);
    for (int i = 0; i < n; i++)
        tui_canvas_text(c, bar.x + 3, bar.y + t[i].pos, BAR_W - 3, fg, TUI_COLOR_DEFAULT,
                        t[i].label);
    if (m->unit)
        tui_canvas_text(c, bar.x + 1, bar.y + bar.h, BAR_W - 1, fg, TUI_COLOR_DEFAULT, m->unit);
}

/* The readout row: a pointer on each side of the plot. */
static void draw_probe(struct tui_canvas *c, struct tui_rect plot,
                       const struct tui_heatmap_model *m)
{
    if (m->tl.probe_y < 0 || m->tl.cursor_s < 0 || plot.h < 1) return;
    int y = plot.y + (int)(m->tl.probe_y * plot.h);
    y = y >= plot.y + plot.h ? plot.y + plot.h - 1 : y;
    int fg = tui_ui_color(c->color, TUI_UI_CURSOR);
    tui_canvas_set(c, plot.x - 1, y, c->unicode ? 0x25B6 : '>', fg, TUI_COLOR_DEFAULT);
    tui_canvas_set(c, plot.x + plot.w, y, c->unicode ? 0x25C0 : '<', fg, TUI_COLOR_DEFAULT);
}

void tui_view_heatmap(struct tui_canvas *c, struct tui_rect r, const struct tui_heatmap_model *m)
{
    char info[64];
    snprintf(info, sizeof info, "%zu frames x %zu %s  %s%s", m->rows, m->cols,
             m->axis == TUI_AXIS_HZ          ? "bins"
                 : m->axis == TUI_AXIS_INDEX ? "coef"
                                             : "bands",
             m->col_mean ? "per-coef z, " : "", tui_colormap_name(m->cmap));
    if (m->rows_total > m->rows) /* a long clip filling in: how far it is */
        snprintf(info, sizeof info, "%zu frames, computing %d%%", m->rows,
                 (int)(100.0 * (double)m->rows / (double)m->rows_total));
    /* The frame count always shows (it says whether there are data); the
     * rest of the info only when the title row has room for it. */
    int room = r.w - (int)strlen(m->title ? m->title : "") - 2;
    if ((int)strlen(info) > room) snprintf(info, sizeof info, "%zu frames x %zu", m->rows, m->cols);
    if ((int)strlen(info) > room) snprintf(info, sizeof info, "%zu frames", m->rows);
    tui_draw_title(c, r, m->title ? m->title : "", info);
    struct tui_rect plot = { r.x + LABEL_W, r.y + 1, r.w - LABEL_W - BAR_W, r.h - 2 };
    if (plot.w < 2 || plot.h < 1 || m->cols == 0) return;
    draw_row_labels(c, plot, m);
    draw_colorbar(c, (struct tui_rect){ plot.x + plot.w, plot.y, BAR_W, plot.h }, m);
    tui_draw_time_axis(c, plot.x, plot.y + plot.h, plot.w, &m->tl);

    int pix_rows = plot.h * (c->unicode ? 2 : 1);
    double span = m->tl.t1_s - m->tl.t0_s;
    for (int x = 0; x < plot.w; x++) {
        size_t fa, fb;
        double ta = m->tl.t0_s + span * x / plot.w, tb = m->tl.t0_s + span * (x + 1) / plot.w;
        if (!frame_range(m, ta, tb, &fa, &fb)) continue;
        float px[2 * 4096];
        for (int p = 0; p < pix_rows; p++) {
            /* Pixel p counts from the top; rows count from the bottom. */
            size_t ra = (size_t)((double)(pix_rows - 1 - p) / pix_rows * (double)m->cols);
            size_t rb = (size_t)((double)(pix_rows - p) / pix_rows * (double)m->cols);
            if (rb <= ra) rb = ra + 1;
            px[p] = norm(m, block_max(m, fa, fb, ra, rb));
        }
        for (int y = 0; y < plot.h; y++) {
            if (c->color == TUI_COLOR_NONE) {
                float v = c->unicode ? fmaxf(px[2 * y], px[2 * y + 1]) : px[y];
                tui_canvas_set(c, plot.x + x, plot.y + y, (uint32_t)tui_density_glyph(v),
                               TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT);
            } else if (c->unicode) {
                tui_canvas_set(c, plot.x + x, plot.y + y, 0x2580,
                               tui_colormap_color(m->cmap, c->color, px[2 * y]),
                               tui_colormap_color(m->cmap, c->color, px[2 * y + 1]));
            } else {
                tui_canvas_set(c, plot.x + x, plot.y + y, ' ', TUI_COLOR_DEFAULT,
                               tui_colormap_color(m->cmap, c->color, px[y]));
            }
        }
    }
    tui_draw_overlays(c, plot, &m->tl);
    draw_probe(c, plot, m);
}
