/* ticks.c: where the labels of an axis go.
 *
 * Ticks sit on "nice" values, steps of 1, 2 or 5 x 10^k, as a plotting
 * library would put them: the densest step that keeps the labels apart (one
 * free cell between labels on a row, one free row between labels in a
 * column) and under the axis's density cap wins. Tick values always lie
 * inside the data range, so a label never names a value the plot does not
 * show. Axes that are not linear in their value (a mel or log frequency
 * axis) give a mapping and take the 1-2-5 values of each decade, or, when
 * there is room, every multiple of the decade. */
#include "tui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double tui_nice_step(double span, int max_ticks)
{
    if (!(span > 0) || max_ticks < 1) return 1;
    double raw = span / max_ticks;
    double mag = pow(10, floor(log10(raw)));
    static const double steps[] = { 1, 2, 5, 10 };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i] * mag >= raw * (1 - 1e-9)) return steps[i] * mag;
    return 10 * mag;
}

static double axis_frac(const struct tui_axis *a, double v)
{
    if (a->to_frac) return a->to_frac(v, a->ctx);
    return (v - a->lo) / (a->hi - a->lo);
}

static int frac_pos(const struct tui_axis *a, double f)
{
    int p = (int)floor(f * a->len);
    p = p < 0 ? 0 : p >= a->len ? a->len - 1 : p;
    return a->vertical ? a->len - 1 - p : p;
}

static void format_value(const struct tui_axis *a, double v, double step, char *buf, size_t len)
{
    if (a->format) {
        a->format(v, step, buf, len);
        return;
    }
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    snprintf(buf, len, "%.*f", dec > 6 ? 6 : dec, fabs(v) < step * 1e-6 ? 0.0 : v);
}

/* Places candidate values vs[0..n) (ascending): positions, labels; 0 when
 * two labels would touch or n is over the cap. */
static int place(const struct tui_axis *a, const double *vs, int n, double step,
                 struct tui_tick *out, int max)
{
    int cap = a->max_ticks > 0 ? a->max_ticks : a->vertical ? a->len / 4 + 1 : a->len / 10 + 1;
    if (n > cap || n > max) return 0;
    for (int i = 0; i < n; i++) {
        struct tui_tick *t = &out[i];
        t->v = vs[i];
        t->pos = frac_pos(a, axis_frac(a, vs[i]));
        format_value(a, vs[i], step, t->label, sizeof t->label);
        t->w = (int)strlen(t->label);
        t->start = t->pos;
        if (!a->vertical && t->start + t->w > a->len)
            t->start = a->len - t->w; /* the last label ends at the edge */
        if (t->start < 0) return 0;
        if (i == 0) continue;
        const struct tui_tick *p = &out[i - 1];
        if (a->vertical ? p->pos - t->pos < 2 : t->start < p->start + p->w + 1) return 0;
    }
    return n;
}

/* Multiples of step inside [lo, hi]; 0 when there would be more than max. */
static int multiples(double lo, double hi, double step, double *vs, int max)
{
    double k0 = ceil(lo / step - 1e-9), k1 = floor(hi / step + 1e-9);
    if (k1 - k0 + 1 > max) return 0;
    int n = 0;
    for (double k = k0; k <= k1; k++) vs[n++] = k == 0 ? 0.0 : k * step; /* never -0 */
    return n;
}

/* Decade candidates: m x 10^k inside [lo, hi] for the mantissas given. */
static int decade_values(double lo, double hi, const int *mant, int n_mant, double *vs, int max)
{
    int n = 0;
    if (!(lo > 0)) lo = hi / 1e4;
    for (double mag = pow(10, floor(log10(lo))); mag <= hi && n < max; mag *= 10)
        for (int i = 0; i < n_mant && n < max; i++) {
            double v = mant[i] * mag;
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) vs[n++] = v;
        }
    return n;
}

int tui_axis_ticks(const struct tui_axis *a, struct tui_tick *out, int max)
{
    if (a->len < 1 || !(a->hi > a->lo) || max < 1) return 0;
    double vs[TUI_MAX_TICKS * 4];
    int cap = (int)(sizeof vs / sizeof vs[0]);
    if (a->decades) {
        static const int all[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, nice[] = { 1, 2, 5 }, one[] = { 1 };
        const int *sets[] = { all, nice };
        const int sizes[] = { 9, 3 };
        double step = pow(10, floor(log10(a->lo > 0 ? a->lo : 1)));
        for (int s = 0; s < 2; s++) { /* every digit, else 1 2 5, when all fit */
            int n = decade_values(a->lo, a->hi, sets[s], sizes[s], vs, cap);
            int got = n ? place(a, vs, n, step, out, max) : 0;
            if (got) return got;
        }
        /* else the 1 2 5 values that keep their distance, from the top (the
         * squeezed end of a mel or log axis is the low one) */
        double nice_v[TUI_MAX_TICKS * 4], kept[TUI_MAX_TICKS];
        int n = decade_values(a->lo, a->hi, sets[1], sizes[1], nice_v, cap), k = 0;
        for (int i = n - 1; i >= 0 && k < TUI_MAX_TICKS; i--) {
            double trial[TUI_MAX_TICKS + 1];
            trial[0] = nice_v[i];
            for (int j = 0; j < k; j++) trial[j + 1] = kept[k - 1 - j]; /* ascending */
            if (place(a, trial, k + 1, step, out, max)) kept[k++] = nice_v[i];
        }
        (void)one;
        double asc[TUI_MAX_TICKS];
        for (int j = 0; j < k; j++) asc[j] = kept[k - 1 - j];
        return k ? place(a, asc, k, step, out, max) : 0;
    }
    /* The smallest 1-2-5 step whose labels fit: the densest readable axis. */
    double span = a->hi - a->lo;
    double step = pow(10, floor(log10(span / (a->len + 1))) - 1);
    static const double mant[] = { 1, 2, 5 };
    for (int guard = 0; guard < 60; guard++) {
        double st = mant[guard % 3] * step * pow(10, guard / 3);
        if (st < a->min_step * (1 - 1e-9)) continue;
        if (st > span * 1.0000001 && guard > 0) {
            /* no multiple fits twice: the ends alone */
            vs[0] = a->lo;
            int got = place(a, vs, 1, span, out, max);
            return got;
        }
        int n = multiples(a->lo, a->hi, st, vs, cap);
        if (!n) continue;
        int got = place(a, vs, n, st, out, max);
        if (got) return got;
    }
    return 0;
}
