/* classify_batch.c: many one-second clips through the micro frontend and
 * the model on several threads. Each worker owns an interpreter (its own
 * arena, over the one shared read-only model), a frontend state that is
 * reset per clip and a feature buffer, all made once and reused; so a clip
 * costs its file load and nothing else on the heap. Results are printed on
 * the calling thread in the order of the jobs (batch_run.c), so --jobs N
 * prints exactly what --jobs 1 prints. A file longer than one window is
 * left to the calling thread (cli_cls_long: score track, detections,
 * evaluation, which keep state across files). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "classify_int.h"

/* libsndfile reports why an open failed through process-wide state
 * (sf_strerror(NULL)), so two loads at once can swap or lose each other's
 * error text. Loads take turns; the frontend and the model, nearly all of
 * a clip's work, run in parallel. */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

enum kws_status cli_cls_load(const char *path, struct cap_clip *clip, char *err, size_t len)
{
    pthread_mutex_lock(&load_lock);
    enum kws_status st = cap_clip_load(path, clip, err, len);
    pthread_mutex_unlock(&load_lock);
    return st;
}

struct batch {
    struct cli_cls_ctx *c;
    struct cli_clip_job *jobs;
};

static struct cli_cls_worker *worker_new(struct cli_cls_ctx *c, char *err, size_t len)
{
    struct dsp_micro_config mc = dsp_micro_config_default();
    struct cli_cls_worker *w = malloc(sizeof *w);
    if (!w) {
        snprintf(err, len, "out of memory");
        return NULL;
    }
    w->feat = NULL;
    if (mdl_kws_init(&w->k, c->model, err, len) != KWS_OK) {
        free(w);
        return NULL;
    }
    if (dsp_micro_init(&w->fe, &mc, err, len) != KWS_OK ||
        !(w->feat = malloc((size_t)w->k.frames * KWS_FEATURE_CHANNELS * sizeof *w->feat))) {
        if (!w->feat) snprintf(err, len, "out of memory");
        mdl_kws_free(&w->k);
        free(w);
        return NULL;
    }
    return w;
}

void cli_cls_workers_free(struct cli_cls_ctx *c)
{
    for (int i = 0; i < CLI_MAX_JOBS; i++) {
        struct cli_cls_worker *w = c->worker[i];
        if (!w) continue;
        mdl_kws_free(&w->k);
        free(w->feat);
        free(w);
        c->worker[i] = NULL;
    }
}

static void fail(struct cli_clip_job *j, const char *what, const char *err)
{
    char line[1024];
    if (what)
        snprintf(line, sizeof line, "kwscope classify: %s: %s\n", what, err);
    else
        snprintf(line, sizeof line, "kwscope classify: %s\n", err);
    j->state = CLI_JOB_ERROR;
    j->msg = strdup(line);
}

/* On a worker thread: one clip's scores, or why not. */
static void work(int wi, size_t i, void *user)
{
    struct batch *b = user;
    struct cli_cls_worker *w = b->c->worker[wi];
    struct cli_clip_job *j = &b->jobs[i];
    char err[256];
    struct cap_clip clip = { 0 };
    if (cli_cls_load(j->path, &clip, err, sizeof err) != KWS_OK) {
        fail(j, NULL, err);
        return;
    }
    size_t win = (size_t)w->k.frames, ch = KWS_FEATURE_CHANNELS;
    size_t frames = clip.n_samples < KWS_WINDOW_SAMPLES
        ? 0
        : 1 + (clip.n_samples - KWS_WINDOW_SAMPLES) / KWS_STRIDE_SAMPLES;
    if (frames > win) {
        j->state = CLI_JOB_LONG;
        cap_clip_free(&clip);
        return;
    }
    /* a fresh frontend per clip; a shorter clip is padded with zero features */
    dsp_micro_reset(&w->fe);
    size_t got = dsp_micro_feed(&w->fe, clip.samples, clip.n_samples, NULL, w->feat, win);
    memset(w->feat + got * ch, 0, (win - got) * ch * sizeof *w->feat);
    cap_clip_free(&clip);
    if (mdl_kws_score(&w->k, w->feat, j->scores, err, sizeof err) != KWS_OK)
        fail(j, j->path, err);
    else
        j->state = CLI_JOB_OK;
}

/* On the calling thread, in job order. */
static void commit(size_t i, void *user)
{
    struct batch *b = user;
    struct cli_clip_job *j = &b->jobs[i];
    j->label = -1;
    j->rc = 0;
    if (j->state == CLI_JOB_OK) {
        j->label = mdl_kws_top(j->scores, b->c->k.n_classes);
        if (!j->quiet) cli_cls_print_result(b->c, j->path, j->scores, 0, false, NULL);
    } else if (j->state == CLI_JOB_ERROR) {
        fputs(j->msg ? j->msg : "kwscope classify: out of memory\n", stderr);
        free(j->msg);
        j->msg = NULL;
        j->rc = 1;
    } else {
        j->rc = cli_cls_long(b->c, j->path, &j->label);
    }
}

int cli_cls_batch(struct cli_cls_ctx *c, struct cli_clip_job *jobs, size_t n)
{
    char err[256];
    int threads = c->jobs > 0 ? c->jobs : cli_cores();
    if (threads > CLI_MAX_JOBS) threads = CLI_MAX_JOBS;
    if ((size_t)threads > n) threads = (int)n;
    for (int t = 0; t < threads; t++)
        if (!c->worker[t] && !(c->worker[t] = worker_new(c, err, sizeof err))) {
            if (t == 0) {
                fprintf(stderr, "kwscope classify: %s\n", err);
                return 1;
            }
            threads = t; /* fewer workers than asked, but some */
            break;
        }
    struct batch b = { c, jobs };
    if (cli_run_ordered(n, threads, work, commit, &b)) {
        fprintf(stderr, "kwscope classify: out of memory\n");
        return 1;
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) rc |= jobs[i].rc;
    return rc;
}
