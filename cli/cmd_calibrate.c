/* cmd_calibrate.c: `kwscope calibrate [--model M] [--labels a,b,..]
 * [--max-fa-per-hour F] [--tolerance-ms N] [--dry-run] [--force] [--json]
 * STREAM|DIR...`: searches the keyword detector's settings (threshold,
 * averaging window, suppression, minimum count) on labelled validation
 * streams for the best recall at no more than F false alarms per hour
 * (default 2), and stores them beside the model (models/detect_config.c:
 * M's name with ".detect"), where classify, the dashboard and `board sim`
 * read them. Like Edge Impulse's performance calibration, offline.
 *
 * A STREAM is a WAV with its Audacity label track beside it (NAME.txt); a
 * DIR gives every such WAV in it. The search is a full grid (window 200-1500
 * ms by 100, min count 1/2/3/5, suppression 500-2000 ms, every threshold)
 * over score tracks computed once; the best setting has the most hits within
 * the budget, then fewer false alarms, a better worst keyword, a lower median
 * latency, and a higher threshold (more margin). */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/capture.h"
#include "cli.h"

#ifndef KWSCOPE_DATADIR
#define KWSCOPE_DATADIR "."
#endif

struct cal {
    struct mdl_kws k;
    const char *names[MDL_DETECT_MAX_CLASSES];
    char labels[MDL_DETECT_MAX_CLASSES][32];
    struct cli_streams set;
    double budget; /* false alarms per hour */
    int32_t tolerance_ms;
    bool json;
};

struct pick {
    bool ok;
    struct mdl_detect_config cfg;
    long hits, fa;
    double worst, latency;
};

static int add_stream(struct cal *c, const char *wav)
{
    char lp[4096], err[512];
    if (!cli_labels_sibling(wav, lp, sizeof lp)) {
        fprintf(stderr, "kwscope calibrate: %s: no label track beside it (%s)\n", wav, lp);
        return 1;
    }
    struct cap_clip clip = { 0 };
    struct mdl_word_labels lab = { 0 };
    struct mdl_track t;
    int rc = 1;
    if (mdl_labels_load(lp, &lab, err, sizeof err) || cap_clip_load(wav, &clip, err, sizeof err) ||
        mdl_track_init(&t, &c->k, err, sizeof err)) {
        fprintf(stderr, "kwscope calibrate: %s\n", err);
    } else {
        if (mdl_track_feed(&t, clip.samples, clip.n_samples, SIZE_MAX, NULL, err, sizeof err))
            fprintf(stderr, "kwscope calibrate: %s: %s\n", wav, err);
        else if (cli_streams_add(&c->set, wav, &t, &lab, clip.n_samples / (double)KWS_RATE_HZ))
            fprintf(stderr, "kwscope calibrate: out of memory\n");
        else
            rc = 0;
        mdl_track_free(&t);
    }
    mdl_labels_free(&lab);
    cap_clip_free(&clip);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_dir(struct cal *c, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "kwscope calibrate: cannot open folder %s\n", dir);
        return 1;
    }
    char *names[4096];
    int n = 0, rc = 0, used = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 4096) {
        size_t len = strlen(e->d_name);
        if (len > 4 && !strcmp(e->d_name + len - 4, ".wav")) names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    for (int i = 0; i < n; i++) {
        char p[8192], lp[8192];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        if (cli_labels_sibling(p, lp, sizeof lp)) {
            rc |= add_stream(c, p);
            used++;
        } else {
            fprintf(stderr, "kwscope calibrate: %s: skipped %s (no label track)\n", dir, names[i]);
        }
        free(names[i]);
    }
    if (!used && !rc) {
        fprintf(stderr, "kwscope calibrate: %s: no WAV with a label track\n", dir);
        rc = 1;
    }
    return rc;
}

/* Is candidate a better than b (see the file comment)? */
static bool better(const struct pick *a, const struct pick *b)
{
    if (!b->ok) return true;
    if (a->hits != b->hits) return a->hits > b->hits;
    if (a->fa != b->fa) return a->fa < b->fa;
    if (fabs(a->worst - b->worst) > 1e-9) return a->worst > b->worst;
    if (fabs(a->latency - b->latency) > 0.5) return a->latency < b->latency;
    return a->cfg.threshold > b->cfg.threshold;
}

static int evaluate(struct cal *c, const struct mdl_detect_config *cfg, struct mdl_stream_eval *ev)
{
    char err[256];
    if (mdl_stream_eval_init(ev, c->names, c->k.n_classes, c->tolerance_ms, err, sizeof err) ||
        cli_streams_eval(&c->set, cfg->threshold, cfg->suppression_ms, ev, err, sizeof err)) {
        fprintf(stderr, "kwscope calibrate: %s\n", err);
        return -1;
    }
    return 0;
}

static int search(struct cal *c, const struct mdl_detect_config *base, struct pick *best)
{
    static const int32_t mins[] = { 1, 2, 3, 5 }, supps[] = { 500, 750, 1000, 1500, 2000 };
    char err[256];
    memset(best, 0, sizeof *best);
    double hours = 0;
    for (size_t i = 0; i < c->set.n; i++) hours += c->set.v[i].seconds / 3600.0;
    long max_fa = (long)floor(c->budget * hours + 1e-9);
    for (int32_t win = 200; win <= 1500; win += 100)
        for (size_t mi = 0; mi < sizeof mins / sizeof mins[0]; mi++) {
            struct mdl_detect_config cfg = *base;
            cfg.window_ms = win;
            cfg.min_count = mins[mi];
            if (cli_streams_tops(&c->set, &cfg, err, sizeof err)) {
                fprintf(stderr, "kwscope calibrate: %s\n", err);
                return -1;
            }
            for (size_t si = 0; si < sizeof supps / sizeof supps[0]; si++) {
                cfg.suppression_ms = supps[si];
                for (int32_t thr = 254, over = 0; thr >= 0 && over < 12; thr--) {
                    struct mdl_stream_eval ev;
                    cfg.threshold = thr;
                    if (evaluate(c, &cfg, &ev)) return -1;
                    struct pick p = { true,          cfg,
                                      ev.total.hits, ev.total.false_alarms,
                                      1.0,           ev.total.latency_median_ms };
                    for (int k = 0; k < c->k.n_classes; k++)
                        if (ev.keyword[k] && ev.kw[k].labels && ev.kw[k].recall < p.worst)
                            p.worst = ev.kw[k].recall;
                    if (!isfinite(p.latency)) p.latency = 1e9;
                    mdl_stream_eval_free(&ev);
                    over = p.fa > max_fa ? over + 1 : 0;
                    if (p.fa <= max_fa && better(&p, best)) *best = p;
                }
            }
        }
    return 0;
}

/* The figures of one setting, printed. */
static int report(struct cal *c, const struct mdl_detect_config *cfg, const char *what)
{
    struct mdl_stream_eval ev;
    char err[256];
    if (cli_streams_tops(&c->set, cfg, err, sizeof err) || evaluate(c, cfg, &ev)) return -1;
    char name[160];
    snprintf(name, sizeof name, "%s (threshold %d, window %d ms, suppression %d ms, min count %d)",
             what, (int)cfg->threshold, (int)cfg->window_ms, (int)cfg->suppression_ms,
             (int)cfg->min_count);
    cli_eval_print(stdout, &ev, name, c->json);
    mdl_stream_eval_free(&ev);
    return 0;
}

static int parse_num(const char *flag, const char *v, double lo, double hi, double *out)
{
    char *end;
    double x = v ? strtod(v, &end) : 0;
    if (!v || *end || !(x >= lo && x <= hi)) {
        fprintf(stderr, "kwscope calibrate: %s needs a number in %g..%g\n", flag, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_cmd_calibrate(int argc, char **argv)
{
    static struct cal c;
    memset(&c, 0, sizeof c);
    c.budget = 2.0;
    c.tolerance_ms = 1000;
    const char *model_arg = NULL, *labels = "silence,unknown,yes,no";
    bool force = false, dry = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double x;
        if (!strcmp(a, "--json") || !strcmp(a, "--force") || !strcmp(a, "--dry-run")) {
            *(a[2] == 'j' ? &c.json : a[2] == 'f' ? &force : &dry) = true;
            continue;
        }
        if (!strcmp(a, "--model") && v)
            model_arg = v;
        else if (!strcmp(a, "--labels") && v)
            labels = v;
        else if (!strcmp(a, "--max-fa-per-hour") && !parse_num(a, v, 0, 1e6, &x))
            c.budget = x;
        else if (!strcmp(a, "--tolerance-ms") && !parse_num(a, v, 0, 10000, &x))
            c.tolerance_ms = (int32_t)x;
        else {
            if (strcmp(a, "--max-fa-per-hour") && strcmp(a, "--tolerance-ms"))
                fprintf(stderr, "kwscope calibrate: unknown or incomplete option %s\n", a);
            return 2;
        }
        i++;
    }
    if (i >= argc) {
        fprintf(stderr,
                "usage: kwscope calibrate [--model M] [--labels a,b,..] [--max-fa-per-hour F] "
                "[--tolerance-ms N] [--dry-run] [--force] [--json] STREAM.wav|DIR...\n");
        return 2;
    }
    char path[4096], err[512];
    struct mdl_model m = { 0 };
    struct mdl_detect_config cur = mdl_detect_config_default();
    if (mdl_model_find(model_arg, KWSCOPE_DATADIR, path, sizeof path, err, sizeof err) ||
        mdl_model_load(path, &m, err, sizeof err) ||
        mdl_detect_config_load(path, &cur, 0, NULL, err, sizeof err) ||
        mdl_kws_init(&c.k, &m, err, sizeof err)) {
        fprintf(stderr, "kwscope calibrate: %s\n", err);
        mdl_model_free(&m);
        return 1;
    }
    int n = 0, rc = 0;
    for (const char *p = labels; *p && n < MDL_DETECT_MAX_CLASSES; n++) {
        size_t len = strcspn(p, ",");
        snprintf(c.labels[n], sizeof c.labels[0], "%.*s", (int)len, p);
        c.names[n] = c.labels[n];
        p += len + (p[len] == ',');
    }
    if (n != c.k.n_classes) {
        fprintf(stderr,
                "kwscope calibrate: %d labels given, the model has %d outputs (use --labels)\n", n,
                c.k.n_classes);
        rc = 2;
    }
    cur.n_classes = c.k.n_classes;
    for (; i < argc && !rc; i++) {
        struct stat sb;
        rc = stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode) ? add_dir(&c, argv[i])
                                                            : add_stream(&c, argv[i]);
    }
    struct pick best;
    if (!rc && (report(&c, &cur, "current settings") || search(&c, &cur, &best))) rc = 1;
    if (!rc && !best.ok) {
        fprintf(stderr,
                "kwscope calibrate: no setting keeps false alarms within %g per hour on "
                "these streams; nothing written\n",
                c.budget);
        rc = 1;
    }
    if (!rc && report(&c, &best.cfg, "calibrated")) rc = 1;
    if (!rc && !dry) {
        char note[512], side[4096];
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        snprintf(note, sizeof note,
                 "kwscope calibrate: %zu streams, at most %g false alarms/hour, for %.200s",
                 c.set.n, c.budget, base);
        mdl_detect_sidecar_path(path, side, sizeof side);
        if (mdl_detect_config_save(path, &best.cfg, note, force, err, sizeof err)) {
            fprintf(stderr, "kwscope calibrate: %s\n", err);
            rc = 1;
        } else if (!c.json) {
            printf("wrote %s\n", side);
        }
    }
    cli_streams_free(&c.set);
    mdl_kws_free(&c.k);
    mdl_model_free(&m);
    return rc;
}
