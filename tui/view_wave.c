/* view_wave.c: the waveform. Each dot column shows the min/max envelope of
 * the samples it covers (so a 10-minute clip and a 10 ms zoom both read
 * right), drawn in braille dots (2x4 per cell) or one ASCII glyph per cell.
 * The amplitude axis is linear (-1..1) or dBFS, mirrored around silence. */
#include "tui.h"

#include <math.h>
#include <stdio.h>

#define LABEL_W 6
#define DB_FLOOR (-60.0)

/* Vertical dot position of amplitude v in [-1, 1] on a grid of rows dots. */
static int amp_to_dot(double v, int db_axis, int rows)
{
    if (db_axis) {
        double mag = fabs(v);
        double db = mag > 0 ? 20 * log10(mag) : DB_FLOOR;
        double h = db <= DB_FLOOR ? 0 : 1 - db / DB_FLOOR; /* 0 at floor, 1 at 0 dBFS */
        v = v < 0 ? -h : h;
    }
    int y = (int)lround((1 - v) / 2 * (rows - 1));
    return y < 0 ? 0 : y >= rows ? rows - 1 : y;
}

static void draw_amp_labels(struct tui_canvas *c, struct tui_rect plot, int db_axis)
{
    int fg = tui_ui_color(c->color, TUI_UI_AXIS);
    static const double lin[] = { 1, 0.5, 0, -0.5, -1 };
    static const double dbv[] = { 0, -12, -60, -12, 0 };
    static const double dbpos[] = { 1, 0.8, 0, -0.8, -1 }; /* where -12 dB lands: 1 - 12/60 */
    int rows = plot.h * 4;
    int last = -2;
    for (int i = 0; i < 5; i++) {
        double pos = db_axis ? dbpos[i] : lin[i];
        int y = plot.y + amp_to_dot(pos, 0, rows) / 4;
        if (y <= last || (plot.h < 5 && i % 2)) continue;
        char label[16];
        if (db_axis)
            snprintf(label, sizeof label, i == 2 ? "-inf" : "%.0fdB", dbv[i]);
        else
            snprintf(label, sizeof label, "%.1f", lin[i]);
        tui_canvas_printf(c, plot.x - LABEL_W, y, LABEL_W - 1, fg, TUI_COLOR_DEFAULT, "%5s", label);
        last = y;
    }
}

void tui_view_wave(struct tui_canvas *c, struct tui_rect r, const struct tui_wave_model *m)
{
    char info[64];
    snprintf(info, sizeof info, "%s", m->db_axis ? "dBFS" : "linear");
    tui_draw_title(c, r, m->title ? m->title : "Waveform", info);
    struct tui_rect plot = { r.x + LABEL_W, r.y + 1, r.w - LABEL_W, r.h - 2 };
    if (plot.w < 2 || plot.h < 1) return;
    draw_amp_labels(c, plot, m->db_axis);
    tui_draw_time_axis(c, plot.x, plot.y + plot.h, plot.w, &m->tl);

    int fg = tui_ui_color(c->color, TUI_UI_TRACE);
    int cols = plot.w * (c->unicode ? 2 : 1), rows = plot.h * 4;
    double span = m->tl.t1_s - m->tl.t0_s;
    int prev_y = -1;
    /* Zero line first, so silence still shows where the axis is. */
    for (int px = 0; px < cols; px++)
        tui_canvas_dot(c, plot, c->unicode ? px : px * 2, amp_to_dot(0, m->db_axis, rows),
                       tui_ui_color(c->color, TUI_UI_AXIS));
    for (int px = 0; px < cols && m->n > 0; px++) {
        double ta = m->tl.t0_s + span * px / cols, tb = m->tl.t0_s + span * (px + 1) / cols;
        long a = (long)floor(ta * m->rate_hz), b = (long)ceil(tb * m->rate_hz);
        if (a >= (long)m->n || b <= 0) continue;
        if (a < 0) a = 0;
        if (b > (long)m->n) b = (long)m->n;
        if (b <= a) b = a + 1;
        int lo = 32767, hi = -32768;
        for (long i = a; i < b; i++) {
            if (m->samples[i] < lo) lo = m->samples[i];
            if (m->samples[i] > hi) hi = m->samples[i];
        }
        int y0 = amp_to_dot(hi / 32768.0, m->db_axis, rows);
        int y1 = amp_to_dot(lo / 32768.0, m->db_axis, rows);
        if (m->db_axis && lo >= 0) y1 = amp_to_dot(-hi / 32768.0, 1, rows); /* mirrored envelope */
        if (m->db_axis && hi <= 0) y0 = amp_to_dot(-lo / 32768.0, 1, rows);
        /* Join to the previous column so a zoomed-in trace stays connected. */
        if (prev_y >= 0 && !m->db_axis) {
            if (prev_y < y0) y0 = prev_y;
            if (prev_y > y1) y1 = prev_y;
        }
        for (int y = y0; y <= y1; y++) tui_canvas_dot(c, plot, c->unicode ? px : px * 2, y, fg);
        prev_y = amp_to_dot(m->samples[b - 1] / 32768.0, m->db_axis, rows);
    }
    tui_draw_overlays(c, plot, &m->tl);
}
