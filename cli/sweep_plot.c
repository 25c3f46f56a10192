/* sweep_plot.c: the threshold sweep as a terminal plot, recall (y, 0-100%)
 * against false alarms per hour (x), one line per keyword and one for all,
 * drawn into a tui canvas (braille lines in Unicode, one letter per series
 * in ASCII, so the curves stay apart with --color never) and shown with the
 * text backend, as `kwscope plot` does. A dotted vertical line marks the
 * false-alarm budget. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tui/tui.h"

#define Y_LABEL_W 5 /* "100%" and a space */

static int series_color(enum tui_color_mode mode, int k)
{
    static const int c256[] = { 39, 208, 76, 201, 226, 45 };
    static const int c8[] = { 4, 3, 2, 5, 6, 1 };
    if (mode == TUI_COLOR_NONE) return TUI_COLOR_DEFAULT;
    return mode == TUI_COLOR_256 ? c256[k % 6] : c8[k % 6];
}

/* A dot of series k: braille on a Unicode canvas, the series' glyph else. */
static void dot(struct tui_canvas *c, struct tui_rect r, int px, int py, int k, uint32_t glyph)
{
    if (c->unicode) {
        tui_canvas_dot(c, r, px, py, series_color(c->color, k));
        return;
    }
    if (px < 0 || py < 0 || px >= r.w * 2 || py >= r.h * 4) return;
    tui_canvas_set(c, r.x + px / 2, r.y + py / 4, glyph, series_color(c->color, k),
                   TUI_COLOR_DEFAULT);
}

static void line(struct tui_canvas *c, struct tui_rect r, int x0, int y0, int x1, int y1, int k,
                 uint32_t glyph)
{
    struct tui_line_walk w;
    tui_line_start(&w, x0, y0, x1, y1);
    for (int guard = 0; guard < 100000; guard++) {
        dot(c, r, w.x, w.y, k, glyph);
        if (!tui_line_next(&w)) break;
    }
}

static void axes(struct tui_canvas *c, struct tui_rect plot, double x_max, double budget)
{
    int axis = tui_ui_color(c->color, TUI_UI_AXIS);
    double ys = tui_nice_step(100.0, plot.h / 3 > 1 ? plot.h / 3 : 1);
    for (double v = 0; v <= 100.0 + 1e-9; v += ys) {
        int row = plot.y + plot.h - 1 - (int)lround(v / 100.0 * (plot.h - 1));
        tui_canvas_printf(c, 0, row, Y_LABEL_W - 1, axis, TUI_COLOR_DEFAULT, "%3.0f%%", v);
    }
    int base = plot.y + plot.h;
    for (int x = plot.x; x < plot.x + plot.w; x++)
        tui_canvas_set(c, x, base, c->unicode ? 0x2500 : '-', axis, TUI_COLOR_DEFAULT);
    double xs = tui_nice_step(x_max, plot.w / 8 > 1 ? plot.w / 8 : 1);
    int next_free = 0;
    for (double v = 0; v <= x_max + 1e-9; v += xs) {
        int col = plot.x + (int)lround(v / x_max * (plot.w - 1));
        char lab[16];
        snprintf(lab, sizeof lab, "%g", v);
        int at = col - (int)strlen(lab) / 2;
        if (at < next_free || at + (int)strlen(lab) > c->w) continue;
        tui_canvas_set(c, col, base, c->unicode ? 0x2534 : '+', axis, TUI_COLOR_DEFAULT);
        tui_canvas_text(c, at, base + 1, -1, axis, TUI_COLOR_DEFAULT, lab);
        next_free = at + (int)strlen(lab) + 1;
    }
    if (budget > 0 && budget <= x_max) {
        int col = plot.x + (int)lround(budget / x_max * (plot.w - 1));
        for (int y = plot.y; y < plot.y + plot.h; y += 2)
            tui_canvas_set(c, col, y, c->unicode ? 0x2506 : '|', axis, TUI_COLOR_DEFAULT);
    }
}

int cli_sweep_plot(FILE *out, const struct cli_sweep_point *pts, int n_pts,
                   const char *const *names, int n_classes, const bool *keyword,
                   const struct cli_plot_opts *o)
{
    int w = o->width, h = o->height;
    struct tui_canvas *c = tui_canvas_new(w, h, o->unicode, o->color);
    if (!c) return -1;
    /* x range: the region that matters for a detector, up to where the
     * total's recall stops rising but at most 10x the budget (at least 2x),
     * a nice number; the curves stop at the edge. */
    double budget = o->budget > 0 ? o->budget : 2.0, x_max = 2.0 * budget, best = -1;
    for (int i = 0; i < n_pts; i++) {
        double r = pts[i].recall[n_classes], f = pts[i].fa_per_hour[n_classes];
        if (isfinite(r) && r > best + 1e-9 && isfinite(f)) {
            best = r;
            x_max = f > x_max ? f : x_max;
        }
    }
    x_max = x_max < 10.0 * budget ? x_max : 10.0 * budget;
    double step = tui_nice_step(x_max, 5);
    x_max = ceil(x_max / step - 1e-9) * step;
    struct tui_rect plot = { Y_LABEL_W, 2, w - Y_LABEL_W - 1, h - 5 };
    if (plot.w < 10 || plot.h < 4) {
        tui_canvas_free(c);
        return -1;
    }
    tui_canvas_printf(c, 0, 0, w, tui_ui_color(c->color, TUI_UI_TITLE), TUI_COLOR_DEFAULT,
                      "recall vs false alarms per hour, threshold %d..%d%s",
                      pts[n_pts - 1].threshold, pts[0].threshold,
                      o->budget > 0 ? " (dotted: the budget)" : "");
    axes(c, plot, x_max, o->budget);
    static const char glyphs[] = "*o+x#@";
    int legend_x = 0, k = 0;
    for (int s = 0; s <= n_classes; s++) {
        if (s < n_classes && !keyword[s]) continue;
        uint32_t g = (uint32_t)glyphs[k % 6];
        int px = -1, py = -1;
        for (int i = 0; i < n_pts; i++) {
            double r = pts[i].recall[s], f = pts[i].fa_per_hour[s];
            if (!isfinite(r) || !isfinite(f) || f > x_max + 1e-9) continue;
            int x = (int)lround(f / x_max * (plot.w * 2 - 1));
            int y = plot.h * 4 - 1 - (int)lround(r * (plot.h * 4 - 1));
            if (px >= 0)
                line(c, plot, px, py, x, y, k, g);
            else
                dot(c, plot, x, y, k, g);
            px = x;
            py = y;
        }
        const char *nm = s < n_classes ? names[s] : "all";
        char item[48], mark[8] = { (char)g, (char)g, 0 };
        snprintf(item, sizeof item, "%s %s  ", c->unicode ? "\u2501\u2501" : mark, nm);
        tui_canvas_text(c, legend_x, 1, -1, series_color(c->color, k), TUI_COLOR_DEFAULT, item);
        legend_x += (int)strlen(nm) + 5;
        k++;
    }
    tui_canvas_text(c, plot.x + plot.w / 2 - 11, h - 1, -1, tui_ui_color(c->color, TUI_UI_TEXT),
                    TUI_COLOR_DEFAULT, "false alarms per hour");
    tui_render_text(c, out);
    tui_canvas_free(c);
    return 0;
}
