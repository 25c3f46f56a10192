/* view_spectrum.c: magnitude in dB against frequency, as a braille line.
 * Each dot column shows the largest bin it covers (peaks survive), columns
 * are joined vertically so the trace reads as one line; the frequency axis is
 * linear or logarithmic (starting at the first non-DC bin). */
#include "tui.h"

#include <math.h>
#include <stdio.h>

#define LABEL_W 6

static double col_to_hz(const struct tui_spectrum_model *m, double frac)
{
    double top = (m->n_bins - 1) * (double)m->bin_hz;
    if (!m->log_freq) return frac * top;
    double lo = m->bin_hz > 0 ? m->bin_hz : 1;
    return lo * pow(top / lo, frac);
}

static int db_to_dot(const struct tui_spectrum_model *m, float db, int rows)
{
    double t = (db - m->db_min) / (m->db_max - m->db_min);
    int y = (int)floor((1 - t) * rows); /* the cell of a value is where its tick sits */
    return y < 0 ? 0 : y >= rows ? rows - 1 : y;
}

static double log_frac(double hz, const void *ctx)
{
    const struct tui_spectrum_model *m = ctx;
    double top = (m->n_bins - 1) * (double)m->bin_hz, lo = m->bin_hz > 0 ? m->bin_hz : 1;
    return log(hz / lo) / log(top / lo);
}

static void hz_label(double v, double step, char *buf, size_t len)
{
    (void)step;
    tui_format_hz(v, buf, len);
}

/* Frequency ticks: multiples of a nice step, or the 1-2-5 values of each
 * decade on the log axis; "Hz" under the dB labels. A dot column px covers
 * [px, px + 1) / cols of the range, so a value's cell is floor(frac * w). */
static void draw_freq_axis(struct tui_canvas *c, struct tui_rect plot,
                           const struct tui_spectrum_model *m)
{
    int fg = tui_ui_color(c->color, TUI_UI_AXIS);
    double top = (m->n_bins - 1) * (double)m->bin_hz;
    struct tui_axis ax = { .lo = m->log_freq ? m->bin_hz : 0,
                           .hi = top,
                           .len = plot.w,
                           .decades = m->log_freq,
                           .to_frac = m->log_freq ? log_frac : NULL,
                           .ctx = m,
                           .format = hz_label };
    struct tui_tick t[TUI_MAX_TICKS];
    int n = tui_axis_ticks(&ax, t, TUI_MAX_TICKS);
    for (int i = 0; i < n; i++)
        tui_canvas_text(c, plot.x + t[i].start, plot.y + plot.h, t[i].w, fg, TUI_COLOR_DEFAULT,
                        t[i].label);
    tui_canvas_text(c, plot.x - LABEL_W, plot.y + plot.h, LABEL_W - 1, fg, TUI_COLOR_DEFAULT,
                    "   Hz");
}

void tui_view_spectrum(struct tui_canvas *c, struct tui_rect r, const struct tui_spectrum_model *m)
{
    char info[48];
    snprintf(info, sizeof info, "dB, %s frequency", m->log_freq ? "log" : "linear");
    tui_draw_title(c, r, m->title ? m->title : "Spectrum", info);
    struct tui_rect plot = { r.x + LABEL_W, r.y + 1, r.w - LABEL_W - 1, r.h - 2 };
    if (plot.w < 2 || plot.h < 1 || m->n_bins < 2 || !(m->db_max > m->db_min)) return;
    int fg = tui_ui_color(c->color, TUI_UI_AXIS);
    struct tui_axis ay = { .lo = m->db_min, .hi = m->db_max, .len = plot.h, .vertical = true };
    struct tui_tick t[TUI_MAX_TICKS];
    int n = tui_axis_ticks(&ay, t, TUI_MAX_TICKS);
    for (int i = 0; i < n; i++)
        tui_canvas_printf(c, plot.x - LABEL_W, plot.y + t[i].pos, LABEL_W - 1, fg,
                          TUI_COLOR_DEFAULT, "%5s", t[i].label);
    draw_freq_axis(c, plot, m);

    int trace = tui_ui_color(c->color, TUI_UI_TRACE);
    int cols = plot.w * 2, rows = plot.h * 4;
    int prev = -1;
    for (int px = 0; px < cols; px++) {
        double ha = col_to_hz(m, (double)px / cols), hb = col_to_hz(m, (double)(px + 1) / cols);
        size_t a = (size_t)floor(ha / m->bin_hz), b = (size_t)ceil(hb / m->bin_hz);
        if (b <= a) b = a + 1;
        if (b > m->n_bins) b = m->n_bins;
        if (a >= b) continue;
        float best = -INFINITY;
        for (size_t i = a; i < b; i++)
            if (m->db[i] > best) best = m->db[i];
        int y = db_to_dot(m, best, rows);
        int y0 = prev >= 0 && prev < y ? prev : y, y1 = prev > y ? prev : y;
        for (int yy = y0; yy <= y1; yy++) tui_canvas_dot(c, plot, px, yy, trace);
        prev = y;
    }
}
