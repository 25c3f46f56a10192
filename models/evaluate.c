/* evaluate.c: how well a keyword detector does on a labelled stream.
 *
 * Labels come as Audacity label tracks (`start<TAB>end<TAB>word`, seconds;
 * the format Audacity's File > Export > Labels writes and people already
 * have). The reader is strict about what it cannot understand (one error
 * naming the line) and lenient about what is harmless: CRLF or CR line ends,
 * blank lines, '#' comments, Audacity's spectral-selection lines (starting
 * with '\'), labels that overlap, labels out of order (they are sorted).
 *
 * Matching: a detection of keyword k at time t (the end of its window's
 * audio, models/track.c) is a hit for the earliest unmatched label of k with
 * start <= t <= end + tolerance; its latency is t - end. Any other detection
 * of a keyword (nothing said, another word said, or a second detection of
 * an already matched word) is a false alarm. Unmatched labels are misses.
 * Labels whose word is no keyword (near misses like "yet") only count as
 * "other words"; detections of non-keyword classes are ignored. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "models.h"

#define MAX_LABELS 1000000 /* a 10-hour recording with a word every 36 ms */

static int by_start(const void *a, const void *b)
{
    const struct mdl_word_label *x = a, *y = b;
    if (x->start_s != y->start_s) return x->start_s < y->start_s ? -1 : 1;
    if (x->end_s != y->end_s) return x->end_s < y->end_s ? -1 : 1;
    return strcmp(x->word, y->word);
}

/* One line (NUL-terminated, no line end). 1 = a label, 0 = nothing, <0 error. */
static int parse_line(char *s, long line, struct mdl_word_label *l, char *err, size_t err_len)
{
    while (*s == ' ' || *s == '\t') s++;
    if (!*s || *s == '#' || *s == '\\') return 0;
    char *end;
    double t[2];
    for (int i = 0; i < 2; i++) {
        t[i] = strtod(s, &end);
        if (end == s || !isfinite(t[i]) || t[i] < 0 || t[i] > 1e7 ||
            (*end != '\t' && *end != ' ' && (i == 0 || *end))) {
            kws_err(err, err_len, KWS_ERR_FORMAT,
                    "labels line %ld: expected start<TAB>end<TAB>word (seconds, 0..1e7)", line);
            return -1;
        }
        s = end;
        while (*s == '\t' || *s == ' ') s++;
    }
    if (t[1] < t[0]) {
        kws_err(err, err_len, KWS_ERR_FORMAT, "labels line %ld: end %.3f s before start %.3f s",
                line, t[1], t[0]);
        return -1;
    }
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (!n) {
        kws_err(err, err_len, KWS_ERR_FORMAT, "labels line %ld: no word after the times", line);
        return -1;
    }
    if (n >= MDL_LABEL_WORD) {
        kws_err(err, err_len, KWS_ERR_FORMAT, "labels line %ld: word longer than %d bytes", line,
                MDL_LABEL_WORD - 1);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            kws_err(err, err_len, KWS_ERR_FORMAT, "labels line %ld: control character in the word",
                    line);
            return -1;
        }
    l->start_s = t[0];
    l->end_s = t[1];
    memcpy(l->word, s, n);
    l->word[n] = 0;
    return 1;
}

enum kws_status mdl_labels_parse(const char *text, size_t n, struct mdl_word_labels *out, char *err,
                                 size_t err_len)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    long line = 0;
    char buf[512];
    for (size_t pos = 0; pos < n;) {
        size_t e = pos;
        while (e < n && text[e] != '\n' && text[e] != '\r') e++;
        line++;
        size_t len = e - pos;
        /* CRLF is one line end; a lone CR (old Macs) is one too. */
        size_t next = e + (e < n && text[e] == '\r' && e + 1 < n && text[e + 1] == '\n' ? 2 : 1);
        if (memchr(text + pos, 0, len)) {
            mdl_labels_free(out);
            return kws_err(err, err_len, KWS_ERR_FORMAT, "labels line %ld: NUL byte", line);
        }
        if (len >= sizeof buf) {
            mdl_labels_free(out);
            return kws_err(err, err_len, KWS_ERR_FORMAT, "labels line %ld: longer than %zu bytes",
                           line, sizeof buf - 1);
        }
        memcpy(buf, text + pos, len);
        buf[len] = 0;
        pos = next;
        struct mdl_word_label l;
        int r = parse_line(buf, line, &l, err, err_len);
        if (r < 0) {
            mdl_labels_free(out);
            return KWS_ERR_FORMAT;
        }
        if (!r) continue;
        if (out->n == cap) {
            if (cap >= MAX_LABELS) {
                mdl_labels_free(out);
                return kws_err(err, err_len, KWS_ERR_FORMAT, "labels: more than %d", MAX_LABELS);
            }
            cap = cap ? 2 * cap : 64;
            struct mdl_word_label *v = realloc(out->v, cap * sizeof *v);
            if (!v) {
                mdl_labels_free(out);
                return kws_err(err, err_len, KWS_ERR_NOMEM, "labels: out of memory");
            }
            out->v = v;
        }
        out->v[out->n++] = l;
    }
    if (out->n) qsort(out->v, out->n, sizeof *out->v, by_start);
    return KWS_OK;
}

enum kws_status mdl_labels_load(const char *path, struct mdl_word_labels *out, char *err,
                                size_t err_len)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) return kws_err(err, err_len, KWS_ERR_IO, "%s: cannot open", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || cap >= (64u << 20)) break;
        char *b = realloc(buf, cap *= 2);
        if (!b) {
            free(buf);
            buf = NULL;
        } else {
            buf = b;
        }
    }
    int bad = !buf || ferror(f) || (n == cap && !feof(f));
    fclose(f);
    if (bad) {
        free(buf);
        return kws_err(err, err_len, buf ? KWS_ERR_IO : KWS_ERR_NOMEM,
                       "%s: cannot read (or larger than 64 MB)", path);
    }
    char e2[200];
    enum kws_status st = mdl_labels_parse(buf, n, out, e2, sizeof e2);
    free(buf);
    return st == KWS_OK ? st : kws_err(err, err_len, st, "%s: %s", path, e2);
}

void mdl_labels_free(struct mdl_word_labels *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

bool mdl_label_is_keyword(const char *name)
{
    static const char *const not_kw[] = { "silence", "_silence_", "unknown", "_unknown_", "" };
    for (size_t i = 0; i < sizeof not_kw / sizeof not_kw[0]; i++)
        if (!strcasecmp(name, not_kw[i])) return false;
    return true;
}

enum kws_status mdl_stream_eval_init(struct mdl_stream_eval *ev, const char *const *names,
                                     int n_classes, int32_t tolerance_ms, char *err, size_t err_len)
{
    memset(ev, 0, sizeof *ev);
    if (n_classes < 1 || n_classes > MDL_DETECT_MAX_CLASSES || tolerance_ms < 0)
        return kws_err(err, err_len, KWS_ERR_ARG, "evaluation: %d classes, tolerance %d ms",
                       n_classes, (int)tolerance_ms);
    ev->n_classes = n_classes;
    ev->tolerance_ms = tolerance_ms;
    for (int c = 0; c < n_classes; c++) {
        snprintf(ev->names[c], sizeof ev->names[c], "%s", names[c]);
        ev->keyword[c] = mdl_label_is_keyword(names[c]);
    }
    return KWS_OK;
}

static int push_latency(struct mdl_stream_eval *ev, int c, int32_t ms)
{
    if (ev->n_lat[c] == ev->cap_lat[c]) {
        size_t cap = ev->cap_lat[c] ? 2 * ev->cap_lat[c] : 64;
        int32_t *v = realloc(ev->lat_ms[c], cap * sizeof *v);
        if (!v) return -1;
        ev->lat_ms[c] = v;
        ev->cap_lat[c] = cap;
    }
    ev->lat_ms[c][ev->n_lat[c]++] = ms;
    return 0;
}

enum kws_status mdl_stream_eval_add(struct mdl_stream_eval *ev, const struct mdl_word_labels *lab,
                                    const struct mdl_detection *det, size_t n_det, double seconds,
                                    char *err, size_t err_len)
{
    ev->seconds += seconds > 0 ? seconds : 0;
    ev->streams++;
    bool *used = lab->n ? calloc(lab->n, sizeof *used) : NULL;
    if (lab->n && !used) return kws_err(err, err_len, KWS_ERR_NOMEM, "evaluation: out of memory");
    for (size_t i = 0; i < lab->n; i++) {
        int c = -1;
        for (int k = 0; k < ev->n_classes && c < 0; k++)
            if (ev->keyword[k] && !strcasecmp(lab->v[i].word, ev->names[k])) c = k;
        if (c < 0)
            ev->other_words++;
        else
            ev->kw[c].labels++;
    }
    double tol = ev->tolerance_ms / 1000.0;
    size_t lo = 0; /* labels before lo can match no later detection */
    for (size_t d = 0; d < n_det; d++) {
        int c = det[d].label;
        if (c < 0 || c >= ev->n_classes || !ev->keyword[c]) continue;
        double t = det[d].t_ms / 1000.0;
        while (lo < lab->n && (used[lo] || lab->v[lo].end_s + tol < t)) lo++;
        size_t hit = lab->n;
        for (size_t i = lo; i < lab->n && lab->v[i].start_s <= t && hit == lab->n; i++)
            if (!used[i] && t <= lab->v[i].end_s + tol && !strcasecmp(lab->v[i].word, ev->names[c]))
                hit = i;
        if (hit == lab->n) {
            ev->kw[c].false_alarms++;
            continue;
        }
        used[hit] = true;
        ev->kw[c].hits++;
        if (push_latency(ev, c, det[d].t_ms - (int32_t)lrint(lab->v[hit].end_s * 1000.0))) {
            free(used);
            return kws_err(err, err_len, KWS_ERR_NOMEM, "evaluation: out of memory");
        }
    }
    free(used);
    return KWS_OK;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Median (mean of the middle two for an even count) and p90 (nearest rank). */
static void percentiles(int32_t *v, size_t n, double *med, double *p90)
{
    *med = *p90 = NAN;
    if (!n) return;
    qsort(v, n, sizeof *v, cmp_i32);
    *med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
    size_t r = (size_t)ceil(0.9 * (double)n);
    *p90 = v[(r ? r : 1) - 1];
}

enum kws_status mdl_stream_eval_finish(struct mdl_stream_eval *ev, char *err, size_t err_len)
{
    struct mdl_kw_stats *t = &ev->total;
    memset(t, 0, sizeof *t);
    size_t n_all = 0;
    for (int c = 0; c < ev->n_classes; c++) n_all += ev->keyword[c] ? ev->n_lat[c] : 0;
    int32_t *all = n_all ? malloc(n_all * sizeof *all) : NULL;
    if (n_all && !all) return kws_err(err, err_len, KWS_ERR_NOMEM, "evaluation: out of memory");
    double hours = ev->seconds / 3600.0;
    size_t k = 0;
    for (int c = 0; c < ev->n_classes; c++) {
        struct mdl_kw_stats *s = &ev->kw[c];
        if (!ev->keyword[c]) continue;
        s->misses = s->labels - s->hits;
        s->recall = s->labels ? (double)s->hits / (double)s->labels : NAN;
        s->fa_per_hour = hours > 0 ? s->false_alarms / hours : NAN;
        if (ev->n_lat[c]) memcpy(all + k, ev->lat_ms[c], ev->n_lat[c] * sizeof *all);
        k += ev->n_lat[c];
        percentiles(ev->lat_ms[c], ev->n_lat[c], &s->latency_median_ms, &s->latency_p90_ms);
        t->labels += s->labels;
        t->hits += s->hits;
        t->misses += s->misses;
        t->false_alarms += s->false_alarms;
    }
    t->recall = t->labels ? (double)t->hits / (double)t->labels : NAN;
    t->fa_per_hour = hours > 0 ? t->false_alarms / hours : NAN;
    percentiles(all, n_all, &t->latency_median_ms, &t->latency_p90_ms);
    free(all);
    return KWS_OK;
}

void mdl_stream_eval_free(struct mdl_stream_eval *ev)
{
    for (int c = 0; c < MDL_DETECT_MAX_CLASSES; c++) free(ev->lat_ms[c]);
    memset(ev, 0, sizeof *ev);
}
