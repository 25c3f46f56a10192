/* axes.c: tick steps, labels, time axes and the overlays shared by every
 * time-based view (cursor, selection, play head, detection marks). */
#include "tui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct tui_timeline tui_timeline_full(double duration_s)
{
    return (struct tui_timeline){ .t0_s = 0,
                                  .t1_s = duration_s > 0 ? duration_s : 1.0,
                                  .cursor_s = -1,
                                  .sel0_s = 0,
                                  .sel1_s = 0,
                                  .play_s = -1,
                                  .probe_y = -1 };
}

void tui_format_time(double t_s, double step_s, char *buf, size_t len)
{
    if (fabs(t_s) < 1e-9) t_s = 0; /* no "-0.0s" */
    if (t_s >= 60 && step_s >= 1) {
        snprintf(buf, len, "%d:%02d", (int)(t_s / 60), (int)fmod(t_s, 60));
        return;
    }
    int decimals = step_s >= 1 ? 0 : step_s >= 0.1 ? 1 : step_s >= 0.01 ? 2 : 3;
    if (decimals == 1 && fabs(step_s * 10 - round(step_s * 10)) > 1e-9)
        decimals = 2; /* 0.25 s steps */
    snprintf(buf, len, "%.*fs", decimals, t_s);
}

void tui_format_hz(double hz, char *buf, size_t len)
{
    if (hz >= 1000) {
        double k = hz / 1000;
        if (fabs(k - round(k)) < 0.05)
            snprintf(buf, len, "%.0fk", k);
        else
            snprintf(buf, len, "%.1fk", k);
    } else {
        snprintf(buf, len, "%.0f", hz);
    }
}

int tui_time_to_col(const struct tui_timeline *tl, int x, int w, double t_s)
{
    double span = tl->t1_s - tl->t0_s;
    if (!(span > 0) || t_s < tl->t0_s || t_s > tl->t1_s) return -1;
    int col = x + (int)floor((t_s - tl->t0_s) / span * w);
    return col >= x + w ? x + w - 1 : col;
}

static void time_label(double v, double step, char *buf, size_t len)
{
    tui_format_time(v, step, buf, len);
}

/* Labels of nice times along row y; detection marks ("▲yes") first, since
 * they are what the user looks for, and tick labels only where a whole
 * label fits between them: no label is ever cut by a mark. */
void tui_draw_time_axis(struct tui_canvas *c, int x, int y, int w, const struct tui_timeline *tl)
{
    int fg = tui_ui_color(c->color, TUI_UI_AXIS), mark_fg = tui_ui_color(c->color, TUI_UI_GOOD);
    if (w < 4 || !(tl->t1_s > tl->t0_s) || w > 4096) return;
    bool used[4096] = { false };
    for (size_t i = 0; i < tl->n_marks; i++) {
        int col = tui_time_to_col(tl, x, w, tl->marks[i].t_s);
        if (col < 0 || used[col - x]) continue;
        tui_canvas_set(c, col, y, c->unicode ? 0x25B2 : '^', mark_fg, TUI_COLOR_DEFAULT);
        used[col - x] = true;
        const char *l = tl->marks[i].label ? tl->marks[i].label : "";
        int n = 0;
        while (l[n] && col + 1 + n < x + w && !used[col + 1 + n - x]) n++;
        if (n == (int)strlen(l)) { /* the word whole, or only the mark */
            tui_canvas_text(c, col + 1, y, n, mark_fg, TUI_COLOR_DEFAULT, l);
            for (int k = 0; k <= n && col + 1 + k < x + w; k++)
                used[col + 1 + k - x] = true; /* and a gap after it */
        }
    }
    double o = tl->origin_s;
    struct tui_axis ax = { .lo = tl->t0_s + o, .hi = tl->t1_s + o, .len = w, .format = time_label };
    struct tui_tick t[TUI_MAX_TICKS];
    int n = tui_axis_ticks(&ax, t, TUI_MAX_TICKS);
    for (int i = 0; i < n; i++) {
        bool free = true;
        for (int k = t[i].start - 1; k <= t[i].start + t[i].w; k++)
            if (k >= 0 && k < w && used[k]) free = false;
        if (free) tui_canvas_text(c, x + t[i].start, y, t[i].w, fg, TUI_COLOR_DEFAULT, t[i].label);
    }
}

void tui_draw_overlays(struct tui_canvas *c, struct tui_rect plot, const struct tui_timeline *tl)
{
    /* The selection is a background tint under the plot, so braille dots
     * and text stay as they are (reverse video would turn braille into
     * solid blocks); cells that already use their background for data
     * (heatmap half blocks) keep it, and edges mark where it starts and
     * ends, which is all a colourless terminal shows. */
    if (tl->sel1_s > tl->sel0_s) {
        int a = tui_time_to_col(tl, plot.x, plot.w, tl->sel0_s > tl->t0_s ? tl->sel0_s : tl->t0_s);
        int b = tui_time_to_col(tl, plot.x, plot.w, tl->sel1_s < tl->t1_s ? tl->sel1_s : tl->t1_s);
        int tint = tui_ui_color(c->color, TUI_UI_SELECT),
            edge = tui_ui_color(c->color, TUI_UI_AXIS);
        for (int x = a; a >= 0 && x <= b; x++)
            for (int y = plot.y; y < plot.y + plot.h; y++) {
                struct tui_cell *cell = tui_canvas_at(c, x, y);
                if (!cell) continue;
                bool data_bg = cell->bg != TUI_COLOR_DEFAULT;
                if ((x == a && tl->sel0_s >= tl->t0_s) || (x == b && tl->sel1_s <= tl->t1_s)) {
                    if (cell->ch == ' ' || cell->ch == 0x2800) { /* never over data */
                        cell->ch = c->unicode ? 0x250A : ':';
                        cell->fg = (int32_t)edge;
                    }
                }
                if (!data_bg && c->color != TUI_COLOR_NONE) cell->bg = (int32_t)tint;
            }
    }
    struct {
        double t;
        enum tui_ui_color color;
    } lines[2] = { { tl->play_s, TUI_UI_PLAY }, { tl->cursor_s, TUI_UI_CURSOR } };
    for (int i = 0; i < 2; i++) {
        int col = lines[i].t >= 0 ? tui_time_to_col(tl, plot.x, plot.w, lines[i].t) : -1;
        if (col < 0) continue;
        int fg = tui_ui_color(c->color, lines[i].color);
        for (int y = plot.y; y < plot.y + plot.h; y++) {
            struct tui_cell *cell = tui_canvas_at(c, col, y);
            if (!cell) continue;
            cell->ch = c->unicode ? 0x2502 : '|';
            cell->fg = (int32_t)fg;
        }
    }
}

void tui_draw_title(struct tui_canvas *c, struct tui_rect r, const char *title, const char *info)
{
    int fg = tui_ui_color(c->color, TUI_UI_TITLE);
    int n = tui_canvas_text(c, r.x, r.y, r.w, fg, TUI_COLOR_DEFAULT, title);
    tui_canvas_attr(c, (struct tui_rect){ r.x, r.y, n, 1 }, TUI_ATTR_BOLD);
    if (info && *info) {
        int len = (int)strlen(info);
        int x = r.x + r.w - len;
        if (x > r.x + n + 1)
            tui_canvas_text(c, x, r.y, len, tui_ui_color(c->color, TUI_UI_AXIS), TUI_COLOR_DEFAULT,
                            info);
    }
}

const char *tui_format_grouped(uint64_t v, char *buf, size_t len)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    if (len) buf[o < len ? o : len - 1] = '\0';
    return buf;
}
