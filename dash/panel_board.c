/* panel_board.c: the board panel (connection state, firmware, model, labels,
 * memory, mode, link counters) and the stage timings table with a sparkline
 * per stage, plus the small statistics struct that feeds it.
 *
 * The statistics keep running min/max/mean over everything since a reset
 * (what `kwscope bench` and the old hand-made timing table report) and a
 * fixed ring of the newest values, so adding a result never allocates and the
 * sparkline shows the recent trend. Sparklines scale from 0 to the largest
 * value shown, not from the minimum: a steady 1.00-1.02 ms stage then reads
 * as a flat full line instead of noise blown up to the full height. */
#include "panels.h"

#include <string.h>

static const char *const state_names[TUI_BOARD_STATE_COUNT] = { "connecting", "ready", "timeout",
                                                                "disconnected",
                                                                "version mismatch" };
static const char *const stage_names[TUI_STAGE_COUNT] = { "preprocess", "inference", "postprocess",
                                                          "total" };
static const char *const stage_short[TUI_STAGE_COUNT] = { "pre", "infer", "post", "total" };

const char *tui_board_state_name(enum tui_board_state s)
{
    return (unsigned)s < TUI_BOARD_STATE_COUNT ? state_names[s] : "?";
}

const char *tui_stage_name(enum tui_stage s)
{
    return (unsigned)s < TUI_STAGE_COUNT ? stage_names[s] : "?";
}

void tui_stage_stats_reset(struct tui_stage_stats *s)
{
    memset(s, 0, sizeof *s);
}

void tui_stage_stats_add(struct tui_stage_stats *s, uint32_t us)
{
    if (s->count == 0 || us < s->min_us) s->min_us = us;
    if (s->count == 0 || us > s->max_us) s->max_us = us;
    s->last_us = us;
    s->sum_us += us;
    s->count++;
    if (s->head < 0 || s->head >= TUI_STAGE_HISTORY) s->head = 0;
    s->ring_us[s->head] = us;
    s->head = (s->head + 1) % TUI_STAGE_HISTORY;
    if (s->n_ring < TUI_STAGE_HISTORY) s->n_ring++;
}

double tui_stage_stats_avg_us(const struct tui_stage_stats *s)
{
    return s->count ? (double)s->sum_us / (double)s->count : 0.0;
}

uint32_t tui_stage_stats_hist(const struct tui_stage_stats *s, int i)
{
    if (i < 0 || i >= s->n_ring) return 0;
    int k = (s->head - s->n_ring + i + 2 * TUI_STAGE_HISTORY) % TUI_STAGE_HISTORY;
    return s->ring_us[k];
}

void tui_stage_stats_add_result(struct tui_stage_stats *st, uint32_t pre_us, uint32_t infer_us,
                                uint32_t post_us)
{
    uint64_t total = (uint64_t)pre_us + infer_us + post_us;
    tui_stage_stats_add(&st[TUI_STAGE_PRE], pre_us);
    tui_stage_stats_add(&st[TUI_STAGE_INFER], infer_us);
    tui_stage_stats_add(&st[TUI_STAGE_POST], post_us);
    tui_stage_stats_add(&st[TUI_STAGE_TOTAL], total > UINT32_MAX ? UINT32_MAX : (uint32_t)total);
}

void tui_sparkline(struct tui_canvas *c, struct tui_rect clip, int x, int y, int w,
                   const struct tui_stage_stats *s, int fg)
{
    static const char ramp[] = "_.-:=+*#";
    int n = s->n_ring < w ? s->n_ring : w;
    if (n <= 0) return;
    int first = s->n_ring - n;
    uint32_t top = 0;
    for (int i = 0; i < n; i++)
        if (tui_stage_stats_hist(s, first + i) > top) top = tui_stage_stats_hist(s, first + i);
    for (int i = 0; i < n; i++) {
        int cx = x + w - n + i; /* newest at the right edge */
        if (cx < clip.x || cx >= clip.x + clip.w || y < clip.y || y >= clip.y + clip.h) continue;
        uint32_t v = tui_stage_stats_hist(s, first + i);
        /* Height in eighths of a cell, rounded up: v = top is a full block. */
        int level = top ? (int)(((uint64_t)v * 8 + top - 1) / top) - 1 : 0;
        level = level < 0 ? 0 : level;
        tui_canvas_set(c, cx, y, c->unicode ? 0x2581 + (uint32_t)level : (uint32_t)ramp[level], fg,
                       TUI_COLOR_DEFAULT);
    }
}

static int state_color(enum tui_color_mode mode, enum tui_board_state s)
{
    switch (s) {
    case TUI_BOARD_READY: return tui_ui_color(mode, TUI_UI_GOOD);
    case TUI_BOARD_CONNECTING: return tui_ui_color(mode, TUI_UI_CURSOR);
    case TUI_BOARD_TIMEOUT: return tui_ui_color(mode, TUI_UI_PLAY);
    default: return tui_ui_color(mode, TUI_UI_ALERT);
    }
}

static const char *str_or(const char *s, const char *dflt)
{
    return s && *s ? s : dflt;
}

static void draw_header(struct tui_canvas *c, struct tui_rect r, const struct tui_board_model *m)
{
    int x = r.x, title = tui_ui_color(c->color, TUI_UI_TITLE);
    int n = tui_panel_text(c, r, x, r.y, title, str_or(m->title, "Board"));
    tui_canvas_attr(c, (struct tui_rect){ x, r.y, n, 1 }, TUI_ATTR_BOLD);
    x += n + 1;
    char st[40];
    /* Brackets keep the state readable without colour; not ready is shown bold. */
    snprintf(st, sizeof st, "[%s]", tui_board_state_name(m->state));
    n = tui_panel_text(c, r, x, r.y, state_color(c->color, m->state), st);
    if (m->state != TUI_BOARD_READY)
        tui_canvas_attr(c, (struct tui_rect){ x, r.y, n, 1 }, TUI_ATTR_BOLD);
    x += n + 1;
    if (m->port) tui_panel_text(c, r, x, r.y, tui_ui_color(c->color, TUI_UI_AXIS), m->port);
}

/* The stage table from row y to the end of r: figures only in whole
 * columns (a cut "138.90" would read as another number); the history as a
 * column when it fits, else as rows of its own under the table. */
static int draw_stages(struct tui_canvas *c, struct tui_rect r, const struct tui_stage_stats *st,
                       int y, const char *where)
{
    int end = r.y + r.h, axis = tui_ui_color(c->color, TUI_UI_AXIS);
    int text = tui_ui_color(c->color, TUI_UI_TEXT), y0 = y;
    /* Columns as wide as the widest figure plus a space: figures never touch. */
    int widest = 4;
    for (int s = 0; s < TUI_STAGE_COUNT; s++) {
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, "%.2f", st[s].max_us / 1000.0);
        widest = n > widest ? n : widest;
    }
    int num_w = widest + 1;
    bool long_names = r.w >= 11 + 4 * num_w + 8;
    int name_w = long_names ? 11 : 5;
    int n_num = (r.w - name_w) / num_w;
    n_num = n_num > 4 ? 4 : n_num < 0 ? 0 : n_num;
    int hist_x = r.x + name_w + n_num * num_w + 1, hist_w = r.x + r.w - hist_x;
    bool hist_col = n_num == 4 && hist_w >= 8; /* "history" and a space */
    static const char *const heads[4] = { "last", "min", "max", "avg" };
    if (y >= end) return 0;
    char head[32];
    snprintf(head, sizeof head, long_names ? "ms (%s)" : "ms", where);
    tui_panel_printf(c, r, r.x, y, axis, "%-*s", name_w, head);
    for (int k = 0; k < n_num; k++)
        tui_panel_printf(c, r, r.x + name_w + k * num_w, y, axis, "%*s", num_w, heads[k]);
    if (hist_col) tui_panel_text(c, r, hist_x, y, axis, "history");
    y++;
    for (int s = 0; s < TUI_STAGE_COUNT && y < end; s++, y++) {
        const struct tui_stage_stats *x = &st[s];
        tui_panel_printf(c, r, r.x, y,
                         s == TUI_STAGE_TOTAL ? tui_ui_color(c->color, TUI_UI_TITLE) : text,
                         "%-*.*s", name_w, name_w, long_names ? stage_names[s] : stage_short[s]);
        double v[4] = { x->last_us / 1000.0, x->min_us / 1000.0, x->max_us / 1000.0,
                        tui_stage_stats_avg_us(x) / 1000.0 };
        for (int k = 0; k < n_num; k++) {
            char num[32];
            if (x->count)
                snprintf(num, sizeof num, "%*.2f", num_w, v[k]);
            else
                snprintf(num, sizeof num, "%*s", num_w, "-");
            tui_panel_text(c, r, r.x + name_w + k * num_w, y, x->count ? text : axis, num);
        }
        if (hist_col)
            tui_sparkline(c, r, hist_x, y, hist_w, x, tui_ui_color(c->color, TUI_UI_TRACE));
    }
    if (!hist_col && y + 1 < end && r.w >= 12) { /* the history under the table */
        tui_panel_printf(c, r, r.x, y++, axis, "history (%s, newest right)", where);
        for (int s = 0; s < TUI_STAGE_COUNT && y < end; s++, y++) {
            tui_panel_text(c, r, r.x, y, text, stage_short[s]);
            tui_sparkline(c, r, r.x + 6, y, r.w - 6, &st[s], tui_ui_color(c->color, TUI_UI_TRACE));
        }
    }
    return y - y0;
}

/* Firmware, model, labels, memory: label-value items that wrap whole. */
static int draw_info(struct tui_canvas *c, struct tui_rect r, const struct tui_board_model *m,
                     int y)
{
    char labels[256], a[32], b[32], d[32], ab[40], rb[40], fb[40];
    int n = 0;
    labels[0] = '\0';
    for (int i = 0; i < m->n_labels && m->labels && n < (int)sizeof labels; i++)
        n += snprintf(labels + n, sizeof labels - (size_t)n, "%s%s", i ? " " : "",
                      str_or(m->labels[i], "?"));
    snprintf(ab, sizeof ab, "%s B",
             m->arena_bytes ? tui_format_grouped(m->arena_bytes, a, sizeof a) : "?");
    snprintf(rb, sizeof rb, "%s B",
             m->ram_bytes ? tui_format_grouped(m->ram_bytes, b, sizeof b) : "?");
    snprintf(fb, sizeof fb, "%s B",
             m->flash_bytes ? tui_format_grouped(m->flash_bytes, d, sizeof d) : "?");
    struct tui_panel_item it[6];
    int k = 0;
    if (str_or(m->firmware, NULL) || str_or(m->model_name, NULL)) {
        it[k++] = (struct tui_panel_item){ "fw", NULL, str_or(m->firmware, "?"), false, 0 };
        it[k++] = (struct tui_panel_item){ "model", NULL, str_or(m->model_name, "none"), false, 0 };
    }
    int rows = k ? tui_panel_items(c, r, y, it, k) : 0;
    if (m->n_labels > 0 && m->labels) {
        struct tui_panel_item li = { "labels", NULL, labels, false, 0 };
        rows += tui_panel_items(c, r, y + rows, &li, 1);
    }
    if (m->arena_bytes || m->ram_bytes || m->flash_bytes) {
        struct tui_panel_item mem[3] = { { "arena", NULL, ab, false, 0 },
                                         { "RAM", NULL, rb, false, 0 },
                                         { "flash", NULL, fb, false, 0 } };
        rows += tui_panel_items(c, r, y + rows, mem, 3);
    }
    return rows;
}

void tui_panel_board(struct tui_canvas *c, struct tui_rect r, const struct tui_board_model *m)
{
    if (r.w <= 0 || r.h <= 0) return;
    int y = r.y, end = r.y + r.h, alert = tui_ui_color(c->color, TUI_UI_ALERT);
    draw_header(c, r, m);
    y++;
    if (m->message && *m->message && y < end)
        tui_panel_text(c, r, r.x, y++, state_color(c->color, m->state), m->message);
    /* The timing table matters more than the board's description: on a
     * short panel the description goes first. */
    int table_rows = m->stages ? 1 + TUI_STAGE_COUNT : 0;
    if (end - y > table_rows + 2)
        y += draw_info(c, (struct tui_rect){ r.x, y, r.w, end - y - table_rows - 1 }, m, y);
    if (y < end) {
        static const char *const modes[] = { "idle", "board mic", "pushing" };
        char fr[32], bad[32], lost[32];
        snprintf(fr, sizeof fr, "%llu", (unsigned long long)m->frames_ok);
        snprintf(bad, sizeof bad, "%llu", (unsigned long long)m->bad_frames);
        snprintf(lost, sizeof lost, "%llu", (unsigned long long)m->lost_chunks);
        struct tui_panel_item it[5];
        int k = 0;
        it[k++] = (struct tui_panel_item){
            "mode", NULL, str_or(m->mode_text, modes[m->mode <= TUI_BOARD_PUSH ? m->mode : 0]),
            false, 0
        };
        if (m->frames_ok) it[k++] = (struct tui_panel_item){ "frames", "fr", fr, false, 0 };
        /* Faults stand out: bad frames, lost chunks, a full or dead link. */
        if (m->bad_frames) it[k++] = (struct tui_panel_item){ "bad", NULL, bad, true, alert };
        if (m->lost_chunks) it[k++] = (struct tui_panel_item){ "lost", NULL, lost, true, alert };
        if (m->link_note && *m->link_note)
            it[k++] = (struct tui_panel_item){ "link", NULL, m->link_note, true, alert };
        int h = end - y - table_rows > 1 ? end - y - table_rows : 1;
        y += tui_panel_items(c, (struct tui_rect){ r.x, y, r.w, h }, y, it, k);
    }
    if (m->stages && y + 1 < end)
        draw_stages(c, r, m->stages, y, str_or(m->timing_source, "board"));
}
