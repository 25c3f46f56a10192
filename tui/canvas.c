/* canvas.c: the cell grid, text, boxes and braille dots.
 *
 * Braille: U+2800 plus a bit per dot; the dot numbering (1-8) maps to bits so
 * that column 0 holds dots 1,2,3,7 and column 1 holds 4,5,6,8 (Unicode's
 * braille block layout). */
#include "tui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tui_canvas *tui_canvas_new(int w, int h, bool unicode, enum tui_color_mode color)
{
    if (w <= 0 || h <= 0 || w > 4096 || h > 4096) return NULL;
    struct tui_canvas *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->cells = calloc((size_t)w * (size_t)h, sizeof *c->cells);
    if (!c->cells) {
        free(c);
        return NULL;
    }
    c->w = w;
    c->h = h;
    c->unicode = unicode;
    c->color = color;
    tui_canvas_clear(c);
    return c;
}

void tui_canvas_free(struct tui_canvas *c)
{
    if (c) free(c->cells);
    free(c);
}

void tui_canvas_clear(struct tui_canvas *c)
{
    for (int i = 0; i < c->w * c->h; i++)
        c->cells[i] = (struct tui_cell){ ' ', TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT, 0 };
}

struct tui_cell *tui_canvas_at(struct tui_canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->w || y >= c->h) return NULL;
    return &c->cells[y * c->w + x];
}

void tui_canvas_set(struct tui_canvas *c, int x, int y, uint32_t ch, int fg, int bg)
{
    struct tui_cell *cell = tui_canvas_at(c, x, y);
    if (cell) *cell = (struct tui_cell){ ch, (int32_t)fg, (int32_t)bg, 0 };
}

/* Decodes one UTF-8 sequence; returns its length (1 on invalid bytes). */
static int utf8_decode(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    int len = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!len) {
        *cp = '?';
        return 1;
    }
    uint32_t v = s[0] & (0x7F >> len);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = '?';
            return i;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

int tui_canvas_text(struct tui_canvas *c, int x, int y, int max_w, int fg, int bg, const char *utf8)
{
    int n = 0;
    const unsigned char *s = (const unsigned char *)utf8;
    while (*s && (max_w < 0 || n < max_w) && x + n < c->w) {
        uint32_t cp;
        s += utf8_decode(s, &cp);
        if (!c->unicode && cp >= 0x80) cp = '?';
        tui_canvas_set(c, x + n, y, cp, fg, bg);
        n++;
    }
    return n;
}

int tui_canvas_printf(struct tui_canvas *c, int x, int y, int max_w, int fg, int bg,
                      const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return tui_canvas_text(c, x, y, max_w, fg, bg, buf);
}

void tui_canvas_fill(struct tui_canvas *c, struct tui_rect r, uint32_t ch, int fg, int bg)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++) tui_canvas_set(c, x, y, ch, fg, bg);
}

void tui_canvas_attr(struct tui_canvas *c, struct tui_rect r, uint8_t attr)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++) {
            struct tui_cell *cell = tui_canvas_at(c, x, y);
            if (cell) cell->attr |= attr;
        }
}

void tui_canvas_box(struct tui_canvas *c, struct tui_rect r, int fg)
{
    if (r.w < 2 || r.h < 2) return;
    uint32_t hz = c->unicode ? 0x2500 : '-', vt = c->unicode ? 0x2502 : '|';
    uint32_t tl = c->unicode ? 0x250C : '+', tr = c->unicode ? 0x2510 : '+';
    uint32_t bl = c->unicode ? 0x2514 : '+', br = c->unicode ? 0x2518 : '+';
    for (int x = r.x + 1; x < r.x + r.w - 1; x++) {
        tui_canvas_set(c, x, r.y, hz, fg, TUI_COLOR_DEFAULT);
        tui_canvas_set(c, x, r.y + r.h - 1, hz, fg, TUI_COLOR_DEFAULT);
    }
    for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
        tui_canvas_set(c, r.x, y, vt, fg, TUI_COLOR_DEFAULT);
        tui_canvas_set(c, r.x + r.w - 1, y, vt, fg, TUI_COLOR_DEFAULT);
    }
    tui_canvas_set(c, r.x, r.y, tl, fg, TUI_COLOR_DEFAULT);
    tui_canvas_set(c, r.x + r.w - 1, r.y, tr, fg, TUI_COLOR_DEFAULT);
    tui_canvas_set(c, r.x, r.y + r.h - 1, bl, fg, TUI_COLOR_DEFAULT);
    tui_canvas_set(c, r.x + r.w - 1, r.y + r.h - 1, br, fg, TUI_COLOR_DEFAULT);
}

void tui_canvas_dot(struct tui_canvas *c, struct tui_rect r, int px, int py, int fg)
{
    if (px < 0 || py < 0 || px >= r.w * 2 || py >= r.h * 4) return;
    struct tui_cell *cell = tui_canvas_at(c, r.x + px / 2, r.y + py / 4);
    if (!cell) return;
    if (!c->unicode) {
        /* One glyph per cell: ' above, - middle, . below, : for several. */
        static const char rows[4] = { '\'', '-', '-', '.' };
        char g = rows[py % 4];
        if (cell->ch == ' ' || cell->ch == (uint32_t)g)
            cell->ch = (uint32_t)g;
        else
            cell->ch = ':';
        cell->fg = (int32_t)fg;
        return;
    }
    static const uint8_t bit[4][2] = {
        { 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 }
    };
    uint32_t base = (cell->ch >= 0x2800 && cell->ch <= 0x28FF) ? cell->ch : 0x2800;
    cell->ch = base | bit[py % 4][px % 2];
    cell->fg = (int32_t)fg;
}
