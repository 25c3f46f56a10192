/* dash.h: the dashboard's state, its reaction to keys, and how a screen is
 * composed (private to tui/).
 *
 * The state is plain data; keys change it (dash_state.c) and a screen is drawn
 * from it into a canvas (dash_draw.c). Neither touches curses, so both are
 * tested without a terminal; cmd_dashboard.c runs the loop and the backend. */
#ifndef TUI_DASH_H
#define TUI_DASH_H

#include <stdbool.h>

#include "panels.h"
#include "scope.h"
#include "view.h"

#define DASH_MIN_W 50
#define DASH_MIN_H 12
#define DASH_SIDE_W 30     /* side panel width, shown when the screen is wide */
#define DASH_SIDE_MIN_SCREEN 100

/* The keyword model over the scope (dash_model.c). */
#define DASH_MAX_DETECTIONS 512
struct dash_model {
    bool loaded;                 /* a model is there */
    bool failed;                 /* inference failed: error says why */
    char path[1024];
    struct mdl_model model;
    struct mdl_kws kws;
    struct mdl_info info;        /* for the 'm' view */
    int n_labels;
    char label_buf[MDL_DETECT_MAX_CLASSES][32];
    const char *labels[MDL_DETECT_MAX_CLASSES];
    struct tui_kws_track track;  /* int8 scores every 20 ms */
    uint64_t fed_abs;            /* source samples fed to the track */
    struct mdl_detect_config det; /* tuned live from the keyboard */
    struct tui_detection dets[DASH_MAX_DETECTIONS]; /* over the whole track */
    size_t n_dets;
    struct tui_mark marks[DASH_MAX_DETECTIONS];     /* dets on the scope's time axis */
    size_t n_marks;
    size_t detected_rows;        /* track rows the detections cover */
    double shifted_origin;       /* scope origin the marks were shifted by */
    bool view;                   /* 'm': model info in the main area */
    int first_layer;             /* its scroll position */
    char error[256];
};
/* Model by the usual search (arg, $KWSCOPE_MODEL, assets/); labels are
 * comma separated, one per output. */
enum kws_status dash_model_open(struct dash_model *m, const char *arg, const char *labels,
                                char *err, size_t err_len);
void dash_model_free(struct dash_model *m);
/* Scores up to budget_rows new windows of the scope's samples; *pending when
 * more are waiting. Returns true when something to draw changed. */
bool dash_model_step(struct dash_model *m, const struct tui_scope *s, size_t budget_rows,
                     bool *pending);
/* Detector tuning keys (t/T threshold, w/W window, u/U suppression, n/N
 * min count); true when the key was one of them. */
bool dash_model_key(struct dash_model *m, int key, const struct tui_scope *s, char *msg,
                    size_t msg_len);

/* Keys the state understands (curses key codes are mapped onto these). */
enum dash_key {
    DASH_KEY_LEFT = 0x10000, DASH_KEY_RIGHT, DASH_KEY_UP, DASH_KEY_DOWN,
    DASH_KEY_SLEFT, DASH_KEY_SRIGHT, DASH_KEY_HOME, DASH_KEY_END,
    DASH_KEY_TAB, DASH_KEY_ESC, DASH_KEY_RESIZE,
};

enum dash_play { DASH_STOPPED, DASH_PLAYING };

#define DASH_LIVE_SPAN_S 5.0  /* a live display shows the last 5 s at first */

/* A live source (mic, board) feeding the scope (live.c). */
struct dash_live {
    struct cap_source *src;      /* owned */
    const char *out_dir;         /* where 'r' puts kwscope-YYYYmmdd-HHMMSS.wav */
    struct cap_recorder *rec;    /* non-NULL while recording */
    char rec_path[1024];
    double rec_start_s;          /* monotonic seconds when recording began */
    double peak_dbfs, rms_dbfs;  /* level over the last 100 ms */
    double dc;                   /* mean over the last 100 ms, full scale = 1 */
    bool clipping;               /* a sample hit full scale in the last second */
    double clip_until_s;
    uint64_t dropped;            /* samples lost: input overflows + ring overruns */
    bool finished;               /* the source said no more samples will come */
};
void dash_live_init(struct dash_live *l, struct cap_source *src, const char *out_dir);
/* Stops any recording (keeping the file) and closes the source. */
void dash_live_free(struct dash_live *l);
/* Drains the source into the scope (and the recording). Returns 1 when new
 * samples (or a level change) need a redraw, 0 when nothing came, -1 out of
 * memory; *trimmed_s says how much old history the scope dropped. Messages
 * for the footer (recording failed, source ended) go to msg. */
int dash_live_poll(struct dash_live *l, struct tui_scope *s, double now_s, double *trimmed_s,
                   char *msg, size_t msg_len);
/* 'r': starts (1) or stops (0) a recording; -1 when it could not start. */
int dash_live_record(struct dash_live *l, double now_s, char *msg, size_t msg_len);

struct dash {
    struct tui_scope *scope;
    enum tui_view_id view;       /* the large view */
    bool grid;                   /* all views at once */
    bool help;                   /* help overlay shown */
    bool quit;
    struct tui_timeline tl;      /* visible window, cursor, selection, play head */
    double probe_y;              /* heatmap readout row, 0 (top) .. 1 (bottom) */
    bool selecting;              /* 'v' pressed: cursor moves extend the selection */
    double sel_anchor_s;
    enum dash_play play;
    char message[160];           /* footer message (errors, hints) */
    const char *log_path;        /* where stderr noise goes (named in help) */
    const char *source_label;    /* "file", "mic", ... */
    int w, h;                    /* screen size in cells */
    double peak_dbfs, rms_dbfs;  /* whole-clip level, computed once */
    double dc_offset;            /* mean sample value, full scale = 1 */
    struct dash_live *live;      /* NULL for a file */
    bool paused;                 /* live display frozen (Space); capture goes on */
    bool want_record;            /* 'r' pressed: the loop starts/stops a recording */
    double now_s;                /* monotonic clock at the last draw (elapsed times) */
    struct dash_model *model;    /* NULL: no model panel */
};

void dash_init(struct dash *d, struct tui_scope *scope);
/* Applies one key; returns true when the screen must be redrawn. Play/stop
 * requests are returned through *want_play (1 start, -1 stop, 0 nothing). */
bool dash_key(struct dash *d, int key, int *want_play);
/* Live: after new samples, keep the window on the newest audio (unless
 * paused); shift everything by trimmed_s when old history was dropped. */
void dash_follow(struct dash *d, double trimmed_s);
/* A mouse click at screen cell (x, y): sets the cursor when it lands on a
 * time-based plot. */
bool dash_click(struct dash *d, int x, int y);
/* Range to play: the selection if there is one, else from the cursor (or the
 * start) to the end. */
void dash_play_range(const struct dash *d, double *from_s, double *to_s);

/* Composes the whole screen (header, views, side panel, footer, overlays). */
void dash_draw(struct dash *d, struct tui_canvas *c);
/* The rectangle of view v on the current layout (w x h screen); 0 if hidden. */
int dash_view_rect(const struct dash *d, enum tui_view_id v, struct tui_rect *r);

/* Drawing the model: the scores panel (side) and the model info view ('m'). */
void dash_model_panel(struct dash_model *m, const struct dash *d, struct tui_canvas *c,
                      struct tui_rect r);
void dash_model_view(struct dash_model *m, struct tui_canvas *c, struct tui_rect r);

#endif
