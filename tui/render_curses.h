/* render_curses.h: the ncurses backend (private to tui/). */
#ifndef TUI_RENDER_CURSES_H
#define TUI_RENDER_CURSES_H

#include <stdio.h>

#include "canvas.h"

struct tui_curses;

/* Starts curses on the terminal behind out/in (stdout/stdin for the
 * dashboard, a pty in benchmarks): wide characters, keypad, mouse, colours.
 * Returns NULL when the terminal cannot be initialised. */
struct tui_curses *tui_curses_start(FILE *out, FILE *in);
/* Restores the terminal. Safe to call twice and from an exit path. */
void tui_curses_stop(struct tui_curses *t);
/* What this terminal shows, for new canvases. */
enum tui_color_mode tui_curses_color_mode(const struct tui_curses *t);
bool tui_curses_unicode(const struct tui_curses *t);
/* Screen size in cells. */
void tui_curses_size(struct tui_curses *t, int *w, int *h);
/* Shows a canvas: only cells that changed since the last call are written. */
void tui_curses_show(struct tui_curses *t, const struct tui_canvas *c);
/* Forget what is on screen (after a resize): the next show redraws all. */
void tui_curses_invalidate(struct tui_curses *t);

#endif
