/* dash.h: the dashboard's state, its reaction to keys, and how a screen is
 * composed (private to tui/).
 *
 * The state is plain data; keys change it (dash_state.c) and a screen is drawn
 * from it into a canvas (dash_draw.c). Neither touches curses, so both are
 * tested without a terminal; cmd_dashboard.c runs the loop and the backend. */
#ifndef TUI_DASH_H
#define TUI_DASH_H

#include <stdbool.h>

#include "device/device.h"
#include "panels.h"
#include "tui/tui.h"

#define DASH_MIN_W 50
#define DASH_MIN_H 12
#define DASH_SIDE_W 30      /* side panel width, shown when the screen is wide */
#define DASH_SIDE_WIDE_W 40 /* ... and on screens of DASH_SIDE_WIDE_SCREEN or more */
#define DASH_SIDE_MIN_SCREEN 100
#define DASH_SIDE_WIDE_SCREEN 150

/* The keyword model over the scope (dash_model.c). */
#define DASH_MAX_DETECTIONS 512
struct dash_model {
    bool loaded; /* a model is there */
    bool failed; /* inference failed: error says why */
    char path[1024];
    struct mdl_model model;
    struct mdl_kws kws;
    struct mdl_info info; /* for the 'm' view */
    int n_labels;
    char label_buf[MDL_DETECT_MAX_CLASSES][32];
    const char *labels[MDL_DETECT_MAX_CLASSES];
    struct mdl_track track;                         /* int8 scores every 20 ms */
    uint64_t fed_abs;                               /* source samples fed to the track */
    struct mdl_detect_config det;                   /* tuned live from the keyboard */
    struct tui_detection dets[DASH_MAX_DETECTIONS]; /* over the whole track */
    size_t n_dets;
    struct tui_mark marks[DASH_MAX_DETECTIONS]; /* dets on the scope's time axis */
    size_t n_marks;
    struct mdl_detect detector; /* state after detected_rows rows */
    size_t detected_rows;       /* track rows the detector has seen; -1: replay */
    double shifted_origin;      /* scope origin the marks were shifted by */
    bool view;                  /* 'm': model info in the main area */
    int first_layer;            /* its scroll position */
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

/* A board: a real port or an in-process virtual board (dash_board.c). */
#define DASH_BOARD_DETS 64
struct board_mic;
struct dash_board {
    bool open;
    char port[256]; /* port or the virtual board's pty */
    bool virtual_board;
    enum dev_dialect dialect;
    struct dev_session *sess;
    struct dev_sim *sim;       /* in-process virtual board (vsim.sim), or NULL */
    struct dev_sim_setup vsim; /* its model, pipeline and looped mic */
    struct dev_emu *emu;       /* the emulated board (--board emu), or NULL */
    enum tui_board_mode mode;
    struct tui_stage_stats stages[TUI_STAGE_COUNT];
    struct dev_result last; /* newest result with scores */
    double last_t_s;        /* its time on the clip's or session's axis, s */
    bool last_live;         /* it came from the board's own mic (a detection) */
    double push_end_s[16];  /* requests in flight: end of each pushed second, s */
    int n_push_end;
    bool oneshot;       /* a clip push: the mode ends with its result */
    double now_audio_s; /* the newest audio on the session axis (set by the loop) */
    bool have_result;
    unsigned long results, pushes, skipped;     /* skipped: live pushes a slow board missed */
    struct tui_detection dets[DASH_BOARD_DETS]; /* the board's detections, board time */
    size_t n_dets;
    double led_until_s;
    bool led;
    struct board_mic *mic;          /* the board-mic source while it exists */
    uint64_t pushed_abs;            /* live push: source samples already pushed */
    int16_t pushed[DEV_BOARD_CLIP]; /* the last second pushed (for the features diff) */
    bool have_push;
    struct dev_features board_feat;
    bool have_board_feat;
    int8_t host_feat[DEV_FEAT_ROWS * DEV_FEAT_COLS];
    int diff_rows, diff_cols, n_diff; /* n_diff < 0: nothing to compare */
    bool diff_view;                   /* 'd' in the features view */
    char log[256];                    /* the board's last log line */
};
/* which: "auto" (the single Arduino, else a virtual board), "sim", or a
 * port path. The virtual board runs model (search order as everywhere) and
 * plays sim_mic (may be NULL: silence) as its mic. */
enum kws_status dash_board_open(struct dash_board *b, const char *which, enum dev_dialect dialect,
                                const char *model, const char *labels,
                                const struct cap_clip *sim_mic, char *err, size_t len);
void dash_board_free(struct dash_board *b);
/* One loop turn: serve the virtual board, pump the session, take its events.
 * True when the panel changed; state problems and errors go to msg. */
bool dash_board_poll(struct dash_board *b, double now_s, char *msg, size_t msg_len);
/* The loop must keep ticking (requests pending, not ready, a virtual board). */
bool dash_board_busy(const struct dash_board *b);
/* The virtual board has bytes queued for its pty (poll its fd for POLLOUT). */
bool dash_board_tx_waiting(const struct dash_board *b);
/* fds to poll: 0 the session's, 1 the virtual board's (-1 when none). */
int dash_board_fd(const struct dash_board *b, int which);
/* The board's mic as a capture source (start = mic on); owned by the
 * caller, who closes it before dash_board_free. */
struct cap_source *dash_board_mic_source(struct dash_board *b);
/* Push the second ending at at_s of a clip / the newest audio of a live
 * scope every 0.5 s; the board classifies each. */
void dash_board_push_clip(struct dash_board *b, const struct tui_scope *s, double at_s);
void dash_board_push_live(struct dash_board *b, const struct tui_scope *s);
void dash_board_request_features(struct dash_board *b);

/* Collect mode (dash_collect.c). */
#define DASH_COLLECT_WORDS 32
enum dash_collect_state { DASH_COLLECT_PROMPT, DASH_COLLECT_RECORDING, DASH_COLLECT_REVIEW };
struct dash_collect {
    bool active;
    enum dash_collect_state state;
    char words_buf[256];
    const char *words[DASH_COLLECT_WORDS]; /* point into words_buf */
    int n_words, word;                     /* the word asked for now */
    char dir[1024];                        /* DATA_DIR (Speech Commands layout) */
    char speaker[64];
    int saved;
    uint64_t start_abs; /* source sample where the take began */
    int16_t take[2 * CAP_RATE_HZ];
    size_t window; /* start of the kept second in take */
};
void dash_collect_init(struct dash_collect *c, const char *words, const char *dir,
                       const char *speaker);
struct dash;
/* Keys of the mode (k, Enter, Esc); true when taken. */
bool dash_collect_key(struct dash *d, int key);
/* A take completes: pause on it. True when the screen changed. */
bool dash_collect_step(struct dash *d);
/* The footer line for the mode's state. */
void dash_collect_prompt(const struct dash *d, char *buf, size_t len);

/* Keys the state understands (curses key codes are mapped onto these). */
enum dash_key {
    DASH_KEY_LEFT = 0x10000,
    DASH_KEY_RIGHT,
    DASH_KEY_UP,
    DASH_KEY_DOWN,
    DASH_KEY_SLEFT,
    DASH_KEY_SRIGHT,
    DASH_KEY_HOME,
    DASH_KEY_END,
    DASH_KEY_TAB,
    DASH_KEY_ESC,
    DASH_KEY_RESIZE,
    DASH_KEY_ENTER,
    DASH_KEY_PGUP,
    DASH_KEY_PGDN,
};

enum dash_play { DASH_STOPPED, DASH_PLAYING };

#define DASH_LIVE_SPAN_S 5.0 /* a live display shows the last 5 s at first */

/* A live source (mic, board) feeding the scope (live.c). */
struct dash_live {
    struct cap_source *src;   /* owned */
    const char *out_dir;      /* where 'r' puts kwscope-YYYYmmdd-HHMMSS.wav */
    struct cap_recorder *rec; /* non-NULL while recording */
    char rec_path[1024];
    double rec_start_s;         /* monotonic seconds when recording began */
    double peak_dbfs, rms_dbfs; /* level over the last 100 ms */
    double dc;                  /* mean over the last 100 ms, full scale = 1 */
    bool clipping;              /* a sample hit full scale in the last second */
    double clip_until_s;
    uint64_t dropped; /* samples lost: input overflows + ring overruns */
    bool finished;    /* the source said no more samples will come */
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

/* What a footer message is: drawn in the text colour, green or red. */
enum dash_msg_kind { DASH_MSG_INFO, DASH_MSG_OK, DASH_MSG_ERROR };

struct dash {
    struct tui_scope *scope;
    enum tui_view_id view; /* the large view */
    bool grid;             /* all views at once */
    bool help;             /* help overlay shown */
    bool quit;
    struct tui_timeline tl; /* visible window, cursor, selection, play head */
    double probe_y;         /* heatmap readout row, 0 (top) .. 1 (bottom) */
    bool selecting;         /* 'v' pressed: cursor moves extend the selection */
    double sel_anchor_s;
    enum dash_play play;
    char message[320]; /* footer message (errors, hints) */
    enum dash_msg_kind msg_kind;
    int help_top;                 /* first help line shown (the overlay scrolls) */
    bool panel_overlay;           /* 'i' on a narrow screen: the side panel over the plots */
    const char *fallback;         /* why the source is not the one asked for, or NULL */
    const char *log_path;         /* where stderr noise goes (named in help) */
    const char *source_label;     /* "file", "mic", ... */
    int w, h;                     /* screen size in cells */
    double peak_dbfs, rms_dbfs;   /* whole-clip level, computed once */
    double dc_offset;             /* mean sample value, full scale = 1 */
    struct dash_live *live;       /* NULL for a file */
    bool paused;                  /* live display frozen (Space); capture goes on */
    bool want_record;             /* 'r' pressed: the loop starts/stops a recording */
    double now_s;                 /* monotonic clock at the last draw (elapsed times) */
    struct dash_model *model;     /* NULL: no model panel */
    struct dash_board *board;     /* NULL: no board */
    int want_board;               /* 'b' (1: board mic), 'p' (2: push), 'd' (3: features) */
    struct dash_collect *collect; /* NULL: not collecting */
    struct dash_lab *lab;         /* NULL: no lab results (--lab, lab.h) */
    /* Live, the heatmaps are drawn every other frame and the meters and the
     * waveform every frame: a held heatmap keeps the cells of the frame
     * before, so the terminal gets nothing for it. */
    struct tui_canvas *held; /* the last frame drawn, or NULL */
    unsigned frame_no;
    bool redraw_all; /* a key, click or resize: draw every view this frame */
};

void dash_init(struct dash *d, struct tui_scope *scope);
/* Sets the footer message and its kind. */
void dash_say(struct dash *d, enum dash_msg_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Peak and RMS in dBFS (-INFINITY for silence) and the mean (full scale 1)
 * of n samples: the clip panel's whole-clip figures and the live meter. */
void dash_level(const int16_t *x, size_t n, double *peak_dbfs, double *rms_dbfs, double *dc);
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

/* Where things go on a w x h screen (dash_side.c): the plots, and the side
 * panel on the right (wide), under the plots (narrow and tall), or over
 * them when the user asks ('i', narrow and short). */
struct dash_layout {
    struct tui_rect main, side;
    bool shown; /* the panel is drawn */
    bool below, overlay;
};
void dash_layout(const struct dash *d, struct dash_layout *l);
void dash_draw_side(struct dash *d, struct tui_canvas *c, const struct dash_layout *l);

/* The footer (a message, or the keys that apply now) and the help overlay
 * (dash_help.c). */
void dash_draw_footer(struct dash *d, struct tui_canvas *c);
void dash_draw_help(struct dash *d, struct tui_canvas *c);

/* Composes the whole screen (header, views, side panel, footer, overlays). */
void dash_draw(struct dash *d, struct tui_canvas *c);
/* Plot columns of the narrowest time view on the current layout. */
int dash_narrowest_plot(const struct dash *d);
/* The rectangle of view v on the current layout (w x h screen); 0 if hidden. */
int dash_view_rect(const struct dash *d, enum tui_view_id v, struct tui_rect *r);

/* "silence" / "_silence_": a class whose detections are not shown. */
bool dash_is_silence(const char *label);
/* A new clip or source: the track starts over. */
void dash_model_reset(struct dash_model *m);

/* Drawing the model: the scores panel (side) and the model info view ('m'). */
void dash_model_panel(struct dash_model *m, const struct dash *d, struct tui_canvas *c,
                      struct tui_rect r);
void dash_model_view(struct dash_model *m, struct tui_canvas *c, struct tui_rect r);
void dash_board_panel(struct dash_board *b, struct tui_canvas *c, struct tui_rect r);
void dash_board_diff_view(struct dash_board *b, struct tui_canvas *c, struct tui_rect r);

/* ---- the loop (dash_loop.c, dash_modes.c, frame_stats.c) ---- */

#define MAX_LATENCIES 4096 /* frames whose latency KWSCOPE_FRAME_STATS keeps */
/* KWSCOPE_FRAME_STATS=PATH (benchmarks): per drawn frame, how long the oldest
 * sample it shows may have waited since it entered the ring: from the read
 * before the one that brought it (it arrived after that) to the end of the
 * frame's output. Written as one JSON line at exit, with the CPU time used. */
struct frame_stats {
    const char *path;
    double prev_read_ms, read_ms; /* the last two reads that brought samples */
    bool fresh;                   /* samples arrived since the last frame */
    double start_s;               /* monotonic seconds when the loop began */
    size_t frames, n;
    float latency_ms[MAX_LATENCIES];
};

void dash_stats_frame(struct frame_stats *st, double end_ms);
void dash_stats_write(struct frame_stats *st, const struct tui_scope *s, double now_s);

struct tui_curses;
struct cap_player;
/* Everything one running dashboard owns; cmd_dashboard.c sets it up. */
struct dash_loop {
    struct dash d;
    struct tui_curses *term;
    struct tui_canvas *canvas;
    struct cap_player *player;
    bool dirty;
    struct dash_live live;
    struct dash_model model;
    struct dash_board board;
    struct dash_collect collect;
    /* 'b' swaps the board's mic in for the file or PC mic ("home") and back. */
    struct tui_scope board_scope;
    struct dash_live board_live;
    struct tui_scope *home_scope;
    struct dash_live *home_live;
    struct tui_timeline home_tl;
    bool home_paused;
    struct frame_stats stats;
};

/* Takes the terminal, runs until q or a signal, gives the terminal back;
 * 0 or 1 (the terminal could not be set up, poll failed). */
int dash_loop_run(struct dash_loop *L);

/* The dashboard's options and operands in the man page's words: its usage
 * line, and `kwscope`'s own row in the command table (cli/commands.c). */
#define DASH_SYNOPSIS \
    "[FILE] [--source mic|sim|board[:PORT]|FILE] [--device D] [--out-dir DIR] [--model M] " \
    "[--labels a,b,..] [--board auto|none|sim|emu|PORT] " \
    "[--dialect kwscope|micro_speech|edge-impulse] " \
    "[--collect WORDS [--data DIR] [--speaker NAME]] [--lab RESULTS.jsonl]"

/* `kwscope [FILE] [--source ...]`: the dashboard command (dash_main.c):
 * parses its options, opens the sources, model and board, runs the loop.
 * Returns the exit status (0, 1 runtime error, 2 usage error). */
int dash_main(int argc, char **argv);
/* The board's requests and events for one loop turn (dash_modes.c). */
void dash_loop_board(struct dash_loop *L, double now_s);
double dash_now_ms(void); /* monotonic clock */

#endif
