/* tui.h: the drawing layer, shared by `kwscope plot`, the dashboard and the
 * commands that show a clip: a canvas of cells, views that draw view models
 * into it, the scope (a clip and its analyses turned into view models), and
 * two backends (ANSI text, ncurses). Nothing here knows about boards, models
 * or the dashboard's state. */
#ifndef TUI_H
#define TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capture/capture.h"
#include "dsp/dsp.h"

/* ======== canvas: the grid every view draws into ======== */
/* A canvas is cells of (glyph, fg, bg). Views never talk to curses or stdout:
 * they fill a canvas, and a backend shows it (render_text.c for `kwscope
 * plot`, the ncurses dashboard). The canvas also says what the output can
 * show (Unicode? how many colours?) so views pick glyphs that will survive. */

#define TUI_COLOR_DEFAULT (-1)

enum tui_color_mode {
    TUI_COLOR_NONE, /* no colour: ASCII density ramps carry the values */
    TUI_COLOR_8,    /* the 8 ANSI colours */
    TUI_COLOR_256,  /* xterm 256-colour palette */
    TUI_COLOR_RGB,  /* 24-bit terminal: UI colours as in 256, heatmaps as TUI_RGB() */
};

/* A 24-bit colour in a cell (TUI_COLOR_RGB canvases only): above any palette
 * index, so a cell's colour stays one int. */
#define TUI_RGB_FLAG 0x1000000
#define TUI_RGB(r, g, b) (TUI_RGB_FLAG | (r) << 16 | (g) << 8 | (b))

enum tui_attr { TUI_ATTR_BOLD = 1, TUI_ATTR_REVERSE = 2, TUI_ATTR_DIM = 4 };

struct tui_cell {
    uint32_t ch; /* Unicode code point; ASCII only when !unicode */
    int32_t fg;  /* palette index 0..255, TUI_RGB(), or TUI_COLOR_DEFAULT */
    int32_t bg;
    uint8_t attr; /* enum tui_attr bits */
};

struct tui_canvas {
    int w, h;               /* size in cells */
    struct tui_cell *cells; /* w*h, row-major; owned */
    bool unicode;           /* braille and block glyphs allowed */
    enum tui_color_mode color;
};

struct tui_rect {
    int x, y, w, h;
};

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
/* The dots of a straight line from (x0, y0) to (x1, y1), ends included
 * (Bresenham), one per step, for whoever plots them:
 *   struct tui_line_walk w;
 *   tui_line_start(&w, x0, y0, x1, y1);
 *   do plot(w.x, w.y); while (tui_line_next(&w)); */
struct tui_line_walk {
    int x, y, x1, y1, dx, dy, sx, sy, e;
};
void tui_line_start(struct tui_line_walk *w, int x0, int y0, int x1, int y1);
bool tui_line_next(struct tui_line_walk *w);

/* ---- colour ---- */
/* The first TUI_CMAP_COUNT are the user's choice ('c', --cmap); the
 * diverging map is for signed data (MFCC) and chosen by the view. */
enum tui_colormap {
    TUI_CMAP_VIRIDIS,
    TUI_CMAP_MAGMA,
    TUI_CMAP_GRAY,
    TUI_CMAP_COUNT,
    TUI_CMAP_DIVERGING = TUI_CMAP_COUNT
};
const char *tui_colormap_name(enum tui_colormap m);
/* Palette index for t in [0, 1] (clamped) under the canvas's colour mode. */
int tui_colormap_color(enum tui_colormap m, enum tui_color_mode mode, float t);
/* The map's own RGB at t in [0, 1] (0..255 each): what a truecolor
 * backend shows instead of the palette index. */
void tui_colormap_rgb(enum tui_colormap m, float t, int rgb[3]);
/* ASCII density glyph for t in [0, 1]: " .:-=+*#%@". */
char tui_density_glyph(float t);
/* Closest xterm-256 index for an RGB colour (cube or gray ramp). */
int tui_rgb_to_256(int r, int g, int b);

/* Fixed UI colours, chosen per mode. */
enum tui_ui_color {
    TUI_UI_TEXT,
    TUI_UI_AXIS,
    TUI_UI_TRACE,
    TUI_UI_CURSOR,
    TUI_UI_SELECT,
    TUI_UI_ALERT,
    TUI_UI_GOOD,
    TUI_UI_TITLE,
    TUI_UI_PLAY
};
int tui_ui_color(enum tui_color_mode mode, enum tui_ui_color which);

/* ======== view: views and their view models ======== */
/* A view model is a plain struct of numbers that a view reads to draw into a
 * rectangle of a canvas. Views never touch dsp state, files or curses, so the
 * same code draws `kwscope plot` and every dashboard panel. The arrays a model
 * points to are borrowed: the caller keeps them alive while drawing. */

enum tui_view_id {
    TUI_VIEW_WAVE,
    TUI_VIEW_SPECTRUM,
    TUI_VIEW_SPECTROGRAM,
    TUI_VIEW_MEL,
    TUI_VIEW_MFCC,
    TUI_VIEW_FEATURES,
    TUI_VIEW_COUNT
};
struct tui_scope;
enum tui_view_kind { TUI_KIND_WAVE, TUI_KIND_SPECTRUM, TUI_KIND_HEATMAP };
/* How a heatmap's values become colours. */
enum tui_value_scale {
    TUI_SCALE_DB,    /* dB, the top 80 dB of the data (fitted to 10 dB steps) */
    TUI_SCALE_COL_Z, /* each column (coefficient) to its own mean and spread, diverging */
    TUI_SCALE_INT8,  /* the model's int8 range */
};
enum tui_axis_kind {
    TUI_AXIS_HZ,      /* row r is r * row_hz Hz (spectrogram bins) */
    TUI_AXIS_BAND_HZ, /* row r is a band centred at band_hz[r] (mel, micro channels) */
    TUI_AXIS_INDEX,   /* row r is coefficient r (MFCC) */
};
/* One row of the view table: what a view is called, how it is drawn, how
 * its data are computed and what its axes mean. Adding a view is adding a
 * row here (scope.c) and, for a new kind, a drawing function. */
struct tui_view_desc {
    const char *name;  /* --view name: "wave", "mel", ... */
    const char *title; /* "Mel spectrogram" */
    enum tui_view_kind kind;
    /* Computes up to budget more frames (*done when complete); NULL: the
     * view draws straight from the samples. */
    enum kws_status (*compute)(struct tui_scope *s, enum tui_view_id v, size_t budget, bool *done);
    enum tui_axis_kind axis; /* heatmaps: what a row is */
    const char *axis_name;   /* "Hz", "coef" */
    const char *unit;        /* colour bar unit: "dB", "int8", "z" */
    enum tui_value_scale scale;
    double hop_s, frame_s; /* frame spacing and length */
};
const struct tui_view_desc *tui_view_desc(enum tui_view_id v);
const char *tui_view_name(enum tui_view_id v);  /* "wave", "spectrum", ... */
const char *tui_view_title(enum tui_view_id v); /* "Waveform", ... */
/* Parses a --view name; returns TUI_VIEW_COUNT when unknown. */
enum tui_view_id tui_view_parse(const char *name);

/* A keyword detection shown on the time axis. */
struct tui_mark {
    double t_s;
    const char *label;
};

/* What every time-based view shares: the visible window and the overlays. */
struct tui_timeline {
    double t0_s, t1_s;     /* visible time range, t1 > t0 */
    double cursor_s;       /* < 0: no cursor */
    double sel0_s, sel1_s; /* selection; sel1 <= sel0: none */
    double play_s;         /* < 0: not playing */
    const struct tui_mark *marks;
    size_t n_marks;
    double origin_s; /* added to time labels: a live view that dropped
                                 old history still shows time since the start */
    double probe_y;  /* heatmaps: the readout row, 0 (top) .. 1; < 0: none */
};
struct tui_timeline tui_timeline_full(double duration_s);

struct tui_wave_model {
    const char *title;
    const int16_t *samples; /* 16 kHz mono */
    size_t n;
    int rate_hz;
    int db_axis; /* amplitude axis in dBFS (mirrored) instead of linear */
    struct tui_timeline tl;
};

struct tui_heatmap_model {
    const char *title;
    const float *data; /* rows x cols, row-major: rows are frames (time) */
    size_t rows, cols;
    size_t rows_total; /* frames once complete (> rows: still computing); 0: rows */
    double hop_s;      /* frame k starts at k * hop_s */
    double frame_s;    /* frame length */
    float vmin, vmax;  /* colour range; values outside are clamped */
    const char *unit;  /* "dB", "int8", "" */
    enum tui_axis_kind axis;
    float row_hz;            /* TUI_AXIS_HZ */
    const float *band_hz;    /* TUI_AXIS_BAND_HZ: cols entries */
    const char *axis_name;   /* "Hz", "mel band", "coef", "channel" */
    const float *col_mean;   /* cols entries: colour shows (v - mean) / spread per column */
    const float *col_spread; /* (both NULL: the raw value) */
    enum tui_colormap cmap;
    struct tui_timeline tl;
};

struct tui_spectrum_model {
    const char *title; /* e.g. "Spectrum (Welch, whole clip)" */
    const float *db;   /* n_bins values in dB */
    size_t n_bins;
    float bin_hz;         /* bin spacing */
    int log_freq;         /* logarithmic frequency axis */
    float db_min, db_max; /* vertical range */
};
/* dB range of n values fitted to the data: the top rounded up to 10 dB, the
 * bottom the data's floor rounded down, at most span_db below the top. */
void tui_fit_db(const float *v, size_t n, float span_db, float *lo, float *hi);

void tui_view_wave(struct tui_canvas *c, struct tui_rect r, const struct tui_wave_model *m);
void tui_view_heatmap(struct tui_canvas *c, struct tui_rect r, const struct tui_heatmap_model *m);
void tui_view_spectrum(struct tui_canvas *c, struct tui_rect r, const struct tui_spectrum_model *m);

/* Line plots (view_lines.c): named series over numeric axes with a legend. */
struct tui_series {
    const char *name;    /* legend text */
    const double *x, *y; /* n points each, drawn in order; non-finite skipped */
    size_t n;
    char marker; /* ASCII letter at each point and in the legend */
};
struct tui_lines_model {
    const char *title;
    const char *x_label; /* shown at the right of the legend row */
    const char *y_label; /* shown at the right of the title row */
    const struct tui_series *series;
    size_t n_series;
    double x_min, x_max; /* x_max <= x_min: from the data */
    double y_min, y_max; /* likewise */
};
/* Title row, plot, x tick labels, legend row: needs r.h >= 6. */
void tui_view_lines(struct tui_canvas *c, struct tui_rect r, const struct tui_lines_model *m);
/* A step of 1, 2 or 5 x 10^k giving at most about max_ticks ticks over span. */
double tui_nice_step125(double span, int max_ticks);
/* Tick label for v on a grid of step: "25", "0.5", "120k", "1.5M". */
void tui_format_tick(double v, double step, char *buf, size_t len);

/* What lies under the time cursor of a heatmap: frame index, row (band/bin)
 * index for a vertical position in [0, 1) from the top, and the value.
 * Returns 0 when the cursor is outside the data. */
int tui_heatmap_probe(const struct tui_heatmap_model *m, double t_s, double y_frac, size_t *frame,
                      size_t *row, float *value);
/* Frequency label of a heatmap row ("1.2 kHz", "band 7", "c3"). */
void tui_heatmap_row_label(const struct tui_heatmap_model *m, size_t row, char *buf, size_t len);

/* ---- ticks (ticks.c) ---- */
/* The smallest step of 1, 2 or 5 x 10^k that covers span in max_ticks steps. */
double tui_nice_step(double span, int max_ticks);

#define TUI_MAX_TICKS 32
struct tui_tick {
    double v;     /* value, inside the axis's [lo, hi] */
    int pos;      /* cell of the value: column from the left, or row from the top */
    int start, w; /* the label's first cell and width (horizontal: may sit left of
                                 pos when the last label would pass the end) */
    char label[16];
};
struct tui_axis {
    double lo, hi;   /* data range; ticks stay inside it */
    int len;         /* cells along the axis */
    bool vertical;   /* rows: hi at row 0, lo at row len - 1 */
    int max_ticks;   /* density cap; 0: a label per 10 columns / 4 rows */
    double min_step; /* smallest step allowed (1: integers only); 0: any */
    bool decades;    /* non-linear axes: values m x 10^k (every m, else 1 2 5, else 1) */
    /* Where v falls, 0 (lo end) .. 1 (hi end); NULL: linear in v. */
    double (*to_frac)(double v, const void *ctx);
    const void *ctx;
    /* Label text; NULL: a plain number with the step's decimals. */
    void (*format)(double v, double step, char *buf, size_t len);
};
/* Lays out nice ticks: labels never touch (one free cell or row between
 * them), the densest such 1-2-5 step under the cap is used. Returns how many
 * ticks went to out (ascending values). */
int tui_axis_ticks(const struct tui_axis *a, struct tui_tick *out, int max);

/* ---- shared axis helpers (axes.c) ---- */
/* "0.5s", "12s", "1:05" */
void tui_format_time(double t_s, double step_s, char *buf, size_t len);
/* "800", "1.2k", "8k" */
void tui_format_hz(double hz, char *buf, size_t len);
/* Draws time labels along row y for columns [x, x + w) covering tl's window,
 * plus detection marks; returns nothing. */
void tui_draw_time_axis(struct tui_canvas *c, int x, int y, int w, const struct tui_timeline *tl);
/* Column of time t inside [x, x + w), or -1 when outside the window. */
int tui_time_to_col(const struct tui_timeline *tl, int x, int w, double t_s);
/* Draws the cursor / selection / play overlays on a plot area. */
void tui_draw_overlays(struct tui_canvas *c, struct tui_rect plot, const struct tui_timeline *tl);
/* The view's title row: bold title on the left, info on the right. */
void tui_draw_title(struct tui_canvas *c, struct tui_rect r, const char *title, const char *info);

/* 1234567 -> "1,234,567", as `kwscope model info` prints (axes.c). */
const char *tui_format_grouped(uint64_t v, char *buf, size_t len);

/* ======== scope: one opened clip and everything computed from it ======== */
/* The scope owns the samples and the analysis results, computes each one once,
 * on first use, and turns them into view models. `kwscope plot` and the
 * dashboard both draw through it, so a view looks the same in both. */

struct tui_scope {
    char name[256];   /* file name shown in headers */
    char format[160]; /* original format, for the info line */
    struct cap_clip clip;
    struct dsp_analysis_config cfg;
    struct dsp_matrix mat[TUI_VIEW_COUNT]; /* spectrogram, mel, mfcc, features */
    bool computed[TUI_VIEW_COUNT];         /* complete */
    size_t rows_ready[TUI_VIEW_COUNT];     /* frames computed so far (progressive fill) */
    float *welch_db;                       /* whole-clip spectrum, n_fft/2 + 1 */
    double *welch_sum;                     /* its power summed over welch_rows frames so far */
    size_t welch_rows;
    float *frame_db;                        /* spectrum of one frame (cursor) */
    float mel_hz[256];                      /* centre of each mel band */
    float micro_hz[DSP_MICRO_MAX_CHANNELS]; /* centre of each micro channel */
    double col_sum[64], col_sum2[64];       /* MFCC per-coefficient statistics ... */
    size_t col_rows;                        /* ... over this many frames */
    float col_mean[64], col_spread[64];
    enum tui_colormap cmap;
    int wave_db;      /* waveform amplitude axis in dBFS */
    int spectrum_log; /* spectrum frequency axis logarithmic */
    char error[256];  /* why a view could not be computed */
    /* Live sources (tui_scope_append): the clip grows while it is shown. */
    bool live;
    size_t cap_samples;                                   /* allocated length of clip.samples */
    size_t mat_cap[TUI_VIEW_COUNT];                       /* allocated rows of mat[v] */
    float raw_lo[TUI_VIEW_COUNT], raw_hi[TUI_VIEW_COUNT]; /* min/max over rows_scanned */
    size_t rows_scanned[TUI_VIEW_COUNT];
    struct dsp_micro_state *micro; /* streaming frontend for the features view */
    size_t micro_fed;              /* samples of the clip fed to it */
    double origin_s;               /* time of sample 0 since the source started
                                       (old history is trimmed in live mode) */
};

/* Live history kept in memory: when the clip passes TUI_SCOPE_KEEP_S, the
 * oldest TUI_SCOPE_TRIM_S go (recordings keep everything: they are on disk). */
#define TUI_SCOPE_KEEP_S 600
#define TUI_SCOPE_TRIM_S 60

/* Loads the clip (errors: one line in err). */
enum kws_status tui_scope_open(struct tui_scope *s, const char *path, char *err, size_t err_len);
/* Adopts samples already in memory (n may be 0). Takes ownership of clip. */
void tui_scope_adopt(struct tui_scope *s, const char *name, struct cap_clip *clip);
void tui_scope_free(struct tui_scope *s);
/* Live: an empty scope named name ("mic: default"), then samples as they
 * come. Only the frames the new samples complete are computed (views fill
 * in through tui_scope_step). Returns the seconds trimmed off the start (0
 * mostly; TUI_SCOPE_TRIM_S when the history got too long) so the caller can
 * shift its timeline, or a negative kws_status when out of memory. */
void tui_scope_live(struct tui_scope *s, const char *name, const char *format);
double tui_scope_append(struct tui_scope *s, const int16_t *x, size_t n);
double tui_scope_duration(const struct tui_scope *s);
/* Computes what view v needs; on failure s->error says why. */
enum kws_status tui_scope_prepare(struct tui_scope *s, enum tui_view_id v);
/* Computes up to budget_frames more frames of view v (spectrogram, mel,
 * MFCC fill progressively; the others at once). Returns KWS_OK, with *done set
 * when the view is complete; on failure s->error says why. */
enum kws_status tui_scope_step(struct tui_scope *s, enum tui_view_id v, size_t budget_frames,
                               bool *done);
/* Draws view v into r with the given timeline. For the spectrum view, a
 * cursor (tl->cursor_s >= 0) selects one frame instead of the Welch average. */
void tui_scope_draw(struct tui_scope *s, enum tui_view_id v, struct tui_canvas *c,
                    struct tui_rect r, const struct tui_timeline *tl);
/* Fills a heatmap model for v (spectrogram, mel, mfcc, features); 0 if not one. */
int tui_scope_heatmap(struct tui_scope *s, enum tui_view_id v, const struct tui_timeline *tl,
                      struct tui_heatmap_model *m);

/* ======== render curses: the ncurses backend ======== */

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
/* True when colours go out as 24-bit RGB (COLORTERM=truecolor or 24bit and a
 * direct-colour terminfo entry such as tmux-direct or xterm-direct). */
bool tui_curses_truecolor(const struct tui_curses *t);
/* What the curses backend did since the process started (all terminals):
 * frames shown, cells written, heatmap row runs scrolled on the terminal,
 * and the time spent in tui_curses_show (incl. the output). */
struct tui_curses_stats {
    uint64_t frames, cells, shifted_runs;
    double show_ms;
};
void tui_curses_stats(struct tui_curses_stats *out);

/* ======== text backend and terminal probe ======== */

/* Writes a canvas as text lines: ANSI SGR colour codes unless the canvas has
 * no colour, UTF-8 glyphs unless it is ASCII-only. */
void tui_render_text(const struct tui_canvas *c, FILE *out);

/* What the terminal on fd can show: colours (0, 8 or 256) from TERM and
 * COLORTERM, and whether the locale is UTF-8 (call setlocale first). */
int tui_term_colors(int fd);
bool tui_locale_utf8(void);

#endif
