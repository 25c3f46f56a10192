/* dash_side.c: where the side panel goes and what it shows.
 *
 * The panel (clip or source figures, the model's scores, the board) grows
 * with the screen: a third of a wide screen, a fixed column on a medium
 * one; on a narrow screen it goes under the plots when there are rows to
 * spare, else it is an overlay the user brings up with 'i'. Its sections are
 * laid out with tui_panel_items, so a narrow panel abbreviates labels and
 * wraps rather than cutting numbers. */
#include "dash.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SIDE_MIN_SCREEN 100 /* a panel column from this width on */
#define BELOW_MIN_H 36      /* narrow but tall: the panel under the plots */
#define OVERLAY_W 46

void dash_layout(const struct dash *d, struct dash_layout *l)
{
    int w = d->w, h = d->h, body = h - 3;
    memset(l, 0, sizeof *l);
    l->main = (struct tui_rect){ 0, 1, w, body };
    if (w >= SIDE_MIN_SCREEN) {
        int sw = w >= 200 ? w * 3 / 10 : w >= 150 ? 48 : 36;
        l->main.w = w - sw;
        l->side = (struct tui_rect){ w - sw, 1, sw, body };
        l->shown = true;
    } else if (h >= BELOW_MIN_H) {
        int ph = body * 2 / 5;
        l->main.h = body - ph;
        l->side = (struct tui_rect){ 0, 1 + body - ph, w, ph };
        l->shown = l->below = true;
    } else {
        int sw = w - 2 < OVERLAY_W ? w - 2 : OVERLAY_W;
        l->side = (struct tui_rect){ w - sw, 1, sw, body };
        l->shown = l->overlay = d->panel_overlay;
    }
}

static void fmt_db(char *buf, size_t len, double db)
{
    if (isfinite(db))
        snprintf(buf, len, "%.1f", db);
    else
        snprintf(buf, len, "-inf");
}

/* The clip or source section; returns the rows used. */
static int clip_section(struct dash *d, struct tui_canvas *c, struct tui_rect r)
{
    const struct cap_clip *clip = &d->scope->clip;
    int y = r.y, title = tui_ui_color(c->color, TUI_UI_TITLE);
    tui_panel_text(c, r, r.x, y++, title, d->live ? "Source" : "Clip");
    tui_panel_text(c, r, r.x, y++, tui_ui_color(c->color, TUI_UI_TEXT), d->scope->name);
    char dur[32], n[32], grouped[32], rate[32], ch[16], pk[16], rms[16], dc[24], zoom[16];
    snprintf(dur, sizeof dur, "%.3f s", tui_scope_duration(d->scope) + d->scope->origin_s);
    snprintf(n, sizeof n, "%s", tui_format_grouped(clip->n_samples, grouped, sizeof grouped));
    snprintf(rate, sizeof rate, "%d Hz", clip->original.rate_hz);
    snprintf(ch, sizeof ch, "%d", clip->original.channels);
    const struct dash_live *l = d->live;
    fmt_db(pk, sizeof pk, l ? l->peak_dbfs : d->peak_dbfs);
    fmt_db(rms, sizeof rms, l ? l->rms_dbfs : d->rms_dbfs);
    snprintf(dc, sizeof dc, "%+.5f", l ? l->dc : d->dc_offset);
    double span = d->tl.t1_s - d->tl.t0_s, dur_s = tui_scope_duration(d->scope);
    snprintf(zoom, sizeof zoom, "x%.1f", span > 0 && dur_s > 0 ? dur_s / span : 1.0);
    struct tui_panel_item it[] = { { "length", NULL, dur, false, 0 },
                                   { "samples", NULL, n, false, 0 },
                                   { "source rate", "orig", rate, false, 0 },
                                   { "channels", "ch", ch, false, 0 },
                                   { l ? "peak dBFS (100 ms)" : "peak dBFS", "peak", pk, false, 0 },
                                   { "RMS", NULL, rms, false, 0 },
                                   { "DC", NULL, dc, false, 0 },
                                   { "zoom", NULL, zoom, false, 0 },
                                   { "colormap", "cmap", tui_colormap_name(d->scope->cmap), false,
                                     0 } };
    y += tui_panel_items(c, r, y, it, 4);
    y += tui_panel_items(c, r, y, it + 4, 2); /* levels, dBFS */
    y += tui_panel_items(c, r, y, it + 6, 3);
    if (l) {
        char drop[32], rec[32];
        snprintf(drop, sizeof drop, "%llu", (unsigned long long)l->dropped);
        struct tui_panel_item li[2] = { { "state", NULL, d->paused ? "paused" : "live", false, 0 },
                                        { "dropped", "lost", drop, l->dropped > 0,
                                          tui_ui_color(c->color, TUI_UI_ALERT) } };
        y += tui_panel_items(c, r, y, li, 2);
        if (l->rec) {
            snprintf(rec, sizeof rec, "%.1f s", (double)cap_recorder_samples(l->rec) / CAP_RATE_HZ);
            struct tui_panel_item ri = { "REC", NULL, rec, true,
                                         tui_ui_color(c->color, TUI_UI_ALERT) };
            y += tui_panel_items(c, r, y, &ri, 1);
        }
    }
    return y - r.y;
}

/* Model and board share what the clip section leaves: the model as tall as
 * its rows need (up to half), the board the rest. */
static void model_board(struct dash *d, struct tui_canvas *c, struct tui_rect r)
{
    if (r.h <= 0) return;
    int mh = d->model ? d->model->kws.n_classes + 6 : 0;
    if (d->model && d->board && mh > r.h / 2) mh = r.h / 2;
    if (!d->board) mh = r.h;
    if (d->model) dash_model_panel(d->model, d, c, (struct tui_rect){ r.x, r.y, r.w, mh });
    if (d->board && r.h - mh > 0)
        dash_board_panel(d->board, c,
                         (struct tui_rect){ r.x, r.y + mh + (d->model ? 1 : 0), r.w,
                                            r.h - mh - (d->model ? 1 : 0) });
}

void dash_draw_side(struct dash *d, struct tui_canvas *c, const struct dash_layout *l)
{
    struct tui_rect r = l->side;
    tui_canvas_fill(c, r, ' ', TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT);
    tui_canvas_box(c, r, tui_ui_color(c->color, TUI_UI_AXIS));
    struct tui_rect in = { r.x + 2, r.y + 1, r.w - 4, r.h - 2 };
    if (in.w < 8 || in.h < 2) return;
    if (l->below && in.w >= 60) { /* side by side: clip | model and board */
        int cw = in.w / 3 < 30 ? in.w / 3 : 30;
        clip_section(d, c, (struct tui_rect){ in.x, in.y, cw - 2, in.h });
        model_board(d, c, (struct tui_rect){ in.x + cw, in.y, in.w - cw, in.h });
        return;
    }
    int used = clip_section(d, c, in);
    model_board(d, c, (struct tui_rect){ in.x, in.y + used + 1, in.w, in.h - used - 1 });
}
