/* source_file.c: a clip played as a source. Unpaced it hands out the whole
 * clip as fast as it is read (tests, `record --source FILE`); paced it
 * releases samples by the monotonic clock since start, so the live dashboard
 * can show a file as if it came from a microphone. No thread is needed:
 * pacing is computed in read. */
#include "capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct file_src {
    struct cap_source base; /* first: a cap_source * is a file_src * */
    struct cap_clip clip;
    size_t pos;
    int paced, started;
    struct timespec t0;
};

static enum kws_status fs_start(struct cap_source *s, char *err, size_t err_len)
{
    struct file_src *f = (struct file_src *)s;
    clock_gettime(CLOCK_MONOTONIC, &f->t0);
    f->started = 1;
    return KWS_OK;
}

static void fs_stop(struct cap_source *s)
{
    ((struct file_src *)s)->started = 0;
}

static size_t fs_read(struct cap_source *s, int16_t *out, size_t max)
{
    struct file_src *f = (struct file_src *)s;
    if (!f->started) return 0;
    size_t limit = f->clip.n_samples;
    if (f->paced) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        double el = (double)(t.tv_sec - f->t0.tv_sec) + (double)(t.tv_nsec - f->t0.tv_nsec) * 1e-9;
        double due = el * CAP_RATE_HZ;
        if (due < (double)limit) limit = (size_t)due;
    }
    size_t n = limit > f->pos ? limit - f->pos : 0;
    if (n > max) n = max;
    memcpy(out, f->clip.samples + f->pos, n * sizeof *out);
    f->pos += n;
    return n;
}

static int fs_finished(struct cap_source *s)
{
    struct file_src *f = (struct file_src *)s;
    return f->pos >= f->clip.n_samples;
}

static void fs_destroy(struct cap_source *s)
{
    struct file_src *f = (struct file_src *)s;
    cap_clip_free(&f->clip);
    free(f);
}

static const struct cap_source_ops file_ops = {
    .start = fs_start,
    .stop = fs_stop,
    .read = fs_read,
    .finished = fs_finished,
    .counters = NULL,
    .destroy = fs_destroy,
};

enum kws_status cap_file_source_open(const char *path, int paced, struct cap_source **out,
                                     char *err, size_t err_len)
{
    *out = NULL;
    struct file_src *f = calloc(1, sizeof *f);
    if (!f) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    enum kws_status st = cap_clip_load(path, &f->clip, err, err_len);
    if (st != KWS_OK) {
        free(f);
        return st;
    }
    f->base.ops = &file_ops;
    f->base.impl = f;
    f->base.original = f->clip.original;
    f->paced = paced;
    const char *slash = strrchr(path, '/');
    snprintf(f->base.name, sizeof f->base.name, "file %s", slash ? slash + 1 : path);
    *out = &f->base;
    return KWS_OK;
}
