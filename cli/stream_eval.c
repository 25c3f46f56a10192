/* stream_eval.c: streaming evaluation for `kwscope classify` (a long file
 * with its labels) and `kwscope calibrate`: a set of labelled streams with
 * their score tracks, evaluating a detector setting over them, the report
 * table (or JSON rows) and the threshold sweep.
 *
 * The score track is computed once per stream (the model is the expensive
 * part); every detector setting after that is a replay of stored int8 rows,
 * and for a fixed window and minimum count the top class per row is stored
 * too (mdl_detect_tops), so a threshold or suppression change costs one pass
 * over bytes. That is what makes a full grid search take seconds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

bool cli_labels_sibling(const char *wav, char *out, size_t len)
{
    const char *dot = strrchr(wav, '.'), *slash = strrchr(wav, '/');
    size_t n = dot && (!slash || dot > slash) ? (size_t)(dot - wav) : strlen(wav);
    if ((size_t)snprintf(out, len, "%.*s.txt", (int)n, wav) >= len) return false;
    return strcmp(out, wav) && access(out, R_OK) == 0;
}

int cli_streams_add(struct cli_streams *s, const char *path, struct mdl_track *t,
                    struct mdl_word_labels *lab, double seconds)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        struct cli_stream *v = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    struct cli_stream *e = &s->v[s->n];
    if (!(e->path = strdup(path))) return -1;
    s->n++;
    e->lab = *lab;
    memset(lab, 0, sizeof *lab);
    e->scores = t->scores;
    e->t_ms = t->t_ms;
    e->rows = t->rows;
    t->scores = NULL;
    t->t_ms = NULL;
    t->rows = t->cap_rows = 0;
    e->seconds = seconds;
    e->top = NULL;
    e->score = NULL;
    return 0;
}

void cli_streams_free(struct cli_streams *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].path);
        mdl_labels_free(&s->v[i].lab);
        free(s->v[i].scores);
        free(s->v[i].t_ms);
        free(s->v[i].top);
        free(s->v[i].score);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}

int cli_streams_tops(struct cli_streams *s, const struct mdl_detect_config *cfg, char *err,
                     size_t err_len)
{
    for (size_t i = 0; i < s->n; i++) {
        struct cli_stream *e = &s->v[i];
        if (!e->top) {
            e->top = malloc(e->rows ? e->rows : 1);
            e->score = malloc(e->rows ? e->rows : 1);
            if (!e->top || !e->score) {
                kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
                return -1;
            }
        }
        if (mdl_detect_tops(cfg, e->scores, e->t_ms, e->rows, e->top, e->score, err, err_len))
            return -1;
    }
    return 0;
}

int cli_streams_eval(const struct cli_streams *s, int32_t threshold, int32_t suppression_ms,
                     struct mdl_stream_eval *ev, char *err, size_t err_len)
{
    size_t cap = 0;
    struct mdl_detection *d = NULL;
    int rc = 0;
    for (size_t i = 0; i < s->n && !rc; i++) {
        const struct cli_stream *e = &s->v[i];
        if (e->rows > cap) {
            free(d);
            cap = e->rows;
            if (!(d = malloc(cap * sizeof *d))) {
                kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
                return -1;
            }
        }
        size_t n = mdl_detect_from_tops(threshold, suppression_ms, e->top, e->score, e->t_ms,
                                        e->rows, d, cap);
        rc = mdl_stream_eval_add(ev, &e->lab, d, n, e->seconds, err, err_len) ? -1 : 0;
    }
    free(d);
    return rc || mdl_stream_eval_finish(ev, err, err_len) ? -1 : 0;
}

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(out, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(out, "\\u%04x", *s);
        else
            fputc(*s, out);
    }
    fputc('"', out);
}

static void json_num(FILE *out, const char *key, double v)
{
    if (isfinite(v))
        fprintf(out, ", \"%s\": %.6g", key, v);
    else
        fprintf(out, ", \"%s\": null", key);
}

static void row_json(FILE *out, const char *name, const char *kw, const struct mdl_kw_stats *k,
                     double seconds, bool total)
{
    fprintf(out, "{\"file\": ");
    json_str(out, name);
    fprintf(out, ", \"keyword\": ");
    json_str(out, kw);
    fprintf(out,
            "%s, \"seconds\": %.3f, \"labels\": %ld, \"hits\": %ld, \"misses\": %ld, "
            "\"false_alarms\": %ld",
            total ? ", \"total\": true" : "", seconds, k->labels, k->hits, k->misses,
            k->false_alarms);
    json_num(out, "fa_per_hour", k->fa_per_hour);
    json_num(out, "recall", k->recall);
    json_num(out, "latency_median_ms", k->latency_median_ms);
    json_num(out, "latency_p90_ms", k->latency_p90_ms);
    fprintf(out, "}\n");
}

static void row_text(FILE *out, const char *kw, const struct mdl_kw_stats *k)
{
    char rec[16] = "-", med[16] = "-", p90[16] = "-";
    if (isfinite(k->recall)) snprintf(rec, sizeof rec, "%.1f%%", 100.0 * k->recall);
    if (isfinite(k->latency_median_ms)) snprintf(med, sizeof med, "%.0f", k->latency_median_ms);
    if (isfinite(k->latency_p90_ms)) snprintf(p90, sizeof p90, "%.0f", k->latency_p90_ms);
    fprintf(out, "  %-10s %6ld %6ld %6ld %6ld %9.1f %7s %9s %8s\n", kw, k->labels, k->hits,
            k->misses, k->false_alarms, k->fa_per_hour, rec, med, p90);
}

void cli_eval_print(FILE *out, const struct mdl_stream_eval *ev, const char *name, bool json)
{
    if (json) {
        for (int c = 0; c < ev->n_classes; c++)
            if (ev->keyword[c]) row_json(out, name, ev->names[c], &ev->kw[c], ev->seconds, false);
        row_json(out, name, "total", &ev->total, ev->seconds, true);
        return;
    }
    fprintf(out,
            "%s: %.1f s of audio, %ld keyword labels (%ld other words), hits up to %d ms "
            "after a word's end\n",
            name, ev->seconds, ev->total.labels, ev->other_words, (int)ev->tolerance_ms);
    fprintf(out, "  %-10s %6s %6s %6s %6s %9s %7s %9s %8s\n", "keyword", "labels", "hits", "misses",
            "f.a.", "f.a./h", "recall", "lat.med", "lat.p90");
    for (int c = 0; c < ev->n_classes; c++)
        if (ev->keyword[c]) row_text(out, ev->names[c], &ev->kw[c]);
    row_text(out, "total", &ev->total);
}

int cli_sweep(struct cli_streams *s, const struct mdl_detect_config *cfg, int32_t tolerance_ms,
              const char *const *names, struct cli_sweep_point *pts, int *n_pts, char *err,
              size_t err_len)
{
    *n_pts = 0;
    if (cli_streams_tops(s, cfg, err, err_len)) return -1;
    for (int thr = 255 - CLI_SWEEP_STEP; thr >= 0; thr -= CLI_SWEEP_STEP) {
        struct mdl_stream_eval ev;
        if (mdl_stream_eval_init(&ev, names, cfg->n_classes, tolerance_ms, err, err_len)) return -1;
        int rc = cli_streams_eval(s, thr, cfg->suppression_ms, &ev, err, err_len);
        if (!rc) {
            struct cli_sweep_point *p = &pts[(*n_pts)++];
            p->threshold = thr;
            for (int c = 0; c <= cfg->n_classes; c++) {
                const struct mdl_kw_stats *k = c < cfg->n_classes ? &ev.kw[c] : &ev.total;
                p->recall[c] = c < cfg->n_classes && !ev.keyword[c] ? NAN : k->recall;
                p->fa_per_hour[c] = k->fa_per_hour;
            }
        }
        mdl_stream_eval_free(&ev);
        if (rc) return -1;
    }
    return 0;
}
