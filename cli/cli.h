/* cli.h: one entry point per `kwscope` subcommand (the dashboard itself is
 * dash_main, in dash/dash.h).
 *
 * Each command lives in its own file cli/cmd_NAME.c, parses its own options
 * and returns the process exit status: 0 success, 1 a runtime error (already
 * reported as one line on stderr), 2 a usage error. */
#ifndef CLI_H
#define CLI_H

int cli_cmd_plot(int argc, char **argv);
int cli_cmd_features(int argc, char **argv);
int cli_cmd_model(int argc, char **argv);     /* kwscope model info ... */
int cli_cmd_board(int argc, char **argv);     /* kwscope board ... */
int cli_cmd_train(int argc, char **argv);
int cli_cmd_collect(int argc, char **argv);
int cli_cmd_record(int argc, char **argv);    /* kwscope record ... (capture) */
int cli_cmd_devices(int argc, char **argv);   /* kwscope devices */
int cli_cmd_classify(int argc, char **argv);  /* kwscope classify ... (models) */
int cli_cmd_bench(int argc, char **argv);     /* kwscope bench ... (models) */

int cli_cmd_calibrate(int argc, char **argv); /* kwscope calibrate ... (models) */

#include <stdbool.h>
#include <stdio.h>

#include "models/models.h"
#include "tui/tui.h"

/* classify DIR (classify_dir.c): classify(user, path, quiet, &label) runs
 * one clip (label -1 for a file longer than one window; non-zero return: an
 * error already reported). labels: n_classes names in model order. */
typedef int (*cli_classify_fn)(void *user, const char *path, bool quiet, int *label);
int cli_classify_dir(const char *dir, const char *const *labels, int n_classes, bool json,
                     cli_classify_fn classify, void *user);

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
    int8_t *top;       /* cli_streams_tops; -1: not enough results */
    uint8_t *score;
};
struct cli_streams { struct cli_stream *v; size_t n, cap; };
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
    double recall[MDL_DETECT_MAX_CLASSES + 1];       /* NAN for non-keywords */
    double fa_per_hour[MDL_DETECT_MAX_CLASSES + 1];
};
int cli_sweep(struct cli_streams *s, const struct mdl_detect_config *cfg, int32_t tolerance_ms,
              const char *const *names, struct cli_sweep_point *pts, int *n_pts, char *err,
              size_t err_len);
struct cli_plot_opts {
    int width, height;          /* cells */
    bool unicode;
    enum tui_color_mode color;
    double budget;              /* false alarms per hour to mark; 0: none */
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

#endif
