/* cmd_plot.c: `kwscope plot` draws one view of a clip to stdout, through the
 * same views as the dashboard, with the text backend. */
#include "cli.h"
#include "tui/tui.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_cmd_plot(int argc, char **argv)
{
    const char *view_name = "wave", *color = "auto", *cmap = "viridis", *path = NULL;
    int width = 0, height = 24, db = 0, log_freq = 0;
    double at_s = -1;
    for (int i = 1, operands = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!operands && !strcmp(a, "--")) { /* the end of options */
            operands = 1;
        } else if (operands || a[0] != '-' || !a[1]) {
            if (path) return cli_usage_error("plot", "one FILE only; extra argument", a);
            path = a;
        } else if (!strcmp(a, "--view") || !strcmp(a, "--color") || !strcmp(a, "--width") ||
                   !strcmp(a, "--height") || !strcmp(a, "--cmap") || !strcmp(a, "--at")) {
            if (!val) return cli_usage_error("plot", "missing value for", a);
            i++;
            if (!strcmp(a, "--view"))
                view_name = val;
            else if (!strcmp(a, "--color"))
                color = val;
            else if (!strcmp(a, "--cmap"))
                cmap = val;
            else if (!strcmp(a, "--width") && !cli_parse_int(val, 20, 1000, &width))
                return cli_usage_error("plot", "--width must be 20..1000", val);
            else if (!strcmp(a, "--height") && !cli_parse_int(val, 5, 500, &height))
                return cli_usage_error("plot", "--height must be 5..500", val);
            else if (!strcmp(a, "--at") && !cli_parse_double(val, 0.0, 1e6, &at_s))
                return cli_usage_error("plot", "--at must be a time in seconds (0..1e6)", val);
        } else if (!strcmp(a, "--db")) {
            db = 1;
        } else if (!strcmp(a, "--log-freq")) {
            log_freq = 1;
        } else {
            return cli_usage_error("plot", "unknown option", a);
        }
    }
    if (!path) return cli_usage_error("plot", "missing FILE", NULL);
    enum tui_view_id view = tui_view_parse(view_name);
    if (view == TUI_VIEW_COUNT) return cli_usage_error("plot", "unknown view", view_name);
    enum tui_colormap cm = TUI_CMAP_COUNT;
    for (int i = 0; i < TUI_CMAP_COUNT; i++)
        if (!strcmp(cmap, tui_colormap_name((enum tui_colormap)i))) cm = (enum tui_colormap)i;
    if (cm == TUI_CMAP_COUNT) return cli_usage_error("plot", "unknown colormap", cmap);

    setlocale(LC_ALL, "");
    int colors = cli_color_count(color);
    if (colors < 0) return cli_usage_error("plot", "--color must be auto, always or never", color);
    /* No colour means a plain ASCII picture (density ramps), as the README
     * promises for pipes and logs. */
    bool unicode = colors > 0 && tui_locale_utf8();
    if (!width) {
        const char *cols = getenv("COLUMNS");
        if (!cols || !cli_parse_int(cols, 20, 1000, &width)) width = 100;
    }

    struct tui_scope s;
    char err[512];
    if (tui_scope_open(&s, path, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope plot: %s\n", err);
        return 1;
    }
    s.cmap = cm;
    s.wave_db = db;
    s.spectrum_log = log_freq;
    if (tui_scope_prepare(&s, view) != KWS_OK) {
        fprintf(stderr, "kwscope plot: %s: %s\n", path, s.error);
        tui_scope_free(&s);
        return 1;
    }
    struct tui_canvas *c = tui_canvas_new(width, height, unicode,
                                          colors == 0       ? TUI_COLOR_NONE
                                              : colors == 8 ? TUI_COLOR_8
                                                            : TUI_COLOR_256);
    if (!c) {
        fprintf(stderr, "kwscope plot: out of memory\n");
        tui_scope_free(&s);
        return 1;
    }
    struct tui_timeline tl = tui_timeline_full(tui_scope_duration(&s));
    tl.cursor_s = view == TUI_VIEW_SPECTRUM ? at_s : -1;
    /* Line 1: what the picture is of; then the view. */
    tui_canvas_printf(c, 0, 0, width, tui_ui_color(c->color, TUI_UI_TEXT), TUI_COLOR_DEFAULT,
                      "%s  %s", s.name, s.format); /* the format names the length */
    tui_scope_draw(&s, view, c, (struct tui_rect){ 0, 1, width, height - 1 }, &tl);
    tui_render_text(c, stdout);
    tui_canvas_free(c);
    tui_scope_free(&s);
    return fflush(stdout) == 0 ? 0 : 1;
}
