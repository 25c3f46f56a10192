/* dash_state.c: what each key does to the dashboard state.
 *
 * The time cursor is the centre of navigation: arrows move it by 1% of the
 * visible window and the window follows when it leaves the edge; Shift+arrows
 * (or '<' '>') scroll by half a window; '+'/'-' zoom around the cursor.
 * A live display follows the newest audio; Space freezes it (capture and
 * recording go on) and any navigation key freezes it too, so a paused live
 * display is navigated exactly like a file. */
#include "dash.h"
#include "lab.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MIN_SPAN_S 0.01

void dash_init(struct dash *d, struct tui_scope *scope)
{
    memset(d, 0, sizeof *d);
    d->scope = scope;
    d->view = TUI_VIEW_WAVE;
    d->tl = tui_timeline_full(tui_scope_duration(scope));
    d->probe_y = 0.5;
    d->source_label = "file";
    dash_level(scope->clip.samples, scope->clip.n_samples, &d->peak_dbfs, &d->rms_dbfs,
               &d->dc_offset);
}

void dash_say(struct dash *d, enum dash_msg_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof d->message, fmt, ap);
    va_end(ap);
    d->msg_kind = kind;
}

void dash_level(const int16_t *x, size_t n, double *peak_dbfs, double *rms_dbfs, double *dc)
{
    double peak = 0, sum = 0, sum2 = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i] / 32768.0;
        peak = fmax(peak, fabs(v));
        sum += v;
        sum2 += v * v;
    }
    double cnt = n ? (double)n : 1;
    *peak_dbfs = peak > 0 ? 20 * log10(peak) : -INFINITY;
    *rms_dbfs = sum2 > 0 ? 10 * log10(sum2 / cnt) : -INFINITY;
    *dc = sum / cnt;
}

static double duration(const struct dash *d)
{
    double dur = tui_scope_duration(d->scope);
    if (d->live && dur < DASH_LIVE_SPAN_S)
        return DASH_LIVE_SPAN_S; /* the first seconds fill the window from the left */
    return dur > 0 ? dur : 1.0;
}

/* Moves the window to [t0, t0 + span) inside the clip. */
static void set_window(struct dash *d, double t0, double span)
{
    double dur = duration(d);
    if (span > dur) span = dur;
    if (span < MIN_SPAN_S) span = MIN_SPAN_S;
    if (t0 + span > dur) t0 = dur - span;
    if (t0 < 0) t0 = 0;
    d->tl.t0_s = t0;
    d->tl.t1_s = t0 + span;
}

static void update_selection(struct dash *d)
{
    if (!d->selecting) return;
    double a = d->sel_anchor_s, b = d->tl.cursor_s;
    d->tl.sel0_s = a < b ? a : b;
    d->tl.sel1_s = a < b ? b : a;
}

static void set_cursor(struct dash *d, double t)
{
    double dur = duration(d), span = d->tl.t1_s - d->tl.t0_s;
    t = t < 0 ? 0 : t > dur ? dur : t;
    d->tl.cursor_s = t;
    if (t < d->tl.t0_s)
        set_window(d, t, span);
    else if (t > d->tl.t1_s)
        set_window(d, t - span, span);
    update_selection(d);
}

static void zoom(struct dash *d, double factor)
{
    double span = d->tl.t1_s - d->tl.t0_s;
    double centre = d->tl.cursor_s >= 0 ? d->tl.cursor_s : (d->tl.t0_s + d->tl.t1_s) / 2;
    double frac = span > 0 ? (centre - d->tl.t0_s) / span : 0.5;
    double nspan = span * factor;
    set_window(d, centre - frac * (nspan < MIN_SPAN_S ? MIN_SPAN_S : nspan), nspan);
}

void dash_follow(struct dash *d, double trimmed_s)
{
    struct tui_timeline *tl = &d->tl;
    if (trimmed_s > 0) {
        tl->t0_s = fmax(0, tl->t0_s - trimmed_s);
        tl->t1_s = fmax(tl->t0_s + MIN_SPAN_S, tl->t1_s - trimmed_s);
        if (tl->cursor_s >= 0) tl->cursor_s = fmax(0, tl->cursor_s - trimmed_s);
        tl->sel0_s = fmax(0, tl->sel0_s - trimmed_s);
        tl->sel1_s = fmax(0, tl->sel1_s - trimmed_s);
        d->sel_anchor_s = fmax(0, d->sel_anchor_s - trimmed_s);
    }
    tl->origin_s = d->scope->origin_s;
    if (d->live && !d->paused) {
        /* The window's end moves a whole plot column at a time (of the
         * narrowest view): between steps only the newest column changes, so
         * the terminal gets a full repaint per column instead of per frame,
         * while new audio still shows at once. */
        double span = tl->t1_s - tl->t0_s, q = span / dash_narrowest_plot(d);
        double end = duration(d), t1 = ceil(end / q - 1e-9) * q;
        set_window(d, end - span, span);
        if (t1 > end && d->w > 0) {
            tl->t1_s = t1;
            tl->t0_s = t1 - span;
        }
    }
}

static bool is_navigation(int key)
{
    switch (key) {
    case DASH_KEY_LEFT:
    case DASH_KEY_RIGHT:
    case DASH_KEY_SLEFT:
    case DASH_KEY_SRIGHT:
    case DASH_KEY_HOME:
    case DASH_KEY_END:
    case '<':
    case '>':
    case 'v': return true;
    default: return false;
    }
}

static bool live_key(struct dash *d, int key)
{
    if (key == ' ') {
        d->paused = !d->paused;
        if (!d->paused) {
            d->selecting = false;
            d->tl.sel0_s = d->tl.sel1_s = 0;
            d->tl.cursor_s = -1;
            dash_follow(d, 0);
        }
        dash_say(d, DASH_MSG_INFO, "%s",
                 d->paused ? "paused: capture and recording go on; arrows navigate, Space resumes"
                           : "live");
        return true;
    }
    if (key == 'r') {
        d->want_record = true;
        return true;
    }
    if (!d->paused && key > 0 && key < 128 &&
        strchr("+=-_", key)) { /* zoom about the newest audio */
        double span = (d->tl.t1_s - d->tl.t0_s) * (key == '+' || key == '=' ? 0.5 : 2.0);
        set_window(d, duration(d) - span, span);
        dash_follow(d, 0);
        return true;
    }
    if (!d->paused && is_navigation(key)) {
        d->paused = true;
        bool r = dash_key(d, key, &(int){ 0 });
        dash_say(d, DASH_MSG_INFO, "paused to navigate (Space resumes live)");
        return r;
    }
    return false;
}

/* Keys while the help overlay is up: arrows and pages scroll it, q quits,
 * anything else closes it. True when the key was used up. */
static bool help_key(struct dash *d, int key)
{
    switch (key) {
    case DASH_KEY_UP: d->help_top--; break;
    case DASH_KEY_DOWN: d->help_top++; break;
    case DASH_KEY_PGUP: d->help_top -= 10; break;
    case DASH_KEY_PGDN:
    case ' ': d->help_top += 10; break;
    case DASH_KEY_HOME: d->help_top = 0; break;
    case DASH_KEY_RESIZE: return false;
    case 'q': d->help = false; return false;
    default: d->help = false; return true;
    }
    if (d->help_top < 0)
        d->help_top = 0; /* the bottom is clamped when drawn (it depends on the height) */
    return true;
}

/* Esc closes the topmost overlay: the model screen, the features diff, the
 * side panel shown over the plots. False when none was open. */
static bool close_overlay(struct dash *d)
{
    if (d->model && d->model->view) {
        d->model->view = false;
        return true;
    }
    if (d->board && d->board->diff_view) {
        d->board->diff_view = false;
        return true;
    }
    if (d->panel_overlay) {
        d->panel_overlay = false;
        return true;
    }
    return false;
}

/* The board's requests (b, p, d) and the model view (m, and its layer
 * scrolling while it is shown). */
static bool board_model_key(struct dash *d, int key)
{
    if (key == 'b' || key == 'p' || (key == 'd' && d->view == TUI_VIEW_FEATURES && d->board)) {
        if (!d->board)
            dash_say(d, DASH_MSG_ERROR, "no board (kwscope --board PORT|sim)");
        else
            d->want_board = key == 'b' ? 1 : key == 'p' ? 2 : 3;
        return true;
    }
    if (key == 'm') {
        if (!d->model)
            dash_say(d, DASH_MSG_ERROR, "no model loaded");
        else
            d->model->view = !d->model->view;
        return true;
    }
    if (d->model && d->model->view && (key == DASH_KEY_UP || key == DASH_KEY_DOWN)) {
        d->model->first_layer += key == DASH_KEY_UP ? -1 : 1;
        if (d->model->first_layer < 0) d->model->first_layer = 0;
        if (d->model->first_layer >= d->model->info.n_layers)
            d->model->first_layer = d->model->info.n_layers > 0 ? d->model->info.n_layers - 1 : 0;
        return true;
    }
    return false;
}

/* v starts a selection at the cursor, or ends the one in progress. */
static void toggle_selection(struct dash *d)
{
    if (d->selecting) {
        d->selecting = false;
        dash_say(d, DASH_MSG_OK, "selected %.3f-%.3f s (Space plays it, Esc clears)", d->tl.sel0_s,
                 d->tl.sel1_s);
    } else {
        if (d->tl.cursor_s < 0) set_cursor(d, d->tl.t0_s);
        d->selecting = true;
        d->sel_anchor_s = d->tl.cursor_s;
        update_selection(d);
        dash_say(d, DASH_MSG_INFO, "selecting: move the cursor, v to finish");
    }
}

bool dash_key(struct dash *d, int key, int *want_play)
{
    double span = d->tl.t1_s - d->tl.t0_s;
    double cur = d->tl.cursor_s >= 0 ? d->tl.cursor_s : d->tl.t0_s;
    *want_play = 0;
    d->message[0] = '\0';
    d->msg_kind = DASH_MSG_INFO;
    if (d->help && help_key(d, key)) return true;
    if (dash_lab_key(d, key)) return true;
    if (key == DASH_KEY_ESC && close_overlay(d)) return true;
    if (dash_collect_key(d, key)) return true;
    if (d->live && live_key(d, key)) return true;
    if (d->model && dash_model_key(d->model, key, d->scope, d->message, sizeof d->message))
        return true;
    if (board_model_key(d, key)) return true;
    if (d->model && (key == DASH_KEY_TAB || (key >= '1' && key <= '0' + TUI_VIEW_COUNT)))
        d->model->view = false;
    if (key == 'r' && !d->live) {
        dash_say(d, DASH_MSG_INFO, "r records a live source (kwscope --source mic)");
        return true;
    }
    switch (key) {
    case 'q':
    case 'Q': d->quit = true; return false;
    case '?':
        d->help = !d->help;
        d->help_top = 0;
        return true;
    case 'i': d->panel_overlay = !d->panel_overlay; return true;
    case DASH_KEY_TAB:
        d->view = (enum tui_view_id)((d->view + 1) % TUI_VIEW_COUNT);
        d->grid = false;
        return true;
    case 'a': d->grid = !d->grid; return true;
    case 'c':
        d->scope->cmap = (enum tui_colormap)((d->scope->cmap + 1) % TUI_CMAP_COUNT);
        return true;
    case 'd': d->scope->wave_db = !d->scope->wave_db; return true;
    case 'l': d->scope->spectrum_log = !d->scope->spectrum_log; return true;
    case '+':
    case '=': zoom(d, 0.5); return true;
    case '-':
    case '_': zoom(d, 2.0); return true;
    case DASH_KEY_LEFT: set_cursor(d, cur - span / 100); return true;
    case DASH_KEY_RIGHT: set_cursor(d, cur + span / 100); return true;
    case DASH_KEY_SLEFT:
    case '<': set_window(d, d->tl.t0_s - span / 2, span); return true;
    case DASH_KEY_SRIGHT:
    case '>': set_window(d, d->tl.t0_s + span / 2, span); return true;
    case DASH_KEY_HOME:
        set_window(d, 0, span);
        set_cursor(d, 0);
        return true;
    case DASH_KEY_END:
        set_window(d, duration(d) - span, span);
        set_cursor(d, duration(d));
        return true;
    case DASH_KEY_UP: d->probe_y = fmax(0.0, d->probe_y - 0.025); return true;
    case DASH_KEY_DOWN: d->probe_y = fmin(0.999, d->probe_y + 0.025); return true;
    case 'v': toggle_selection(d); return true;
    case DASH_KEY_ESC:
        d->selecting = false;
        d->tl.sel0_s = d->tl.sel1_s = 0;
        d->tl.cursor_s = -1;
        return true;
    case ' ': *want_play = d->play == DASH_PLAYING ? -1 : 1; return true;
    case DASH_KEY_RESIZE: return true;
    default:
        if (key >= '1' && key <= '0' + TUI_VIEW_COUNT) {
            d->view = (enum tui_view_id)(key - '1');
            d->grid = false;
            return true;
        }
        return false;
    }
}

bool dash_click(struct dash *d, int x, int y)
{
    for (int v = 0; v < TUI_VIEW_COUNT; v++) {
        struct tui_rect r;
        if (v == TUI_VIEW_SPECTRUM || !dash_view_rect(d, (enum tui_view_id)v, &r)) continue;
        /* Plot area: right of the 6-cell labels, below the title row. */
        int px = r.x + 6, pw = r.w - 6 - (v == TUI_VIEW_WAVE ? 0 : 8);
        if (x < px || x >= px + pw || y <= r.y || y >= r.y + r.h - 1 || pw <= 0) continue;
        double span = d->tl.t1_s - d->tl.t0_s;
        if (d->live && !d->paused) {
            d->paused = true;
            dash_say(d, DASH_MSG_INFO, "paused to navigate (Space resumes live)");
        }
        set_cursor(d, d->tl.t0_s + span * (x - px + 0.5) / pw);
        d->probe_y = (double)(y - r.y - 1) / (r.h - 2);
        if (d->grid) {
            d->view = (enum tui_view_id)v;
        }
        return true;
    }
    return false;
}

void dash_play_range(const struct dash *d, double *from_s, double *to_s)
{
    if (d->tl.sel1_s > d->tl.sel0_s) {
        *from_s = d->tl.sel0_s;
        *to_s = d->tl.sel1_s;
    } else {
        *from_s = d->tl.cursor_s >= 0 ? d->tl.cursor_s : 0;
        *to_s = duration(d);
    }
}
