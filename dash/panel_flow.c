/* panel_flow.c: label-value items laid out in a panel, never cutting a
 * number. Items go left to right and wrap to the next row when the next
 * one does not fit whole; an item too wide for a row on its own drops to its
 * short label, then to its value alone. A value is never shortened: a
 * truncated "1500" reads as "150", which is worse than no value at all. */
#include "panels.h"

#include <string.h>

static int item_w(const char *label, const char *value)
{
    int lw = label && *label ? (int)strlen(label) + 1 : 0;
    return lw + (int)strlen(value);
}

int tui_panel_items(struct tui_canvas *c, struct tui_rect r, int y, const struct tui_panel_item *it,
                    int n)
{
    int x = r.x, end = r.y + r.h, label_fg = tui_ui_color(c->color, TUI_UI_AXIS);
    if (y >= end) return 0;
    int rows = 1;
    for (int i = 0; i < n; i++) {
        const char *label = it[i].label;
        if (item_w(label, it[i].value) > r.w) label = it[i].short_label;
        if (item_w(label, it[i].value) > r.w) label = NULL;
        int w = item_w(label, it[i].value);
        int gap = x > r.x ? 2 : 0;
        if (x + gap + w > r.x + r.w && x > r.x) { /* wrap */
            if (++y >= end) return rows;
            rows++;
            x = r.x;
            gap = 0;
        }
        x += gap;
        if (label && *label) {
            x += tui_panel_text(c, r, x, y, label_fg, label);
            x++;
        }

        x += tui_panel_text(
            c, r, x, y, it[i].fg_set ? it[i].fg : tui_ui_color(c->color, TUI_UI_TEXT), it[i].value);
    }
    return rows;
}
