/* panel_model.c: the model info view (the dashboard's 'm' key): the per-layer
 * table of `kwscope model info` (same columns, figures and labels, from the
 * same struct mdl_info) and the RAM / flash shares of the Nano 33 BLE Sense as
 * bars.
 *
 * It has to fit any rectangle, so columns are sized to their contents and the
 * least telling ones go first when the width runs out (weight bytes and MACs
 * repeat what params and FLOPs say); rows keep the totals and the RAM/flash
 * lines and trade layers for a "+N more" line. */
#include "panels.h"

#include <string.h>

static void shape(const struct mdl_model *m, int t, char *buf, size_t len)
{
    snprintf(buf, len, "-");
    if (!m || t < 0 || t >= m->n_tensors) return;
    const struct mdl_tensor *x = &m->tensors[t];
    if (x->n_dims == 0) snprintf(buf, len, "scalar");
    size_t o = 0;
    for (int d = 0; d < x->n_dims && o < len; d++)
        o += (size_t)snprintf(buf + o, len - o, "%s%d", d ? "x" : "", (int)x->dims[d]);
}

enum { COL_IDX, COL_OP, COL_IN, COL_OUT, COL_PARAMS, COL_MACS, COL_FLOPS, COL_WBYTES, N_COLS };
static const char *const heads[N_COLS] = { "#",      "op",   "input", "output",
                                           "params", "MACs", "FLOPs", "weight B" };
static const int caps[N_COLS] = { 4, 18, 14, 14, 14, 14, 14, 14 };
/* Dropped first to last when the table is too wide (# and op always stay). */
static const int drop_order[] = { COL_WBYTES, COL_MACS, COL_IN, COL_OUT, COL_FLOPS, COL_PARAMS };

/* The cell of column k for layer i (i < 0: the total row). */
static void cell(const struct tui_model_view *v, int i, int k, char *buf, size_t len)
{
    const struct mdl_info *in = v->info;
    const struct mdl_layer_info *l = i >= 0 ? &in->layers[i] : NULL;
    buf[0] = '\0';
    switch (k) {
    case COL_IDX:
        if (l) snprintf(buf, len, "%d", i);
        break;
    case COL_OP: snprintf(buf, len, "%s", l ? mdl_op_name(l->op) : "total"); break;
    case COL_IN:
        if (l) shape(v->model, l->in_tensor, buf, len);
        break;
    case COL_OUT:
        if (l) shape(v->model, l->out_tensor, buf, len);
        break;
    case COL_PARAMS: tui_format_grouped(l ? l->params : in->params, buf, len); break;
    case COL_MACS: tui_format_grouped(l ? l->macs : in->macs, buf, len); break;
    case COL_FLOPS: tui_format_grouped(l ? l->flops : in->flops, buf, len); break;
    case COL_WBYTES: tui_format_grouped(l ? l->weight_bytes : in->weight_bytes, buf, len); break;
    }
}

struct layout {
    int w[N_COLS];
    bool on[N_COLS];
};

static struct layout columns(const struct tui_model_view *v, int width)
{
    struct layout L;
    char buf[64];
    for (int k = 0; k < N_COLS; k++) {
        L.w[k] = (int)strlen(heads[k]);
        L.on[k] = true;
        for (int i = -1; i < v->info->n_layers; i++) {
            cell(v, i, k, buf, sizeof buf);
            int n = (int)strlen(buf);
            L.w[k] = n > L.w[k] ? n : L.w[k];
        }
        L.w[k] = L.w[k] > caps[k] ? caps[k] : L.w[k];
    }
    for (size_t d = 0; d < sizeof drop_order / sizeof drop_order[0]; d++) {
        int total = 0;
        for (int k = 0; k < N_COLS; k++) total += L.on[k] ? L.w[k] + 2 : 0;
        if (total - 2 <= width) break;
        L.on[drop_order[d]] = false;
    }
    return L;
}

/* One table row at y: layer i, the total (i = -1) or the header (i = -2). */
static void table_row(struct tui_canvas *c, struct tui_rect r, const struct tui_model_view *v,
                      const struct layout *L, int i, int y, int fg)
{
    int x = r.x;
    char buf[64];
    for (int k = 0; k < N_COLS; k++) {
        if (!L->on[k]) continue;
        if (i == -2)
            snprintf(buf, sizeof buf, "%s", heads[k]);
        else
            cell(v, i, k, buf, sizeof buf);
        bool left = k == COL_OP || k == COL_IN || k == COL_OUT;
        int n = (int)strlen(buf), pad = left || n >= L->w[k] ? 0 : L->w[k] - n;
        struct tui_rect cr = { x, y, L->w[k], 1 }; /* a long shape or op is cut, not spilled */
        if (cr.x + cr.w > r.x + r.w) cr.w = r.x + r.w - cr.x;
        tui_panel_text(c, cr, x + pad, y, fg, buf);
        x += L->w[k] + 2;
    }
}

static void share_line(struct tui_canvas *c, struct tui_rect r, int y, const char *what,
                       uint64_t bytes, int num_w, double share, const char *budget)
{
    char num[32], line[160];
    tui_format_grouped(bytes, num, sizeof num);
    int n = snprintf(line, sizeof line, "%s %*s B  %5.1f%% of %-6s", what, num_w, num,
                     100.0 * share, budget);
    int fg = tui_ui_color(c->color, TUI_UI_TEXT);
    int used = tui_panel_text(c, r, r.x, y, fg, line);
    int bar_x = r.x + n + 2, bar_w = r.x + r.w - bar_x;
    if (used == n && bar_w >= 4) {
        enum tui_ui_color col = share < 0.5 ? TUI_UI_GOOD
            : share < 0.8                   ? TUI_UI_CURSOR
                                            : TUI_UI_ALERT;
        tui_panel_bar(c, r, bar_x, y, bar_w > 40 ? 40 : bar_w, share, tui_ui_color(c->color, col));
    }
}

void tui_panel_model(struct tui_canvas *c, struct tui_rect r, const struct tui_model_view *v)
{
    if (r.w <= 0 || r.h <= 0 || !v->info) return;
    const struct mdl_info *in = v->info;
    int title = tui_ui_color(c->color, TUI_UI_TITLE), text = tui_ui_color(c->color, TUI_UI_TEXT);
    int axis = tui_ui_color(c->color, TUI_UI_AXIS);
    int y = r.y, end = r.y + r.h, n_layers = in->n_layers > 0 ? in->n_layers : 0;
    char buf[512], a[32], b[32];
    int n = tui_panel_printf(c, r, r.x, y, title, "%s%s%s", v->title ? v->title : "Model",
                             v->path ? ": " : "", v->path ? v->path : "");
    tui_canvas_attr(c, (struct tui_rect){ r.x, y, n, 1 }, TUI_ATTR_BOLD);
    y++;
    /* RAM and flash: the reason this view exists, so they go last but never away. */
    int num_w = (int)strlen(tui_format_grouped(in->arena_bytes, a, sizeof a));
    int fw = (int)strlen(tui_format_grouped(in->model_bytes, b, sizeof b));
    num_w = fw > num_w ? fw : num_w;
    struct layout L = columns(v, r.w);
    if (r.h < 5) {
        if (y < end)
            share_line(c, r, y++, "RAM    tensor arena", in->arena_bytes, num_w, in->ram_share,
                       "256 KB");
        if (y < end)
            share_line(c, r, y++, "flash  model       ", in->model_bytes, num_w, in->flash_share,
                       "1 MB");
        if (y < end) table_row(c, r, v, &L, -1, y, text);
        return;
    }
    bool extras = r.h >= 5 + 2 + n_layers && v->model;
    if (extras) {
        const struct mdl_model *m = v->model;
        snprintf(buf, sizeof buf, "%s bytes, schema v%u, %d operators, %d tensors, \"%s\"",
                 tui_format_grouped(m->n_bytes, a, sizeof a), m->version, m->n_ops, m->n_tensors,
                 m->description);
        tui_panel_text(c, r, r.x, y++, text, buf);
        bool seed = v->convention && !strcmp(v->convention, "seed");
        tui_panel_printf(c, r, r.x, y++, axis, "FLOPs: 2 per multiply-add + %s (%s convention)",
                         seed ? "1 per bias parameter" : "1 per biased output element",
                         seed ? "seed" : "default");
    }
    table_row(c, r, v, &L, -2, y, axis);
    tui_canvas_attr(c, (struct tui_rect){ r.x, y, r.w, 1 }, TUI_ATTR_BOLD);
    y++;
    int slots = end - y - 3; /* total, RAM, flash stay */
    int first = v->first_layer;
    first = first > n_layers - slots ? n_layers - slots : first;
    first = first < 0 ? 0 : first;
    int shown = n_layers - first <= slots ? n_layers - first : slots - 1;
    shown = shown < 0 ? 0 : shown;
    for (int i = 0; i < shown; i++) table_row(c, r, v, &L, first + i, y++, text);
    if (first + shown < n_layers && slots > 0)
        tui_panel_printf(c, r, r.x, y++, axis, "+%d more", n_layers - first - shown);
    table_row(c, r, v, &L, -1, y, title);
    tui_canvas_attr(c, (struct tui_rect){ r.x, y, r.w, 1 }, TUI_ATTR_BOLD);
    y++;
    share_line(c, r, y++, "RAM    tensor arena", in->arena_bytes, num_w, in->ram_share, "256 KB");
    share_line(c, r, y, "flash  model       ", in->model_bytes, num_w, in->flash_share, "1 MB");
}
