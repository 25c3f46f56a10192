/* view.h: views and their view models (private to tui/).
 *
 * A view model is a plain struct of numbers that a view reads to draw into a
 * rectangle of a canvas. Views never touch dsp state, files or curses, so the
 * same code draws `kwscope plot` and every dashboard panel. The arrays a model
 * points to are borrowed: the caller keeps them alive while drawing. */
#ifndef TUI_VIEW_H
#define TUI_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "canvas.h"

enum tui_view_id {
    TUI_VIEW_WAVE, TUI_VIEW_SPECTRUM, TUI_VIEW_SPECTROGRAM, TUI_VIEW_MEL,
    TUI_VIEW_MFCC, TUI_VIEW_FEATURES, TUI_VIEW_COUNT
};
const char *tui_view_name(enum tui_view_id v);   /* "wave", "spectrum", ... */
const char *tui_view_title(enum tui_view_id v);  /* "Waveform", ... */
/* Parses a --view name; returns TUI_VIEW_COUNT when unknown. */
enum tui_view_id tui_view_parse(const char *name);

/* A keyword detection shown on the time axis. */
struct tui_mark {
    double t_s;
    const char *label;
};

/* What every time-based view shares: the visible window and the overlays. */
struct tui_timeline {
    double t0_s, t1_s;        /* visible time range, t1 > t0 */
    double cursor_s;          /* < 0: no cursor */
    double sel0_s, sel1_s;    /* selection; sel1 <= sel0: none */
    double play_s;            /* < 0: not playing */
    const struct tui_mark *marks;
    size_t n_marks;
    double origin_s;          /* added to time labels: a live view that dropped
                                 old history still shows time since the start */
};
struct tui_timeline tui_timeline_full(double duration_s);

struct tui_wave_model {
    const char *title;
    const int16_t *samples;   /* 16 kHz mono */
    size_t n;
    int rate_hz;
    int db_axis;              /* amplitude axis in dBFS (mirrored) instead of linear */
    struct tui_timeline tl;
};

enum tui_axis_kind {
    TUI_AXIS_HZ,      /* row r is r * row_hz Hz (spectrogram bins) */
    TUI_AXIS_BAND_HZ, /* row r is a band centred at band_hz[r] (mel, micro channels) */
    TUI_AXIS_INDEX,   /* row r is coefficient r (MFCC) */
};

struct tui_heatmap_model {
    const char *title;
    const float *data;        /* rows x cols, row-major: rows are frames (time) */
    size_t rows, cols;
    double hop_s;             /* frame k starts at k * hop_s */
    double frame_s;           /* frame length */
    float vmin, vmax;         /* colour range; values outside are clamped */
    const char *unit;         /* "dB", "int8", "" */
    enum tui_axis_kind axis;
    float row_hz;             /* TUI_AXIS_HZ */
    const float *band_hz;     /* TUI_AXIS_BAND_HZ: cols entries */
    const char *axis_name;    /* "Hz", "mel band", "coef", "channel" */
    enum tui_colormap cmap;
    struct tui_timeline tl;
};

struct tui_spectrum_model {
    const char *title;        /* e.g. "Spectrum (Welch, whole clip)" */
    const float *db;          /* n_bins values in dB */
    size_t n_bins;
    float bin_hz;             /* bin spacing */
    int log_freq;             /* logarithmic frequency axis */
    float db_min, db_max;     /* vertical range */
};

void tui_view_wave(struct tui_canvas *c, struct tui_rect r, const struct tui_wave_model *m);
void tui_view_heatmap(struct tui_canvas *c, struct tui_rect r, const struct tui_heatmap_model *m);
void tui_view_spectrum(struct tui_canvas *c, struct tui_rect r, const struct tui_spectrum_model *m);

/* What lies under the time cursor of a heatmap: frame index, row (band/bin)
 * index for a vertical position in [0, 1) from the top, and the value.
 * Returns 0 when the cursor is outside the data. */
int tui_heatmap_probe(const struct tui_heatmap_model *m, double t_s, double y_frac,
                      size_t *frame, size_t *row, float *value);
/* Frequency label of a heatmap row ("1.2 kHz", "band 7", "c3"). */
void tui_heatmap_row_label(const struct tui_heatmap_model *m, size_t row, char *buf, size_t len);

/* ---- shared axis helpers (axes.c) ---- */
/* A "nice" step (1, 2, 2.5, 5 x 10^k) so that span/step gives about max_ticks ticks. */
double tui_nice_step(double span, int max_ticks);
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

#endif
