/* render_curses.c: shows canvases with ncursesw.
 *
 * What reaches the terminal is the cost of a live dashboard: a scrolling
 * heatmap changes every one of its cells every frame, and ncurses sends both
 * colour escapes (~20 bytes) whenever a cell's colour pair differs from the
 * one before it. So:
 *  - Cells that did not change since the last frame are skipped.
 *  - Heatmap cells (a half block with two colours) are drawn with the glyph
 *    that keeps the colour pair of the cell written before them where it can
 *    (a uniform cell as a space or a full block, a two-colour one as an upper
 *    or a lower half block), so runs of equal colours need one escape.
 *  - A plot that scrolled is scrolled on the terminal too: per screen row,
 *    the changed part of a run of cells between box-drawing separators (a
 *    heatmap's or a waveform's row) found shifted left by k columns since the
 *    last frame is moved with "delete k characters" at its left end and
 *    "insert k blanks" at its right end (what is right of the run comes back
 *    to its place), the same is done to curses' own copies of the screen
 *    (stdscr, curscr), and only the k new columns and the cells that really
 *    differ are written. KWSCOPE_NO_SCROLL=1 turns this off.
 * Colours: each (fg, bg) combination gets a colour pair on first use, from a
 * small open-addressing table; when the terminal runs out of pairs the table
 * is reset and the screen redrawn. With COLORTERM=truecolor (or 24bit) and a
 * direct-colour terminfo entry for the terminal (TERM's "-direct" variant,
 * e.g. tmux-direct, xterm-direct), pairs are set as 24-bit RGB. */
#define _XOPEN_SOURCE_EXTENDED 1
#define _POSIX_C_SOURCE 200809L
#include "tui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#define PAIR_SLOTS 8192 /* power of two */
#define HALF_UPPER 0x2580
#define HALF_LOWER 0x2584
#define FULL_BLOCK 0x2588
#define SHIFT_MIN_RUN 16 /* changed runs shorter than this are not scrolled */
#define SHIFT_MAX 32     /* largest scroll looked for, in columns */

struct tui_curses {
    SCREEN *screen;
    bool active;
    enum tui_color_mode color;
    bool unicode, direct;
    int next_pair, max_pairs;
    int64_t pair_key[PAIR_SLOTS]; /* (fg+1) << 32 | (bg+1), or -1 */
    int pair_id[PAIR_SLOTS];
    struct tui_cell *prev; /* what is on screen */
    int prev_w, prev_h;
    int cur_fg, cur_bg;          /* colours of the cell written last */
    const char *dch, *ich, *cup; /* parm_dch, parm_ich, cursor_address */
    FILE *out;
};

static struct tui_curses_stats totals;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* COLORTERM=truecolor|24bit asks for 24-bit colour; the terminfo entry has to
 * be able to send it, so TERM's direct-colour variant is tried first. */
static SCREEN *open_direct(FILE *out, FILE *in)
{
    const char *ct = getenv("COLORTERM"), *term = getenv("TERM");
    if (!ct || (strcmp(ct, "truecolor") && strcmp(ct, "24bit")) || !term || !*term) return NULL;
    char name[2][128];
    size_t base = strcspn(term, "-");
    snprintf(name[0], sizeof name[0], "%s-direct", term);
    snprintf(name[1], sizeof name[1], "%.*s-direct", (int)base, term);
    for (int i = 0; i < 2; i++) {
        if (i == 1 && !strcmp(name[0], name[1])) break;
        SCREEN *s = newterm(name[i], out, in);
        if (!s) continue;
        start_color();
        if (tigetflag("RGB") > 0 || COLORS >= 0x1000000) return s;
        endwin();
        delscreen(s);
    }
    return NULL;
}

static bool usable(const char *cap)
{
    return cap && cap != (const char *)-1;
}

struct tui_curses *tui_curses_start(FILE *out, FILE *in)
{
    struct tui_curses *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->screen = open_direct(out, in);
    t->direct = t->screen != NULL;
    if (!t->screen) t->screen = newterm(NULL, out, in);
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
        /* A direct-colour terminal gets palette indices as the RGB of the
         * xterm palette and heatmaps as their own RGB (TUI_COLOR_RGB). */
        t->color = t->direct ? TUI_COLOR_RGB
            : COLORS >= 256  ? TUI_COLOR_256
            : COLORS >= 8    ? TUI_COLOR_8
                             : TUI_COLOR_NONE;
        t->max_pairs = COLOR_PAIRS;
    }
    memset(t->pair_key, 0xFF, sizeof t->pair_key);
    t->next_pair = 1;
    t->out = out;
    t->dch = tigetstr("dch");
    t->ich = tigetstr("ich");
    t->cup = tigetstr("cup");
    if (!usable(t->dch) || !usable(t->ich) || !usable(t->cup) || getenv("KWSCOPE_NO_SCROLL"))
        t->dch = t->ich = t->cup = NULL;
    return t;
}

void tui_curses_stop(struct tui_curses *t)
{
    if (!t || !t->active) return;
    t->active = false;
    endwin();
    delscreen(t->screen);
    free(t->prev);
    t->prev = NULL;
}

enum tui_color_mode tui_curses_color_mode(const struct tui_curses *t)
{
    return t->color;
}
bool tui_curses_unicode(const struct tui_curses *t)
{
    return t->unicode;
}
bool tui_curses_truecolor(const struct tui_curses *t)
{
    return t->direct;
}
void tui_curses_stats(struct tui_curses_stats *out)
{
    *out = totals;
}

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

/* The xterm palette as 0xRRGGBB: 16 system colours, a 6x6x6 cube, 24 greys.
 * Direct-colour terminfo sends numbers below 8 as the ANSI colours, so pure
 * black is nudged to 0x010101 to stay RGB. */
static int palette_rgb(int i)
{
    static const int sys[16] = { 0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd,
                                 0x00cdcd, 0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00,
                                 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff };
    int rgb;
    if (i < 0) return i;
    if (i & TUI_RGB_FLAG) return (i & 0xFFFFFF) < 8 ? 0x010101 : i & 0xFFFFFF;
    if (i < 16) {
        rgb = sys[i];
    } else if (i < 232) {
        static const int lv[6] = { 0, 95, 135, 175, 215, 255 };
        i -= 16;
        rgb = lv[i / 36] << 16 | lv[i / 6 % 6] << 8 | lv[i % 6];
    } else {
        int g = 8 + 10 * (i - 232);
        rgb = g << 16 | g << 8 | g;
    }
    return rgb < 8 ? 0x010101 : rgb;
}

static int pair_for(struct tui_curses *t, int fg, int bg, bool *reset)
{
    if (t->color == TUI_COLOR_NONE || (fg < 0 && bg < 0)) return 0;
    int64_t key = (int64_t)(fg + 1) << 32 | (uint32_t)(bg + 1);
    unsigned h = (unsigned)(((uint64_t)key * 0x9E3779B97F4A7C15u) >> 40) & (PAIR_SLOTS - 1);
    for (;;) {
        if (t->pair_key[h] == key) return t->pair_id[h];
        if (t->pair_key[h] < 0) break;
        h = (h + 1) & (PAIR_SLOTS - 1);
    }
    if (t->next_pair >= t->max_pairs || t->next_pair >= PAIR_SLOTS / 2) {
        /* Out of pairs: start over; everything on screen gets redrawn. */
        memset(t->pair_key, 0xFF, sizeof t->pair_key);
        t->next_pair = 1;
        *reset = true;
        return pair_for(t, fg, bg, reset);
    }
    int id = t->next_pair++;
    if (t->direct)
        init_extended_pair(id, palette_rgb(fg), palette_rgb(bg));
    else
        init_extended_pair(id, fg, bg);
    t->pair_key[h] = key;
    t->pair_id[h] = id;
    return id;
}

static bool same(const struct tui_cell *a, const struct tui_cell *b)
{
    return a->ch == b->ch && a->fg == b->fg && a->bg == b->bg && a->attr == b->attr;
}

/* Box-drawing characters and bars frame plots and split a plot's rows at
 * overlays (cursors, marks): scrolled runs never cross them. */
static bool is_separator(uint32_t ch)
{
    return (ch >= 0x2500 && ch <= 0x257F) || ch == '|';
}

/* The glyph and colours for a cell. A half block's picture (top over bottom)
 * can be drawn several ways; the one sharing the last written pair needs no
 * colour escape. */
static void choose(const struct tui_curses *t, const struct tui_cell *c, uint32_t *ch, int *fg,
                   int *bg)
{
    *ch = c->ch;
    *fg = c->fg;
    *bg = c->bg;
    if (c->ch != HALF_UPPER || c->attr || c->fg < 0 || c->bg < 0) return;
    int top = c->fg, bottom = c->bg;
    /* Never a blank on the background: a plot cell keeps a visible glyph,
     * so a screen read without colours (tmux capture-pane -p, a log)
     * still shows where data is. */
    if (top == bottom) {
        if (t->cur_fg == top) {
            *ch = FULL_BLOCK;
            *bg = t->cur_bg;
        }
    } else if (t->cur_fg == bottom && t->cur_bg == top) {
        *ch = HALF_LOWER;
        *fg = bottom;
        *bg = top;
    }
}

static void put(struct tui_curses *t, int x, int y, const struct tui_cell *cell, bool *reset)
{
    uint32_t ch;
    int fg, bg;
    choose(t, cell, &ch, &fg, &bg);
    wchar_t wch[2] = { (wchar_t)ch, 0 };
    attr_t attr = A_NORMAL;
    if (cell->attr & TUI_ATTR_BOLD) attr |= A_BOLD;
    if (cell->attr & TUI_ATTR_REVERSE) attr |= A_REVERSE;
    if (cell->attr & TUI_ATTR_DIM) attr |= A_DIM;
    int pair = pair_for(t, fg, bg, reset);
    cchar_t cc;
    setcchar(&cc, wch, attr, 0, &pair);
    mvadd_wch(y, x, &cc);
    t->cur_fg = fg;
    t->cur_bg = bg;
    totals.cells++;
}

/* Columns the run [a, b) of row y moved left since the last frame (0: none
 * worth it): the k whose shifted match beats the unshifted one by more cells
 * than the escapes cost. Shifts are ranked on every fourth cell, then the
 * best one is counted in full. */
static int run_shift(const struct tui_curses *t, const struct tui_canvas *c, int y, int a, int b)
{
    const struct tui_cell *now = &c->cells[(size_t)y * (size_t)c->w],
                          *was = &t->prev[(size_t)y * (size_t)c->w];
    int best = -1, best_k = 0;
    for (int k = 1; k <= SHIFT_MAX && k <= (b - a) / 2; k++) {
        int m = 0;
        for (int x = a; x < b - k; x += 4) m += same(&now[x], &was[x + k]);
        if (m > best) {
            best = m;
            best_k = k;
        }
    }
    if (best_k == 0) return 0;
    int same0 = 0, shifted = 0;
    for (int x = a; x < b; x++) {
        same0 += same(&now[x], &was[x]);
        shifted += x < b - best_k && same(&now[x], &was[x + best_k]);
    }
    return shifted > same0 + 8 ? best_k : 0;
}

/* Output for the terminal-side scrolls, written in one go (see scroll_runs). */
struct scroll_out {
    char buf[16384];
    size_t n;
    FILE *f;
};

static void out_str(struct scroll_out *o, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    if (o->n + len > sizeof o->buf) {
        fwrite(o->buf, 1, o->n, o->f);
        o->n = 0;
    }
    if (len <= sizeof o->buf) {
        memcpy(o->buf + o->n, s, len);
        o->n += len;
    }
}

/* Moves row y's cells [a + k, b) to [a, b - k) on the terminal and in curses'
 * and our copies of the screen; [b - k, b) becomes blank (unknown to prev):
 * "delete k characters" at a, then "insert k blanks" at b - k, which puts
 * what is right of b back in its place. */
static void shift_run(struct tui_curses *t, struct scroll_out *o, const struct tui_canvas *c, int y,
                      int a, int b, int k)
{
    out_str(o, tiparm(t->cup, y, a));
    out_str(o, tiparm(t->dch, k));
    out_str(o, tiparm(t->cup, y, b - k));
    out_str(o, tiparm(t->ich, k));
    cchar_t blank;
    setcchar(&blank, L" ", A_NORMAL, 0, NULL);
    WINDOW *wins[2] = { curscr, stdscr };
    for (int i = 0; i < 2; i++) {
        wmove(wins[i], y, a);
        for (int j = 0; j < k; j++) wdelch(wins[i]);
        wmove(wins[i], y, b - k);
        for (int j = 0; j < k; j++) wins_wch(wins[i], &blank);
    }
    struct tui_cell *row = &t->prev[(size_t)y * (size_t)c->w];
    memmove(&row[a], &row[a + k], (size_t)(b - a - k) * sizeof *row);
    for (int x = b - k; x < b; x++)
        row[x] = (struct tui_cell){ .ch = 0xFFFFFFFFu, .fg = -2, .bg = -2, .attr = 0 };
    totals.shifted_runs++;
}

/* Scrolls on the terminal what scrolled on the canvas (see the top). curses
 * has no call for these escapes, so they bypass it: its buffered output and
 * colours are settled first (default colours, so the blanks come in plain),
 * ours go out in one write, and curses is told where the cursor ended. */
static void scroll_runs(struct tui_curses *t, const struct tui_canvas *c)
{
    if (!t->prev || !t->dch) return;
    struct scroll_out *o = NULL;
    int end_y = 0, end_x = 0;
    for (int y = 0; y < c->h - 1; y++) {
        const struct tui_cell *row = &c->cells[(size_t)y * (size_t)c->w];
        const struct tui_cell *was = &t->prev[(size_t)y * (size_t)c->w];
        for (int x = 0; x < c->w;) {
            if (is_separator(row[x].ch)) {
                x++;
                continue;
            }
            int a = x;
            while (x < c->w && !is_separator(row[x].ch)) x++;
            /* the part of the segment [a, x) that changed */
            int b = x;
            while (a < b && same(&row[a], &was[a])) a++;
            while (b > a && same(&row[b - 1], &was[b - 1])) b--;
            int k = b - a >= SHIFT_MIN_RUN ? run_shift(t, c, y, a, b) : 0;
            if (k <= 0) continue;
            if (!o) {
                if (!(o = malloc(sizeof *o))) return;
                o->n = 0;
                o->f = t->out;
                vid_attr(A_NORMAL, 0, NULL);
                mvcur(-1, -1, y, a); /* also writes out what curses holds */
            }
            shift_run(t, o, c, y, a, b, k);
            end_y = y;
            end_x = b - k;
        }
    }
    if (!o) return;
    fwrite(o->buf, 1, o->n, o->f);
    fflush(o->f);
    free(o);
    mvcur(-1, -1, end_y, end_x);
}

void tui_curses_show(struct tui_curses *t, const struct tui_canvas *c)
{
    double t0 = now_ms();
    size_t n = (size_t)c->w * (size_t)c->h;
    if (!t->prev || t->prev_w != c->w || t->prev_h != c->h) {
        free(t->prev);
        t->prev = NULL;
        erase();
    }
    scroll_runs(t, c);
    bool reset = false;
    t->cur_fg = t->cur_bg = TUI_COLOR_DEFAULT - 1; /* unknown: match nothing */
    for (int y = 0; y < c->h; y++) {
        for (int x = 0; x < c->w; x++) {
            size_t i = (size_t)y * (size_t)c->w + (size_t)x;
            const struct tui_cell *cell = &c->cells[i];
            if (t->prev && !reset && same(cell, &t->prev[i])) continue;
            /* Skip the bottom-right cell: writing it scrolls some terminals. */
            if (y == c->h - 1 && x == c->w - 1) continue;
            put(t, x, y, cell, &reset);
            if (t->prev && !reset) t->prev[i] = *cell;
        }
    }
    if (reset) {
        /* The pairs were reassigned mid-frame: redraw everything next time. */
        tui_curses_invalidate(t);
    } else if (!t->prev) {
        t->prev = malloc(n * sizeof *t->prev);
        if (t->prev) memcpy(t->prev, c->cells, n * sizeof *t->prev);
        t->prev_w = c->w;
        t->prev_h = c->h;
    }
    refresh();
    totals.frames++;
    totals.show_ms += now_ms() - t0;
}
