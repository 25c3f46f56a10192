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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MS 33          /* 30 fps cap */
#define FILL_BUDGET_FRAMES 3000 /* progressive analysis per loop turn (~30 s of audio) */

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

/* $XDG_STATE_HOME/kwscope/kwscope.log or ~/.local/state/kwscope/kwscope.log */
static const char *log_path(void)
{
    static char path[1024];
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char dir[900];
    if (xdg && *xdg)
        snprintf(dir, sizeof dir, "%s/kwscope", xdg);
    else
        snprintf(dir, sizeof dir, "%s/.local/state/kwscope", home && *home ? home : "/tmp");
    /* mkdir -p of the last three levels is enough for both layouts. */
    char tmp[900];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(tmp, 0755);
            *p = '/';
        }
    mkdir(tmp, 0755);
    snprintf(path, sizeof path, "%s/kwscope.log", dir);
    return path;
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

/* Visible views still filling in (long clips) get a slice of work per turn. */
static bool fill_progressively(struct loop *L)
{
    bool pending = false;
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

static int run_loop(struct loop *L)
{
    double last_draw = -1e9;
    bool pending = true;
    resize(L);
    while (!L->d.quit) {
        if (pending)
            pending = fill_progressively(L);
        L->dirty |= update_play(L);
        double wait = -1;
        if (L->dirty) {
            double due = last_draw + FRAME_MS - now_ms();
            if (due <= 0) {
                if (L->canvas) {
                    dash_draw(&L->d, L->canvas);
                    tui_curses_show(L->term, L->canvas);
                }
                last_draw = now_ms();
                L->dirty = false;
            } else {
                wait = due;
            }
        }
        if (!L->dirty)
            wait = pending ? 0 : L->d.play == DASH_PLAYING ? FRAME_MS : -1;
        struct pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {signal_pipe[0], POLLIN, 0}};
        int r = poll(fds, 2, wait < 0 ? -1 : (int)(wait + 0.999));
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
    fprintf(stderr, "usage: kwscope [FILE] [--source FILE]   (kwscope --help lists every command)\n");
    return 2;
}

int tui_cmd_dashboard(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--source")) {
            if (i + 1 >= argc)
                return usage("missing value for", "--source");
            const char *src = argv[++i];
            if (!strcmp(src, "mic") || !strcmp(src, "sim") || !strncmp(src, "board", 5)) {
                fprintf(stderr, "kwscope: --source %s: live sources are not in this build yet; "
                                "open a file instead\n", src);
                return 2;
            }
            path = src;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage("unknown option", argv[i]);
        } else if (path) {
            return usage("one FILE only; extra argument", argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (!path)
        path = demo_clip();

    struct tui_scope scope;
    char err[512];
    if (tui_scope_open(&scope, path, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope: %s\n", err);
        return 1;
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "kwscope: the dashboard needs a terminal (for a picture on stdout use "
                        "`kwscope plot`)\n");
        tui_scope_free(&scope);
        return 1;
    }
    setlocale(LC_ALL, "");
    if (pipe(signal_pipe) != 0) {
        fprintf(stderr, "kwscope: cannot create a pipe: %s\n", strerror(errno));
        tui_scope_free(&scope);
        return 1;
    }
    fcntl(signal_pipe[1], F_SETFL, O_NONBLOCK);

    struct loop L = {0};
    dash_init(&L.d, &scope);
    L.d.log_path = log_path();
    /* stderr -> log while curses owns the screen. */
    int saved_stderr = dup(STDERR_FILENO);
    int logfd = open(L.d.log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (logfd >= 0) {
        dup2(logfd, STDERR_FILENO);
        close(logfd);
    }
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
    if (saved_stderr >= 0) {
        dup2(saved_stderr, STDERR_FILENO);
        close(saved_stderr);
    }
    if (!L.term)
        fprintf(stderr, "kwscope: cannot initialise the terminal (TERM=%s)\n",
                getenv("TERM") ? getenv("TERM") : "");
    tui_canvas_free(L.canvas);
    free(L.term);
    tui_scope_free(&scope);
    return status;
}
