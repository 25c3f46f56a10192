/* canvas.h: the grid every view draws into (private to tui/).
 *
 * A canvas is cells of (glyph, fg, bg). Views never talk to curses or stdout:
 * they fill a canvas, and a backend shows it (render_text.c for `kwscope
 * plot`, the ncurses dashboard). The canvas also says what the output can
 * show (Unicode? how many colours?) so views pick glyphs that will survive. */
#ifndef TUI_CANVAS_H
#define TUI_CANVAS_H

#include <stdbool.h>
#include <stdint.h>

#define TUI_COLOR_DEFAULT (-1)

enum tui_color_mode {
    TUI_COLOR_NONE,   /* no colour: ASCII density ramps carry the values */
    TUI_COLOR_8,      /* the 8 ANSI colours */
    TUI_COLOR_256,    /* xterm 256-colour palette */
};

enum tui_attr { TUI_ATTR_BOLD = 1, TUI_ATTR_REVERSE = 2, TUI_ATTR_DIM = 4 };

struct tui_cell {
    uint32_t ch;   /* Unicode code point; ASCII only when !unicode */
    int16_t fg;    /* palette index 0..255, or TUI_COLOR_DEFAULT */
    int16_t bg;
    uint8_t attr;  /* enum tui_attr bits */
};

struct tui_canvas {
    int w, h;                    /* size in cells */
    struct tui_cell *cells;      /* w*h, row-major; owned */
    bool unicode;                /* braille and block glyphs allowed */
    enum tui_color_mode color;
};

struct tui_rect { int x, y, w, h; };

/* NULL on allocation failure or non-positive size. */
struct tui_canvas *tui_canvas_new(int w, int h, bool unicode, enum tui_color_mode color);
void tui_canvas_free(struct tui_canvas *c);
void tui_canvas_clear(struct tui_canvas *c);
/* Out-of-range coordinates are ignored (views may clip freely). */
void tui_canvas_set(struct tui_canvas *c, int x, int y, uint32_t ch, int fg, int bg);
struct tui_cell *tui_canvas_at(struct tui_canvas *c, int x, int y);
/* Writes UTF-8 text from (x, y), clipped to max_w cells (<0: to the edge).
 * Returns the cells written. Non-ASCII text becomes '?' on an ASCII canvas. */
int tui_canvas_text(struct tui_canvas *c, int x, int y, int max_w, int fg, int bg,
                    const char *utf8);
int tui_canvas_printf(struct tui_canvas *c, int x, int y, int max_w, int fg, int bg,
                      const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void tui_canvas_fill(struct tui_canvas *c, struct tui_rect r, uint32_t ch, int fg, int bg);
/* Set attribute bits on every cell of r. */
void tui_canvas_attr(struct tui_canvas *c, struct tui_rect r, uint8_t attr);
/* A box border around r (Unicode light lines, or +-| in ASCII). */
void tui_canvas_box(struct tui_canvas *c, struct tui_rect r, int fg);

/* ---- dot plotting: braille cells hold 2x4 dots ---- */
/* Sets dot (px, py) in a grid of (r.w*2) x (r.h*4) dots anchored at r. On an
 * ASCII canvas dots collapse to one glyph per cell. */
void tui_canvas_dot(struct tui_canvas *c, struct tui_rect r, int px, int py, int fg);

/* ---- colour ---- */
enum tui_colormap { TUI_CMAP_VIRIDIS, TUI_CMAP_MAGMA, TUI_CMAP_GRAY, TUI_CMAP_COUNT };
const char *tui_colormap_name(enum tui_colormap m);
/* Palette index for t in [0, 1] (clamped) under the canvas's colour mode. */
int tui_colormap_color(enum tui_colormap m, enum tui_color_mode mode, float t);
/* ASCII density glyph for t in [0, 1]: " .:-=+*#%@". */
char tui_density_glyph(float t);
/* Closest xterm-256 index for an RGB colour (cube or gray ramp). */
int tui_rgb_to_256(int r, int g, int b);

/* Fixed UI colours, chosen per mode. */
enum tui_ui_color { TUI_UI_TEXT, TUI_UI_AXIS, TUI_UI_TRACE, TUI_UI_CURSOR, TUI_UI_SELECT,
                    TUI_UI_ALERT, TUI_UI_GOOD, TUI_UI_TITLE, TUI_UI_PLAY };
int tui_ui_color(enum tui_color_mode mode, enum tui_ui_color which);

#endif
