/* cmd_collect.c: `kwscope collect --words yes,no [--source mic|sim|board[:PORT]]
 * [--device D] [--count N] [--speaker NAME] DATA_DIR`: builds a Speech
 * Commands style data set with the microphone the board will hear.
 *
 * For each take: prompts the word, records 2 s from the source, keeps the 1 s
 * window centred on the utterance (cap_take_centre, shared with the
 * dashboard's collect mode), shows its waveform and the model's int8
 * features (the same views as `kwscope plot`) and asks keep / redo / quit.
 * Kept clips go to DATA_DIR/WORD/SPEAKER_nohash_N.wav (N = next free number),
 * so one speaker's clips share a split under the Speech Commands rule.
 *
 * The source is a capture source: the PC mic through PortAudio, or the
 * board's mic streamed over the protocol (a real board, or the virtual one),
 * so a data set can be recorded with the board's own microphone. Answers are
 * read a line at a time from stdin (empty = keep), so it can be scripted. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli.h"
#include "dash/dash.h"
#include "tui/tui.h"

#define TAKE CAP_TAKE_SAMPLES

/* The take as `kwscope plot` would draw it: waveform, then features. */
static void show_take(const int16_t *clip, size_t n)
{
    struct cap_clip c = { malloc(n * sizeof *clip), n, { .rate_hz = KWS_RATE_HZ, .channels = 1 } };
    if (!c.samples) return;
    memcpy(c.samples, clip, n * sizeof *clip);
    struct tui_scope s;
    tui_scope_adopt(&s, "take", &c);
    bool utf8 = tui_locale_utf8() && isatty(STDOUT_FILENO);
    int colors = isatty(STDOUT_FILENO) ? tui_term_colors(STDOUT_FILENO) : 0;
    struct tui_canvas *cv = tui_canvas_new(80, 12, utf8,
                                           colors >= 256     ? TUI_COLOR_256
                                               : colors >= 8 ? TUI_COLOR_8
                                                             : TUI_COLOR_NONE);
    struct tui_timeline tl = tui_timeline_full(tui_scope_duration(&s));
    for (int v = 0; v < 2 && cv; v++) {
        tui_canvas_clear(cv);
        tui_scope_draw(&s, v ? TUI_VIEW_FEATURES : TUI_VIEW_WAVE, cv,
                       (struct tui_rect){ 0, 0, 80, 12 }, &tl);
        tui_render_text(cv, stdout);
    }
    tui_canvas_free(cv);
    tui_scope_free(&s);
}

/* Where the audio comes from: the PC mic, or a board's mic (the board
 * session is pumped while reading). */
struct take_source {
    struct cap_source *src;
    struct dash_board board;
    bool have_board;
};

static int open_take_source(struct take_source *t, const char *source, const char *device,
                            char *err, size_t len)
{
    memset(t, 0, sizeof *t);
    if (!strcmp(source, "mic")) {
        int quiet = cap_quiet_stderr_begin();
        enum kws_status st = cap_mic_source_open(device, &t->src, err, len);
        if (st == KWS_OK && (st = cap_source_start(t->src, err, len)) != KWS_OK) {
            cap_source_close(t->src);
            t->src = NULL;
        }
        cap_quiet_stderr_end(quiet);
        return st == KWS_OK ? 0 : -1;
    }
    const char *which = !strcmp(source, "sim") ? "sim"
        : !strcmp(source, "board")             ? "auto"
        : !strncmp(source, "board:", 6)        ? source + 6
                                               : NULL;
    if (!which) {
        snprintf(err, len, "--source wants mic, sim, board or board:PORT, not '%s'", source);
        return -2;
    }
    /* The virtual board's mic plays the demo clip: a stand-in speaker. */
    struct cap_clip demo = { 0 };
    char path[1024];
    snprintf(path, sizeof path, "%s/assets/demo.wav", KWSCOPE_DATADIR);
    cap_clip_load(path, &demo, err, len);
    enum kws_status st =
        dash_board_open(&t->board, which, DEV_DIALECT_KWSCOPE, NULL, NULL, &demo, err, len);
    cap_clip_free(&demo);
    if (st != KWS_OK) return -1;
    t->have_board = true;
    t->src = dash_board_mic_source(&t->board);
    if (!t->src || cap_source_start(t->src, err, len) != KWS_OK) return -1;
    return 0;
}

static void close_take_source(struct take_source *t)
{
    cap_source_close(t->src);
    if (t->have_board) dash_board_free(&t->board);
}

/* Records n samples (dropping what came before: the take starts now). */
static int record(struct take_source *t, int16_t *buf, size_t n, char *err, size_t err_len)
{
    int16_t junk[1024];
    char msg[256];
    if (t->have_board) dash_board_poll(&t->board, dev_now(), msg, sizeof msg);
    while (cap_source_read(t->src, junk, 1024) > 0) {}
    size_t got = 0;
    double deadline = dev_now() + 10.0 + (double)n / KWS_RATE_HZ;
    while (got < n) {
        if (t->have_board) dash_board_poll(&t->board, dev_now(), msg, sizeof msg);
        size_t k = cap_source_read(t->src, buf + got, n - got);
        got += k;
        if (k) continue;
        if (cap_source_finished(t->src) || dev_now() > deadline) {
            snprintf(err, err_len, "recording failed: %s after %.2f s",
                     cap_source_finished(t->src) ? "the source stopped" : "no audio",
                     (double)got / KWS_RATE_HZ);
            return -1;
        }
        nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
    }
    return 0;
}

/* Board session chatter goes nowhere here; warnings and errors to stderr. */
static void quiet_log(enum kws_log_level level, const char *msg, void *user)
{
    (void)user;
    if (level >= KWS_LOG_WARN) fprintf(stderr, "kwscope: collect: %s\n", msg);
}

/* A speaker names files SPEAKER_nohash_N.wav: a single name without '_'
 * (which would break the rule that keeps one speaker's clips in one split)
 * or spaces, shorter than max. 1 if good, else 0 (reported). */
static int speaker_ok(const char *s, size_t max)
{
    if (cli_name_option("kwscope collect", "--speaker", s)) return 0;
    if (!strpbrk(s, "_ ") && strlen(s) < max) return 1;
    fprintf(stderr, "kwscope collect: --speaker needs a short name without '_' or spaces\n");
    return 0;
}

/* --words into words (at most max): how many, or 0 when one is not a single
 * name or there are none (reported). */
static int split_words(char *buf, const char **words, int max)
{
    int n = 0;
    for (char *t = strtok(buf, ","); t && n < max; t = strtok(NULL, ",")) {
        if (cli_name_option("kwscope collect", "--words", t)) return 0;
        words[n++] = t;
    }
    if (!n) fprintf(stderr, "kwscope: collect: --words is empty\n");
    return n;
}

static int usage(void)
{
    cli_usage(stderr, "collect", NULL);
    return 2;
}

/* Opens the source, then the data folder (only once the source works, so a
 * failed start leaves nothing behind): 0, or the exit status after one
 * error line (2 for a bad source name, 1 else). */
static int start_collect(struct take_source *ts, const char *source, const char *device,
                         const char *dir)
{
    char err[256];
    int orc = open_take_source(ts, source, device, err, sizeof err);
    if (orc) {
        fprintf(stderr, "kwscope: collect: %s\n", err);
        close_take_source(ts);
        return orc == -2 ? 2 : 1;
    }
    if (mkdir(dir, 0777) && errno != EEXIST) {
        fprintf(stderr, "kwscope: collect: %s: %s\n", dir, strerror(errno));
        close_take_source(ts);
        return 1;
    }
    return 0;
}

int cli_cmd_collect(int argc, char **argv)
{
    static const struct option opts[] = {
        { "words", required_argument, 0, 'w' },
        { "source", required_argument, 0, 's' },
        { "count", required_argument, 0, 'c' },
        { "speaker", required_argument, 0, 'p' },
        { "device", required_argument, 0, 'd' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    char words_buf[256] = "yes,no", speaker[64] = "me";
    const char *source = "mic", *device = NULL;
    int count = 10;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'w': snprintf(words_buf, sizeof words_buf, "%s", optarg); break;
        case 'p':
            if (!speaker_ok(optarg, sizeof speaker)) return 2;
            snprintf(speaker, sizeof speaker, "%s", optarg);
            break;
        case 's': source = optarg; break;
        case 'd': device = optarg; break;
        case 'c':
            count = (int)strtol(optarg, &end, 10);
            if (*end || count < 1 || count > 10000)
                return fprintf(stderr, "kwscope: collect: bad --count '%s'\n", optarg), 2;
            break;
        case 'h': cli_help("collect", NULL); return 0;
        default: return usage();
        }
    }
    if (optind != argc - 1) return usage();
    const char *dir = argv[optind];
    const char *words[32];
    int nw = split_words(words_buf, words, 32);
    if (nw <= 0) return 2;
    setlocale(LC_ALL, "");
    kws_log_set(quiet_log, NULL);
    struct take_source ts;
    char err[256];
    int src = start_collect(&ts, source, device, dir);
    if (src) return src;

    static int16_t take[TAKE];
    char line[64], wdir[4096], path[4096 + 128];
    int rc = 0;
    for (int k = 0; k < count * nw && rc == 0; k++) {
        const char *w = words[k % nw];
        snprintf(wdir, sizeof wdir, "%s/%s", dir, w);
        if (mkdir(wdir, 0777) && errno != EEXIST) {
            fprintf(stderr, "kwscope: collect: %s: %s\n", wdir, strerror(errno));
            rc = 1;
            break;
        }
        for (;;) {
            printf("\n[%d/%d] say \"%s\" after Enter (2 s)... ", k + 1, count * nw, w);
            fflush(stdout);
            if (!fgets(line, sizeof line, stdin)) {
                k = count * nw;
                break;
            }
            if (record(&ts, take, TAKE, err, sizeof err)) {
                fprintf(stderr, "kwscope: collect: %s\n", err);
                rc = 1;
                break;
            }
            const int16_t *clip = take + cap_take_centre(take, TAKE);
            show_take(clip, KWS_RATE_HZ);
            printf("keep, redo or quit? [K/r/q] ");
            fflush(stdout);
            if (!fgets(line, sizeof line, stdin) || line[0] == 'q') {
                k = count * nw;
                break;
            }
            if (line[0] == 'r') continue;
            cap_take_next_path(wdir, speaker, path, sizeof path);
            if (cap_clip_save(path, clip, KWS_RATE_HZ, KWS_RATE_HZ, 0, err, sizeof err) != KWS_OK) {
                fprintf(stderr, "kwscope: collect: %s\n", err);
                rc = 1;
            } else {
                printf("saved %s\n", path);
            }
            break;
        }
    }
    close_take_source(&ts);
    return rc;
}
