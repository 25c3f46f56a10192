/* view_lines.c: several named series as braille lines over numeric x and y
 * axes, with a legend: the x-y figures of the model lab (accuracy against
 * bits, parameters, FLOPs, runtime).
 *
 * Ticks step by 1, 2 or 5 x 10^k and the axes are widened to whole steps, so
 * every tick label is a round number. Each series also prints its marker
 * letter at its data points and in the legend, so the lines stay apart in a
 * log file without colour (--color never) and on ASCII terminals. */
#include "tui.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_W 7

double tui_nice_step125(double span, int max_ticks)
{
    if (!(span > 0) || max_ticks < 1) return 1;
    double raw = span / max_ticks, mag = pow(10, floor(log10(raw)));
    static const double steps[] = { 1, 2, 5, 10 };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i] * mag >= raw * (1 - 1e-9)) return steps[i] * mag;
    return 10 * mag;
}

void tui_format_tick(double v, double step, char *buf, size_t len)
{
    const char *unit = "";
    double div = 1;
    if (fabs(v) < step * 1e-9) {
        snprintf(buf, len, "0"); /* not "0k" or "-0" */
        return;
    }
    if (step >= 1e6 || fabs(v) >= 1e7) {
        unit = "M";
        div = 1e6;
    } else if (step >= 1e3 || fabs(v) >= 1e4) {
        unit = "k";
        div = 1e3;
    }
    double s = step / div;
    int dec = s >= 1 ? 0 : (int)ceil(-log10(s) - 1e-9);
    snprintf(buf, len, "%.*f%s", dec > 6 ? 6 : dec, v / div, unit);
}

static int series_color(const struct tui_canvas *c, size_t i)
{
    static const int ansi[] = { 1, 4, 2, 5, 6, 3 }; /* red blue green magenta cyan yellow */
    static const int x256[] = { 203, 75, 114, 177, 80, 221 };
    if (c->color == TUI_COLOR_NONE) return TUI_COLOR_DEFAULT;
    return c->color >= TUI_COLOR_256 ? x256[i % 6] : ansi[i % 6];
}

/* Data range of the model, widened to whole steps. */
static void axis_range(const struct tui_lines_model *m, bool y, int ticks, double *lo, double *hi,
                       double *step)
{
    double a = y ? m->y_min : m->x_min, b = y ? m->y_max : m->x_max;
    if (!(b > a)) {
        a = INFINITY;
        b = -INFINITY;
        for (size_t s = 0; s < m->n_series; s++)
            for (size_t i = 0; i < m->series[s].n; i++) {
                double v = y ? m->series[s].y[i] : m->series[s].x[i];
                if (isfinite(v)) {
                    a = v < a ? v : a;
                    b = v > b ? v : b;
                }
            }
        if (!isfinite(a)) {
            a = 0;
            b = 1;
        }
        if (!(b > a)) {
            double pad = fabs(a) > 0 ? fabs(a) * 0.1 : 1;
            a -= pad;
            b += pad;
        }
    }
    *step = tui_nice_step125(b - a, ticks);
    *lo = floor(a / *step + 1e-9) * *step;
    *hi = ceil(b / *step - 1e-9) * *step;
}

struct frame {
    struct tui_rect plot;
    double x0, x1, y0, y1;
};

static int to_dot(double v, double lo, double hi, int n, bool flip)
{
    double t = (v - lo) / (hi - lo);
    int d = (int)lround(t * (n - 1));
    d = d < 0 ? 0 : d >= n ? n - 1 : d;
    return flip ? n - 1 - d : d;
}

void tui_line_start(struct tui_line_walk *w, int x0, int y0, int x1, int y1)
{
    *w = (struct tui_line_walk){
        x0, y0, x1, y1, abs(x1 - x0), -abs(y1 - y0), x0 < x1 ? 1 : -1, y0 < y1 ? 1 : -1, 0
    };
    w->e = w->dx + w->dy;
}

bool tui_line_next(struct tui_line_walk *w)
{
    if (w->x == w->x1 && w->y == w->y1) return false;
    int e2 = 2 * w->e;
    if (e2 >= w->dy) {
        w->e += w->dy;
        w->x += w->sx;
    }
    if (e2 <= w->dx) {
        w->e += w->dx;
        w->y += w->sy;
    }
    return true;
}

static void draw_segment(struct tui_canvas *c, struct tui_rect plot, int x0, int y0, int x1, int y1,
                         int fg)
{
    struct tui_line_walk w;
    tui_line_start(&w, x0, y0, x1, y1);
    do tui_canvas_dot(c, plot, w.x, w.y, fg);
    while (tui_line_next(&w));
}

static void draw_axes(struct tui_canvas *c, const struct frame *f, double xs, double ys)
{
    int fg = tui_ui_color(c->color, TUI_UI_AXIS);
    char buf[32];
    const struct tui_rect *p = &f->plot;
    for (double v = f->y0; v <= f->y1 + ys * 1e-6; v += ys) {
        int row = p->y + to_dot(v, f->y0, f->y1, p->h * 4, true) / 4;
        tui_format_tick(v, ys, buf, sizeof buf);
        tui_canvas_printf(c, p->x - LABEL_W, row, LABEL_W - 1, fg, TUI_COLOR_DEFAULT, "%*s",
                          LABEL_W - 2, buf);
        tui_canvas_set(c, p->x - 1, row, c->unicode ? 0x2524 : '+', fg, TUI_COLOR_DEFAULT);
    }
    int next_free = p->x - 2;
    for (double v = f->x0; v <= f->x1 + xs * 1e-6; v += xs) {
        int col = p->x + to_dot(v, f->x0, f->x1, p->w * 2, false) / 2;
        tui_format_tick(v, xs, buf, sizeof buf);
        int lw = (int)strlen(buf), at = col - lw / 2;
        if (at < next_free || at + lw > p->x + p->w + 2) continue;
        tui_canvas_set(c, col, p->y + p->h, c->unicode ? 0x252C : '+', fg, TUI_COLOR_DEFAULT);
        tui_canvas_text(c, at, p->y + p->h + 1, lw, fg, TUI_COLOR_DEFAULT, buf);
        next_free = at + lw + 1;
    }
}

static void draw_legend(struct tui_canvas *c, struct tui_rect r, const struct tui_lines_model *m)
{
    int x = r.x + LABEL_W, y = r.y + r.h - 1;
    for (size_t s = 0; s < m->n_series; s++) {
        int fg = series_color(c, s);
        char item[80];
        snprintf(item, sizeof item, "%c %s", m->series[s].marker, m->series[s].name);
        int w = (int)strlen(item);
        if (x + w + 2 > r.x + r.w) break;
        tui_canvas_text(c, x, y, w, fg, TUI_COLOR_DEFAULT, item);
        x += w + 3;
    }
    if (m->x_label) {
        int w = (int)strlen(m->x_label);
        if (x + w < r.x + r.w)
            tui_canvas_text(c, r.x + r.w - w - 1, y, w, tui_ui_color(c->color, TUI_UI_AXIS),
                            TUI_COLOR_DEFAULT, m->x_label);
    }
}

void tui_view_lines(struct tui_canvas *c, struct tui_rect r, const struct tui_lines_model *m)
{
    tui_draw_title(c, r, m->title ? m->title : "", m->y_label);
    struct frame f = { .plot = { r.x + LABEL_W, r.y + 1, r.w - LABEL_W - 2, r.h - 4 } };
    if (f.plot.w < 4 || f.plot.h < 2) return;
    double xs, ys;
    axis_range(m, false, f.plot.w / 8 > 1 ? f.plot.w / 8 : 1, &f.x0, &f.x1, &xs);
    axis_range(m, true, f.plot.h / 3 > 1 ? f.plot.h / 3 : 1, &f.y0, &f.y1, &ys);
    draw_axes(c, &f, xs, ys);
    int cols = f.plot.w * 2, rows = f.plot.h * 4;
    for (size_t s = 0; s < m->n_series; s++) {
        const struct tui_series *se = &m->series[s];
        int fg = series_color(c, s), px = -1, py = -1;
        for (size_t i = 0; i < se->n; i++) {
            if (!isfinite(se->x[i]) || !isfinite(se->y[i])) continue;
            int x = to_dot(se->x[i], f.x0, f.x1, cols, false);
            int y = to_dot(se->y[i], f.y0, f.y1, rows, true);
            if (px >= 0)
                draw_segment(c, f.plot, px, py, x, y, fg);
            else
                tui_canvas_dot(c, f.plot, x, y, fg);
            px = x;
            py = y;
        }
    }
    /* Markers last, so every data point stays visible where lines cross. */
    for (size_t s = 0; s < m->n_series; s++)
        for (size_t i = 0; i < m->series[s].n; i++) {
            const struct tui_series *se = &m->series[s];
            if (!isfinite(se->x[i]) || !isfinite(se->y[i])) continue;
            int x = to_dot(se->x[i], f.x0, f.x1, cols, false) / 2;
            int y = to_dot(se->y[i], f.y0, f.y1, rows, true) / 4;
            tui_canvas_set(c, f.plot.x + x, f.plot.y + y, (uint32_t)se->marker, series_color(c, s),
                           TUI_COLOR_DEFAULT);
        }
    draw_legend(c, r, m);
}
