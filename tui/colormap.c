/* colormap.c: colormaps as palette indices, and the fixed UI colours.
 *
 * Each map is given by evenly spaced anchor colours, interpolated linearly
 * and then snapped to the closest xterm-256 colour. Anchors: matplotlib's
 * viridis sampled at 17 points, magma at 11 (the published key colours of
 * those maps); gray is the xterm gray ramp. In 8-colour mode a map collapses
 * to a short ramp of ANSI colours; with no colour, views use density glyphs. */
#include "tui.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

static const unsigned char viridis[][3] = {
    { 0x44, 0x01, 0x54 }, { 0x48, 0x18, 0x6a }, { 0x47, 0x2d, 0x7b }, { 0x42, 0x40, 0x86 },
    { 0x3b, 0x52, 0x8b }, { 0x33, 0x63, 0x8d }, { 0x2c, 0x72, 0x8e }, { 0x26, 0x82, 0x8e },
    { 0x21, 0x91, 0x8c }, { 0x1f, 0xa0, 0x88 }, { 0x28, 0xae, 0x80 }, { 0x3f, 0xbc, 0x73 },
    { 0x5e, 0xc9, 0x62 }, { 0x84, 0xd4, 0x4b }, { 0xad, 0xdc, 0x30 }, { 0xd8, 0xe2, 0x19 },
    { 0xfd, 0xe7, 0x25 },
};
static const unsigned char magma[][3] = {
    { 0x00, 0x00, 0x04 }, { 0x14, 0x0e, 0x36 }, { 0x3b, 0x0f, 0x70 }, { 0x64, 0x1a, 0x80 },
    { 0x8c, 0x29, 0x81 }, { 0xb7, 0x37, 0x79 }, { 0xde, 0x49, 0x68 }, { 0xf7, 0x70, 0x5c },
    { 0xfe, 0x9f, 0x6d }, { 0xfe, 0xcf, 0x92 }, { 0xfc, 0xfd, 0xbf },
};

/* A diverging map for signed values (MFCC coefficients normalised per
 * row): matplotlib's RdBu reversed, blue below the mean, white at it, red
 * above, at its 11 key colours. */
static const unsigned char diverging[][3] = {
    { 0x05, 0x30, 0x61 }, { 0x21, 0x66, 0xac }, { 0x43, 0x93, 0xc3 }, { 0x92, 0xc5, 0xde },
    { 0xd1, 0xe5, 0xf0 }, { 0xf7, 0xf7, 0xf7 }, { 0xfd, 0xdb, 0xc7 }, { 0xf4, 0xa5, 0x82 },
    { 0xd6, 0x60, 0x4d }, { 0xb2, 0x18, 0x2b }, { 0x67, 0x00, 0x1f },
};

const char *tui_colormap_name(enum tui_colormap m)
{
    if (m == TUI_CMAP_DIVERGING) return "diverging";
    switch (m) {
    case TUI_CMAP_VIRIDIS: return "viridis";
    case TUI_CMAP_MAGMA: return "magma";
    case TUI_CMAP_GRAY: return "gray";
    case TUI_CMAP_COUNT: break;
    }
    return "?";
}

/* xterm's cube levels for indices 16..231. */
static const int cube_level[6] = { 0, 95, 135, 175, 215, 255 };

static int nearest_level(int v)
{
    int best = 0;
    for (int i = 1; i < 6; i++)
        if (abs(cube_level[i] - v) < abs(cube_level[best] - v)) best = i;
    return best;
}

static int sq(int v)
{
    return v * v;
}

int tui_rgb_to_256(int r, int g, int b)
{
    int ri = nearest_level(r), gi = nearest_level(g), bi = nearest_level(b);
    int cube = 16 + 36 * ri + 6 * gi + bi;
    int cube_d = sq(cube_level[ri] - r) + sq(cube_level[gi] - g) + sq(cube_level[bi] - b);
    /* Gray ramp 232..255: 8, 18, ..., 238. */
    int avg = (r + g + b) / 3;
    int gi2 = avg < 8 ? 0 : avg > 238 ? 23 : (avg - 8 + 5) / 10;
    int gv = 8 + 10 * gi2;
    int gray_d = sq(gv - r) + sq(gv - g) + sq(gv - b);
    return gray_d < cube_d ? 232 + gi2 : cube;
}

static float clamp01(float t)
{
    if (!(t > 0.0f)) /* also catches NaN */
        return 0.0f;
    return t > 1.0f ? 1.0f : t;
}

static int interpolate(enum tui_colormap m, float t);

int tui_colormap_color(enum tui_colormap m, enum tui_color_mode mode, float t)
{
    t = clamp01(t);
    if (mode == TUI_COLOR_NONE) return TUI_COLOR_DEFAULT;
    if (mode == TUI_COLOR_8) {
        /* A dark-to-bright ramp of ANSI colours: black blue magenta red yellow white
         * (magma-like), or black blue cyan green yellow (viridis-like). */
        static const int ramp_v[] = { 0, 4, 6, 2, 3 };
        static const int ramp_m[] = { 0, 4, 5, 1, 3, 7 };
        static const int ramp_g[] = { 0, 7 };
        static const int ramp_d[] = { 4, 6, 7, 3, 1 };
        if (m == TUI_CMAP_DIVERGING) return ramp_d[(int)(t * 4.999f)];
        if (m == TUI_CMAP_MAGMA) return ramp_m[(int)(t * 5.999f)];
        if (m == TUI_CMAP_GRAY) return ramp_g[t >= 0.5f];
        return ramp_v[(int)(t * 4.999f)];
    }
    if (mode == TUI_COLOR_RGB) {
        /* 32 steps: smoother than the palette's ramps (about 20 entries for
         * viridis) while the curses backend's colour pairs stay few. */
        int rgb[3];
        tui_colormap_rgb(m, roundf(t * 31) / 31, rgb);
        return TUI_RGB(rgb[0], rgb[1], rgb[2]);
    }
    if (m == TUI_CMAP_GRAY) return 232 + (int)(t * 23.999f);
    /* Every heatmap cell asks this, every frame: interpolating and snapping
     * once per 1/16383 step and looking it up is what keeps a live 256-colour
     * screen cheap. */
    enum { STEPS = 16384 };
    static short lut[TUI_CMAP_COUNT + 1][STEPS];
    static bool ready[TUI_CMAP_COUNT + 1];
    if (!ready[m]) {
        for (int k = 0; k < STEPS; k++) lut[m][k] = (short)interpolate(m, (float)k / (STEPS - 1));
        ready[m] = true;
    }
    return lut[m][(int)lroundf(t * (STEPS - 1))];
}

void tui_colormap_rgb(enum tui_colormap m, float t, int rgb[3])
{
    t = clamp01(t);
    if (m == TUI_CMAP_GRAY) { /* the xterm gray ramp's span, 8 .. 238 */
        rgb[0] = rgb[1] = rgb[2] = 8 + (int)lroundf(t * 230);
        return;
    }
    const unsigned char(*a)[3] = m == TUI_CMAP_MAGMA ? magma
        : m == TUI_CMAP_DIVERGING                    ? diverging
                                                     : viridis;
    int n = m == TUI_CMAP_MAGMA   ? (int)(sizeof magma / sizeof magma[0])
        : m == TUI_CMAP_DIVERGING ? (int)(sizeof diverging / sizeof diverging[0])
                                  : (int)(sizeof viridis / sizeof viridis[0]);
    float pos = t * (float)(n - 1);
    int i = (int)pos;
    if (i >= n - 1) i = n - 2;
    float f = pos - (float)i;
    for (int k = 0; k < 3; k++)
        rgb[k] = (int)lroundf((float)a[i][k] + f * (float)(a[i + 1][k] - a[i][k]));
}

/* The 256-colour index of map m at t in [0, 1]: anchors interpolated
 * linearly, then snapped to the xterm palette. */
static int interpolate(enum tui_colormap m, float t)
{
    int rgb[3];
    tui_colormap_rgb(m, t, rgb);
    return tui_rgb_to_256(rgb[0], rgb[1], rgb[2]);
}

char tui_density_glyph(float t)
{
    static const char ramp[] = " .:-=+*#%@";
    return ramp[(int)(clamp01(t) * 9.999f)];
}

int tui_ui_color(enum tui_color_mode mode, enum tui_ui_color which)
{
    if (mode == TUI_COLOR_NONE) return TUI_COLOR_DEFAULT;
    static const int c256[] = { 252, 244, 81, 226, 24, 196, 46, 255, 208 };
    static const int c8[] = { 7, 7, 6, 3, 4, 1, 2, 7, 3 };
    return mode >= TUI_COLOR_256 ? c256[which] : c8[which];
}
