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
static int frame_range(const struct tui_heatmap_model *m, double ta, double tb, size_t *a, size_t *b)
{
    if (!(m->hop_s > 0) || m->rows == 0)
        return 0;
    double fa = floor(ta / m->hop_s), fb = ceil(tb / m->hop_s);
    if (fb <= 0 || fa >= (double)m->rows)
        return 0;
    *a = fa < 0 ? 0 : (size_t)fa;
    *b = fb > (double)m->rows ? m->rows : (size_t)fb;
    if (*b <= *a)
        *b = *a + 1;
    return 1;
}

/* Largest value over frames [fa, fb) and rows [ra, rb). */
static float block_max(const struct tui_heatmap_model *m, size_t fa, size_t fb, size_t ra, size_t rb)
{
    float best = -INFINITY;
    for (size_t f = fa; f < fb; f++)
        for (size_t r = ra; r < rb; r++) {
            float v = m->data[f * m->cols + r];
            if (v > best)
                best = v;
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

int tui_heatmap_probe(const struct tui_heatmap_model *m, double t_s, double y_frac,
                      size_t *frame, size_t *row, float *value)
{
    if (!(m->hop_s > 0) || m->rows == 0 || m->cols == 0 || t_s < 0 || y_frac < 0 || y_frac >= 1)
        return 0;
    size_t f = (size_t)(t_s / m->hop_s);
    if (f >= m->rows)
        return 0;
    size_t r = (size_t)((1 - y_frac) * (double)m->cols);
    if (r >= m->cols)
        r = m->cols - 1;
    *frame = f;
    *row = r;
    *value = m->data[f * m->cols + r];
    return 1;
}

/* Labels for a few rows on the left axis (short: "8k", "20", "c12"). */
static void draw_row_labels(struct tui_canvas *c, struct tui_rect plot, const struct tui_heatmap_model *m)
{
    int fg = tui_ui_color(c->color, TUI_UI_AXIS);
    int every = plot.h >= 12 ? 4 : plot.h >= 6 ? 3 : 2;
    for (int y = 0; y < plot.h; y += every) {
        /* Row at the middle of this cell (two pixels). */
        size_t row = (size_t)((1 - (y + 0.5) / plot.h) * (double)m->cols);
        if (row >= m->cols)
            row = m->cols - 1;
        char label[16];
        if (m->axis == TUI_AXIS_HZ)
            tui_format_hz(row * (double)m->row_hz, label, sizeof label);
        else if (m->axis == TUI_AXIS_BAND_HZ)
            snprintf(label, sizeof label, "%zu", row);
        else
            snprintf(label, sizeof label, "c%zu", row);
        tui_canvas_printf(c, plot.x - LABEL_W, plot.y + y, LABEL_W - 1, fg, TUI_COLOR_DEFAULT,
                          "%5s", label);
    }
}

static void draw_colorbar(struct tui_canvas *c, struct tui_rect bar, const struct tui_heatmap_model *m)
{
    int fg = tui_ui_color(c->color, TUI_UI_AXIS);
    for (int y = 0; y < bar.h; y++) {
        float t = bar.h > 1 ? 1 - (float)y / (float)(bar.h - 1) : 1;
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
    tui_canvas_printf(c, bar.x + 3, bar.y, BAR_W - 3, fg, TUI_COLOR_DEFAULT, "%.0f", m->vmax);
    tui_canvas_printf(c, bar.x + 3, bar.y + bar.h - 1, BAR_W - 3, fg, TUI_COLOR_DEFAULT, "%.0f", m->vmin);
    if (bar.h >= 3 && m->unit)
        tui_canvas_text(c, bar.x + 3, bar.y + bar.h / 2, BAR_W - 3, fg, TUI_COLOR_DEFAULT, m->unit);
}

void tui_view_heatmap(struct tui_canvas *c, struct tui_rect r, const struct tui_heatmap_model *m)
{
    char info[64];
    snprintf(info, sizeof info, "%zu frames x %zu %s  %s", m->rows, m->cols,
             m->axis_name ? m->axis_name : "rows", tui_colormap_name(m->cmap));
    tui_draw_title(c, r, m->title ? m->title : "", info);
    struct tui_rect plot = {r.x + LABEL_W, r.y + 1, r.w - LABEL_W - BAR_W, r.h - 2};
    if (plot.w < 2 || plot.h < 1 || m->cols == 0)
        return;
    draw_row_labels(c, plot, m);
    draw_colorbar(c, (struct tui_rect){plot.x + plot.w, plot.y, BAR_W, plot.h}, m);
    tui_draw_time_axis(c, plot.x, plot.y + plot.h, plot.w, &m->tl);

    int pix_rows = plot.h * (c->unicode ? 2 : 1);
    double span = m->tl.t1_s - m->tl.t0_s;
    for (int x = 0; x < plot.w; x++) {
        size_t fa, fb;
        double ta = m->tl.t0_s + span * x / plot.w, tb = m->tl.t0_s + span * (x + 1) / plot.w;
        if (!frame_range(m, ta, tb, &fa, &fb))
            continue;
        float px[2 * 4096];
        for (int p = 0; p < pix_rows; p++) {
            /* Pixel p counts from the top; rows count from the bottom. */
            size_t ra = (size_t)((double)(pix_rows - 1 - p) / pix_rows * (double)m->cols);
            size_t rb = (size_t)((double)(pix_rows - p) / pix_rows * (double)m->cols);
            if (rb <= ra)
                rb = ra + 1;
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
}
