/* dash_main.c: `kwscope [FILE]`, the full-screen dashboard: the command
 * line, the sources (file, PC mic, board), the model and the board are set
 * up here; dash_loop.c runs the screen. Errors before the screen is taken
 * (bad file, no mic when asked for, bad model) are one line and a non-zero
 * exit. */
#include "dash.h"
#include "lab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *demo_clip(void)
{
    static char path[1024];
    const char *dir = getenv("KWSCOPE_DATADIR");
    snprintf(path, sizeof path, "%s/assets/demo.wav", dir && *dir ? dir : KWSCOPE_DATADIR);
    return path;
}

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "kwscope: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "usage: kwscope " DASH_SYNOPSIS "   (kwscope --help lists every command)\n");
    return 2;
}

struct dash_args {
    const char *path;                     /* a file, or NULL */
    const char *source;                   /* "mic", or NULL */
    const char *device;                   /* --device */
    const char *out_dir;                  /* --out-dir */
    const char *model;                    /* --model (else $KWSCOPE_MODEL, else the default) */
    const char *labels;                   /* --labels */
    const char *board;                    /* --board auto|none|sim|PORT */
    bool board_mic;                       /* --source sim|board[:PORT]: start on the board's mic */
    enum dev_dialect dialect;             /* --dialect */
    const char *collect, *data, *speaker; /* collect mode: words, DATA_DIR, speaker */
    const char *lab;                      /* --lab: kwscope lab's results.jsonl */
};

/* Each word of --collect becomes a folder of the data set. */
static bool collect_words_ok(const char *words)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", words);
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ","))
        if (!cap_name_is_component(t)) return false;
    return true;
}

static int parse_args(int argc, char **argv, struct dash_args *a)
{
    memset(a, 0, sizeof *a);
    a->labels = "silence,unknown,yes,no";
    a->board = "auto";
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--") && i + 1 < argc) { /* the end of options: a FILE follows */
            if (a->path || a->source || i + 2 < argc)
                return usage("one source only; extra argument", argv[argc - 1]);
            a->path = argv[i + 1];
            break;
        }
        if (!strcmp(o, "--source") || !strcmp(o, "--device") || !strcmp(o, "--out-dir") ||
            !strcmp(o, "--model") || !strcmp(o, "--labels") || !strcmp(o, "--board") ||
            !strcmp(o, "--dialect") || !strcmp(o, "--collect") || !strcmp(o, "--data") ||
            !strcmp(o, "--speaker") || !strcmp(o, "--lab")) {
            if (i + 1 >= argc) return usage("missing value for", o);
            const char *v = argv[++i];
            if (!strcmp(o, "--collect")) {
                if (!collect_words_ok(v))
                    return usage("--collect wants words that can be folder names (no '/', "
                                 "no leading '.', no control characters)",
                                 NULL);
                a->collect = v;
            } else if (!strcmp(o, "--lab"))
                a->lab = v;
            else if (!strcmp(o, "--data"))
                a->data = v;
            else if (!strcmp(o, "--speaker")) {
                if (!cap_name_is_component(v) || strpbrk(v, "_ ") || strlen(v) >= 64)
                    return usage("--speaker needs a short name without '/', '_', spaces, a "
                                 "leading '.' or control characters",
                                 NULL);
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
                       char *note, size_t note_len, const char **fallback)
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
            if (comma) *comma = '\0';
            tui_scope_live(scope, (*mic)->name, fmt);
            scope->clip.original = (*mic)->original;
            return 0;
        }
        if (a->source) {
            fprintf(stderr, "kwscope: --source mic: %s\n", err);
            return 1;
        }
        snprintf(note, note_len, "no microphone (%s): showing the demo clip", err);
        if (!a->path) *fallback = "demo clip (no microphone)";
    }
    const char *path = a->path ? a->path : demo_clip();
    if (tui_scope_open(scope, path, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope: %s\n", err);
        return 1;
    }
    return 0;
}

/* While the dashboard runs, library log lines (the board's state changes)
 * go to the log file: printed to the terminal they would reappear under the
 * shell prompt after the screen is given back. */
static void log_to_file(enum kws_log_level level, const char *msg, void *user)
{
    static const char *names[] = { "debug", "info", "warning", "error" };
    char path[1100];
    (void)user;
    if (level < KWS_LOG_INFO || !cap_log_path(path, sizeof path)) return;
    FILE *f = fopen(path, "a");
    if (f) {
        fprintf(f, "kwscope: %s: %s\n", names[level], msg);
        fclose(f);
    }
}

int dash_main(int argc, char **argv)
{
    struct dash_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc;
    /* The lab's rows first: a bad file is an error before any device opens. */
    static struct dash_lab lab;
    char lerr[600];
    if (a.lab && dash_lab_open(&lab, a.lab, NULL, lerr, sizeof lerr) != KWS_OK) {
        fprintf(stderr, "kwscope: %s\n", lerr);
        return 1;
    }
    struct tui_scope scope;
    struct cap_source *mic;
    char note[600];
    const char *fallback = NULL;
    if ((rc = open_source(&a, &scope, &mic, note, sizeof note, &fallback))) return rc;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr,
                "kwscope: the dashboard needs a terminal (for a picture on stdout use "
                "`kwscope plot`)\n");
        cap_source_close(mic);
        tui_scope_free(&scope);
        return 1;
    }
    kws_log_set(log_to_file, NULL);
    static struct dash_loop L; /* big (latency samples); one dashboard per process */
    memset(&L, 0, sizeof L);
    L.stats.path = getenv("KWSCOPE_FRAME_STATS");
    L.stats.start_s = dash_now_ms() / 1e3;
    dash_init(&L.d, &scope);
    L.d.fallback = fallback;
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
        snprintf(note + strlen(note), sizeof note - strlen(note), "%sno model: %s",
                 note[0] ? "; " : "", merr);
    }
    if (strcmp(a.board, "none")) {
        /* The virtual board's mic plays the home clip (a file) or the demo clip. */
        struct cap_clip demo = { 0 };
        const struct cap_clip *sim_mic = &scope.clip;
        if (mic && cap_clip_load(demo_clip(), &demo, merr, sizeof merr) == KWS_OK) sim_mic = &demo;
        enum kws_status bst = dash_board_open(&L.board, a.board, a.dialect, a.model, a.labels,
                                              sim_mic, merr, sizeof merr);
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
        if (L.d.board && a.board_mic) L.d.want_board = 1;
    }
    if (a.collect) {
        dash_collect_init(&L.collect, a.collect, a.data, a.speaker);
        L.d.collect = &L.collect;
    }
    snprintf(L.d.message, sizeof L.d.message, "%s", note);
    if (a.lab && lab.rows) {
        L.d.lab = &lab;
        lab.slot = &L.model;
        lab.shown = true;
    }
    int status = dash_loop_run(&L);
    dash_stats_write(&L.stats, L.d.scope, dash_now_ms() / 1e3);
    if (L.d.live && L.live.rec)
        fprintf(stderr, "kwscope: recording saved to %s\n", L.live.rec_path);
    if (L.d.live) dash_live_free(&L.live);
    if (L.board.mode == TUI_BOARD_MIC) {
        if (L.board_live.rec)
            fprintf(stderr, "kwscope: recording saved to %s\n", L.board_live.rec_path);
        dash_live_free(&L.board_live);
        tui_scope_free(&L.board_scope);
    }
    if (L.d.board) dash_board_free(&L.board);
    if (L.d.model) dash_model_free(&L.model);
    dash_lab_close(&lab);
    tui_scope_free(&scope);
    kws_log_set(NULL, NULL);
    return status;
}
