/* dash_loop.c: the dashboard's main loop (private to tui/).
 *
 * One poll() over the terminal, a self-pipe for SIGINT/SIGTERM and the
 * board's fds. Samples/keys change the state (dash_key), the state is drawn
 * into a canvas (dash_draw) and the canvas shown by the curses backend, at
 * most 30 times a second and only when something changed: an idle dashboard
 * on a file sleeps in poll() with no timeout; a live one turns every frame.
 * stderr goes to a log file while curses owns the screen, so PortAudio/ALSA
 * chatter never lands on it; every exit path restores the terminal,
 * including fatal signals. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "dash.h"
#include "lab.h"
#include "tui/tui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MS 33            /* 30 fps cap */
#define FILL_BUDGET_FRAMES 500 /* progressive analysis per loop turn (~5 s of audio, ~10 ms) */
#define MESSAGE_MS 5000        /* a footer message stays this long */
#define MODEL_BUDGET_ROWS 100  /* model windows per loop turn (~15 ms of inference) */

static int signal_pipe[2] = { -1, -1 };
static struct tui_curses *active_term;
/* Set by SIGINT/SIGTERM/SIGHUP; the pipe wakes poll(), the flag lets a long
 * turn (catching up after a stall: a board's backlog, a frame) stop early. */
static volatile sig_atomic_t quit_signal;

static void on_quit_signal(int sig)
{
    int saved = errno;
    quit_signal = 1;
    unsigned char b = (unsigned char)sig;
    if (write(signal_pipe[1], &b, 1) < 0) { /* nothing else is safe here */
    }
    errno = saved;
}

/* A crash must not leave the terminal in raw mode. */
static void on_fatal_signal(int sig)
{
    if (active_term) endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void restore_terminal(void)
{
    tui_curses_stop(active_term);
}

double dash_now_ms(void)
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
    case KEY_PPAGE: return DASH_KEY_PGUP;
    case KEY_NPAGE: return DASH_KEY_PGDN;
    default: return ch;
    }
}

static void handle_play(struct dash_loop *L, int want)
{
    struct dash *d = &L->d;
    if (want < 0) {
        cap_player_stop(L->player);
        d->play = DASH_STOPPED;
        d->tl.play_s = -1;
        return;
    }
    char err[160];
    if (!L->player && cap_player_open(&L->player, err, sizeof err) != KWS_OK) {
        dash_say(d, DASH_MSG_ERROR, "%s", err);
        return;
    }
    double from, to;
    dash_play_range(d, &from, &to);
    size_t a = (size_t)(from * CAP_RATE_HZ), b = (size_t)(to * CAP_RATE_HZ);
    if (b > d->scope->clip.n_samples) b = d->scope->clip.n_samples;
    if (cap_player_start(L->player, d->scope->clip.samples, a, b, err, sizeof err) != KWS_OK) {
        dash_say(d, DASH_MSG_ERROR, "%s", err);
        return;
    }
    d->play = DASH_PLAYING;
}

/* Follows the play head; returns true when it moved. */
static bool update_play(struct dash_loop *L)
{
    struct dash *d = &L->d;
    if (d->play != DASH_PLAYING) return false;
    long pos = cap_player_position(L->player);
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
static bool fill_progressively(struct dash_loop *L)
{
    bool pending = false;
    if (L->d.model) {
        bool more;
        L->dirty |= dash_model_step(L->d.model, L->d.scope, MODEL_BUDGET_ROWS, &more);
        pending |= more;
    }
    struct tui_scope *s = L->d.scope;
    for (int v = TUI_VIEW_SPECTRUM; v < TUI_VIEW_COUNT && !quit_signal; v++) {
        struct tui_rect r;
        if (s->computed[v] || !dash_view_rect(&L->d, (enum tui_view_id)v, &r)) continue;
        bool done;
        size_t before = s->rows_ready[v];
        if (tui_scope_step(s, (enum tui_view_id)v, FILL_BUDGET_FRAMES, &done) == KWS_OK && !done)
            pending = true;
        if (done || s->rows_ready[v] != before) L->dirty = true;
    }
    return pending;
}

static void resize(struct dash_loop *L)
{
    int w, h;
    tui_curses_size(L->term, &w, &h);
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    tui_canvas_free(L->canvas);
    /* NO_COLOR (no-color.org): any non-empty value turns colour off, as
     * `kwscope plot` does; the density ramps then carry the values. */
    const char *no_color = getenv("NO_COLOR");
    enum tui_color_mode mode =
        no_color && *no_color ? TUI_COLOR_NONE : tui_curses_color_mode(L->term);
    L->canvas = tui_canvas_new(w, h, tui_curses_unicode(L->term), mode);
    tui_curses_invalidate(L->term);
    L->dirty = true;
}

static void read_keys(struct dash_loop *L)
{
    int ch;
    while ((ch = getch()) != ERR) {
        int want = 0;
        if (ch == KEY_MOUSE) {
            MEVENT ev;
            if (getmouse(&ev) == OK && (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
                L->dirty |= dash_click(&L->d, ev.x, ev.y);
            L->d.redraw_all = true;
            continue;
        }
        L->d.redraw_all = true;
        if (ch == KEY_RESIZE) resize(L);
        L->dirty |= dash_key(&L->d, map_key(ch), &want);
        if (want) handle_play(L, want);
        if (L->d.quit) return;
    }
}

static void poll_live(struct dash_loop *L, bool *pending)
{
    struct dash *d = &L->d;
    if (!d->live) return;
    double trimmed = 0, now = dash_now_ms();
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

/* Footer messages go after MESSAGE_MS unchanged; returns ms until then (-1: none). */
static double expire_message(struct dash_loop *L)
{
    static char seen[sizeof L->d.message];
    static double since;
    double now = dash_now_ms();
    if (strcmp(seen, L->d.message)) {
        snprintf(seen, sizeof seen, "%s", L->d.message);
        since = now;
    }
    if (!L->d.message[0]) return -1;
    if (now - since >= MESSAGE_MS) {
        L->d.message[0] = seen[0] = '\0';
        L->dirty = true;
        return -1;
    }
    return MESSAGE_MS - (now - since);
}

static int run_loop(struct dash_loop *L)
{
    double last_draw = -1e9;
    bool pending = true;
    resize(L);
    while (!L->d.quit && !quit_signal) {
        double msg_wait = expire_message(L);
        dash_loop_board(L, dash_now_ms() / 1e3);
        if (quit_signal) break;
        poll_live(L, &pending);
        /* Every turn: a view shown for the first time (any key order, the
         * grid) or a source that grew gets its next slice of work. */
        if (quit_signal) break;
        pending = fill_progressively(L);
        L->dirty |= update_play(L);
        double wait = -1;
        if (L->dirty && !quit_signal) {
            double due = last_draw + FRAME_MS - dash_now_ms();
            if (due <= 0) {
                if (L->canvas) {
                    L->d.now_s = dash_now_ms() / 1e3;
                    dash_draw(&L->d, L->canvas);
                    tui_curses_show(L->term, L->canvas);
                }
                last_draw = dash_now_ms();
                L->stats.frames++;
                dash_stats_frame(&L->stats, last_draw);
                L->dirty = false;
            } else {
                wait = due;
            }
        }
        bool ticking =
            L->d.play == DASH_PLAYING || L->d.live || (L->d.board && dash_board_busy(L->d.board));
        if (!L->dirty)
            wait = pending ? 0 : ticking ? FRAME_MS : -1;
        else if (ticking && (wait < 0 || wait > FRAME_MS))
            wait = FRAME_MS;
        if (msg_wait >= 0 && (wait < 0 || wait > msg_wait)) wait = msg_wait;
        struct pollfd fds[4] = { { STDIN_FILENO, POLLIN, 0 },
                                 { signal_pipe[0], POLLIN, 0 },
                                 { L->d.board ? dash_board_fd(L->d.board, 0) : -1, POLLIN, 0 },
                                 { L->d.board ? dash_board_fd(L->d.board, 1) : -1, POLLIN, 0 } };
        if (L->d.board && dash_board_tx_waiting(L->d.board))
            fds[3].events |= POLLOUT; /* the virtual board has bytes for the pty */
        int r = poll(fds, 4, wait < 0 ? -1 : (int)(wait + 0.999));
        if (r < 0 && errno != EINTR) return 1;
        if (r > 0 && (fds[1].revents & POLLIN)) return 0; /* SIGINT/SIGTERM: leave cleanly */
        if (r > 0 && (fds[0].revents & (POLLHUP | POLLERR))) return 1;
        read_keys(L);                        /* also after EINTR: SIGWINCH arrives as KEY_RESIZE */
        if (L->d.lab && L->d.lab->swapped) { /* a lab variant is the model now: score it */
            L->d.lab->swapped = false;
            pending = true;
        }
    }
    return 0;
}

int dash_loop_run(struct dash_loop *L)
{
    setlocale(LC_ALL, "");
    if (pipe(signal_pipe) != 0) {
        fprintf(stderr, "kwscope: cannot create a pipe: %s\n", strerror(errno));
        return 1;
    }
    fcntl(signal_pipe[1], F_SETFL, O_NONBLOCK);
    char logbuf[1100];
    L->d.log_path = cap_log_path(logbuf, sizeof logbuf);
    /* stderr -> log while curses owns the screen. */
    int saved_stderr = cap_quiet_stderr_begin();
    L->term = tui_curses_start(stdout, stdin);
    int status = 1;
    if (L->term) {
        active_term = L->term;
        atexit(restore_terminal);
        struct sigaction sa = { 0 };
        sa.sa_handler = on_quit_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        sa.sa_handler = on_fatal_signal;
        sigaction(SIGSEGV, &sa, NULL);
        sigaction(SIGBUS, &sa, NULL);
        sigaction(SIGFPE, &sa, NULL);
        sigaction(SIGABRT, &sa, NULL);
        status = run_loop(L);
        /* Restoring the terminal must not stop us: a dashboard continued in
         * the background (Ctrl-Z, bg, then a signal) would get SIGTTOU from
         * tcsetattr and hang stopped instead of leaving. */
        signal(SIGTTOU, SIG_IGN);
        cap_player_close(L->player);
        tui_curses_stop(L->term);
        active_term = NULL;
    }
    cap_quiet_stderr_end(saved_stderr);
    if (!L->term)
        fprintf(stderr, "kwscope: cannot initialise the terminal (TERM=%s)\n",
                getenv("TERM") ? getenv("TERM") : "");
    tui_canvas_free(L->canvas);
    tui_canvas_free(L->d.held);
    L->d.held = NULL;
    free(L->term);
    L->canvas = NULL;
    L->term = NULL;
    return status;
}
