/* cmd_dashboard.c: `kwscope [FILE]`, the full-screen dashboard.
 *
 * One poll() loop over the terminal and a self-pipe for SIGINT/SIGTERM.
 * Samples/keys change the state (dash_key), the state is drawn into a canvas
 * (dash_draw) and the canvas shown by the curses backend, at most 30 times a
 * second and only when something changed: an idle dashboard sleeps in poll()
 * with no timeout. stderr goes to a log file while curses owns the screen, so
 * PortAudio/ALSA chatter never lands on it; every exit path restores the
 * terminal, including fatal signals. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "commands.h"
#include "dash.h"
#include "playback.h"
#include "render_curses.h"
#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MS 33          /* 30 fps cap */
#define MAX_LATENCIES 4096   /* frames whose latency KWSCOPE_FRAME_STATS keeps */

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
#define FILL_BUDGET_FRAMES 3000 /* progressive analysis per loop turn (~30 s of audio) */
#define MESSAGE_MS 5000        /* a footer message stays this long */
#define MODEL_BUDGET_ROWS 100   /* model windows per loop turn (~15 ms of inference) */

static int signal_pipe[2] = {-1, -1};
static struct tui_curses *active_term;

static void on_quit_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (write(signal_pipe[1], &b, 1) < 0) { /* nothing else is safe here */ }
    errno = saved;
}

/* A crash must not leave the terminal in raw mode. */
static void on_fatal_signal(int sig)
{
    if (active_term)
        endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void restore_terminal(void)
{
    tui_curses_stop(active_term);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int map_key(int ch)
{
    switch (ch) {
    case KEY_LEFT: return DASH_KEY_LEFT;
    case KEY_RIGHT: return DASH_KEY_RIGHT;
    case KEY_UP: return DASH_KEY_UP;
    case KEY_DOWN: return DASH_KEY_DOWN;
    case KEY_SLEFT: return DASH_KEY_SLEFT;
    case KEY_SRIGHT: return DASH_KEY_SRIGHT;
    case KEY_HOME: return DASH_KEY_HOME;
    case KEY_END: return DASH_KEY_END;
    case '\t': return DASH_KEY_TAB;
    case 27: return DASH_KEY_ESC;
    case KEY_RESIZE: return DASH_KEY_RESIZE;
    case KEY_ENTER: return DASH_KEY_ENTER;
    default: return ch;
    }
}

static const char *demo_clip(void)
{
    static char path[1024];
    const char *dir = getenv("KWSCOPE_DATADIR");
    snprintf(path, sizeof path, "%s/assets/demo.wav", dir && *dir ? dir : KWSCOPE_DATADIR);
    return path;
}

struct loop {
    struct dash d;
    struct tui_curses *term;
    struct tui_canvas *canvas;
    struct tui_player *player;
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

static void handle_play(struct loop *L, int want)
{
    struct dash *d = &L->d;
    if (want < 0) {
        tui_player_stop(L->player);
        d->play = DASH_STOPPED;
        d->tl.play_s = -1;
        return;
    }
    char err[160];
    if (!L->player && tui_player_open(&L->player, err, sizeof err) != KWS_OK) {
        snprintf(d->message, sizeof d->message, "%s", err);
        return;
    }
    double from, to;
    dash_play_range(d, &from, &to);
    size_t a = (size_t)(from * CAP_RATE_HZ), b = (size_t)(to * CAP_RATE_HZ);
    if (b > d->scope->clip.n_samples)
        b = d->scope->clip.n_samples;
    if (tui_player_start(L->player, d->scope->clip.samples, a, b, err, sizeof err) != KWS_OK) {
        snprintf(d->message, sizeof d->message, "%s", err);
        return;
    }
    d->play = DASH_PLAYING;
}

/* Follows the play head; returns true when it moved. */
static bool update_play(struct loop *L)
{
    struct dash *d = &L->d;
    if (d->play != DASH_PLAYING)
        return false;
    long pos = tui_player_position(L->player);
    if (pos < 0) {
        d->play = DASH_STOPPED;
        d->tl.play_s = -1;
        return true;
    }
    d->tl.play_s = (double)pos / CAP_RATE_HZ;
    double span = d->tl.t1_s - d->tl.t0_s;
    if (d->tl.play_s > d->tl.t1_s || d->tl.play_s < d->tl.t0_s) {
        d->tl.t0_s = d->tl.play_s;
        d->tl.t1_s = d->tl.play_s + span;
    }
    return true;
}

/* Visible views still filling in (long clips) get a slice of work per turn,
 * and so does the model's score track. */
static bool fill_progressively(struct loop *L)
{
    bool pending = false;
    if (L->d.model) {
        bool more;
        L->dirty |= dash_model_step(L->d.model, L->d.scope, MODEL_BUDGET_ROWS, &more);
        pending |= more;
    }
    for (int v = 0; v < TUI_VIEW_COUNT; v++) {
        struct tui_rect r;
        struct tui_scope *s = L->d.scope;
        if (s->computed[v] || !dash_view_rect(&L->d, (enum tui_view_id)v, &r))
            continue;
        bool done;
        if (tui_scope_step(s, (enum tui_view_id)v, FILL_BUDGET_FRAMES, &done) == KWS_OK && !done)
            pending = true;
        L->dirty = true;
    }
    return pending;
}

static void resize(struct loop *L)
{
    int w, h;
    tui_curses_size(L->term, &w, &h);
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    tui_canvas_free(L->canvas);
    L->canvas = tui_canvas_new(w, h, tui_curses_unicode(L->term), tui_curses_color_mode(L->term));
    tui_curses_invalidate(L->term);
    L->dirty = true;
}

static void read_keys(struct loop *L)
{
    int ch;
    while ((ch = getch()) != ERR) {
        int want = 0;
        if (ch == KEY_MOUSE) {
            MEVENT ev;
            if (getmouse(&ev) == OK && (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
                L->dirty |= dash_click(&L->d, ev.x, ev.y);
            continue;
        }
        if (ch == KEY_RESIZE)
            resize(L);
        L->dirty |= dash_key(&L->d, map_key(ch), &want);
        if (want)
            handle_play(L, want);
        if (L->d.quit)
            return;
    }
}

static void poll_live(struct loop *L, bool *pending)
{
    struct dash *d = &L->d;
    if (!d->live)
        return;
    double trimmed = 0, now = now_ms();
    int r = dash_live_poll(d->live, d->scope, now / 1e3, &trimmed, d->message, sizeof d->message);
    if (r > 0) {
        dash_follow(d, trimmed);
        dash_collect_step(d);
        *pending = true;
        L->dirty = true;
        L->stats.prev_read_ms = L->stats.read_ms;
        L->stats.read_ms = now;
        L->stats.fresh = true;
    } else if (r < 0 || d->message[0]) {
        L->dirty = true;
    }
    if (d->want_record) {
        d->want_record = false;
        dash_live_record(d->live, now / 1e3, d->message, sizeof d->message);
        L->dirty = true;
    }
    /* The recording clock in the header ticks even on a silent, paused screen. */
    static long last_tick;
    if (d->live->rec && (long)(now / 1e3) != last_tick) {
        last_tick = (long)(now / 1e3);
        L->dirty = true;
    }
}

/* 'b': the board's mic becomes the source (a live scope of its own), or the
 * home source comes back. The model starts its track over on either. */
static void toggle_board_mic(struct loop *L)
{
    struct dash *d = &L->d;
    struct dash_board *b = &L->board;
    if (b->mode == TUI_BOARD_MIC) {
        dash_live_free(&L->board_live);
        tui_scope_free(&L->board_scope);
        d->scope = L->home_scope;
        d->live = L->home_live;
        d->tl = L->home_tl;
        d->paused = L->home_paused;
        b->mode = TUI_BOARD_IDLE;
        snprintf(d->message, sizeof d->message, "board mic off: back to %.130s", d->scope->name);
    } else {
        char err[256];
        struct cap_source *src = dash_board_mic_source(b);
        if (!src || cap_source_start(src, err, sizeof err) != KWS_OK) {
            snprintf(d->message, sizeof d->message, "board mic: %.140s", src ? err : "out of memory");
            cap_source_close(src);
            return;
        }
        L->home_scope = d->scope;
        L->home_live = d->live;
        L->home_tl = d->tl;
        L->home_paused = d->paused;
        tui_scope_live(&L->board_scope, src->name, "board mic, PCM 16-bit, 16000 Hz, mono");
        L->board_scope.cmap = d->scope->cmap;
        dash_live_init(&L->board_live, src, L->live.out_dir);
        d->scope = &L->board_scope;
        d->live = &L->board_live;
        d->paused = false;
        d->tl = tui_timeline_full(DASH_LIVE_SPAN_S);
        dash_follow(d, 0);
        b->mode = TUI_BOARD_MIC;
        snprintf(d->message, sizeof d->message, "streaming the board's mic (b: back, r: record)");
    }
    if (d->model)
        dash_model_reset(d->model);
    for (int v = 0; v < TUI_VIEW_COUNT; v++)
        d->scope->computed[v] = false;
}

/* 'p': live audio is pushed continuously (toggle); a clip pushes the second
 * ending at the cursor (or the play head, or the first second). */
static void push_to_board(struct loop *L)
{
    struct dash *d = &L->d;
    struct dash_board *b = &L->board;
    if (b->mode == TUI_BOARD_MIC)
        toggle_board_mic(L);
    if (d->live) {
        b->mode = b->mode == TUI_BOARD_PUSH ? TUI_BOARD_IDLE : TUI_BOARD_PUSH;
        b->pushed_abs = 0;
        snprintf(d->message, sizeof d->message, "%s", b->mode == TUI_BOARD_PUSH
                 ? "pushing the live audio to the board (a result every 0.5 s; p stops)" : "push stopped");
        return;
    }
    double at = d->tl.cursor_s >= 0 ? d->tl.cursor_s : d->tl.play_s >= 0 ? d->tl.play_s : 1.0;
    dash_board_push_clip(b, d->scope, at);
    b->mode = TUI_BOARD_PUSH;
    snprintf(d->message, sizeof d->message, "pushed the second ending at %.2f s to the board",
             at < 1.0 ? 1.0 : at);
}

static void poll_board(struct loop *L)
{
    struct dash *d = &L->d;
    if (!d->board)
        return;
    int want = d->want_board;
    d->want_board = 0;
    if (want == 1)
        toggle_board_mic(L);
    else if (want == 2)
        push_to_board(L);
    else if (want == 3) {
        L->board.diff_view = !L->board.diff_view;
        if (L->board.diff_view)
            dash_board_request_features(&L->board);
    }
    if (want)
        L->dirty = true;
    if (L->board.mode == TUI_BOARD_PUSH && d->live)
        dash_board_push_live(&L->board, d->scope);
    L->dirty |= dash_board_poll(&L->board, now_ms() / 1e3, d->message, sizeof d->message);
}

static void note_frame(struct frame_stats *st, double end_ms)
{
    if (!st->path || !st->fresh || st->prev_read_ms <= 0)
        return;
    st->fresh = false;
    if (st->n < MAX_LATENCIES)
        st->latency_ms[st->n++] = (float)(end_ms - st->prev_read_ms);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static void write_stats(struct frame_stats *st, const struct tui_scope *s)
{
    if (!st->path)
        return;
    double audio_s = tui_scope_duration(s) + s->origin_s, wall_s = now_ms() / 1e3 - st->start_s;
    FILE *f = fopen(st->path, "w");
    if (!f)
        return;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    qsort(st->latency_ms, st->n, sizeof st->latency_ms[0], cmp_float);
    float med = st->n ? st->latency_ms[st->n / 2] : -1, p95 = st->n ? st->latency_ms[st->n * 95 / 100] : -1;
    float mx = st->n ? st->latency_ms[st->n - 1] : -1;
    fprintf(f, "{\"frames\": %zu, \"cpu_s\": %.4f, \"wall_s\": %.3f, \"audio_s\": %.3f, "
               "\"latency_ms_median\": %.2f, \"latency_ms_p95\": %.2f, \"latency_ms_max\": %.2f, "
               "\"latency_samples\": %zu}\n",
            st->frames, cpu, wall_s, audio_s, med, p95, mx, st->n);
    fclose(f);
}

/* Footer messages go after MESSAGE_MS unchanged; returns ms until then (-1: none). */
static double expire_message(struct loop *L)
{
    static char seen[sizeof L->d.message];
    static double since;
    double now = now_ms();
    if (strcmp(seen, L->d.message)) {
        snprintf(seen, sizeof seen, "%s", L->d.message);
        since = now;
    }
    if (!L->d.message[0])
        return -1;
    if (now - since >= MESSAGE_MS) {
        L->d.message[0] = seen[0] = '\0';
        L->dirty = true;
        return -1;
    }
    return MESSAGE_MS - (now - since);
}

static int run_loop(struct loop *L)
{
    double last_draw = -1e9;
    bool pending = true;
    resize(L);
    while (!L->d.quit) {
        double msg_wait = expire_message(L);
        poll_board(L);
        poll_live(L, &pending);
        if (pending)
            pending = fill_progressively(L);
        L->dirty |= update_play(L);
        double wait = -1;
        if (L->dirty) {
            double due = last_draw + FRAME_MS - now_ms();
            if (due <= 0) {
                if (L->canvas) {
                    L->d.now_s = now_ms() / 1e3;
                    dash_draw(&L->d, L->canvas);
                    tui_curses_show(L->term, L->canvas);
                }
                last_draw = now_ms();
                L->stats.frames++;
                note_frame(&L->stats, last_draw);
                L->dirty = false;
            } else {
                wait = due;
            }
        }
        bool ticking = L->d.play == DASH_PLAYING || L->d.live || (L->d.board && dash_board_busy(L->d.board));
        if (!L->dirty)
            wait = pending ? 0 : ticking ? FRAME_MS : -1;
        else if (ticking && (wait < 0 || wait > FRAME_MS))
            wait = FRAME_MS;
        if (msg_wait >= 0 && (wait < 0 || wait > msg_wait))
            wait = msg_wait;
        struct pollfd fds[4] = {{STDIN_FILENO, POLLIN, 0}, {signal_pipe[0], POLLIN, 0},
                                {L->d.board ? dash_board_fd(L->d.board, 0) : -1, POLLIN, 0},
                                {L->d.board ? dash_board_fd(L->d.board, 1) : -1, POLLIN, 0}};
        int r = poll(fds, 4, wait < 0 ? -1 : (int)(wait + 0.999));
        if (r < 0 && errno != EINTR)
            return 1;
        if (r > 0 && (fds[1].revents & POLLIN))
            return 0; /* SIGINT/SIGTERM: leave cleanly */
        if (r > 0 && (fds[0].revents & (POLLHUP | POLLERR)))
            return 1;
        read_keys(L); /* also after EINTR: SIGWINCH arrives as KEY_RESIZE */
    }
    return 0;
}

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "kwscope: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "usage: kwscope [FILE] [--source mic|sim|board[:PORT]|FILE] [--device D] "
                    "[--out-dir DIR] [--model M] [--labels a,b,c,d] [--board auto|none|sim|PORT] "
                    "[--dialect D] [--collect WORDS [--data DIR] [--speaker NAME]]   "
                    "(kwscope --help lists every command)\n");
    return 2;
}

struct dash_args {
    const char *path;     /* a file, or NULL */
    const char *source;   /* "mic", or NULL */
    const char *device;   /* --device */
    const char *out_dir;  /* --out-dir */
    const char *model;    /* --model (else $KWSCOPE_MODEL, else the default) */
    const char *labels;   /* --labels */
    const char *board;    /* --board auto|none|sim|PORT */
    bool board_mic;       /* --source sim|board[:PORT]: start on the board's mic */
    enum dev_dialect dialect; /* --dialect */
    const char *collect, *data, *speaker; /* collect mode: words, DATA_DIR, speaker */
};

static int parse_args(int argc, char **argv, struct dash_args *a)
{
    memset(a, 0, sizeof *a);
    a->labels = "silence,unknown,yes,no";
    a->board = "auto";
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--source") || !strcmp(o, "--device") || !strcmp(o, "--out-dir") ||
            !strcmp(o, "--model") || !strcmp(o, "--labels") || !strcmp(o, "--board") ||
            !strcmp(o, "--dialect") || !strcmp(o, "--collect") || !strcmp(o, "--data") ||
            !strcmp(o, "--speaker")) {
            if (i + 1 >= argc)
                return usage("missing value for", o);
            const char *v = argv[++i];
            if (!strcmp(o, "--collect"))
                a->collect = v;
            else if (!strcmp(o, "--data"))
                a->data = v;
            else if (!strcmp(o, "--speaker")) {
                if (!*v || strpbrk(v, "/_ ") || strlen(v) >= 64)
                    return usage("--speaker needs a short name without '/', '_' or spaces; got", v);
                a->speaker = v;
            } else if (!strcmp(o, "--board"))
                a->board = v;
            else if (!strcmp(o, "--dialect")) {
                if (dev_dialect_parse(v, &a->dialect) != KWS_OK)
                    return usage("--dialect wants kwscope, micro_speech or edge-impulse; got", v);
            } else if (!strcmp(o, "--model"))
                a->model = v;
            else if (!strcmp(o, "--labels"))
                a->labels = v;
            else if (!strcmp(o, "--device"))
                a->device = v;
            else if (!strcmp(o, "--out-dir"))
                a->out_dir = v;
            else if (!strcmp(v, "mic"))
                a->source = v;
            else if (!strcmp(v, "sim")) {
                a->board = "sim";
                a->board_mic = true;
            } else if (!strcmp(v, "board") || !strncmp(v, "board:", 6)) {
                a->board = v[5] == ':' && v[6] ? v + 6 : "auto";
                a->board_mic = true;
            } else if (a->path)
                return usage("one source only; extra", v);
            else
                a->path = v;
        } else if (o[0] == '-' && o[1]) {
            return usage("unknown option", o);
        } else if (a->path || a->source) {
            return usage("one source only; extra argument", o);
        } else {
            a->path = o;
        }
    }
    return 0;
}

/* Opens and starts the PC mic, with PortAudio's start-up noise in the log. */
static enum kws_status open_mic(const char *device, struct cap_source **src, char *err, size_t len)
{
    int quiet = cap_quiet_stderr_begin();
    enum kws_status st = cap_mic_source_open(device, src, err, len);
    if (st == KWS_OK && (st = cap_source_start(*src, err, len)) != KWS_OK) {
        cap_source_close(*src);
        *src = NULL;
    }
    cap_quiet_stderr_end(quiet);
    return st;
}

/* The scope to show: the mic live (asked for, or no FILE and a mic exists),
 * else the file, else the demo clip with the reason in the footer. */
static int open_source(const struct dash_args *a, struct tui_scope *scope, struct cap_source **mic,
                       char *note, size_t note_len)
{
    char err[512];
    *mic = NULL;
    note[0] = '\0';
    if (a->board_mic) { /* the board's mic comes later; the demo clip is home */
        if (tui_scope_open(scope, a->path ? a->path : demo_clip(), err, sizeof err) != KWS_OK) {
            fprintf(stderr, "kwscope: %s\n", err);
            return 1;
        }
        return 0;
    }
    if (a->source || !a->path) {
        if (open_mic(a->device, mic, err, sizeof err) == KWS_OK) {
            char fmt[160];
            cap_format_describe(&(*mic)->original, fmt, sizeof fmt);
            char *comma = strstr(fmt, ", 0.00 s"); /* a stream has no length */
            if (comma)
                *comma = '\0';
            tui_scope_live(scope, (*mic)->name, fmt);
            scope->clip.original = (*mic)->original;
            return 0;
        }
        if (a->source) {
            fprintf(stderr, "kwscope: --source mic: %s\n", err);
            return 1;
        }
        snprintf(note, note_len, "no microphone (%s): showing the demo clip", err);
    }
    const char *path = a->path ? a->path : demo_clip();
    if (tui_scope_open(scope, path, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope: %s\n", err);
        return 1;
    }
    return 0;
}

int tui_cmd_dashboard(int argc, char **argv)
{
    struct dash_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc;
    struct tui_scope scope;
    struct cap_source *mic;
    char note[600];
    if ((rc = open_source(&a, &scope, &mic, note, sizeof note)))
        return rc;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "kwscope: the dashboard needs a terminal (for a picture on stdout use "
                        "`kwscope plot`)\n");
        cap_source_close(mic);
        tui_scope_free(&scope);
        return 1;
    }
    setlocale(LC_ALL, "");
    if (pipe(signal_pipe) != 0) {
        fprintf(stderr, "kwscope: cannot create a pipe: %s\n", strerror(errno));
        cap_source_close(mic);
        tui_scope_free(&scope);
        return 1;
    }
    fcntl(signal_pipe[1], F_SETFL, O_NONBLOCK);

    static struct loop L; /* big (latency samples); one dashboard per process */
    memset(&L, 0, sizeof L);
    L.stats.path = getenv("KWSCOPE_FRAME_STATS");
    L.stats.start_s = now_ms() / 1e3;
    dash_init(&L.d, &scope);
    if (mic) {
        dash_live_init(&L.live, mic, a.out_dir);
        L.d.live = &L.live;
        L.d.source_label = "mic";
        L.d.tl = tui_timeline_full(DASH_LIVE_SPAN_S);
        dash_follow(&L.d, 0);
    }
    char merr[512];
    if (dash_model_open(&L.model, a.model, a.labels, merr, sizeof merr) == KWS_OK) {
        L.d.model = &L.model;
    } else if (a.model) { /* asked for explicitly: an error, not a note */
        fprintf(stderr, "kwscope: %s\n", merr);
        dash_live_free(&L.live);
        tui_scope_free(&scope);
        return 1;
    } else {
        snprintf(note + strlen(note), sizeof note - strlen(note), "%sno model: %s", note[0] ? "; " : "", merr);
    }
    if (strcmp(a.board, "none")) {
        /* The virtual board's mic plays the home clip (a file) or the demo clip. */
        struct cap_clip demo = {0};
        const struct cap_clip *sim_mic = &scope.clip;
        if (mic && cap_clip_load(demo_clip(), &demo, merr, sizeof merr) == KWS_OK)
            sim_mic = &demo;
        enum kws_status bst = dash_board_open(&L.board, a.board, a.dialect, a.model, a.labels, sim_mic,
                                              merr, sizeof merr);
        cap_clip_free(&demo);
        if (bst == KWS_OK) {
            L.d.board = &L.board;
        } else if (strcmp(a.board, "auto")) { /* asked for: an error */
            fprintf(stderr, "kwscope: board %s: %s\n", a.board, merr);
            dash_model_free(&L.model);
            dash_live_free(&L.live);
            tui_scope_free(&scope);
            return 1;
        }
        if (L.d.board && a.board_mic)
            L.d.want_board = 1;
    }
    if (a.collect) {
        dash_collect_init(&L.collect, a.collect, a.data, a.speaker);
        L.d.collect = &L.collect;
    }
    snprintf(L.d.message, sizeof L.d.message, "%s", note);
    char logbuf[1100];
    L.d.log_path = cap_log_path(logbuf, sizeof logbuf);
    /* stderr -> log while curses owns the screen. */
    int saved_stderr = cap_quiet_stderr_begin();
    L.term = tui_curses_start(stdout, stdin);
    int status = 1;
    if (L.term) {
        active_term = L.term;
        atexit(restore_terminal);
        struct sigaction sa = {0};
        sa.sa_handler = on_quit_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        sa.sa_handler = on_fatal_signal;
        sigaction(SIGSEGV, &sa, NULL);
        sigaction(SIGBUS, &sa, NULL);
        sigaction(SIGFPE, &sa, NULL);
        sigaction(SIGABRT, &sa, NULL);
        status = run_loop(&L);
        tui_player_close(L.player);
        tui_curses_stop(L.term);
        active_term = NULL;
    }
    cap_quiet_stderr_end(saved_stderr);
    write_stats(&L.stats, L.d.scope);
    if (L.d.live && L.live.rec)
        fprintf(stderr, "kwscope: recording saved to %s\n", L.live.rec_path);
    if (L.d.live)
        dash_live_free(&L.live);
    if (L.board.mode == TUI_BOARD_MIC) {
        if (L.board_live.rec)
            fprintf(stderr, "kwscope: recording saved to %s\n", L.board_live.rec_path);
        dash_live_free(&L.board_live);
        tui_scope_free(&L.board_scope);
    }
    if (L.d.board)
        dash_board_free(&L.board);
    if (L.d.model)
        dash_model_free(&L.model);
    if (!L.term)
        fprintf(stderr, "kwscope: cannot initialise the terminal (TERM=%s)\n",
                getenv("TERM") ? getenv("TERM") : "");
    tui_canvas_free(L.canvas);
    free(L.term);
    tui_scope_free(&scope);
    return status;
}
