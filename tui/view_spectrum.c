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
    if (!m->log_freq)
        return frac * top;
    double lo = m->bin_hz > 0 ? m->bin_hz : 1;
    return lo * pow(top / lo, frac);
}

static int db_to_dot(const struct tui_spectrum_model *m, float db, int rows)
{
    double t = (db - m->db_min) / (m->db_max - m->db_min);
    int y = (int)lround((1 - t) * (rows - 1));
    return y < 0 ? 0 : y >= rows ? rows - 1 : y;
}

static void draw_freq_axis(struct tui_canvas *c, struct tui_rect plot, const struct tui_spectrum_model *m)
{
    int fg = tui_ui_color(c->color, TUI_UI_AXIS);
    double top = (m->n_bins - 1) * (double)m->bin_hz;
    static const double log_ticks[] = {50, 100, 200, 500, 1000, 2000, 4000, 8000, 16000, 20000};
    double step = tui_nice_step(top, plot.w / 8 > 1 ? plot.w / 8 : 1);
    int next_free = plot.x;
    int n = m->log_freq ? (int)(sizeof log_ticks / sizeof log_ticks[0]) : (int)(top / step) + 1;
    for (int i = 0; i < n; i++) {
        double hz = m->log_freq ? log_ticks[i] : i * step;
        double lo = m->bin_hz > 0 ? m->bin_hz : 1;
        double frac = m->log_freq ? log(hz / lo) / log(top / lo) : hz / top;
        if (frac < 0 || frac > 1)
            continue;
        int col = plot.x + (int)(frac * (plot.w - 1));
        char label[16];
        tui_format_hz(hz, label, sizeof label);
        int lw = (int)snprintf(NULL, 0, "%s", label);
        if (col < next_free || col + lw > plot.x + plot.w + 2)
            continue;
        tui_canvas_text(c, col, plot.y + plot.h, lw, fg, TUI_COLOR_DEFAULT, label);
        next_free = col + lw + 1;
    }
    tui_canvas_text(c, plot.x - LABEL_W, plot.y + plot.h, LABEL_W - 1, fg, TUI_COLOR_DEFAULT, "   Hz");
}

void tui_view_spectrum(struct tui_canvas *c, struct tui_rect r, const struct tui_spectrum_model *m)
{
    char info[48];
    snprintf(info, sizeof info, "dB, %s frequency", m->log_freq ? "log" : "linear");
    tui_draw_title(c, r, m->title ? m->title : "Spectrum", info);
    struct tui_rect plot = {r.x + LABEL_W, r.y + 1, r.w - LABEL_W - 1, r.h - 2};
    if (plot.w < 2 || plot.h < 1 || m->n_bins < 2 || !(m->db_max > m->db_min))
        return;
    int fg = tui_ui_color(c->color, TUI_UI_AXIS);
    int every = plot.h >= 12 ? 4 : 2;
    for (int y = 0; y < plot.h; y += every) {
        float db = m->db_max - (m->db_max - m->db_min) * (float)y / (float)(plot.h > 1 ? plot.h - 1 : 1);
        tui_canvas_printf(c, plot.x - LABEL_W, plot.y + y, LABEL_W - 1, fg, TUI_COLOR_DEFAULT, "%5.0f", db);
    }
    draw_freq_axis(c, plot, m);

    int trace = tui_ui_color(c->color, TUI_UI_TRACE);
    int cols = plot.w * 2, rows = plot.h * 4;
    int prev = -1;
    for (int px = 0; px < cols; px++) {
        double ha = col_to_hz(m, (double)px / cols), hb = col_to_hz(m, (double)(px + 1) / cols);
        size_t a = (size_t)floor(ha / m->bin_hz), b = (size_t)ceil(hb / m->bin_hz);
        if (b <= a)
            b = a + 1;
        if (b > m->n_bins)
            b = m->n_bins;
        if (a >= b)
            continue;
        float best = -INFINITY;
        for (size_t i = a; i < b; i++)
            if (m->db[i] > best)
                best = m->db[i];
        int y = db_to_dot(m, best, rows);
        int y0 = prev >= 0 && prev < y ? prev : y, y1 = prev > y ? prev : y;
        for (int yy = y0; yy <= y1; yy++)
            tui_canvas_dot(c, plot, px, yy, trace);
        prev = y;
    }
}
