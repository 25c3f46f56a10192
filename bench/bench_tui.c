/* bench_tui.c: dashboard frame cost at 200x60 for each view: the canvas
 * build (dash_draw) plus the ncurses output to a pty, median over many frames
 * with the cursor moving (the usual redraw), and a full repaint (worst case,
 * e.g. after a resize). Prints microseconds; never fails on time. */
/* ncursesw's pkg-config flags define _XOPEN_SOURCE=600: enough for posix_openpt */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dash/dash.h"
#include "tui/tui.h"

#define FRAMES 200

static int master_fd;

/* Something must read the pty, or curses blocks once its buffer fills. */
static void *drain(void *arg)
{
    (void)arg;
    char buf[65536];
    while (read(master_fd, buf, sizeof buf) > 0) {}
    return NULL;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    char path[4096];
    const char *src = getenv("KWSCOPE_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/assets/demo.wav", src ? src : ".");
    struct tui_scope scope;
    char err[256];
    if (tui_scope_open(&scope, path, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "bench_tui: %s\n", err);
        return 1;
    }
    for (int v = 0; v < TUI_VIEW_COUNT; v++) tui_scope_prepare(&scope, (enum tui_view_id)v);

    master_fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (master_fd < 0 || grantpt(master_fd) || unlockpt(master_fd)) {
        perror("bench_tui: pty");
        return 1;
    }
    FILE *out = fopen(ptsname(master_fd), "w"), *in = fopen(ptsname(master_fd), "r");
    pthread_t th;
    pthread_create(&th, NULL, drain, NULL);
    setenv("TERM", "xterm-256color", 1);
    setenv("LINES", "60", 1);
    setenv("COLUMNS", "200", 1);
    struct tui_curses *term = tui_curses_start(out, in);
    if (!term) {
        fprintf(stderr, "bench_tui: cannot start curses on the pty\n");
        return 1;
    }
    struct tui_canvas *c = tui_canvas_new(200, 60, true, TUI_COLOR_256);
    struct dash d;
    dash_init(&d, &scope);
    static double t[FRAMES], full[TUI_VIEW_COUNT], med[TUI_VIEW_COUNT];
    for (int v = 0; v < TUI_VIEW_COUNT; v++) {
        d.view = (enum tui_view_id)v;
        tui_curses_invalidate(term);
        double a = now_us();
        dash_draw(&d, c);
        tui_curses_show(term, c);
        full[v] = now_us() - a;
        for (int f = 0; f < FRAMES; f++) {
            d.tl.cursor_s = tui_scope_duration(&scope) * f / FRAMES;
            a = now_us();
            dash_draw(&d, c);
            tui_curses_show(term, c);
            t[f] = now_us() - a;
        }
        qsort(t, FRAMES, sizeof t[0], cmp);
        med[v] = t[FRAMES / 2];
    }
    tui_curses_stop(term);
    printf("dashboard frame at 200x60 (canvas + ncurses to a pty), us\n");
    printf("%-12s %12s %12s\n", "view", "median/frame", "full repaint");
    for (int v = 0; v < TUI_VIEW_COUNT; v++)
        printf("%-12s %12.0f %12.0f\n", tui_view_name((enum tui_view_id)v), med[v], full[v]);
    tui_canvas_free(c);
    free(term);
    tui_scope_free(&scope);
    return 0;
}
