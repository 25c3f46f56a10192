/* cmd_classify.c: `kwscope classify [--model M] [--json] [--labels a,b,..]
 * [--threshold N] [--window-ms N] [--suppression-ms N] [--min-count N]
 * [--all] [--labels-file L.txt] [--tolerance-ms N] [--sweep] [--color C]
 * [--jobs N] FILE|DIR...`. One-second clips (a folder, or the files given in
 * a row) run on --jobs threads (default: one per core; classify_batch.c);
 * what is printed does not depend on N. Each clip goes through the micro frontend and the model:
 * - a clip of at most one model window (1 s): one result (shorter clips are
 *   padded with zero features), label = largest int8 score, lowest index on a
 *   tie;
 * - a longer file: a score track every 20 ms (window of 49 frames sliding one
 *   frame) fed to the keyword detector (micro_speech's recognize-commands;
 *   settings from the model's sidecar (models/detect_config.c) when it has
 *   one, flags win); keyword detections are printed as "yes 0.91 @ 12.34 s"
 *   (silence never, unknown with --all). With word labels (--labels-file, or
 *   FILE.txt beside FILE.wav, Audacity's label track) the detections are
 *   scored: hits, misses, false alarms (per hour), latency; --sweep adds the
 *   recall / false-alarm curve over thresholds;
 * - a folder in the Speech Commands layout (one sub-folder per word,
 *   _silence_ and _unknown_ included): every clip classified, then accuracy
 *   per class and a confusion matrix (folders whose name is not a label count
 *   as "unknown"); a flat folder of clips: each clip's label and the counts.
 *   What is skipped is said on stderr; a folder without clips is an error.
 * Labels default to micro_speech's order: silence, unknown, yes, no.
 * --json prints JSON Lines: file, label, labels, scores_i8,
 * scores; track rows add t_s, detection rows add "detection": true and carry
 * the detected label and its averaged "score" (0..255); evaluation rows have
 * "keyword", counts, fa_per_hour, recall and latencies.
 * Exit status: 0 done, 1 runtime error, 2 usage error. */
#include <dirent.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "classify_int.h"
#include "dsp/dsp.h"
#include "models/models.h"

#ifndef KWSCOPE_DATADIR
#define KWSCOPE_DATADIR "."
#endif

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

/* A row (or a clip's result). det: the detection at this row (its label
 * and averaged score), or NULL. */
void cli_cls_print_result(const struct cli_cls_ctx *c, const char *file, const int8_t *s,
                          double t_s, bool track, const struct mdl_detect_result *det)
{
    int n = c->k.n_classes, top = det ? det->label : mdl_kws_top(s, n);
    if (c->json) {
        printf("{\"file\": ");
        json_str(file);
        if (track) printf(", \"t_s\": %.2f", t_s);
        printf(", \"label\": ");
        json_str(c->labels[top]);
        printf(", \"labels\": [");
        for (int i = 0; i < n; i++) {
            printf(i ? ", " : "");
            json_str(c->labels[i]);
        }
        printf("], \"scores_i8\": [");
        for (int i = 0; i < n; i++) printf("%s%d", i ? ", " : "", s[i]);
        printf("], \"scores\": [");
        for (int i = 0; i < n; i++)
            printf("%s%.6g", i ? ", " : "", (double)((s[i] - c->k.out_zp) * c->k.out_scale));
        if (det)
            printf("], \"detection\": true, \"score\": %d}\n", (int)det->score);
        else
            printf("]}\n");
        return;
    }
    printf("%s: %s", file, c->labels[top]);
    if (track) printf(" @ %.2f s", t_s);
    printf("  (");
    for (int i = 0; i < n; i++)
        printf("%s%s %d %.3f", i ? ", " : "", c->labels[i], s[i],
               (double)((s[i] - c->k.out_zp) * c->k.out_scale));
    printf(")\n");
}

/* Keyword detections are shown; unknown only with --all; silence never. */
static bool shown(const struct cli_cls_ctx *c, int label)
{
    if (mdl_label_is_keyword(c->labels[label])) return true;
    return c->all && strcasecmp(c->labels[label], "silence") &&
        strcasecmp(c->labels[label], "_silence_");
}

/* The labels for a long file: --labels-file, else FILE.txt beside it.
 * Returns 1 when there are labels, 0 when none, -1 on error. */
static int stream_labels(const struct cli_cls_ctx *c, const char *path, struct mdl_word_labels *lab)
{
    char sib[4096], err[512];
    const char *lp = c->labels_file;
    if (!lp && cli_labels_sibling(path, sib, sizeof sib)) lp = sib;
    if (!lp) return 0;
    if (mdl_labels_load(lp, lab, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope classify: %s\n", err);
        return -1;
    }
    return 1;
}

/* Scores this stream's detections against its labels, adds them to the
 * total (and the track to the sweep set). */
static int evaluate(struct cli_cls_ctx *c, const char *path, struct mdl_track *t,
                    struct mdl_word_labels *lab, const struct mdl_detection *det, size_t n_det,
                    double seconds)
{
    char err[256];
    struct mdl_stream_eval ev;
    int rc = 1;
    if (mdl_stream_eval_init(&ev, c->names, c->k.n_classes, c->tolerance_ms, err, sizeof err) ||
        mdl_stream_eval_add(&ev, lab, det, n_det, seconds, err, sizeof err) ||
        mdl_stream_eval_finish(&ev, err, sizeof err) ||
        mdl_stream_eval_add(&c->ev, lab, det, n_det, seconds, err, sizeof err))
        fprintf(stderr, "kwscope classify: %s: %s\n", path, err);
    else
        rc = 0;
    if (!rc) cli_eval_print(stdout, &ev, path, c->json);
    mdl_stream_eval_free(&ev);
    if (!rc && c->sweep && cli_streams_add(&c->set, path, t, lab, seconds)) {
        fprintf(stderr, "kwscope classify: out of memory\n");
        rc = 1;
    }
    return rc;
}

/* A longer file: the score track (models/track.c) through the detector. */
static int classify_track(struct cli_cls_ctx *c, const char *path, const struct cap_clip *clip)
{
    char err[256];
    struct mdl_track t;
    struct mdl_detect det;
    struct mdl_word_labels lab = { 0 };
    int have = stream_labels(c, path, &lab);
    if (have < 0) return 1;
    if (mdl_track_init(&t, &c->k, err, sizeof err) != KWS_OK ||
        mdl_track_feed(&t, clip->samples, clip->n_samples, SIZE_MAX, NULL, err, sizeof err) !=
            KWS_OK ||
        mdl_detect_init(&det, &c->dc, err, sizeof err) != KWS_OK) {
        mdl_track_free(&t);
        mdl_labels_free(&lab);
        fprintf(stderr, "kwscope classify: %s: %s\n", path, err);
        return 1;
    }
    struct mdl_detection *found = malloc((t.rows ? t.rows : 1) * sizeof *found);
    size_t n_det = 0;
    for (size_t w = 0; found && w < t.rows; w++) {
        const int8_t *s = mdl_track_row(&t, w);
        struct mdl_detect_result r;
        mdl_detect_process(&det, s, t.t_ms[w], &r, NULL, 0);
        bool is_det = r.is_new && shown(c, r.label);
        if (is_det) found[n_det++] = (struct mdl_detection){ w, t.t_ms[w], r.label, r.score };
        if (c->json)
            cli_cls_print_result(c, path, s, t.t_ms[w] / 1000.0, true, is_det ? &r : NULL);
        else if (is_det)
            printf("%s: %s %.2f @ %.2f s\n", path, c->labels[r.label], r.score / 255.0,
                   t.t_ms[w] / 1000.0);
    }
    int rc = found ? 0 : 1;
    if (!found) fprintf(stderr, "kwscope classify: out of memory\n");
    if (!c->json && found)
        printf("%s: %zu windows, %zu detection%s\n", path, t.rows, n_det, n_det == 1 ? "" : "s");
    if (found && have)
        rc = evaluate(c, path, &t, &lab, found, n_det, clip->n_samples / (double)KWS_RATE_HZ);
    free(found);
    mdl_labels_free(&lab);
    mdl_track_free(&t);
    return rc;
}

/* A file longer than one window: score track, detections, evaluation. */
int cli_cls_long(struct cli_cls_ctx *c, const char *path, int *label)
{
    char err[256];
    struct cap_clip clip = { 0 };
    *label = -1;
    if (cli_cls_load(path, &clip, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope classify: %s\n", err);
        return 1;
    }
    int rc = classify_track(c, path, &clip);
    cap_clip_free(&clip);
    return rc;
}

/* Files given as arguments: one batch, results in argument order. */
static int classify_files(struct cli_cls_ctx *c, char **paths, int n)
{
    struct cli_clip_job *jobs = calloc((size_t)n, sizeof *jobs);
    if (!jobs) {
        fprintf(stderr, "kwscope classify: out of memory\n");
        return 1;
    }
    for (int i = 0; i < n; i++) jobs[i] = (struct cli_clip_job){ .path = paths[i], .truth = -1 };
    int rc = cli_cls_batch(c, jobs, (size_t)n);
    free(jobs);
    return rc;
}

static int parse_int(const char *flag, const char *v, int lo, int hi, int32_t *out)
{
    char *end;
    long x = v ? strtol(v, &end, 10) : 0;
    if (!v || *end || x < lo || x > hi) {
        fprintf(stderr, "kwscope classify: %s needs an integer in %d..%d\n", flag, lo, hi);
        return -1;
    }
    *out = (int32_t)x;
    return 0;
}

#define USAGE \
    "usage: kwscope classify [--model M] [--json] [--labels a,b,c,d] [--threshold N] " \
    "[--window-ms N] [--suppression-ms N] [--min-count N] [--all] [--labels-file L.txt] " \
    "[--tolerance-ms N] [--sweep] [--color auto|always|never] [--jobs N] FILE|DIR...\n"

/* Options; returns the index of the first file, or -1 after a usage error.
 * *set gets the MDL_DETECT_SET_* bits of the detector flags given. */
static int parse_args(struct cli_cls_ctx *c, int argc, char **argv, const char **model_arg,
                      const char **labels, const char **color, unsigned *set)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        int32_t jobs = 0;
        if (!strcmp(a, "--") && v) { /* the end of options: FILE may start with '-' */
            return i + 1;
        } else if (!strcmp(a, "--json") || !strcmp(a, "--all") || !strcmp(a, "--sweep")) {
            *(a[2] == 'j' ? &c->json : a[2] == 'a' ? &c->all : &c->sweep) = true;
            continue;
        } else if (!strcmp(a, "--model") && v) {
            *model_arg = v;
        } else if (!strcmp(a, "--labels") && v) {
            *labels = v;
        } else if (!strcmp(a, "--labels-file") && v) {
            c->labels_file = v;
        } else if (!strcmp(a, "--color") && v) {
            *color = v;
        } else if (!strcmp(a, "--jobs") || !strcmp(a, "-j")) {
            bad = parse_int("--jobs", v, 1, CLI_MAX_JOBS, &jobs);
            c->jobs = (int)jobs;
        } else if (!strcmp(a, "--tolerance-ms")) {
            bad = parse_int(a, v, 0, 10000, &c->tolerance_ms);
        } else if (!strcmp(a, "--threshold")) {
            bad = parse_int(a, v, 0, 255, &c->dc.threshold);
            *set |= MDL_DETECT_SET_THRESHOLD;
        } else if (!strcmp(a, "--window-ms")) {
            bad = parse_int(a, v, 0, 600000, &c->dc.window_ms);
            *set |= MDL_DETECT_SET_WINDOW;
        } else if (!strcmp(a, "--suppression-ms")) {
            bad = parse_int(a, v, 0, 600000, &c->dc.suppression_ms);
            *set |= MDL_DETECT_SET_SUPPRESSION;
        } else if (!strcmp(a, "--min-count")) {
            bad = parse_int(a, v, 1, MDL_DETECT_QUEUE, &c->dc.min_count);
            *set |= MDL_DETECT_SET_MIN_COUNT;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "kwscope classify: unknown or incomplete option %s\n", a);
            return -1;
        } else {
            return i;
        }
        if (bad) return -1;
        i++;
    }
    fprintf(stderr, USAGE);
    return -1;
}

/* The plot only --sweep draws; the locale (for UTF-8 glyphs) is read only
 * then, which a one-clip run is spared (a sixth of its own instructions). */
static int plot_setup(struct cli_cls_ctx *c, const char *color)
{
    if (strcmp(color, "never") && strcmp(color, "always") && strcmp(color, "auto")) {
        fprintf(stderr, "kwscope classify: --color must be auto, always or never\n");
        return -1;
    }
    if (!c->sweep) return 0;
    setlocale(LC_ALL, "");
    int colors = cli_color_count(color);
    c->plot = (struct cli_plot_opts){ 72, 20, colors > 0 && tui_locale_utf8(),
                                      colors == 0       ? TUI_COLOR_NONE
                                          : colors == 8 ? TUI_COLOR_8
                                                        : TUI_COLOR_256,
                                      0 };
    return 0;
}

/* After every file: the total over labelled streams and the sweep. */
static int finish(struct cli_cls_ctx *c, int n_files)
{
    char err[256];
    if (c->ev.streams > 1 || (c->ev.streams && n_files > 1)) {
        if (mdl_stream_eval_finish(&c->ev, err, sizeof err)) {
            fprintf(stderr, "kwscope classify: %s\n", err);
            return 1;
        }
        cli_eval_print(stdout, &c->ev, "all streams", c->json);
    }
    if (!c->sweep) return 0;
    if (!c->set.n) {
        fprintf(stderr, "kwscope classify: --sweep needs a long file with labels\n");
        return 1;
    }
    static struct cli_sweep_point pts[CLI_SWEEP_MAX];
    int n = 0;
    if (cli_sweep(&c->set, &c->dc, c->tolerance_ms, c->names, pts, &n, err, sizeof err) || !n) {
        fprintf(stderr, "kwscope classify: sweep: %s\n", err);
        return 1;
    }
    int nc = c->k.n_classes;
    bool kw[MDL_DETECT_MAX_CLASSES];
    for (int k = 0; k < nc; k++) kw[k] = mdl_label_is_keyword(c->labels[k]);
    if (c->json) {
        for (int i = 0; i < n; i++) {
            printf("{\"sweep\": true, \"threshold\": %d", (int)pts[i].threshold);
            for (int k = 0; k <= nc; k++)
                if (k == nc || kw[k])
                    printf(", \"%s\": {\"recall\": %.6g, \"fa_per_hour\": %.6g}",
                           k == nc ? "total" : c->labels[k], pts[i].recall[k],
                           pts[i].fa_per_hour[k]);
            printf("}\n");
        }
        return 0;
    }
    printf("threshold sweep (window %d ms, suppression %d ms, min count %d):\n",
           (int)c->dc.window_ms, (int)c->dc.suppression_ms, (int)c->dc.min_count);
    printf("  threshold  recall  f.a./h\n");
    for (int i = 0; i < n; i++)
        printf("  %9d %6.1f%% %7.1f\n", (int)pts[i].threshold, 100.0 * pts[i].recall[nc],
               pts[i].fa_per_hour[nc]);
    c->plot.budget = 2.0;
    return cli_sweep_plot(stdout, pts, n, c->names, nc, kw, &c->plot) ? 1 : 0;
}

/* The model and its detector settings (sidecar, then the flags). */
static int open_model(struct cli_cls_ctx *c, const char *model_arg, unsigned set,
                      struct mdl_model *m)
{
    char path[4096], err[512];
    bool found = false;
    if (mdl_model_find(model_arg, KWSCOPE_DATADIR, path, sizeof path, err, sizeof err) ||
        mdl_model_load(path, m, err, sizeof err) ||
        mdl_detect_config_load(path, &c->dc, set, &found, err, sizeof err)) {
        fprintf(stderr, "kwscope classify: %s\n", err);
        return 1;
    }
    c->model = m;
    if (mdl_kws_init(&c->k, m, err, sizeof err)) {
        fprintf(stderr, "kwscope classify: %s: %s\n", path, err);
        return 1;
    }
    return 0;
}

int cli_cmd_classify(int argc, char **argv)
{
    static struct cli_cls_ctx c;
    memset(&c, 0, sizeof c);
    c.dc = mdl_detect_config_default();
    c.tolerance_ms = 1000;
    const char *model_arg = NULL, *labels = "silence,unknown,yes,no", *color = "auto";
    unsigned set = 0;
    int first_file = parse_args(&c, argc, argv, &model_arg, &labels, &color, &set);
    if (first_file < 0 || plot_setup(&c, color)) return 2;
    if (c.labels_file && argc - first_file > 1) {
        fprintf(stderr,
                "kwscope classify: --labels-file goes with one FILE (several files: "
                "put NAME.txt beside each NAME.wav)\n");
        return 2;
    }
    struct mdl_model m = { 0 };
    int rc = open_model(&c, model_arg, set, &m);
    /* Labels: comma separated, one per model output. */
    for (const char *p = labels; *p && c.n_labels < MDL_DETECT_MAX_CLASSES;) {
        size_t n = strcspn(p, ",");
        snprintf(c.labels[c.n_labels], sizeof c.labels[0], "%.*s", (int)n, p);
        c.names[c.n_labels] = c.labels[c.n_labels];
        c.n_labels++;
        p += n + (p[n] == ',');
    }
    if (!rc && c.n_labels != c.k.n_classes) {
        fprintf(stderr,
                "kwscope classify: %d labels given, the model has %d outputs (use --labels)\n",
                c.n_labels, c.k.n_classes);
        rc = 2;
    }
    c.dc.n_classes = c.k.n_classes;
    char err[256];
    if (!rc &&
        mdl_stream_eval_init(&c.ev, c.names, c.k.n_classes, c.tolerance_ms, err, sizeof err)) {
        fprintf(stderr, "kwscope classify: %s\n", err);
        rc = 1;
    }
    /* Folders one by one; runs of files between them as one batch each. */
    for (int i = first_file; i < argc && rc != 2 && c.k.n_classes;) {
        struct stat sb;
        if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            rc |= cli_cls_dir(&c, argv[i++]);
            continue;
        }
        int e = i;
        while (e < argc && !(stat(argv[e], &sb) == 0 && S_ISDIR(sb.st_mode))) e++;
        rc |= classify_files(&c, argv + i, e - i);
        i = e;
    }
    if (!rc)
        rc = finish(&c, argc - first_file);
    else if (rc != 2 && c.ev.streams)
        finish(&c, argc - first_file);
    cli_streams_free(&c.set);
    mdl_stream_eval_free(&c.ev);
    cli_cls_workers_free(&c);
    mdl_kws_free(&c.k);
    mdl_model_free(&m);
    return rc;
}
