/* test_curses_scroll.c: the curses backend on a real terminal (run inside
 * tmux by curses_scroll.sh). Draws frames of a heatmap that scrolls left by
 * 1-3 columns a frame, with text left and right of it, an overlay column
 * that splits its rows and a row of uniform cells, so the backend scrolls
 * runs on the terminal and picks glyphs by the last pair written. After the
 * frames it writes DIR/ready1 and waits for a key; then it forgets the
 * screen, redraws the same canvas in full, writes DIR/ready2 and waits for
 * a key again; at exit it writes its backend counters to DIR/stats.
 * Usage: test_curses_scroll DIR FRAMES */
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "tui/tui.h"

static int colour(long col, int row)
{
    unsigned v = (unsigned)col * 2654435761u ^ (unsigned)row * 40503u;
    return 16 + (int)((v >> 7) % 24);
}

static void draw(struct tui_canvas *c, long t)
{
    tui_canvas_clear(c);
    tui_canvas_text(c, 0, 0, c->w, 7, TUI_COLOR_DEFAULT, "header: a scrolling heatmap");
    for (int y = 2; y < c->h - 2; y++) {
        tui_canvas_text(c, 0, y, 6, 3, TUI_COLOR_DEFAULT, "row");
        for (int x = 6; x < c->w - 20; x++) {
            long col = x + t;
            int top = colour(col, 2 * y), bottom = colour(col, 2 * y + 1);
            if (y == 5) bottom = top; /* uniform cells: drawn as blanks or full blocks */
            tui_canvas_set(c, x, y, 0x2580, top, bottom);
        }
        tui_canvas_text(c, c->w - 18, y, 18, 2, TUI_COLOR_DEFAULT, "| right of it");
    }
    for (int y = 8; y < 12; y++)
        tui_canvas_set(c, 40, y, '|', 1, TUI_COLOR_DEFAULT); /* an overlay */
    char buf[64];
    snprintf(buf, sizeof buf, "frame at %ld", t);
    tui_canvas_text(c, 0, c->h - 1, 30, 7, TUI_COLOR_DEFAULT, buf);
}

static void mark(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) fclose(f);
}

static void wait_key(void)
{
    struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
    while (poll(&p, 1, -1) < 1 || !(p.revents & POLLIN))
        ;
    char ch;
    if (read(STDIN_FILENO, &ch, 1) < 0) return;
}

int main(int argc, char **argv)
{
    if (argc != 3) return 2;
    int frames = atoi(argv[2]);
    setlocale(LC_ALL, "");
    struct tui_curses *t = tui_curses_start(stdout, stdin);
    if (!t) return 1;
    int w, h;
    tui_curses_size(t, &w, &h);
    struct tui_canvas *c = tui_canvas_new(w, h, tui_curses_unicode(t), tui_curses_color_mode(t));
    long pos = 0;
    for (int i = 0; i < frames; i++) {
        draw(c, pos);
        tui_curses_show(t, c);
        pos += 1 + i % 3;
        nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
    }
    mark(argv[1], "ready1");
    wait_key();
    tui_curses_invalidate(t);
    tui_curses_show(t, c);
    mark(argv[1], "ready2");
    wait_key();
    bool direct = tui_curses_truecolor(t);
    tui_curses_stop(t);
    struct tui_curses_stats s;
    tui_curses_stats(&s);
    char p[512];
    snprintf(p, sizeof p, "%s/stats", argv[1]);
    FILE *f = fopen(p, "w");
    if (!f) return 1;
    fprintf(f, "frames %llu cells %llu scrolled %llu truecolor %d\n", (unsigned long long)s.frames,
            (unsigned long long)s.cells, (unsigned long long)s.shifted_runs, direct);
    fclose(f);
    tui_canvas_free(c);
    return 0;
}
