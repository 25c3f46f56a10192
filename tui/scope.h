/* scope.h: one opened clip and everything computed from it (private to tui/).
 *
 * The scope owns the samples and the analysis results, computes each one once,
 * on first use, and turns them into view models. `kwscope plot` and the
 * dashboard both draw through it, so a view looks the same in both. */
#ifndef TUI_SCOPE_H
#define TUI_SCOPE_H

#include <stdbool.h>

#include "capture/capture.h"
#include "dsp/dsp.h"
#include "view.h"

struct tui_scope {
    char name[256];                 /* file name shown in headers */
    char format[160];               /* original format, for the info line */
    struct cap_clip clip;
    struct dsp_analysis_config cfg;
    struct dsp_matrix mat[TUI_VIEW_COUNT]; /* spectrogram, mel, mfcc, features */
    bool computed[TUI_VIEW_COUNT];  /* complete */
    size_t rows_ready[TUI_VIEW_COUNT]; /* frames computed so far (progressive fill) */
    float *welch_db;                /* whole-clip spectrum, n_fft/2 + 1 */
    float *frame_db;                /* spectrum of one frame (cursor) */
    float mel_hz[256];              /* centre of each mel band */
    float micro_hz[DSP_MICRO_MAX_CHANNELS]; /* centre of each micro channel */
    enum tui_colormap cmap;
    int wave_db;                    /* waveform amplitude axis in dBFS */
    int spectrum_log;               /* spectrum frequency axis logarithmic */
    char error[256];                /* why a view could not be computed */
    /* Live sources (tui_scope_append): the clip grows while it is shown. */
    bool live;
    size_t cap_samples;             /* allocated length of clip.samples */
    size_t mat_cap[TUI_VIEW_COUNT]; /* allocated rows of mat[v] */
    float raw_lo[TUI_VIEW_COUNT], raw_hi[TUI_VIEW_COUNT]; /* min/max over rows_scanned */
    size_t rows_scanned[TUI_VIEW_COUNT];
    struct dsp_micro_state *micro;  /* streaming frontend for the features view */
    size_t micro_fed;               /* samples of the clip fed to it */
    double origin_s;                /* time of sample 0 since the source started
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

#endif
