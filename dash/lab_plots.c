/* lab_plots.c: the model lab's figures from its rows, as the course draws
 * them: int8 test accuracy against bit width (one line per quantisation
 * method), against non-zero parameters (unstructured pruning, with and
 * without fine-tuning), and against FLOPs, host runtime and M4 runtime
 * (structured pruning, with and without fine-tuning). The accuracy axis
 * spans the rows' range (widened to whole ticks), since the differences
 * that matter are often a point or two. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

struct fig {
    const char *title, *x_label;
    const char *method;
    int n_series;
    const char *names[2];
    char markers[2];
};

static const struct fig figs[DASH_LAB_FIGURES] = {
    { "Accuracy vs bit width", "bits", NULL, 2, { "PTQ", "QAT" }, { 'P', 'Q' } },
    { "Accuracy vs non-zero parameters (unstructured pruning)",
      "non-zero params",
      "unstructured",
      2,
      { "pruned", "pruned + fine-tuned" },
      { 'u', 'U' } },
    { "Accuracy vs FLOPs (structured pruning)",
      "FLOPs",
      "structured",
      2,
      { "pruned", "pruned + fine-tuned" },
      { 's', 'S' } },
    { "Accuracy vs host runtime (structured pruning)",
      "us per inference (host)",
      "structured",
      2,
      { "pruned", "pruned + fine-tuned" },
      { 's', 'S' } },
    { "Accuracy vs M4 runtime (structured pruning)",
      "ms per inference (Cortex-M4)",
      "structured",
      2,
      { "pruned", "pruned + fine-tuned" },
      { 's', 'S' } },
};

static double x_of(const struct dash_lab_row *r, int which)
{
    switch (which) {
    case 0: return r->bits;
    case 1: return (double)r->params_nonzero;
    case 2: return (double)r->flops;
    case 3: return r->host_us;
    default: return r->m4_ms;
    }
}

/* Row belongs to series s of figure which. */
static bool in_series(const struct dash_lab_row *r, int which, int s)
{
    if (which == 0) return !strcmp(r->method, s ? "qat" : "ptq");
    return !strcmp(r->method, figs[which].method) && r->finetuned == (s == 1) &&
        isfinite(x_of(r, which));
}

struct pt {
    double x, y;
};

static int cmp_pt(const void *a, const void *b)
{
    const struct pt *p = a, *q = b;
    return p->x < q->x ? -1 : p->x > q->x;
}

bool dash_lab_figure(struct tui_canvas *c, struct tui_rect r, const struct dash_lab_row *rows,
                     size_t n, int which)
{
    if (which < 0 || which >= DASH_LAB_FIGURES) return false;
    const struct fig *f = &figs[which];
    struct pt *pts = malloc((n ? n : 1) * sizeof *pts);
    double *xy = malloc((n ? n : 1) * 2 * sizeof *xy);
    if (!pts || !xy) {
        free(pts);
        free(xy);
        return false;
    }
    struct tui_series series[2];
    size_t ns = 0, used = 0;
    for (int s = 0; s < f->n_series; s++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (in_series(&rows[i], which, s))
                pts[k++] = (struct pt){ x_of(&rows[i], which), rows[i].acc_int8 };
        if (!k) continue;
        qsort(pts, k, sizeof *pts, cmp_pt);
        double *x = xy + used, *y = xy + n + used;
        for (size_t i = 0; i < k; i++) {
            x[i] = pts[i].x;
            y[i] = pts[i].y;
        }
        used += k;
        series[ns++] = (struct tui_series){ f->names[s], x, y, k, f->markers[s] };
    }
    if (ns) {
        struct tui_lines_model m = { .title = f->title,
                                     .x_label = f->x_label,
                                     .y_label = "int8 test accuracy %",
                                     .series = series,
                                     .n_series = ns };
        tui_view_lines(c, r, &m);
    }
    free(pts);
    free(xy);
    return ns > 0;
}
