/* panel_scores.c: the model's classification panel: one bar per class with
 * its score, the smoothed (window-averaged) score the detector judges and the
 * threshold marked on the bars, a detection "LED", the detector's parameters
 * (the user tunes them live, so they are always in sight) and the detections
 * log, newest first.
 *
 * Everything is on one 0..1 scale. With averages, the bars show the
 * averaged score, the value the detector compares with its threshold, and
 * the threshold is marked on them at threshold / 255; the numbers are the
 * score now and its average. Without averages the bars are the scores and
 * no threshold is drawn (it would not apply to them). */
#include "panels.h"

#include <math.h>
#include <string.h>

void tui_panel_bar(struct tui_canvas *c, struct tui_rect clip, int x, int y, int w, double frac,
                   int fg)
{
    if (w <= 0 || y < clip.y || y >= clip.y + clip.h) return;
    if (!(frac > 0)) frac = 0; /* also NaN */
    if (frac > 1) frac = 1;
    int empty_fg = tui_ui_color(c->color, TUI_UI_AXIS);
    long eighths = lround(frac * w * 8);
    for (int i = 0; i < w; i++) {
        int cx = x + i;
        if (cx < clip.x || cx >= clip.x + clip.w) continue;
        long cell = eighths - 8L * i; /* eighths that fall in this cell */
        uint32_t ch;
        int col = fg;
        if (!c->unicode) {
            ch = lround(frac * w) > i ? '#' : '.';
            if (ch == '.') col = empty_fg;
        } else if (cell >= 8) {
            ch = 0x2588; /* full block */
        } else if (cell > 0) {
            ch = 0x2590 - (uint32_t)cell; /* U+258F 1/8 .. U+2589 7/8 */
        } else {
            ch = 0x2591; /* light shade: the empty part */
            col = empty_fg;
        }
        tui_canvas_set(c, cx, y, ch, col, TUI_COLOR_DEFAULT);
    }
}

static const char *label_of(const struct tui_scores_model *m, int i, char *buf, size_t len)
{
    if (m->labels && i >= 0 && i < m->n && m->labels[i]) return m->labels[i];
    snprintf(buf, len, "#%d", i);
    return buf;
}

static double score_of(const struct tui_scores_model *m, int i)
{
    if (m->scores) return m->scores[i];
    if (m->scores_i8) return (m->scores_i8[i] + 128) / 256.0;
    return NAN;
}

/* Title on the left, the LED (and the newest detection's label) on the right. */
static void draw_title(struct tui_canvas *c, struct tui_rect r, const struct tui_scores_model *m)
{
    char led[48], lb[16];
    const char *newest = m->n_log ? label_of(m, m->log[m->n_log - 1].label, lb, sizeof lb) : "";
    if (c->unicode)
        snprintf(led, sizeof led, "%s %s", m->led ? "\u25CF" : "\u25CB", m->led ? newest : "");
    else
        snprintf(led, sizeof led, "(%c) %s", m->led ? '*' : ' ', m->led ? newest : "");
    size_t len = strlen(led);
    while (len && led[len - 1] == ' ') led[--len] = '\0';
    int led_w = c->unicode ? (int)len - 2 : (int)len; /* the circles are 3 bytes, 1 cell */
    int led_x = r.x + r.w - led_w;
    char title[160];
    if (m->t_s >= 0)
        snprintf(title, sizeof title, "%s @ %.2f s", m->title ? m->title : "Model", m->t_s);
    else
        snprintf(title, sizeof title, "%s", m->title ? m->title : "Model");
    int title_w = led_x - r.x - 1 > 0 ? led_x - r.x - 1 : r.w;
    struct tui_rect tr = { r.x, r.y, title_w < r.w ? title_w : r.w, 1 };
    int n = tui_panel_text(c, tr, r.x, r.y, tui_ui_color(c->color, TUI_UI_TITLE), title);
    tui_canvas_attr(c, (struct tui_rect){ r.x, r.y, n, 1 }, TUI_ATTR_BOLD);
    if (led_x > r.x + n) {
        int fg = tui_ui_color(c->color, m->led ? TUI_UI_GOOD : TUI_UI_AXIS);
        int w = tui_panel_text(c, r, led_x, r.y, fg, led);
        if (m->led) tui_canvas_attr(c, (struct tui_rect){ led_x, r.y, w, 1 }, TUI_ATTR_BOLD);
    }
}

static int top_class(const struct tui_scores_model *m)
{
    if (m->top >= 0 && m->top < m->n) return m->top;
    int top = -1;
    for (int i = 0; i < m->n; i++)
        if (!isnan(score_of(m, i)) && (top < 0 || score_of(m, i) > score_of(m, top))) top = i;
    return top;
}

/* The bars from row y0 on; with head, a column header first (rows counts it). */
static void draw_bars(struct tui_canvas *c, struct tui_rect r, const struct tui_scores_model *m,
                      int y0, int rows, bool head)
{
    int label_w = 1;
    char lb[16];
    for (int i = 0; i < m->n; i++) {
        int l = (int)strlen(label_of(m, i, lb, sizeof lb));
        if (l > label_w) label_w = l;
    }
    if (label_w > 12) label_w = 12;
    if (label_w > r.w / 3) label_w = r.w / 3 > 1 ? r.w / 3 : 1;
    int val_w = 5 + (m->avg ? 5 : 0); /* " 0.91" + " 0.79" */
    int bar_x = r.x + 2 + label_w + 1;
    int bar_w = r.x + r.w - val_w - bar_x;
    if (bar_w < 3) {
        bar_w = 0;
        bar_x -= 1;
    }
    int top = top_class(m), text = tui_ui_color(c->color, TUI_UI_TEXT);
    if (head && rows > 0) {
        int axis = tui_ui_color(c->color, TUI_UI_AXIS);
        tui_panel_text(c, r, r.x + 2, y0, axis, "class");
        if (m->avg && bar_w >= 27)
            tui_panel_text(c, r, bar_x, y0, axis, "average (bar), threshold |");
        else if (m->avg && bar_w >= 5)
            tui_panel_text(c, r, bar_x, y0, axis, "avg |");
        tui_panel_text(c, r, bar_x + bar_w, y0, axis, m->avg ? "  now  avg" : "score");
        y0++;
        rows--;
    }
    for (int i = 0; i < m->n && i < rows; i++) {
        int y = y0 + i;
        bool hi = i == top;
        double s = score_of(m, i), bar = m->avg ? m->avg[i] / (double)MDL_DETECT_THRESHOLD_MAX : s;
        struct tui_rect lr = { r.x, y, 2 + label_w < r.w ? 2 + label_w : r.w, 1 };
        if (hi)
            tui_panel_text(c, lr, r.x, y, tui_ui_color(c->color, TUI_UI_GOOD),
                           c->unicode ? "\u25B6" : ">");
        tui_panel_text(c, lr, r.x + 2, y, hi ? tui_ui_color(c->color, TUI_UI_GOOD) : text,
                       label_of(m, i, lb, sizeof lb));
        if (bar_w) {
            int fg = tui_ui_color(c->color, hi ? TUI_UI_GOOD : TUI_UI_TRACE);
            tui_panel_bar(c, r, bar_x, y, bar_w, bar, fg);
            if (m->threshold >= 0 && m->avg) {
                int tc = (int)lround(fmin(m->threshold, MDL_DETECT_THRESHOLD_MAX) /
                                     (double)MDL_DETECT_THRESHOLD_MAX * bar_w);
                tc = tc >= bar_w ? bar_w - 1 : tc;
                bool under = !isnan(bar) && lround(bar * bar_w * 8) > 8L * tc;
                uint32_t ch = c->unicode ? (under ? 0x2503 : 0x250A) : (under ? '|' : ':');
                if (bar_x + tc < r.x + r.w)
                    tui_canvas_set(c, bar_x + tc, y, ch, tui_ui_color(c->color, TUI_UI_ALERT),
                                   TUI_COLOR_DEFAULT);
            }
        }
        char val[32];
        int n =
            isnan(s) ? snprintf(val, sizeof val, "    -") : snprintf(val, sizeof val, " %4.2f", s);
        if (m->avg)
            snprintf(val + n, sizeof val - (size_t)n, " %4.2f",
                     m->avg[i] / (double)MDL_DETECT_THRESHOLD_MAX);
        int vx = bar_x + bar_w;
        int w = tui_panel_text(c, r, vx, y, hi ? tui_ui_color(c->color, TUI_UI_GOOD) : text, val);
        if (m->avg && m->threshold >= 0 && m->avg[i] > m->threshold && w > 5)
            tui_canvas_attr(c, (struct tui_rect){ vx + 5, y, w - 5, 1 }, TUI_ATTR_REVERSE);
        if (hi) tui_canvas_attr(c, (struct tui_rect){ r.x, y, r.w, 1 }, TUI_ATTR_BOLD);
    }
}

static void draw_params(struct tui_canvas *c, struct tui_rect r, const struct mdl_detect_config *d,
                        int y)
{
    char line[160];
    int n = snprintf(line, sizeof line,
                     "detect: window %d ms  threshold %.2f  suppression %d ms  min %d",
                     (int)d->window_ms, d->threshold / (double)MDL_DETECT_THRESHOLD_MAX,
                     (int)d->suppression_ms, (int)d->min_count);
    if (n > r.w)
        n = snprintf(line, sizeof line, "win %dms thr %.2f sup %dms min %d", (int)d->window_ms,
                     d->threshold / (double)MDL_DETECT_THRESHOLD_MAX, (int)d->suppression_ms,
                     (int)d->min_count);
    if (n > r.w) /* never a cut number: the parameters that fit, whole */
        snprintf(line, sizeof line, "thr %.2f win %dms",
                 d->threshold / (double)MDL_DETECT_THRESHOLD_MAX, (int)d->window_ms);
    tui_panel_text(c, r, r.x, y, tui_ui_color(c->color, TUI_UI_AXIS), line);
}

static void draw_log(struct tui_canvas *c, struct tui_rect r, const struct tui_scores_model *m,
                     int y, int rows)
{
    int text = tui_ui_color(c->color, TUI_UI_TEXT);
    if (rows < 1) return;
    tui_panel_text(c, r, r.x, y++, tui_ui_color(c->color, TUI_UI_TITLE),
                   m->n_log ? "Detections (newest first)" : "No detections");
    rows--;
    if (!m->n_log && m->no_detections_why && rows > 0) {
        tui_panel_text(c, r, r.x, y, tui_ui_color(c->color, TUI_UI_AXIS), m->no_detections_why);
        return;
    }
    size_t shown = m->n_log <= (size_t)rows ? m->n_log : (size_t)(rows > 0 ? rows - 1 : 0);
    char lb[16];
    for (size_t k = 0; k < shown; k++) {
        const struct tui_detection *d = &m->log[m->n_log - 1 - k];
        tui_panel_printf(c, r, r.x, y++, k == 0 ? tui_ui_color(c->color, TUI_UI_GOOD) : text,
                         "%s %.2f @ %.2f s", label_of(m, d->label, lb, sizeof lb), d->score / 255.0,
                         d->t_s);
    }
    if (shown < m->n_log && rows > 0)
        tui_panel_printf(c, r, r.x, y, tui_ui_color(c->color, TUI_UI_AXIS), "+%zu more",
                         m->n_log - shown);
}

void tui_panel_scores(struct tui_canvas *c, struct tui_rect r, const struct tui_scores_model *m)
{
    if (r.w <= 0 || r.h <= 0) return;
    draw_title(c, r, m);
    int y = r.y + 1, end = r.y + r.h;
    int n = m->n < 0 ? 0 : m->n > MDL_DETECT_MAX_CLASSES ? MDL_DETECT_MAX_CLASSES : m->n;
    struct tui_scores_model mm = *m;
    mm.n = n;
    /* The column header only when everything else still fits. */
    bool head = n > 0 && r.h >= 1 + 1 + n + (m->detect ? 1 : 0) + 3;
    draw_bars(c, r, &mm, y, end - y, head);
    y += n + head;
    if (m->detect && y < end) draw_params(c, r, m->detect, y++);
    if (y < end) draw_log(c, r, &mm, y, end - y);
}
