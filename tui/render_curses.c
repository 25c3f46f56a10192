/* render_curses.c: shows canvases with ncursesw.
 *
 * Colours: each (fg, bg) combination gets a colour pair on first use, from a
 * small open-addressing table; when the terminal runs out of pairs the table
 * is reset and the screen redrawn. Cells that did not change since the last
 * frame are skipped, so a moving cursor costs a few cells, not a screen. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "tui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define PAIR_SLOTS 8192 /* power of two */

struct tui_curses {
    SCREEN *screen;
    bool active;
    enum tui_color_mode color;
    bool unicode;
    int next_pair, max_pairs;
    int32_t pair_key[PAIR_SLOTS];  /* (fg+1) * 257 + (bg+1), or -1 */
    int pair_id[PAIR_SLOTS];
    struct tui_cell *prev;         /* what is on screen */
    int prev_w, prev_h;
};

struct tui_curses *tui_curses_start(FILE *out, FILE *in)
{
    struct tui_curses *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->screen = newterm(NULL, out, in);
    if (!t->screen) {
        free(t);
        return NULL;
    }
    t->active = true;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
    mouseinterval(0);
    t->unicode = tui_locale_utf8();
    if (has_colors()) {
        start_color();
        use_default_colors();
        t->color = COLORS >= 256 ? TUI_COLOR_256 : COLORS >= 8 ? TUI_COLOR_8 : TUI_COLOR_NONE;
        t->max_pairs = COLOR_PAIRS;
    }
    memset(t->pair_key, 0xFF, sizeof t->pair_key);
    t->next_pair = 1;
    return t;
}

void tui_curses_stop(struct tui_curses *t)
{
    if (!t || !t->active)
        return;
    t->active = false;
    endwin();
    delscreen(t->screen);
    free(t->prev);
    t->prev = NULL;
}

enum tui_color_mode tui_curses_color_mode(const struct tui_curses *t) { return t->color; }
bool tui_curses_unicode(const struct tui_curses *t) { return t->unicode; }

void tui_curses_size(struct tui_curses *t, int *w, int *h)
{
    (void)t;
    getmaxyx(stdscr, *h, *w);
}

void tui_curses_invalidate(struct tui_curses *t)
{
    free(t->prev);
    t->prev = NULL;
    clearok(stdscr, TRUE);
}

static int pair_for(struct tui_curses *t, int fg, int bg)
{
    if (t->color == TUI_COLOR_NONE || (fg < 0 && bg < 0))
        return 0;
    int32_t key = (fg + 1) * 257 + (bg + 1);
    unsigned h = ((unsigned)key * 2654435761u) & (PAIR_SLOTS - 1);
    for (;;) {
        if (t->pair_key[h] == key)
            return t->pair_id[h];
        if (t->pair_key[h] < 0)
            break;
        h = (h + 1) & (PAIR_SLOTS - 1);
    }
    if (t->next_pair >= t->max_pairs || t->next_pair >= PAIR_SLOTS / 2) {
        /* Out of pairs: start over; everything on screen gets redrawn. */
        memset(t->pair_key, 0xFF, sizeof t->pair_key);
        t->next_pair = 1;
        tui_curses_invalidate(t);
        return pair_for(t, fg, bg);
    }
    int id = t->next_pair++;
    init_extended_pair(id, fg, bg);
    t->pair_key[h] = key;
    t->pair_id[h] = id;
    return id;
}

static bool same(const struct tui_cell *a, const struct tui_cell *b)
{
    return a->ch == b->ch && a->fg == b->fg && a->bg == b->bg && a->attr == b->attr;
}

void tui_curses_show(struct tui_curses *t, const struct tui_canvas *c)
{
    if (!t->prev || t->prev_w != c->w || t->prev_h != c->h) {
        free(t->prev);
        t->prev = NULL;
        erase();
    }
    for (int y = 0; y < c->h; y++) {
        for (int x = 0; x < c->w; x++) {
            const struct tui_cell *cell = &c->cells[y * c->w + x];
            if (t->prev && same(cell, &t->prev[y * c->w + x]))
                continue;
            /* Skip the bottom-right cell: writing it scrolls some terminals. */
            if (y == c->h - 1 && x == c->w - 1)
                continue;
            wchar_t wch[2] = {(wchar_t)cell->ch, 0};
            attr_t attr = A_NORMAL;
            if (cell->attr & TUI_ATTR_BOLD) attr |= A_BOLD;
            if (cell->attr & TUI_ATTR_REVERSE) attr |= A_REVERSE;
            if (cell->attr & TUI_ATTR_DIM) attr |= A_DIM;
            int pair = pair_for(t, cell->fg, cell->bg);
            cchar_t cc;
            setcchar(&cc, wch, attr, 0, &pair);
            mvadd_wch(y, x, &cc);
        }
    }
    size_t n = (size_t)c->w * (size_t)c->h;
    if (!t->prev)
        t->prev = malloc(n * sizeof *t->prev);
    if (t->prev) {
        memcpy(t->prev, c->cells, n * sizeof *t->prev);
        t->prev_w = c->w;
        t->prev_h = c->h;
    }
    refresh();
}
