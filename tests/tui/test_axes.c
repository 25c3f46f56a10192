/* test_axes.c: the nice-tick generator on random ranges and lengths: steps
 * of 1, 2 or 5 x 10^k, ticks inside the data range, labels that never touch,
 * on linear, decade (log/mel-like) and integer axes; and the time axis with
 * detection marks, whose labels are never cut. */
#include "test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"

static double rnd(double lo, double hi)
{
    return lo + (hi - lo) * (rand() / (double)RAND_MAX);
}

/* step = m x 10^k with m in {1, 2, 5}. */
static bool is_125(double step)
{
    double k = floor(log10(step) + 1e-9), m = step / pow(10, k);
    return fabs(m - 1) < 1e-6 || fabs(m - 2) < 1e-6 || fabs(m - 5) < 1e-6;
}

static void check_layout(const struct tui_axis *a, const struct tui_tick *t, int n, bool linear)
{
    for (int i = 0; i < n; i++) {
        CHECK(t[i].v >= a->lo - 1e-9 * fabs(a->hi - a->lo) &&
              t[i].v <= a->hi + 1e-9 * fabs(a->hi - a->lo));
        CHECK(t[i].pos >= 0 && t[i].pos < a->len);
        CHECK(t[i].w == (int)strlen(t[i].label) && t[i].w > 0);
        if (!a->vertical) CHECK(t[i].start >= 0 && t[i].start + t[i].w <= a->len);
        if (i == 0) continue;
        CHECK(t[i].v > t[i - 1].v);
        if (a->vertical)
            CHECK(t[i - 1].pos - t[i].pos >= 2); /* a free row between labels */
        else
            CHECK(t[i].start >= t[i - 1].start + t[i - 1].w + 1); /* a free cell */
        if (linear) {
            double step = t[1].v - t[0].v;
            CHECK(is_125(step));
            CHECK(fabs((t[i].v - t[i - 1].v) - step) < 1e-6 * step);  /* evenly spaced */
            CHECK(fabs(t[i].v / step - round(t[i].v / step)) < 1e-6); /* on multiples */
        }
    }
}

static void test_random_linear(void)
{
    srand(12345);
    for (int it = 0; it < 5000; it++) {
        double e = rnd(-4, 5), lo = rnd(-1, 1) * pow(10, e), hi = lo + rnd(0.01, 10) * pow(10, e);
        struct tui_axis a = {
            .lo = lo, .hi = hi, .len = 4 + rand() % 200, .vertical = rand() % 2 == 0
        };
        struct tui_tick t[TUI_MAX_TICKS];
        int n = tui_axis_ticks(&a, t, TUI_MAX_TICKS);
        CHECK(n <= (a.vertical ? a.len / 4 + 1 : a.len / 10 + 1));
        check_layout(&a, t, n, true);
        if (a.vertical && a.len >= 12)
            CHECK(n >= 2); /* a tall axis always gets at least two labels */
    }
}

static double log_frac(double v, const void *ctx)
{
    const struct tui_axis *a = ctx;
    return log(v / a->lo) / log(a->hi / a->lo);
}

static void test_random_decades(void)
{
    srand(777);
    for (int it = 0; it < 2000; it++) {
        struct tui_axis a = { .lo = rnd(10, 500),
                              .len = 4 + rand() % 120,
                              .vertical = rand() % 2,
                              .decades = true,
                              .to_frac = log_frac };
        a.hi = a.lo * rnd(2, 200);
        a.ctx = &a;
        struct tui_tick t[TUI_MAX_TICKS];
        int n = tui_axis_ticks(&a, t, TUI_MAX_TICKS);
        check_layout(&a, t, n, false);
        for (int i = 0; i < n; i++) { /* m x 10^k, m a digit */
            double k = floor(log10(t[i].v) + 1e-9), m = t[i].v / pow(10, k);
            CHECK(fabs(m - round(m)) < 1e-6);
        }
    }
}

static void test_integers(void)
{
    for (int cols = 2; cols < 40; cols++) {
        struct tui_axis a = { .lo = 0, .hi = cols - 1, .len = 30, .vertical = true, .min_step = 1 };
        struct tui_tick t[TUI_MAX_TICKS];
        int n = tui_axis_ticks(&a, t, TUI_MAX_TICKS);
        CHECK(n >= 1);
        check_layout(&a, t, n, n >= 2);
        for (int i = 1; i < n; i++) CHECK(t[i].v - t[i - 1].v >= 1 - 1e-9);
    }
}

static void test_known(void)
{
    /* A typical spectrum: -76..20 dB over 20 rows -> 20 dB steps on multiples. */
    struct tui_axis a = { .lo = -76, .hi = 20, .len = 20, .vertical = true };
    struct tui_tick t[TUI_MAX_TICKS];
    int n = tui_axis_ticks(&a, t, TUI_MAX_TICKS);
    CHECK(n >= 4);
    for (int i = 0; i < n; i++) CHECK(fmod(fabs(t[i].v), 10) < 1e-9);
    CHECK_STR(t[n - 1].label, "20");
    /* Hz from 0 to 8000 on 90 columns: 0, 1000, ... with no "-0". */
    struct tui_axis h = { .lo = 0, .hi = 8000, .len = 90 };
    n = tui_axis_ticks(&h, t, TUI_MAX_TICKS);
    CHECK(n >= 5);
    CHECK_STR(t[0].label, "0");
    CHECK_INT(t[0].pos, 0);
    /* A tiny range still gets a nice step. */
    struct tui_axis s = { .lo = 0.1234, .hi = 0.1236, .len = 60 };
    n = tui_axis_ticks(&s, t, TUI_MAX_TICKS);
    CHECK(n >= 2);
    check_layout(&s, t, n, true);
}

/* Marks on a time axis: the mark glyph always, tick labels only whole. */
static void test_time_axis_marks(void)
{
    struct tui_canvas *c = tui_canvas_new(80, 1, true, TUI_COLOR_NONE);
    struct tui_mark marks[] = { { 1.02, "yes" }, { 1.9, "no" } };
    struct tui_timeline tl = tui_timeline_full(2.34);
    tl.marks = marks;
    tl.n_marks = 2;
    tui_draw_time_axis(c, 0, 0, 80, &tl);
    char row[81 * 4] = "";
    int o = 0;
    for (int x = 0; x < 80; x++) {
        uint32_t ch = tui_canvas_at(c, x, 0)->ch;
        row[o++] = ch < 128 ? (char)ch : '^';
    }
    row[o] = '\0';
    CHECK(strstr(row, "^yes") != NULL);
    CHECK(strstr(row, "^no") != NULL);
    CHECK(strstr(row, "0.0s") == row);
    /* every token left is a mark or a whole label: digits, '.', then 's' */
    for (char *tok = strtok(row, " "); tok; tok = strtok(NULL, " ")) {
        if (tok[0] == '^') continue;
        size_t n = strlen(tok);
        CHECK(n >= 2 && tok[n - 1] == 's' && strspn(tok, "0123456789.") == n - 1);
    }
    tui_canvas_free(c);
}

int main(void)
{
    test_random_linear();
    test_random_decades();
    test_integers();
    test_known();
    test_time_axis_marks();
    return test_done();
}
