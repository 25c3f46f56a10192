/* dash_draw.c: composes one dashboard screen into a canvas.
 *
 *   row 0        header: source, file, format, duration, rate, state, view
 *   rows 1..h-3  the large view, or a grid of all views ('a'); side panel
 *                on the right when the screen is wide enough
 *   row h-2      readout: cursor time, value under it, window
 *   row h-1      footer: message, or the keys that apply now
 * Below DASH_MIN_W x DASH_MIN_H only a one-line notice is drawn. */
#include "dash.h"
#include "lab.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MODEL_INPUT_S (49 * 0.020) /* 49 micro frames of 20 ms */

static struct tui_rect main_area(const struct dash *d)
{
    struct dash_layout l;
    dash_layout(d, &l);
    return l.main;
}

int dash_narrowest_plot(const struct dash *d)
{
    struct tui_rect m = main_area(d);
    int w = (d->grid ? m.w / 2 - 1 : m.w) - 6 - 8; /* row labels, colour bar */
    return w > 1 ? w : 1;
}

int dash_view_rect(const struct dash *d, enum tui_view_id v, struct tui_rect *r)
{
    if (d->w < DASH_MIN_W || d->h < DASH_MIN_H) return 0;
    struct tui_rect m = main_area(d);
    if (!d->grid) {
        if (v != d->view) return 0;
        *r = m;
        return 1;
    }
    /* Grid: two columns, three rows, in view order. */
    int col = v % 2, row = v / 2;
    int cw = m.w / 2, rh = m.h / 3;
    *r = (struct tui_rect){ m.x + col * cw, m.y + row * rh, col == 1 ? m.w - cw : cw,
                            row == 2 ? m.h - 2 * rh : rh };
    return 1;
}

/* The live part of the header: recording light, level meter, DC, clip
 * light and lost samples (shown only when there are any). */
static int draw_live_header(struct dash *d, struct tui_canvas *c, int x)
{
    const struct dash_live *l = d->live;
    int alert = tui_ui_color(c->color, TUI_UI_ALERT), good = tui_ui_color(c->color, TUI_UI_GOOD);
    if (l->rec) {
        double t = d->now_s - l->rec_start_s;
        const char *slash = strrchr(l->rec_path, '/');
        x += tui_canvas_printf(c, x, 0, c->w - x, alert, TUI_COLOR_DEFAULT, " %s REC %d:%02d %s |",
                               c->unicode ? "\u25CF" : "*", (int)t / 60, (int)t % 60,
                               slash ? slash + 1 : l->rec_path);
    }
    /* Meter: 12 cells over -60..0 dBFS of RMS, the peak as a tick. */
    enum { METER = 12 };
    double rms = l->rms_dbfs, peak = l->peak_dbfs;
    x += tui_canvas_text(c, x, 0, c->w - x, TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT, " [");
    int fill = isfinite(rms) ? (int)lround((rms + 60) / 60 * METER) : 0;
    int tick = isfinite(peak) ? (int)lround((peak + 60) / 60 * METER) - 1 : -1;
    for (int i = 0; i < METER; i++) {
        uint32_t g = i < fill ? (c->unicode ? 0x2588 : '#')
            : i == tick       ? '|'
                              : (c->unicode ? 0x00B7 : '.');
        tui_canvas_set(c, x + i, 0, g, i >= METER - 2 && i < fill ? alert : good,
                       TUI_COLOR_DEFAULT);
    }
    x += METER;
    x += tui_canvas_printf(c, x, 0, c->w - x, TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT,
                           "] peak %5.1f RMS %5.1f dBFS DC %+.4f", isfinite(peak) ? peak : -120.0,
                           isfinite(rms) ? rms : -120.0, l->dc);
    if (l->clipping) x += tui_canvas_text(c, x, 0, c->w - x, alert, TUI_COLOR_DEFAULT, " CLIP");
    if (l->dropped)
        x += tui_canvas_printf(c, x, 0, c->w - x, alert, TUI_COLOR_DEFAULT, " dropped %llu",
                               (unsigned long long)l->dropped);
    return x;
}

/* " kwscope | file demo.wav | WAV PCM 16-bit, 16000 Hz, mono, 2.34 s | stopped":
 * the format already names the rate and (files) the length, so neither is
 * repeated; a source that stands in for another says so. */
static void draw_header(struct dash *d, struct tui_canvas *c)
{
    struct tui_scope *s = d->scope;
    char left[640];
    const char *label = d->fallback ? d->fallback : d->source_label;
    if (d->live)
        snprintf(left, sizeof left, " kwscope | %s | %s | %.1f s | %s |", s->name, s->format,
                 tui_scope_duration(s) + s->origin_s, d->paused ? "paused" : "live");
    else
        snprintf(left, sizeof left, " kwscope | %s %s | %s | %s", label, s->name, s->format,
                 d->play == DASH_PLAYING ? "playing" : "stopped");
    tui_canvas_fill(c, (struct tui_rect){ 0, 0, c->w, 1 }, ' ', TUI_COLOR_DEFAULT,
                    TUI_COLOR_DEFAULT);
    int x = tui_canvas_text(c, 0, 0, c->w, TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT, left);
    if (d->live) x = draw_live_header(d, c, x);
    char right[64];
    snprintf(right, sizeof right, "%s ", d->grid ? "[all views]" : tui_view_title(d->view));
    int rx = c->w - (int)strlen(right);
    if (rx > x + 1) tui_canvas_text(c, rx, 0, -1, TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT, right);
    tui_canvas_attr(c, (struct tui_rect){ 0, 0, c->w, 1 }, TUI_ATTR_REVERSE);
}

/* "t 1.234 s | 1.2 kHz (bin 38): -42.1 dB" for the view that has the focus. */
static void readout(struct dash *d, char *buf, size_t len)
{
    const struct tui_timeline *tl = &d->tl;
    int n = snprintf(buf, len, " window %.2f-%.2f s", tl->t0_s, tl->t1_s);
    if (tl->sel1_s > tl->sel0_s)
        n += snprintf(buf + n, len - (size_t)n, " | selection %.3f-%.3f s", tl->sel0_s, tl->sel1_s);
    if (tl->cursor_s < 0) {
        snprintf(buf + n, len - (size_t)n, " | no cursor (arrows or click)");
        return;
    }
    n += snprintf(buf + n, len - (size_t)n, " | cursor %.3f s", tl->cursor_s);
    struct tui_heatmap_model m;
    size_t frame, row;
    float value;
    if (d->view == TUI_VIEW_WAVE || d->view == TUI_VIEW_SPECTRUM) {
        size_t i = (size_t)(tl->cursor_s * CAP_RATE_HZ);
        if (i < d->scope->clip.n_samples)
            snprintf(buf + n, len - (size_t)n, " | sample %d (%.3f)", d->scope->clip.samples[i],
                     d->scope->clip.samples[i] / 32768.0);
    } else if (tui_scope_heatmap(d->scope, d->view, tl, &m) &&
               tui_heatmap_probe(&m, tl->cursor_s, d->probe_y, &frame, &row, &value)) {
        char label[48];
        tui_heatmap_row_label(&m, row, label, sizeof label);
        snprintf(buf + n, len - (size_t)n, " | frame %zu | %s: %.1f %s", frame, label, value,
                 m.unit);
    }
}

/* The views of the current layout: one large, or the grid ('a'). */
/* Whether this frame keeps the heatmaps of the last one (see struct dash). */
static bool hold_heatmaps(struct dash *d, const struct tui_canvas *c)
{
    bool hold = d->live && !d->paused && !d->redraw_all && d->held && d->held->w == c->w &&
        d->held->h == c->h && (d->frame_no & 1);
    d->frame_no++;
    d->redraw_all = false;
    return hold;
}

static void copy_held(const struct dash *d, struct tui_canvas *c, struct tui_rect r)
{
    for (int y = r.y; y < r.y + r.h && y < c->h; y++)
        memcpy(&c->cells[(size_t)y * c->w + r.x], &d->held->cells[(size_t)y * c->w + r.x],
               (size_t)r.w * sizeof *c->cells);
}

static void draw_views(struct dash *d, struct tui_canvas *c)
{
    bool hold = hold_heatmaps(d, c);
    for (int v = 0; v < TUI_VIEW_COUNT; v++) {
        struct tui_rect r;
        if (!dash_view_rect(d, (enum tui_view_id)v, &r)) continue;
        if (d->grid) /* a gap between grid cells */
            r.w -= 1;
        bool diff = v == TUI_VIEW_FEATURES && d->board && d->board->diff_view;
        if (hold && !diff && tui_view_desc((enum tui_view_id)v)->kind == TUI_KIND_HEATMAP) {
            copy_held(d, c, r);
            continue;
        }
        struct tui_timeline tl = d->tl;
        tl.probe_y = d->tl.cursor_s >= 0 && v == (int)d->view ? d->probe_y : -1;
        if (d->live && !d->paused && v == TUI_VIEW_FEATURES) {
            /* The model's next input: the newest 49 frames (0.98 s). */
            double step = tui_view_desc(TUI_VIEW_FEATURES)->hop_s;
            double end = d->scope->rows_ready[v] * step;
            tl.t1_s = end > MODEL_INPUT_S ? end : MODEL_INPUT_S;
            tl.t0_s = tl.t1_s - MODEL_INPUT_S;
        }
        if (diff)
            dash_board_diff_view(d->board, c, r);
        else
            tui_scope_draw(d->scope, (enum tui_view_id)v, c, r, &tl);
        if (d->grid && v == (int)d->view)
            tui_canvas_attr(c, (struct tui_rect){ r.x, r.y, r.w, 1 }, TUI_ATTR_REVERSE);
    }
}

void dash_draw(struct dash *d, struct tui_canvas *c)
{
    d->w = c->w;
    d->h = c->h;
    tui_canvas_clear(c);
    if (c->w < DASH_MIN_W || c->h < DASH_MIN_H) {
        char msg[64];
        snprintf(msg, sizeof msg, "terminal too small (need %dx%d)", DASH_MIN_W, DASH_MIN_H);
        tui_canvas_text(c, 0, 0, c->w, TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT, msg);
        return;
    }
    draw_header(d, c);
    if (d->model) {
        d->tl.marks = d->model->marks;
        d->tl.n_marks = d->model->n_marks;
    }
    if (d->model && d->model->view)
        dash_model_view(d->model, c, main_area(d));
    else
        draw_views(d, c);
    if (d->lab && d->lab->shown) dash_lab_draw(d, c, main_area(d));
    struct dash_layout l;
    dash_layout(d, &l);
    if (l.shown) dash_draw_side(d, c, &l);
    char line[512];
    readout(d, line, sizeof line);
    tui_canvas_text(c, 0, c->h - 2, c->w, tui_ui_color(c->color, TUI_UI_TEXT), TUI_COLOR_DEFAULT,
                    line);
    dash_draw_footer(d, c);
    if (d->help) dash_draw_help(d, c);
    if (d->live) { /* kept for the next frame's held heatmaps */
        if (d->held && (d->held->w != c->w || d->held->h != c->h)) {
            tui_canvas_free(d->held);
            d->held = NULL;
        }
        if (!d->held) d->held = tui_canvas_new(c->w, c->h, c->unicode, c->color);
        if (d->held) memcpy(d->held->cells, c->cells, (size_t)c->w * c->h * sizeof *c->cells);
    }
}
