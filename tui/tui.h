/* tui.h: the top layer's public surface: the text backend and the terminal
 * capability probe used by `kwscope plot` and tests. Everything else in tui/
 * (canvas, views, scope, dashboard) is private to the folder. */
#ifndef TUI_H
#define TUI_H

#include <stdbool.h>
#include <stdio.h>

struct tui_canvas;

/* Writes a canvas as text lines: ANSI SGR colour codes unless the canvas has
 * no colour, UTF-8 glyphs unless it is ASCII-only. */
void tui_render_text(const struct tui_canvas *c, FILE *out);

/* What the terminal on fd can show: colours (0, 8 or 256) from TERM and
 * COLORTERM, and whether the locale is UTF-8 (call setlocale first). */
int tui_term_colors(int fd);
bool tui_locale_utf8(void);

#endif
