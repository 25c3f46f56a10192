/* lab_cli.h: private to `kwscope lab` (cmd_lab.c parses and guards the
 * outputs, lab_sweep.c runs the sweep and reports). */
#ifndef CLI_LAB_CLI_H
#define CLI_LAB_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "capture/capture.h"
#include "dash/lab.h"
#include "train/train.h"

struct lab_cli {
    const char *data, *float_path, *out, *export_dir, *color;
    const char *plot; /* --plot RESULTS.jsonl: only redraw its figures */
    char words[256];
    uint64_t seed;
    int epochs, batch, ft_epochs, width, height, jobs;
    float lr, ft_lr;
    bool methods[MDL_LAB_METHODS];
    bool bits[MDL_LAB_MAX_BITS - MDL_LAB_MIN_BITS + 1];
    bool sparsity[100];
    bool ft_no, ft_yes, global, gradual, force;
};
void lab_cli_defaults(struct lab_cli *o);

#define LAB_MAX_VARIANTS 512
struct lab_ctx {
    const struct lab_cli *o;
    struct mdl_dataset ds;
    struct mdl_tinyconv base;
    struct mdl_lab lab;
    bool lab_ready;
    struct mdl_lab_variant variants[LAB_MAX_VARIANTS];
    int n_variants, current;
    struct dash_lab_row rows[LAB_MAX_VARIANTS];
    size_t n_rows;
    /* The rows, each flushed as it is done, take their names (capture's
     * output policy) when the sweep ends, is interrupted or fails. */
    struct cap_output csv_out, jsonl_out;
    FILE *csv, *jsonl;
    struct timespec t0;
    int tty;
    /* ETA: seconds per fine-tuning epoch and per evaluation, measured. */
    double epoch_s, eval_s;
    int epochs_done, evals_done, epochs_left;
    double variant_t0;
};
/* Loads the data, trains or reads the base model, opens the outputs. */
int lab_cli_prepare(struct lab_ctx *x);
/* Export folder: the test features (and labels) every kept model is run on. */
int lab_cli_export_start(struct lab_ctx *x);
/* Runs every variant (on o->jobs processes); 0, or 1 on an error (said). */
int lab_cli_sweep(struct lab_ctx *x);
/* Variant i into *row (its model exported with --export); 0 or 1 (said). */
int lab_cli_run_one(struct lab_ctx *x, int i, struct dash_lab_row *row);
/* Writes a finished row (variant i, dt seconds) and prints it; 0 or 1. */
int lab_cli_record(struct lab_ctx *x, int i, const struct dash_lab_row *row, double dt);
/* lab_jobs.c: the variants on o->jobs worker processes, rows in order. */
int lab_cli_sweep_jobs(struct lab_ctx *x);
/* Figures on stdout and into OUT/plots.txt, summary table; commits the rows. */
void lab_cli_finish(struct lab_ctx *x);
/* --plot: the figures of an earlier run's results.jsonl on stdout. */
int lab_cli_replot(const struct lab_cli *o);
/* One file through capture's output policy (temporary name, then renamed;
 * no overwrite without --force); write(f, user) fills it. 0 or 1 (said). */
int lab_cli_write(const char *path, int force, int (*write)(FILE *f, const void *user),
                  const void *user);
/* Commits the row files still open (keeping the finished rows), frees. */
void lab_cli_free(struct lab_ctx *x);

#endif
