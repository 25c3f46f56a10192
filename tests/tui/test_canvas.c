/* test_canvas.c: the canvas, glyph fallbacks, colormaps, axis helpers and the
 * text backend, without any terminal. */
#include "test.h"

#include <stdio.h>
#include <string.h>

#include "tui/tui.h"

static char *render(const struct tui_canvas *c)
{
    static char buf[65536];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    tui_render_text(c, f);
    fclose(f);
    return buf;
}

static void test_braille(void)
{
    struct tui_canvas *c = tui_canvas_new(4, 2, true, TUI_COLOR_NONE);
    struct tui_rect r = { 0, 0, 4, 2 };
    tui_canvas_dot(c, r, 0, 0, -1); /* dot 1 */
    CHECK_INT(tui_canvas_at(c, 0, 0)->ch, 0x2801);
    tui_canvas_dot(c, r, 1, 3, -1); /* dot 8 joins the same cell */
    CHECK_INT(tui_canvas_at(c, 0, 0)->ch, 0x2881);
    tui_canvas_dot(c, r, 2, 4, -1); /* cell (1, 1), dot 1 */
    CHECK_INT(tui_canvas_at(c, 1, 1)->ch, 0x2801);
    tui_canvas_dot(c, r, 8, 0, -1); /* outside the grid: ignored */
    tui_canvas_dot(c, r, -1, 0, -1);
    CHECK_INT(tui_canvas_at(c, 3, 0)->ch, ' ');
    tui_canvas_free(c);

    c = tui_canvas_new(2, 1, false, TUI_COLOR_NONE);
    tui_canvas_dot(c, (struct tui_rect){ 0, 0, 2, 1 }, 0, 3, -1);
    CHECK_INT(tui_canvas_at(c, 0, 0)->ch, '.');
    tui_canvas_dot(c, (struct tui_rect){ 0, 0, 2, 1 }, 0, 0, -1);
    CHECK_INT(tui_canvas_at(c, 0, 0)->ch, ':'); /* two heights in one cell */
    tui_canvas_free(c);
}

static void test_text(void)
{
    struct tui_canvas *c = tui_canvas_new(6, 2, false, TUI_COLOR_NONE);
    CHECK_INT(tui_canvas_text(c, 0, 0, -1, -1, -1, "h\xc3\xa9llo, world"), 6); /* clipped */
    CHECK_INT(tui_canvas_at(c, 1, 0)->ch, '?'); /* é on an ASCII canvas */
    CHECK_STR(render(c), "h?llo,\n\n");         /* blank row trimmed to nothing */
    tui_canvas_free(c);

    c = tui_canvas_new(4, 1, true, TUI_COLOR_NONE);
    tui_canvas_text(c, 0, 0, -1, -1, -1, "\xc3\xa9");
    CHECK_INT(tui_canvas_at(c, 0, 0)->ch, 0xE9);
    CHECK_STR(render(c), "\xc3\xa9\n");
    tui_canvas_free(c);
}

static void test_ansi(void)
{
    struct tui_canvas *c = tui_canvas_new(3, 1, true, TUI_COLOR_256);
    tui_canvas_set(c, 0, 0, 'a', 196, -1);
    tui_canvas_set(c, 1, 0, 'b', 196, -1);
    tui_canvas_set(c, 2, 0, ' ', -1, 21);
    /* One SGR for the two red cells, one for the blue background, one reset. */
    CHECK_STR(render(c), "\033[0;38;5;196mab\033[0;48;5;21m \033[0m\n");
    tui_canvas_free(c);

    c = tui_canvas_new(2, 1, true, TUI_COLOR_8);
    tui_canvas_set(c, 0, 0, 'x', 1, 4);
    CHECK_STR(render(c), "\033[0;31;44mx\033[0m\n");
    tui_canvas_free(c);
}

static void test_colors(void)
{
    CHECK_INT(tui_rgb_to_256(255, 0, 0), 196);
    CHECK_INT(tui_rgb_to_256(0, 0, 0), 16);
    CHECK_INT(tui_rgb_to_256(128, 128, 128), 244); /* gray ramp: 8 + 10 * 12 */
    CHECK_INT(tui_colormap_color(TUI_CMAP_GRAY, TUI_COLOR_256, 0), 232);
    CHECK_INT(tui_colormap_color(TUI_CMAP_GRAY, TUI_COLOR_256, 1), 255);
    /* viridis runs from dark purple (#440154) to yellow (#fde725). */
    CHECK_INT(tui_colormap_color(TUI_CMAP_VIRIDIS, TUI_COLOR_256, 0),
              tui_rgb_to_256(0x44, 0x01, 0x54));
    CHECK_INT(tui_colormap_color(TUI_CMAP_VIRIDIS, TUI_COLOR_256, 1),
              tui_rgb_to_256(0xfd, 0xe7, 0x25));
    CHECK_INT(tui_colormap_color(TUI_CMAP_VIRIDIS, TUI_COLOR_256, 2),
              tui_colormap_color(TUI_CMAP_VIRIDIS, TUI_COLOR_256, 1));
    CHECK_INT(tui_colormap_color(TUI_CMAP_MAGMA, TUI_COLOR_NONE, 0.5f), TUI_COLOR_DEFAULT);
    int c8 = tui_colormap_color(TUI_CMAP_VIRIDIS, TUI_COLOR_8, 0.7f);
    CHECK(c8 >= 0 && c8 < 8);
    CHECK_INT(tui_density_glyph(0), ' ');
    CHECK_INT(tui_density_glyph(1), '@');
    CHECK_INT(tui_density_glyph(0.0f / 0.0f), ' '); /* NaN reads as the lowest value */
}

static void test_axes(void)
{
    char buf[32];
    CHECK_NEAR(tui_nice_step(3.2, 10), 0.5, 1e-12);
    CHECK_NEAR(tui_nice_step(60, 6), 10, 1e-12);
    CHECK_NEAR(tui_nice_step(1, 4), 0.5, 1e-12); /* 1-2-5 steps only */
    tui_format_time(1.5, 0.5, buf, sizeof buf);
    CHECK_STR(buf, "1.5s");
    tui_format_time(0.25, 0.25, buf, sizeof buf);
    CHECK_STR(buf, "0.25s");
    tui_format_time(125, 10, buf, sizeof buf);
    CHECK_STR(buf, "2:05");
    tui_format_hz(8000, buf, sizeof buf);
    CHECK_STR(buf, "8k");
    tui_format_hz(1250, buf, sizeof buf);
    CHECK_STR(buf, "1.2k");
    tui_format_hz(500, buf, sizeof buf);
    CHECK_STR(buf, "500");
    struct tui_timeline tl = tui_timeline_full(2.0);
    CHECK_INT(tui_time_to_col(&tl, 10, 100, 0), 10);
    CHECK_INT(tui_time_to_col(&tl, 10, 100, 1.0), 60);
    CHECK_INT(tui_time_to_col(&tl, 10, 100, 2.0), 109);
    CHECK_INT(tui_time_to_col(&tl, 10, 100, 2.5), -1);
    CHECK_INT(tui_view_parse("mfcc"), TUI_VIEW_MFCC);
    CHECK_INT(tui_view_parse("nope"), TUI_VIEW_COUNT);
}

/* A heatmap of a known ramp: the brightest row must be drawn at the top, the
 * readout must find the value under the cursor. */
static void test_heatmap(void)
{
    float data[4 * 8];
    for (int f = 0; f < 4; f++)
        for (int r = 0; r < 8; r++) data[f * 8 + r] = (float)r; /* rows grow towards the top */
    struct tui_heatmap_model m = { .title = "t",
                                   .data = data,
                                   .rows = 4,
                                   .cols = 8,
                                   .hop_s = 0.25,
                                   .frame_s = 0.25,
                                   .vmin = 0,
                                   .vmax = 7,
                                   .unit = "u",
                                   .axis = TUI_AXIS_INDEX,
                                   .axis_name = "coef",
                                   .cmap = TUI_CMAP_GRAY,
                                   .tl = tui_timeline_full(1.0) };
    struct tui_canvas *c = tui_canvas_new(40, 10, false, TUI_COLOR_NONE);
    tui_view_heatmap(c, (struct tui_rect){ 0, 0, 40, 10 }, &m);
    /* Plot area starts at column 6, row 1; 8 rows of data on 8 cell rows. */
    CHECK_INT(tui_canvas_at(c, 10, 1)->ch, '@');
    CHECK_INT(tui_canvas_at(c, 10, 8)->ch, ' ');
    size_t frame, row;
    float v;
    CHECK(tui_heatmap_probe(&m, 0.6, 0.0, &frame, &row, &v));
    CHECK_INT(frame, 2);
    CHECK_INT(row, 7);
    CHECK_NEAR(v, 7, 0);
    CHECK(!tui_heatmap_probe(&m, 1.5, 0.5, &frame, &row, &v));
    tui_canvas_free(c);
}

/* Distinct colours a viridis heatmap of a smooth ramp uses, over a whole
 * canvas, in a colour mode. */
static int heatmap_colors(enum tui_color_mode mode)
{
    enum { ROWS = 64 };
    float data[8 * ROWS];
    for (int f = 0; f < 8; f++)
        for (int r = 0; r < ROWS; r++) data[f * ROWS + r] = (float)r;
    struct tui_heatmap_model m = { .title = "t",
                                   .data = data,
                                   .rows = 8,
                                   .cols = ROWS,
                                   .hop_s = 0.125,
                                   .frame_s = 0.125,
                                   .vmin = 0,
                                   .vmax = ROWS - 1,
                                   .unit = "u",
                                   .axis = TUI_AXIS_INDEX,
                                   .axis_name = "coef",
                                   .cmap = TUI_CMAP_VIRIDIS,
                                   .tl = tui_timeline_full(1.0) };
    struct tui_canvas *c = tui_canvas_new(60, 40, true, mode);
    tui_view_heatmap(c, (struct tui_rect){ 0, 0, 60, 40 }, &m);
    int seen[256], n = 0;
    for (int i = 0; i < c->w * c->h; i++) {
        int col[2] = { c->cells[i].fg, c->cells[i].bg };
        for (int k = 0; k < 2; k++) {
            if (mode == TUI_COLOR_RGB && col[k] >= 0 && !(col[k] & TUI_RGB_FLAG)) continue;
            int j = 0;
            while (j < n && seen[j] != col[k]) j++;
            if (j == n && n < 256) seen[n++] = col[k];
        }
    }
    tui_canvas_free(c);
    return n;
}

/* Truecolor: heatmap cells carry the colormap's own RGB, finer than the
 * palette's ramp; the text renderer sends them as 24-bit escapes. */
static void test_truecolor(void)
{
    int n256 = heatmap_colors(TUI_COLOR_256), nrgb = heatmap_colors(TUI_COLOR_RGB);
    printf("viridis ramp: %d palette colours, %d RGB colours\n", n256, nrgb);
    CHECK(nrgb > n256);
    CHECK(nrgb >= 30);
    int v = tui_colormap_color(TUI_CMAP_VIRIDIS, TUI_COLOR_RGB, 1.0f), rgb[3];
    tui_colormap_rgb(TUI_CMAP_VIRIDIS, 1.0f, rgb);
    CHECK_INT(v, TUI_RGB(rgb[0], rgb[1], rgb[2]));
    CHECK(tui_colormap_color(TUI_CMAP_VIRIDIS, TUI_COLOR_256, 1.0f) < 256);
    CHECK_INT(tui_ui_color(TUI_COLOR_RGB, TUI_UI_TEXT), tui_ui_color(TUI_COLOR_256, TUI_UI_TEXT));
    struct tui_canvas *c = tui_canvas_new(1, 1, true, TUI_COLOR_RGB);
    tui_canvas_set(c, 0, 0, 'x', v, TUI_COLOR_DEFAULT);
    char buf[128] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    tui_render_text(c, f);
    fclose(f);
    char want[40];
    snprintf(want, sizeof want, "38;2;%d;%d;%dm", rgb[0], rgb[1], rgb[2]);
    CHECK(strstr(buf, want) != NULL);
    tui_canvas_free(c);
}

int main(void)
{
    test_braille();
    test_text();
    test_ansi();
    test_colors();
    test_axes();
    test_heatmap();
    test_truecolor();
    return test_done();
}
