/* cli.h: the command line: one entry point per `kwscope` subcommand (the
 * dashboard itself is dash_main, in dash/dash.h), the command table every
 * usage line and --help come from, and the helpers the commands share.
 *
 * Each command lives in its own file cli/cmd_NAME.c (the board's
 * subcommands in cli/board_*.c), parses its own options and returns the
 * process exit status: 0 success, 1 a runtime error (already reported as one
 * line on stderr), 2 a usage error. */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdio.h>

#include "models/models.h"

int cli_cmd_plot(int argc, char **argv);
int cli_cmd_features(int argc, char **argv);
int cli_cmd_model(int argc, char **argv); /* kwscope model info ... */
int cli_cmd_board(int argc, char **argv); /* kwscope board ... */
int cli_cmd_train(int argc, char **argv);
int cli_cmd_lab(int argc, char **argv); /* kwscope lab ... (train) */
int cli_cmd_collect(int argc, char **argv);
int cli_cmd_record(int argc, char **argv);   /* kwscope record ... (capture) */
int cli_cmd_devices(int argc, char **argv);  /* kwscope devices */
int cli_cmd_classify(int argc, char **argv); /* kwscope classify ... (models) */
int cli_cmd_bench(int argc, char **argv);    /* kwscope bench ... (models) */

/* ---- the command table (commands.c) ------------------------------------- */

/* One usage line: `kwscope NAME [SUB] SYNOPSIS`. The table is the one source
 * of the usage text, of --help (all commands, one command, one board
 * subcommand) and of the option lists the README and kwscope.1 are checked
 * against (tests/cli). */
struct cli_command {
    const char *name;                  /* "plot"; "" for the dashboard */
    const char *sub;                   /* "sim" for `board sim`; NULL when none */
    int (*run)(int argc, char **argv); /* argv[0] is the command's name */
    const char *synopsis;              /* options and operands, as in the man page */
    const char *also;                  /* other spellings of its options, or NULL */
};
extern const struct cli_command cli_commands[];
extern const size_t cli_n_commands;

/* The entry for NAME (and SUB, when not NULL); NULL if none. */
const struct cli_command *cli_command_find(const char *name, const char *sub);
/* Prints the usage lines of NAME (every subcommand when SUB is NULL; every
 * command when NAME is NULL), wrapped at 100 columns. */
void cli_usage(FILE *out, const char *name, const char *sub);
/* `kwscope ... --help`: the usage lines and other spellings on stdout. */
void cli_help(const char *name, const char *sub);

/* ---- helpers (cli_util.c) ----------------------------------------------- */

/* "kwscope NAME: MSG[: ARG]" and NAME's usage lines on stderr; returns 2,
 * the usage-error status. */
int cli_usage_error(const char *name, const char *msg, const char *arg);
/* The model (--model ARG, $KWSCOPE_MODEL or the bundled default) loaded
 * into m and bound to k, its path in path: 0, or 1 with the reason on
 * stderr as "CMD: ..." (nothing left to free). */
int cli_open_kws(const char *cmd, const char *arg, struct mdl_model *m, struct mdl_kws *k,
                 char *path, size_t path_len);
/* Writes s to stdout as a JSON string literal (quotes, backslashes and
 * control characters escaped). */
void cli_json_str(const char *s);
/* --color auto|always|never: how many colours stdout's plots get (0, 8 or
 * 256; auto asks the terminal), or -1 for any other word. */
int cli_color_count(const char *color);
/* Library log lines: only warnings and errors, to stderr (the session's
 * state chatter is for the dashboard). */
void cli_log_quiet(void);
/* Monotonic time in microseconds (for durations only). */
double cli_now_us(void);
/* A whole decimal integer in lo..hi: 1 and *out set, else 0. */
int cli_parse_long(const char *s, long lo, long hi, long *out);
int cli_parse_int(const char *s, int lo, int hi, int *out);
/* As cli_parse_long, but reports "CMD: FLAG needs an integer in LO..HI" on
 * stderr and returns 2 (the usage-error status) on a bad value, 0 if good. */
int cli_int_option(const char *cmd, const char *flag, const char *v, long lo, long hi, long *out);
/* A finite decimal number in lo..hi: 1 and *out set, else 0 (so "nan",
 * "inf", "1e308" beyond hi and trailing text are refused). */
int cli_parse_double(const char *s, double lo, double hi, double *out);
/* As cli_int_option: "CMD: FLAG needs a number in LO..HI" and 2, or 0. */
int cli_double_option(const char *cmd, const char *flag, const char *v, double lo, double hi,
                      double *out);
/* A word, speaker or label that becomes one file or folder name
 * (cap_name_is_component): 0, or "CMD: FLAG: 'NAME' cannot be a file
 * name (...)" (the name escaped) on stderr and 2. */
int cli_name_option(const char *cmd, const char *flag, const char *name);
/* The detector's options (--threshold, --window-ms, --suppression-ms,
 * --min-count) into dc, within the limits of models/models.h: 0 set, 2 bad
 * value (reported as above), -1 not a detector option. */
int cli_is_detect_option(const char *flag);
int cli_detect_option(const char *cmd, const char *flag, const char *v,
                      struct mdl_detect_config *dc);

int cli_cmd_calibrate(int argc, char **argv); /* kwscope calibrate ... (models) */

#include <stdbool.h>
#include <stdio.h>

#include "models/models.h"
#include "tui/tui.h"

/* Streaming evaluation shared by classify and calibrate (stream_eval.c). */
/* A labelled stream: its score track (rows x n_classes int8, stamps) and,
 * for one window/min-count setting, each row's top class and its score. */
struct cli_stream {
    char *path;
    struct mdl_word_labels lab;
    int8_t *scores;
    int32_t *t_ms;
    size_t rows;
    double seconds;
    int8_t *top; /* cli_streams_tops; -1: not enough results */
    uint8_t *score;
};
struct cli_streams {
    struct cli_stream *v;
    size_t n, cap;
};
/* X.wav -> X.txt in out; true when that file is readable. */
bool cli_labels_sibling(const char *wav, char *out, size_t len);
/* Adds a stream, taking the track's rows and the labels (both emptied). */
int cli_streams_add(struct cli_streams *s, const char *path, struct mdl_track *t,
                    struct mdl_word_labels *lab, double seconds);
void cli_streams_free(struct cli_streams *s);
/* Every stream's top class and score per row for cfg's window and min count. */
int cli_streams_tops(struct cli_streams *s, const struct mdl_detect_config *cfg, char *err,
                     size_t err_len);
/* Evaluates threshold and suppression over every stream (after tops) into ev
 * (initialised by the caller; finished here). */
int cli_streams_eval(const struct cli_streams *s, int32_t threshold, int32_t suppression_ms,
                     struct mdl_stream_eval *ev, char *err, size_t err_len);
/* The report: a table, or JSON rows (one per keyword and a total). */
void cli_eval_print(FILE *out, const struct mdl_stream_eval *ev, const char *name, bool json);
/* Threshold sweep: cfg's window, suppression, min count; thresholds from
 * 255 - CLI_SWEEP_STEP down to 0. recall/fa per class, [n_classes] = all. */
#define CLI_SWEEP_STEP 5
#define CLI_SWEEP_MAX (255 / CLI_SWEEP_STEP + 1)
struct cli_sweep_point {
    int32_t threshold;
    double recall[MDL_DETECT_MAX_CLASSES + 1]; /* NAN for non-keywords */
    double fa_per_hour[MDL_DETECT_MAX_CLASSES + 1];
};
int cli_sweep(struct cli_streams *s, const struct mdl_detect_config *cfg, int32_t tolerance_ms,
              const char *const *names, struct cli_sweep_point *pts, int *n_pts, char *err,
              size_t err_len);
struct cli_plot_opts {
    int width, height; /* cells */
    bool unicode;
    enum tui_color_mode color;
    double budget; /* false alarms per hour to mark; 0: none */
};
/* Draws the sweep (sweep_plot.c) as text on out. */
int cli_sweep_plot(FILE *out, const struct cli_sweep_point *pts, int n_pts,
                   const char *const *names, int n_classes, const bool *keyword,
                   const struct cli_plot_opts *o);

/* x as text that reads back as exactly x (9 significant digits, laid out
 * like printf's %.9g) into buf (at least CLI_FLOAT_CHARS bytes); returns
 * its length. Several times faster than printf (csv_float.c). */
#define CLI_FLOAT_CHARS 24
int cli_format_float(char *buf, float x);

/* bench --target m4 (bench_m4.c): the emulated board's stage table beside
 * the host's averages (us: preprocess, inference, postprocess). */
#include <stdbool.h>
#include <stdint.h>
int cli_bench_m4(const char *model, const int16_t *audio, int runs, const double host_avg_us[3],
                 bool json);

#endif
