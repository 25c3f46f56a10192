/* lab_view.c: the model lab's results in the dashboard (`kwscope --lab
 * results.jsonl`, key L): one of the lab's figures over the list of
 * variants; Left/Right pick the figure, Up/Down the variant, Enter loads its
 * exported model as the current model (labels from labels.txt beside it), so
 * its scores and detections replace the previous model's on the same audio.
 * Esc or L goes back to the views. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash.h"
#include "lab.h"

enum kws_status dash_lab_open(struct dash_lab *l, const char *path, struct dash_model *slot,
                              char *err, size_t err_len)
{
    memset(l, 0, sizeof *l);
    l->slot = slot;
    snprintf(l->path, sizeof l->path, "%s", path);
    return dash_lab_load(path, &l->rows, &l->n, err, err_len);
}

void dash_lab_close(struct dash_lab *l)
{
    free(l->rows);
    memset(l, 0, sizeof *l);
}

/* "a,b,c" from the labels.txt next to the model; "" when there is none. */
static void labels_beside(const char *model, char *out, size_t len)
{
    char path[600];
    const char *slash = strrchr(model, '/');
    snprintf(path, sizeof path, "%.*slabels.txt", slash ? (int)(slash - model + 1) : 0, model);
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[64];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0])
            snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? "," : "", line);
    }
    fclose(f);
}

static void load_selected(struct dash *d)
{
    struct dash_lab *l = d->lab;
    const struct dash_lab_row *r = &l->rows[l->sel];
    if (!r->model[0]) {
        snprintf(d->message, sizeof d->message, "%s: no model kept (run kwscope lab with --export)",
                 r->name);
        return;
    }
    char labels[512], err[256];
    labels_beside(r->model, labels, sizeof labels);
    struct dash_model *m = l->slot;
    if (d->model) dash_model_free(m);
    d->model = NULL;
    if (dash_model_open(m, r->model, labels, err, sizeof err) != KWS_OK) {
        snprintf(d->message, sizeof d->message, "cannot load %.60s: %.240s", r->name, err);
        l->loaded[0] = '\0';
        return;
    }
    d->model = m;
    l->swapped = true;
    snprintf(l->loaded, sizeof l->loaded, "%s", r->name);
    snprintf(d->message, sizeof d->message, "model: %.60s (%.240s)", r->name, r->model);
}

bool dash_lab_key(struct dash *d, int key)
{
    struct dash_lab *l = d->lab;
    if (key == 'L') {
        if (!l)
            snprintf(d->message, sizeof d->message, "no lab results (kwscope --lab results.jsonl)");
        else
            l->shown = !l->shown;
        return true;
    }
    if (!l || !l->shown) return false;
    switch (key) {
    case DASH_KEY_ESC: l->shown = false; return true;
    case DASH_KEY_LEFT:
        l->figure = (l->figure + DASH_LAB_FIGURES - 1) % DASH_LAB_FIGURES;
        return true;
    case DASH_KEY_RIGHT: l->figure = (l->figure + 1) % DASH_LAB_FIGURES; return true;
    case DASH_KEY_UP: l->sel = l->sel > 0 ? l->sel - 1 : 0; return true;
    case DASH_KEY_DOWN: l->sel = l->sel + 1 < l->n ? l->sel + 1 : l->sel; return true;
    case DASH_KEY_ENTER:
    case '\n':
    case '\r': load_selected(d); return true;
    default: return false;
    }
}

static void draw_list(const struct dash_lab *l, struct tui_canvas *c, struct tui_rect r)
{
    int fg = tui_ui_color(c->color, TUI_UI_TEXT), title = tui_ui_color(c->color, TUI_UI_TITLE);
    tui_canvas_printf(c, r.x, r.y, r.w, title, TUI_COLOR_DEFAULT,
                      "  %-20s %8s %8s %10s %10s %8s %8s", "variant", "int8 %", "float %",
                      "nz params", "FLOPs", "flash B", "host us");
    int rows = r.h - 1;
    size_t first = l->sel >= (size_t)rows / 2 ? l->sel - (size_t)rows / 2 : 0;
    if (first + (size_t)rows > l->n) first = l->n > (size_t)rows ? l->n - (size_t)rows : 0;
    for (int i = 0; i < rows && first + (size_t)i < l->n; i++) {
        const struct dash_lab_row *x = &l->rows[first + (size_t)i];
        bool cur = l->loaded[0] && !strcmp(l->loaded, x->name);
        tui_canvas_printf(c, r.x, r.y + 1 + i, r.w, fg, TUI_COLOR_DEFAULT,
                          "%c %-20s %8.2f %8.2f %10llu %10llu %8llu %8.1f", cur ? '*' : ' ',
                          x->name, x->acc_int8, x->acc_float, (unsigned long long)x->params_nonzero,
                          (unsigned long long)x->flops, (unsigned long long)x->flash_bytes,
                          x->host_us);
        if (first + (size_t)i == l->sel)
            tui_canvas_attr(c, (struct tui_rect){ r.x, r.y + 1 + i, r.w, 1 }, TUI_ATTR_REVERSE);
    }
}

void dash_lab_draw(struct dash *d, struct tui_canvas *c, struct tui_rect r)
{
    struct dash_lab *l = d->lab;
    tui_canvas_fill(c, r, ' ', TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT);
    int list_h = r.h / 3 > 4 ? r.h / 3 : 4;
    struct tui_rect fig = { r.x, r.y, r.w, r.h - list_h };
    if (!dash_lab_figure(c, fig, l->rows, l->n, l->figure)) {
        tui_draw_title(c, fig, "Model lab", "");
        tui_canvas_printf(c, fig.x + 2, fig.y + 2, fig.w - 4, TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT,
                          "no rows for figure %d of %d (Left/Right: other figures)", l->figure + 1,
                          DASH_LAB_FIGURES);
    }
    draw_list(l, c, (struct tui_rect){ r.x, r.y + r.h - list_h, r.w, list_h });
}
