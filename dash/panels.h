/* panels.h: the dashboard's model and board panels, and the model's score
 * track over a clip (private to tui/).
 *
 * Like view.h, each panel is a view model (a plain struct of numbers and
 * strings, arrays borrowed from the caller while drawing) and a function that
 * draws it into a rectangle of a canvas. Panels never write outside their
 * rectangle, draw something useful at any size (nothing at all below 1x1),
 * and pick glyphs and colours from canvas->unicode / canvas->color, so the
 * same code serves the 256-colour dashboard, 8-colour terminals and ASCII.
 *
 * The data behind the model panel is the score track of models/ (mdl_track):
 * the int8 score of every 20 ms window, exactly as `kwscope classify`
 * computes it, re-run through the keyword detector whenever the user changes
 * its parameters. */
#ifndef TUI_PANELS_H
#define TUI_PANELS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tui/tui.h"
#include "dsp/dsp.h"
#include "models/models.h"

/* ---- shared drawing helpers ---- */

/* Text at (x, y) clipped to r: nothing when y is outside r or x left of it;
 * at most r.x + r.w - x cells. Returns the cells written. */
static inline int tui_panel_text(struct tui_canvas *c, struct tui_rect r, int x, int y, int fg,
                                 const char *utf8)
{
    if (y < r.y || y >= r.y + r.h || x < r.x || x >= r.x + r.w) return 0;
    return tui_canvas_text(c, x, y, r.x + r.w - x, fg, TUI_COLOR_DEFAULT, utf8);
}

static inline int tui_panel_printf(struct tui_canvas *c, struct tui_rect r, int x, int y, int fg,
                                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static inline int tui_panel_printf(struct tui_canvas *c, struct tui_rect r, int x, int y, int fg,
                                   const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return tui_panel_text(c, r, x, y, fg, buf);
}

/* A label and its value, for tui_panel_items: label (may be NULL), a
 * shorter label for narrow panels (may be NULL: the value alone), and the
 * value's colour (fg_set false: the text colour). */
struct tui_panel_item {
    const char *label, *short_label;
    const char *value;
    bool fg_set;
    int fg;
};
/* Lays items out from row y of r, wrapping whole items, abbreviating labels
 * rather than cutting values (panel_flow.c). Returns the rows used. */
int tui_panel_items(struct tui_canvas *c, struct tui_rect r, int y, const struct tui_panel_item *it,
                    int n);

/* A horizontal bar of w cells at (x, y) filled to frac (clamped to 0..1):
 * eighth blocks on Unicode (the empty part is a light shade), '#' and '.' in
 * ASCII. Cells outside clip are not touched. (panel_scores.c) */
void tui_panel_bar(struct tui_canvas *c, struct tui_rect clip, int x, int y, int w, double frac,
                   int fg);

/* ---- classification panel (panel_scores.c) ---- */

/* One keyword detection, for the log and the time axis. */
struct tui_detection {
    double t_s;    /* time of the window's end, s (clip or session time) */
    int label;     /* class index into the panel's labels */
    int32_t score; /* averaged score that fired, 0..255 */
};

struct tui_scores_model {
    const char *title;         /* NULL: "Model" */
    double t_s;                /* time of the scores shown, s; < 0: not shown */
    int n;                     /* classes, 0..MDL_DETECT_MAX_CLASSES */
    const char *const *labels; /* n class names */
    const int8_t *scores_i8;   /* n int8 outputs (zero point -128); may be NULL */
    const float *scores;       /* n dequantised scores 0..1; NULL: (s + 128) / 256 */
    const int32_t *avg;        /* n smoothed (window-averaged) scores 0..255, or NULL */
    int top;                   /* class to highlight; < 0: largest score */
    int32_t threshold;         /* detection threshold 0..255 marked on the bars; < 0: none */
    const struct mdl_detect_config *detect; /* parameters line; NULL: not shown */
    const struct tui_detection *log;        /* detections, oldest first (drawn newest first) */
    size_t n_log;
    bool led;                      /* lit: the newest detection is recent (caller's clock) */
    const char *no_detections_why; /* said under "No detections" (e.g. a clip too short), or NULL */
};

/* Layout, top down, rows dropped from the bottom when r is short:
 *   title [@ t s]                        LED + newest label
 *   class ... score avg                  (column header, only when all fits)
 *   > label  bar (score, threshold mark)  0.91 avg (reverse when > threshold)
 *   detect: window 1000 ms  threshold 200  suppression 1500 ms  min 3
 *   detections (newest first): "yes 0.91 @ 12.34 s", "+N more" */
void tui_panel_scores(struct tui_canvas *c, struct tui_rect r, const struct tui_scores_model *m);

/* ---- board panel (panel_board.c) ---- */

/* Same order as device's enum dev_state, so a cast maps one onto the other. */
enum tui_board_state {
    TUI_BOARD_CONNECTING,
    TUI_BOARD_READY,
    TUI_BOARD_TIMEOUT,
    TUI_BOARD_DISCONNECTED,
    TUI_BOARD_VERSION_MISMATCH,
    TUI_BOARD_STATE_COUNT
};
const char *tui_board_state_name(enum tui_board_state s); /* "connecting", ... */

enum tui_board_mode {
    TUI_BOARD_IDLE, /* neither streaming nor classifying */
    TUI_BOARD_MIC,  /* board mic recording, streamed to the host */
    TUI_BOARD_PUSH, /* host pushes samples for the board to classify */
};

/* Timing history of one stage: running min/max/mean over every value added
 * since the last reset, and a ring of the newest values for the sparkline. */
#define TUI_STAGE_HISTORY 128
enum tui_stage { TUI_STAGE_PRE, TUI_STAGE_INFER, TUI_STAGE_POST, TUI_STAGE_TOTAL, TUI_STAGE_COUNT };
const char *tui_stage_name(enum tui_stage s); /* "preprocess", ..., "total" */
struct tui_stage_stats {
    uint64_t count;                      /* values added */
    uint32_t last_us, min_us, max_us;    /* valid when count > 0 */
    uint64_t sum_us;                     /* for the mean */
    uint32_t ring_us[TUI_STAGE_HISTORY]; /* newest values; ring_us[head - 1] is the last */
    int head;                            /* next slot written */
    int n_ring;                          /* valid entries, <= TUI_STAGE_HISTORY */
};
void tui_stage_stats_reset(struct tui_stage_stats *s); /* a zeroed struct is reset too */
void tui_stage_stats_add(struct tui_stage_stats *s, uint32_t us);
double tui_stage_stats_avg_us(const struct tui_stage_stats *s); /* 0 when empty */
/* Kept value i in time order: i = 0 is the oldest kept, i = n_ring - 1 the
 * last added. 0 outside 0..n_ring-1. */
uint32_t tui_stage_stats_hist(const struct tui_stage_stats *s, int i);
/* One board result: adds the three stages and their sum to st[TUI_STAGE_COUNT]. */
void tui_stage_stats_add_result(struct tui_stage_stats *st, uint32_t pre_us, uint32_t infer_us,
                                uint32_t post_us);
/* Sparkline of the newest values that fit in w cells at (x, y), newest on the
 * right, scaled from 0 to the largest shown: U+2581..U+2588 on Unicode, the
 * ramp "_.-:=+*#" in ASCII. Clipped to clip. */
void tui_sparkline(struct tui_canvas *c, struct tui_rect clip, int x, int y, int w,
                   const struct tui_stage_stats *s, int fg);

struct tui_board_model {
    const char *title; /* NULL: "Board" */
    enum tui_board_state state;
    const char *port;       /* port or pty path, or NULL */
    const char *message;    /* why the state (timeout, mismatch detail), or NULL */
    const char *firmware;   /* firmware version text, or NULL/"" before INFO */
    const char *model_name; /* board's model name, or NULL/"" */
    int n_labels;
    const char *const *labels; /* n_labels class names of the board's model */
    uint32_t arena_bytes;      /* board's tensor arena, bytes; 0: unknown */
    uint32_t ram_bytes;        /* board's RAM in use, bytes; 0: unknown */
    uint32_t flash_bytes;      /* board's flash in use, bytes; 0: unknown */
    enum tui_board_mode mode;
    uint64_t frames_ok;                   /* good frames received */
    uint64_t bad_frames;                  /* discarded frames (CRC, framing, length) */
    uint64_t lost_chunks;                 /* gaps in the mic chunk numbers */
    const struct tui_stage_stats *stages; /* TUI_STAGE_COUNT entries, or NULL: no table */
    const char *timing_source; /* whose clock timed the stages: "board", "host" (a virtual
                                       board runs on the host); NULL: "board" */
    const char *mode_text;     /* what the mode is doing now; NULL: the mode's name */
    const char *link_note;     /* a full or dead link ("full: 1,024 B dropped"), or NULL */
};

/* Layout, top down (rows dropped from the bottom when r is short):
 *   title  state (coloured)  port
 *   message (when set)
 *   fw ...  model ...
 *   labels a b c
 *   arena / RAM / flash
 *   mode | frames, bad frames, lost chunks (each when non-zero)
 *   stage table: stage last min max avg (ms) history; narrow rects drop the
 *   history, then avg, max, min, and abbreviate the stage names. */
void tui_panel_board(struct tui_canvas *c, struct tui_rect r, const struct tui_board_model *m);

/* ---- model info view, the 'm' key (panel_model.c) ---- */

struct tui_model_view {
    const char *title;             /* NULL: "Model" */
    const char *path;              /* model file shown in the title, or NULL */
    const struct mdl_model *model; /* for shapes, sizes and the description */
    const struct mdl_info *info;   /* mdl_model_info() of model */
    const char *convention;        /* "default" or "seed" (FLOPs), NULL: "default" */
    int first_layer;               /* scroll: first layer row shown (clamped) */
};

/* Same columns, figures and labels as `kwscope model info`:
 *   #  op  input  output  params  MACs  FLOPs  weight B, then total, then
 *   RAM tensor arena / flash model with their share of the Nano 33 BLE Sense
 *   (256 KB / 1 MB) and a share bar.
 * Narrow rects drop columns (weight B, MACs, input, output, FLOPs, params);
 * short ones show the layers that fit and "+N more". */
void tui_panel_model(struct tui_canvas *c, struct tui_rect r, const struct tui_model_view *v);

/* ---- detections over a score track (detections.c) ---- */

/* Runs the detector over the whole stored track with cfg (its n_classes is
 * taken from the model): up to max detections in out, their number in
 * *n_out. */
enum kws_status tui_track_detect(const struct mdl_track *t, const struct mdl_detect_config *cfg,
                                 struct tui_detection *out, size_t max, size_t *n_out, char *err,
                                 size_t err_len);
/* Detections as time-axis marks (label names borrowed from labels; "?" when
 * a label index is outside 0..n_labels-1). Returns the marks written. */
size_t tui_detections_to_marks(const struct tui_detection *d, size_t n, const char *const *labels,
                               int n_labels, struct tui_mark *out, size_t max);

#endif
