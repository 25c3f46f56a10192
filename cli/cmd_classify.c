/* cmd_classify.c: `kwscope classify [--model M] [--json] [--labels a,b,..]
 * [--threshold N] [--window-ms N] [--suppression-ms N] [--min-count N]
 * FILE|DIR...`. Each clip goes through the micro frontend and the model:
 * - a clip of at most one model window (1 s): one result (shorter clips are
 *   padded with zero features), label = largest int8 score, lowest index on a
 *   tie;
 * - a longer file: a score track every 20 ms (window of 49 frames sliding one
 *   frame) fed to the keyword detector (micro_speech's recognize-commands
 *   parameters, all flags); detections are printed as "yes 0.91 @ 12.34 s";
 * - a folder in the Speech Commands layout (one sub-folder per word): every
 *   clip classified, then accuracy per class and a confusion matrix (folders
 *   whose name is not a label count as "unknown" when that label exists;
 *   folders starting with '_' are skipped).
 * Labels default to micro_speech's order: silence, unknown, yes, no.
 * --json prints JSON Lines: file, label, labels, scores_i8,
 * scores; track rows add t_s, detections add "detection": true.
 * Exit status: 0 done, 1 runtime error, 2 usage error. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/capture.h"
#include "cli.h"
#include "dsp/dsp.h"
#include "models/models.h"

#ifndef KWSCOPE_DATADIR
#define KWSCOPE_DATADIR "."
#endif

struct ctx {
    struct mdl_kws k;
    struct mdl_detect_config dc;
    bool json;
    int n_labels;
    char labels[MDL_DETECT_MAX_CLASSES][32];
};

static void print_result(const struct ctx *c, const char *file, const int8_t *s, double t_s,
                         bool track, bool detection)
{
    int n = c->k.n_classes, top = mdl_kws_top(s, n);
    if (c->json) {
        printf("{\"file\": ");
        cli_json_str(file);
        if (track)
            printf(", \"t_s\": %.2f", t_s);
        printf(", \"label\": ");
        cli_json_str(c->labels[top]);
        printf(", \"labels\": [");
        for (int i = 0; i < n; i++) {
            printf(i ? ", " : "");
            cli_json_str(c->labels[i]);
        }
        printf("], \"scores_i8\": [");
        for (int i = 0; i < n; i++)
            printf("%s%d", i ? ", " : "", s[i]);
        printf("], \"scores\": [");
        for (int i = 0; i < n; i++)
            printf("%s%.6g", i ? ", " : "", (double)((s[i] - c->k.out_zp) * c->k.out_scale));
        printf("]%s}\n", detection ? ", \"detection\": true" : "");
        return;
    }
    printf("%s: %s", file, c->labels[top]);
    if (track)
        printf(" @ %.2f s", t_s);
    printf("  (");
    for (int i = 0; i < n; i++)
        printf("%s%s %d %.3f", i ? ", " : "", c->labels[i], s[i],
               (double)((s[i] - c->k.out_zp) * c->k.out_scale));
    printf(")\n");
}

/* One result for a clip of at most one window: shorter clips are padded
 * with zero features at the end. *label gets the top class. */
static int classify_clip(struct ctx *c, const char *path, const struct cap_clip *clip, bool quiet,
                         int *label)
{
    char err[256];
    struct dsp_micro_config mc = dsp_micro_config_default();
    uint16_t *u = NULL, *pad = NULL;
    size_t frames = 0, win = (size_t)c->k.frames, ch = KWS_FEATURE_CHANNELS;
    int8_t s[MDL_DETECT_MAX_CLASSES];
    int rc = 1;
    if (dsp_micro_clip(&mc, clip->samples, clip->n_samples, &u, &frames, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope classify: %s: %s\n", path, err);
        return 1;
    }
    if (!(pad = calloc(win * ch, sizeof *pad))) {
        free(u);
        fprintf(stderr, "kwscope classify: out of memory\n");
        return 1;
    }
    if (frames)
        memcpy(pad, u, (frames < win ? frames : win) * ch * sizeof *u);
    if (mdl_kws_score(&c->k, pad, s, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope classify: %s: %s\n", path, err);
    } else {
        rc = 0;
        *label = mdl_kws_top(s, c->k.n_classes);
        if (!quiet)
            print_result(c, path, s, 0, false, false);
    }
    free(pad);
    free(u);
    return rc;
}

/* A longer file: the score track (models/track.c) through the detector. */
static int classify_track(struct ctx *c, const char *path, const struct cap_clip *clip)
{
    char err[256];
    struct mdl_track t;
    struct mdl_detect det;
    if (mdl_track_init(&t, &c->k, err, sizeof err) != KWS_OK ||
        mdl_track_feed(&t, clip->samples, clip->n_samples, SIZE_MAX, NULL, err, sizeof err) != KWS_OK ||
        mdl_detect_init(&det, &c->dc, err, sizeof err) != KWS_OK) {
        mdl_track_free(&t);
        fprintf(stderr, "kwscope classify: %s: %s\n", path, err);
        return 1;
    }
    int n_det = 0;
    for (size_t w = 0; w < t.rows; w++) {
        const int8_t *s = mdl_track_row(&t, w);
        struct mdl_detect_result r;
        mdl_detect_process(&det, s, t.t_ms[w], &r, NULL, 0);
        if (c->json) {
            print_result(c, path, s, t.t_ms[w] / 1000.0, true, r.is_new);
        } else if (r.is_new) {
            printf("%s: %s %.2f @ %.2f s\n", path, c->labels[r.label], r.score / 255.0,
                   t.t_ms[w] / 1000.0);
        }
        n_det += r.is_new;
    }
    if (!c->json)
        printf("%s: %zu windows, %d detection%s\n", path, t.rows, n_det, n_det == 1 ? "" : "s");
    mdl_track_free(&t);
    return 0;
}

/* Classifies one file; *label gets the 1 s result (or -1 for a track). */
static int classify_file(struct ctx *c, const char *path, bool quiet, int *label)
{
    char err[256];
    struct cap_clip clip = {0};
    *label = -1;
    if (cap_clip_load(path, &clip, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope classify: %s\n", err);
        return 1;
    }
    size_t frames = clip.n_samples < KWS_WINDOW_SAMPLES
                        ? 0 : 1 + (clip.n_samples - KWS_WINDOW_SAMPLES) / KWS_STRIDE_SAMPLES;
    int rc = frames <= (size_t)c->k.frames ? classify_clip(c, path, &clip, quiet, label)
                                           : classify_track(c, path, &clip);
    cap_clip_free(&clip);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Speech Commands folder: accuracy per class and a confusion matrix. */
static int classify_dir(struct ctx *c, const char *dir)
{
    int n = c->k.n_classes, unknown = -1;
    for (int i = 0; i < n; i++)
        if (!strcmp(c->labels[i], "unknown"))
            unknown = i;
    long conf[MDL_DETECT_MAX_CLASSES][MDL_DETECT_MAX_CLASSES] = {{0}};
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "kwscope classify: cannot open folder %s\n", dir);
        return 1;
    }
    char *subs[1024];
    int ns = 0;
    struct dirent *e;
    while ((e = readdir(d)) && ns < 1024)
        if (e->d_name[0] != '.' && e->d_name[0] != '_')
            subs[ns++] = strdup(e->d_name);
    closedir(d);
    qsort(subs, (size_t)ns, sizeof subs[0], by_name);
    int rc = 0;
    long total = 0;
    for (int si = 0; si < ns; si++) {
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", dir, subs[si]);
        struct stat sb;
        int truth = -1;
        for (int i = 0; i < n; i++)
            if (!strcmp(c->labels[i], subs[si]))
                truth = i;
        if (truth < 0)
            truth = unknown;
        DIR *sd = stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode) ? opendir(sub) : NULL;
        if (!sd || truth < 0) {
            if (sd)
                closedir(sd);
            continue;
        }
        while ((e = readdir(sd))) {
            size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 4, ".wav"))
                continue;
            char f[8192];
            snprintf(f, sizeof f, "%s/%s", sub, e->d_name);
            int label;
            if (classify_file(c, f, !c->json, &label)) {
                rc = 1;
                continue;
            }
            if (label >= 0) {
                conf[truth][label]++;
                total++;
            }
        }
        closedir(sd);
    }
    for (int i = 0; i < ns; i++)
        free(subs[i]);
    if (c->json)
        return rc;
    printf("%s: %ld clips\n%-12s %8s %8s  confusion (rows true, columns predicted)\n", dir, total,
           "class", "clips", "accuracy");
    for (int i = 0; i < n; i++) {
        long row = 0;
        for (int j = 0; j < n; j++)
            row += conf[i][j];
        printf("%-12s %8ld %7.1f%% ", c->labels[i], row, row ? 100.0 * conf[i][i] / row : 0.0);
        for (int j = 0; j < n; j++)
            printf(" %6ld", conf[i][j]);
        printf("\n");
    }
    long ok = 0;
    for (int i = 0; i < n; i++)
        ok += conf[i][i];
    printf("%-12s %8ld %7.1f%%\n", "all", total, total ? 100.0 * ok / total : 0.0);
    return rc;
}

int cli_cmd_classify(int argc, char **argv)
{
    static struct ctx c;
    memset(&c, 0, sizeof c);
    c.dc = mdl_detect_config_default();
    const char *model_arg = NULL, *labels = "silence,unknown,yes,no";
    int first_file = argc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (!strcmp(a, "--json")) {
            c.json = true;
            continue;
        } else if (!strcmp(a, "--model") && v) {
            model_arg = v;
        } else if (!strcmp(a, "--labels") && v) {
            labels = v;
        } else if (cli_is_detect_option(a)) {
            bad = cli_detect_option("kwscope classify", a, v, &c.dc);
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "kwscope classify: unknown or incomplete option %s\n", a);
            return 2;
        } else {
            first_file = i;
            break;
        }
        if (bad)
            return 2;
        i++;
    }
    if (first_file >= argc) {
        cli_usage(stderr, "classify", NULL);
        return 2;
    }
    char path[4096];
    struct mdl_model m;
    if (cli_open_kws("kwscope classify", model_arg, &m, &c.k, path, sizeof path))
        return 1;
    /* Labels: comma separated, one per model output. */
    for (const char *p = labels; *p && c.n_labels < MDL_DETECT_MAX_CLASSES;) {
        size_t n = strcspn(p, ",");
        snprintf(c.labels[c.n_labels++], sizeof c.labels[0], "%.*s", (int)n, p);
        p += n + (p[n] == ',');
    }
    int rc = 0;
    if (c.n_labels != c.k.n_classes) {
        fprintf(stderr, "kwscope classify: %d labels given, the model has %d outputs (use --labels)\n",
                c.n_labels, c.k.n_classes);
        rc = 2;
    }
    c.dc.n_classes = c.k.n_classes;
    for (int i = first_file; i < argc && rc != 2; i++) {
        struct stat sb;
        int label;
        if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
            rc |= classify_dir(&c, argv[i]);
        else
            rc |= classify_file(&c, argv[i], false, &label);
    }
    mdl_kws_free(&c.k);
    mdl_model_free(&m);
    return rc;
}
