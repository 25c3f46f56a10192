/* classify_int.h: what cmd_classify.c, classify_batch.c and classify_dir.c
 * share inside `kwscope classify`; not part of cli.h. */
#ifndef KWSCOPE_CLI_CLASSIFY_INT_H
#define KWSCOPE_CLI_CLASSIFY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "dsp/dsp.h"
#include "models/models.h"

/* One clip of a batch: filled in by a worker (state, scores, msg), then
 * committed in order by the calling thread (label, rc). */
enum cli_job_state { CLI_JOB_OK, CLI_JOB_ERROR, CLI_JOB_LONG };
struct cli_clip_job {
    char *path;
    int truth; /* folder class, or -1 */
    bool quiet;
    int8_t state; /* enum cli_job_state */
    int8_t scores[MDL_DETECT_MAX_CLASSES];
    char *msg; /* the error line (CLI_JOB_ERROR; allocated only then) */
    int label; /* after commit: top class, -1 for a long file */
    int rc;    /* after commit: non-zero when the clip failed */
};

/* A worker's own interpreter, frontend state and feature buffer, reused for
 * every clip it takes. */
struct cli_cls_worker {
    struct mdl_kws k;
    struct dsp_micro_state fe;
    uint16_t *feat; /* k.frames x KWS_FEATURE_CHANNELS */
};

#define CLI_MAX_JOBS 64

struct cli_cls_ctx {
    struct mdl_kws k; /* the calling thread's: long files */
    const struct mdl_model *model;
    struct mdl_detect_config dc;
    bool json, all, sweep;
    int jobs;                /* --jobs (0: one per core) */
    const char *labels_file; /* --labels-file (one stream) */
    int32_t tolerance_ms;
    int n_labels;
    char labels[MDL_DETECT_MAX_CLASSES][32];
    const char *names[MDL_DETECT_MAX_CLASSES];
    struct mdl_stream_eval ev; /* every labelled stream so far */
    struct cli_streams set;    /* their tracks, for --sweep */
    struct cli_plot_opts plot;
    struct cli_cls_worker *worker[CLI_MAX_JOBS]; /* made on first use */
};

/* cmd_classify.c */
void cli_cls_print_result(const struct cli_cls_ctx *c, const char *file, const int8_t *s,
                          double t_s, bool track, const struct mdl_detect_result *det);
/* A file longer than one window (score track, detections, evaluation) on
 * the calling thread; *label -1. */
int cli_cls_long(struct cli_cls_ctx *c, const char *path, int *label);

/* classify_batch.c: classifies jobs[0..n) on up to c->jobs threads, printing
 * each clip's result (and error line) in the order of jobs[], exactly as
 * one thread would; sets each job's label and rc. Returns non-zero when any
 * clip failed. */
int cli_cls_batch(struct cli_cls_ctx *c, struct cli_clip_job *jobs, size_t n);
void cli_cls_workers_free(struct cli_cls_ctx *c);
/* cap_clip_load, one at a time across the batch's threads. */
struct cap_clip;
enum kws_status cli_cls_load(const char *path, struct cap_clip *clip, char *err, size_t len);

/* classify_dir.c: a folder in the Speech Commands layout, or flat. */
int cli_cls_dir(struct cli_cls_ctx *c, const char *dir);

/* batch_run.c: work(w, i, user) for i in 0..n on `threads` threads (worker w
 * in 0..threads), commit(i, user) on the calling thread in index order as
 * soon as item i is done. threads <= 1 runs work then commit per item. */
typedef void (*cli_work_fn)(int w, size_t i, void *user);
typedef void (*cli_commit_fn)(size_t i, void *user);
int cli_run_ordered(size_t n, int threads, cli_work_fn work, cli_commit_fn commit, void *user);
/* The cores this process may run on (at least 1). */
int cli_cores(void);

#endif
