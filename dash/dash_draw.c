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

static bool side_panel(const struct dash *d) { return d->w >= DASH_SIDE_MIN_SCREEN; }
static int side_w(const struct dash *d) { return d->w >= DASH_SIDE_WIDE_SCREEN ? DASH_SIDE_WIDE_W : DASH_SIDE_W; }

static struct tui_rect main_area(const struct dash *d)
{
    int side = side_panel(d) ? side_w(d) : 0;
    return (struct tui_rect){0, 1, d->w - side, d->h - 3};
}

int dash_narrowest_plot(const struct dash *d)
{
    struct tui_rect m = main_area(d);
    int w = (d->grid ? m.w / 2 - 1 : m.w) - 6 - 8; /* row labels, colour bar */
    return w > 1 ? w : 1;
}

int dash_view_rect(const struct dash *d, enum tui_view_id v, struct tui_rect *r)
{
    if (d->w < DASH_MIN_W || d->h < DASH_MIN_H)
        return 0;
    struct tui_rect m = main_area(d);
    if (!d->grid) {
        if (v != d->view)
            return 0;
        *r = m;
        return 1;
    }
    /* Grid: two columns, three rows, in view order. */
    int col = v % 2, row = v / 2;
    int cw = m.w / 2, rh = m.h / 3;
    *r = (struct tui_rect){m.x + col * cw, m.y + row * rh,
                           col == 1 ? m.w - cw : cw, row == 2 ? m.h - 2 * rh : rh};
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
        uint32_t g = i < fill ? (c->unicode ? 0x2588 : '#') : i == tick ? '|' : (c->unicode ? 0x00B7 : '.');
        tui_canvas_set(c, x + i, 0, g, i >= METER - 2 && i < fill ? alert : good, TUI_COLOR_DEFAULT);
    }
    x += METER;
    x += tui_canvas_printf(c, x, 0, c->w - x, TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT,
                           "] peak %5.1f RMS %5.1f dBFS DC %+.4f", isfinite(peak) ? peak : -120.0,
                           isfinite(rms) ? rms : -120.0, l->dc);
    if (l->clipping)
        x += tui_canvas_text(c, x, 0, c->w - x, alert, TUI_COLOR_DEFAULT, " CLIP");
    if (l->dropped)
        x += tui_canvas_printf(c, x, 0, c->w - x, alert, TUI_COLOR_DEFAULT, " dropped %llu",
                               (unsigned long long)l->dropped);
    return x;
}

static void draw_header(struct dash *d, struct tui_canvas *c)
{
    struct tui_scope *s = d->scope;
    char left[512];
    if (d->live)
        snprintf(left, sizeof left, " kwscope | %s | %s | %.1f s | 16 kHz | %s |", s->name, s->format,
                 tui_scope_duration(s) + s->origin_s, d->paused ? "paused" : "live");
    else
        snprintf(left, sizeof left, " kwscope | %s %s | %s | %.2f s | 16 kHz | %s",
                 d->source_label, s->name, s->format, tui_scope_duration(s),
                 d->play == DASH_PLAYING ? "playing" : "stopped");
    tui_canvas_fill(c, (struct tui_rect){0, 0, c->w, 1}, ' ', TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT);
    int x = tui_canvas_text(c, 0, 0, c->w, TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT, left);
    if (d->live)
        x = draw_live_header(d, c, x);
    char right[64];
    snprintf(right, sizeof right, "%s ", d->grid ? "[all views]" : tui_view_title(d->view));
    int rx = c->w - (int)strlen(right);
    if (rx > x + 1)
        tui_canvas_text(c, rx, 0, -1, TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT, right);
    tui_canvas_attr(c, (struct tui_rect){0, 0, c->w, 1}, TUI_ATTR_REVERSE);
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
        snprintf(buf + n, len - (size_t)n, " | frame %zu | %s: %.1f %s", frame, label, value, m.unit);
    }
}

static void draw_side(struct dash *d, struct tui_canvas *c)
{
    struct tui_rect r = {d->w - side_w(d), 1, side_w(d), d->h - 3};
    int fg = tui_ui_color(c->color, TUI_UI_TEXT), title = tui_ui_color(c->color, TUI_UI_TITLE);
    tui_canvas_box(c, r, tui_ui_color(c->color, TUI_UI_AXIS));
    int x = r.x + 2, y = r.y + 1, w = r.w - 4;
    const struct cap_clip *clip = &d->scope->clip;
    tui_canvas_text(c, x, y++, w, title, TUI_COLOR_DEFAULT, d->live ? "Source" : "Clip");
    tui_canvas_text(c, x, y++, w, fg, TUI_COLOR_DEFAULT, d->scope->name);
    tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "%.3f s, %zu samples",
                      tui_scope_duration(d->scope), clip->n_samples);
    tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "orig %d Hz, %d ch",
                      clip->original.rate_hz, clip->original.channels);
    const struct dash_live *l = d->live;
    if (l) {
        int alert = tui_ui_color(c->color, TUI_UI_ALERT);
        tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "%s", d->paused ? "paused" : "live");
        tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "peak %.1f dBFS (100 ms)", l->peak_dbfs);
        tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "RMS  %.1f dBFS", l->rms_dbfs);
        tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "DC   %+.5f", l->dc);
        tui_canvas_printf(c, x, y++, w, l->dropped ? alert : fg, TUI_COLOR_DEFAULT, "dropped %llu",
                          (unsigned long long)l->dropped);
        if (l->rec)
            tui_canvas_printf(c, x, y++, w, alert, TUI_COLOR_DEFAULT, "REC %.1f s",
                              (double)cap_recorder_samples(l->rec) / CAP_RATE_HZ);
    } else {
        tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "peak %.1f dBFS", d->peak_dbfs);
        tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "RMS  %.1f dBFS", d->rms_dbfs);
        tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "DC   %+.5f", d->dc_offset);
    }
    if (d->model) { /* the view settings in one line, the rest for the model */
        tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "zoom x%.1f  colormap %s",
                          tui_scope_duration(d->scope) / (d->tl.t1_s - d->tl.t0_s),
                          tui_colormap_name(d->scope->cmap));
        y++;
        int avail = r.y + r.h - 1 - y, mh = avail;
        if (d->board) { /* the model's panel as tall as its rows need, the board below */
            mh = d->model->kws.n_classes + 6;
            if (mh > avail / 2)
                mh = avail / 2;
        }
        dash_model_panel(d->model, d, c, (struct tui_rect){x, y, w, mh});
        if (d->board)
            dash_board_panel(d->board, c, (struct tui_rect){x, y + mh, w, avail - mh});
        return;
    }
    if (d->board) {
        dash_board_panel(d->board, c, (struct tui_rect){x, y, w, r.y + r.h - 1 - y});
        return;
    }
    y++;
    tui_canvas_text(c, x, y++, w, title, TUI_COLOR_DEFAULT, "View");
    tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "%s", d->grid ? "all views" : tui_view_title(d->view));
    tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "zoom x%.1f",
                      tui_scope_duration(d->scope) / (d->tl.t1_s - d->tl.t0_s));
    tui_canvas_printf(c, x, y++, w, fg, TUI_COLOR_DEFAULT, "colormap %s", tui_colormap_name(d->scope->cmap));
}

static const char *const help_lines[] = {
    "Keys",
    "1-6        waveform, spectrum, spectrogram,",
    "           mel, MFCC, model features",
    "Tab        next view        a  all views",
    "Left/Right move the time cursor",
    "Up/Down    move the readout row (heatmaps)",
    "Shift+Left/Right, < >  scroll half a window",
    "Home/End   start / end of the clip",
    "+ / -      zoom in / out around the cursor",
    "mouse      click sets the cursor",
    "v          start / finish a selection",
    "Esc        clear cursor and selection",
    "Space      play selection (or from cursor) / stop;",
    "           live: pause / resume the display",
    "r          live: start / stop recording (WAV)",
    "m          model info (layers, FLOPs, RAM, flash)",
    "t/T w/W    detection threshold -/+10, window -/+100 ms",
    "u/U n/N    suppression -/+250 ms, min count -/+1",
    "b          board: stream its mic / back",
    "p          push to the board (live: toggle; clip: 1 s)",
    "d          (model features view) board vs host diff",
    "k          collect mode (--collect): take 2 s;",
    "           Enter keeps, k again, Esc drops / leaves",
    "c          colormap (viridis, magma, gray)",
    "d          waveform axis linear / dBFS",
    "l          spectrum frequency axis linear / log",
    "?          this help      q  quit",
};

static void draw_help(struct dash *d, struct tui_canvas *c)
{
    int n = (int)(sizeof help_lines / sizeof help_lines[0]);
    int w = 50, h = n + 4;
    if (w > c->w - 2) w = c->w - 2;
    if (h > c->h - 2) h = c->h - 2;
    struct tui_rect r = {(c->w - w) / 2, (c->h - h) / 2, w, h};
    tui_canvas_fill(c, r, ' ', TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT);
    tui_canvas_box(c, r, tui_ui_color(c->color, TUI_UI_TITLE));
    int fg = tui_ui_color(c->color, TUI_UI_TEXT);
    for (int i = 0; i < n && i < h - 3; i++)
        tui_canvas_text(c, r.x + 2, r.y + 1 + i, w - 4, fg, TUI_COLOR_DEFAULT, help_lines[i]);
    char log[256];
    snprintf(log, sizeof log, "log: %s", d->log_path ? d->log_path : "(stderr)");
    tui_canvas_text(c, r.x + 2, r.y + h - 2, w - 4, tui_ui_color(c->color, TUI_UI_AXIS),
                    TUI_COLOR_DEFAULT, log);
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
    for (int v = 0; v < TUI_VIEW_COUNT && !(d->model && d->model->view); v++) {
        struct tui_rect r;
        if (!dash_view_rect(d, (enum tui_view_id)v, &r))
            continue;
        if (d->grid) /* a gap between grid cells */
            r.w -= 1;
        struct tui_timeline tl = d->tl;
        if (d->live && !d->paused && v == TUI_VIEW_FEATURES) {
            /* The model's next input: the newest 49 frames (0.99 s). */
            struct dsp_micro_config mc = dsp_micro_config_default();
            double step = mc.step_ms / 1000.0, end = d->scope->rows_ready[v] * step;
            tl.t1_s = end > MODEL_INPUT_S ? end : MODEL_INPUT_S;
            tl.t0_s = tl.t1_s - MODEL_INPUT_S;
        }
        if (v == TUI_VIEW_FEATURES && d->board && d->board->diff_view)
            dash_board_diff_view(d->board, c, r);
        else
            tui_scope_draw(d->scope, (enum tui_view_id)v, c, r, &tl);
        if (d->grid && v == (int)d->view)
            tui_canvas_attr(c, (struct tui_rect){r.x, r.y, r.w, 1}, TUI_ATTR_REVERSE);
    }
    if (d->lab && d->lab->shown)
        dash_lab_draw(d, c, main_area(d));
    if (side_panel(d))
        draw_side(d, c);
    char line[512];
    readout(d, line, sizeof line);
    tui_canvas_text(c, 0, c->h - 2, c->w, tui_ui_color(c->color, TUI_UI_TEXT), TUI_COLOR_DEFAULT, line);
    const char *keys = d->live
        ? " 1-6 views  Tab next  a all  Space pause/resume  r record  arrows navigate  +/- zoom  ? help  q quit"
        : " 1-6 views  Tab next  a all  arrows cursor  +/- zoom  v select  Space play  c colors  ? help  q quit";
    char prompt[256];
    if (d->collect && d->collect->active && !d->message[0]) {
        dash_collect_prompt(d, prompt, sizeof prompt);
        keys = prompt;
    }
    bool msg = d->message[0] != '\0';
    tui_canvas_fill(c, (struct tui_rect){0, c->h - 1, c->w, 1}, ' ', TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT);
    tui_canvas_text(c, 0, c->h - 1, c->w, msg ? tui_ui_color(c->color, TUI_UI_ALERT) : TUI_COLOR_DEFAULT,
                    TUI_COLOR_DEFAULT, msg ? d->message : keys);
    tui_canvas_attr(c, (struct tui_rect){0, c->h - 1, c->w, 1}, TUI_ATTR_REVERSE);
    if (d->help)
        draw_help(d, c);
}
