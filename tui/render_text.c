/* render_text.c: the plain-text backend. A canvas becomes lines of UTF-8 (or
 * ASCII) with ANSI SGR colour codes only where the colour changes, and no
 * escape codes at all in TUI_COLOR_NONE mode, so `kwscope plot` output can be
 * piped, diffed and stored as golden files. Trailing blanks are trimmed. */
#include "tui.h"

#include <stdio.h>

static void put_utf8(FILE *out, uint32_t cp)
{
    if (cp < 0x80) {
        fputc((int)cp, out);
    } else if (cp < 0x800) {
        fputc(0xC0 | (int)(cp >> 6), out);
        fputc(0x80 | (int)(cp & 0x3F), out);
    } else if (cp < 0x10000) {
        fputc(0xE0 | (int)(cp >> 12), out);
        fputc(0x80 | (int)((cp >> 6) & 0x3F), out);
        fputc(0x80 | (int)(cp & 0x3F), out);
    } else {
        fputc(0xF0 | (int)(cp >> 18), out);
        fputc(0x80 | (int)((cp >> 12) & 0x3F), out);
        fputc(0x80 | (int)((cp >> 6) & 0x3F), out);
        fputc(0x80 | (int)(cp & 0x3F), out);
    }
}

static void sgr(FILE *out, enum tui_color_mode mode, const struct tui_cell *c)
{
    fputs("\033[0", out);
    if (c->attr & TUI_ATTR_BOLD) fputs(";1", out);
    if (c->attr & TUI_ATTR_DIM) fputs(";2", out);
    if (c->attr & TUI_ATTR_REVERSE) fputs(";7", out);
    int col[2] = { c->fg, c->bg };
    for (int k = 0; k < 2; k++) {
        int v = col[k];
        if (v < 0) continue;
        if (v & TUI_RGB_FLAG)
            fprintf(out, ";%d;2;%d;%d;%d", 38 + 10 * k, v >> 16 & 255, v >> 8 & 255, v & 255);
        else if (mode >= TUI_COLOR_256)
            fprintf(out, ";%d;5;%d", 38 + 10 * k, v);
        else
            fprintf(out, ";%d", 30 + 10 * k + v % 8);
    }
    fputc('m', out);
}

void tui_render_text(const struct tui_canvas *c, FILE *out)
{
    bool colour = c->color != TUI_COLOR_NONE;
    for (int y = 0; y < c->h; y++) {
        const struct tui_cell *row = &c->cells[y * c->w];
        int end = c->w;
        /* Trim trailing plain blanks (a coloured blank still shows). */
        while (end > 0 && row[end - 1].ch == ' ' &&
               (!colour || (row[end - 1].bg < 0 && !(row[end - 1].attr & TUI_ATTR_REVERSE))))
            end--;
        const struct tui_cell *prev = NULL;
        for (int x = 0; x < end; x++) {
            const struct tui_cell *cell = &row[x];
            if (colour &&
                (!prev || prev->fg != cell->fg || prev->bg != cell->bg || prev->attr != cell->attr))
                sgr(out, c->color, cell);
            put_utf8(out, cell->ch);
            prev = cell;
        }
        if (colour && prev) fputs("\033[0m", out);
        fputc('\n', out);
    }
}
