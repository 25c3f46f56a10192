/* classify_dir.c: `kwscope classify DIR`. A folder in the Speech Commands
 * layout (one sub-folder per word; _silence_ and _unknown_ count as the
 * silence and unknown classes; other folders whose name is no label count
 * as unknown) gives accuracy per class and a confusion matrix; WAV clips in
 * the folder itself are classified and counted by label. _background_noise_
 * (long noise files for training) and anything that is no WAV are skipped,
 * and said so on stderr; a folder without clips is an error. Each clip goes
 * through the caller's classifier, so this file only walks and counts. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "classify_int.h"

struct dir_ctx {
    const char *const *labels;
    int n_classes;
    bool json;
    struct cli_clip_job *jobs; /* every clip of the folder, in print order */
    size_t n_jobs, cap;
    struct cli_cls_ctx *user;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of dir (NULL and *n 0 when it cannot be read). */
static char **list_dir(const char *dir, int *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (!d) return NULL;
    int cap = 64;
    char **v = malloc((size_t)cap * sizeof *v);
    struct dirent *e;
    while (v && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (*n == cap) {
            char **nv = realloc(v, (size_t)(cap *= 2) * sizeof *v);
            if (!nv) break;
            v = nv;
        }
        v[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (v) qsort(v, (size_t)*n, sizeof *v, by_name);
    return v;
}

static bool is_wav(const char *name)
{
    size_t len = strlen(name);
    return len > 4 && !strcasecmp(name + len - 4, ".wav");
}

/* The class a folder's clips belong to: its name ("_silence_" matches a
 * label "silence" too), else unknown; -1 when neither exists. */
static int folder_class(const struct dir_ctx *c, const char *name)
{
    int unknown = -1;
    for (int i = 0; i < c->n_classes; i++) {
        const char *l = c->labels[i];
        size_t n = strlen(l);
        if (!strcasecmp(l, name) ||
            (name[0] == '_' && strlen(name) == n + 2 && !strncasecmp(name + 1, l, n) &&
             name[n + 1] == '_'))
            return i;
        if (!strcasecmp(l, "unknown") || !strcasecmp(l, "_unknown_")) unknown = i;
    }
    return unknown;
}

/* Adds the WAV clips of one folder as class truth (-1: no truth, each
 * clip's label is counted). */
static int add_folder(struct dir_ctx *c, const char *dir, int truth)
{
    int n, rc = 0;
    char **f = list_dir(dir, &n);
    for (int i = 0; i < n; i++) {
        if (!rc && is_wav(f[i])) {
            if (c->n_jobs == c->cap) {
                size_t cap = c->cap ? 2 * c->cap : 256;
                struct cli_clip_job *nj = realloc(c->jobs, cap * sizeof *nj);
                if (!nj) rc = 1;
                if (nj) c->jobs = nj, c->cap = cap;
            }
            char p[8192];
            snprintf(p, sizeof p, "%s/%s", dir, f[i]);
            char *path = rc ? NULL : strdup(p);
            if (path)
                c->jobs[c->n_jobs++] = (struct cli_clip_job){ .path = path,
                                                              .truth = truth,
                                                              .quiet = truth >= 0 && !c->json };
            else
                rc = 1;
        }
        free(f[i]);
    }
    free(f);
    if (rc) fprintf(stderr, "kwscope classify: out of memory\n");
    return rc;
}

static void print_confusion(const struct dir_ctx *c, const char *dir,
                            long conf[][MDL_DETECT_MAX_CLASSES], long total)
{
    int n = c->n_classes;
    printf("%s: %ld clips\n%-12s %8s %8s  confusion (rows true, columns predicted)\n", dir, total,
           "class", "clips", "accuracy");
    long ok = 0;
    for (int i = 0; i < n; i++) {
        long row = 0;
        for (int j = 0; j < n; j++) row += conf[i][j];
        ok += conf[i][i];
        printf("%-12s %8ld %7.1f%% ", c->labels[i], row, row ? 100.0 * conf[i][i] / row : 0.0);
        for (int j = 0; j < n; j++) printf(" %6ld", conf[i][j]);
        printf("\n");
    }
    printf("%-12s %8ld %7.1f%%\n", "all", total, total ? 100.0 * ok / total : 0.0);
}

/* Classifies the clips (cmd_classify's batch) and counts them. */
static int run_and_count(struct dir_ctx *c, long conf[][MDL_DETECT_MAX_CLASSES], long *counts,
                         long *fcounts, long *total, long *ftotal, long *long_files)
{
    int rc = cli_cls_batch(c->user, c->jobs, c->n_jobs);
    for (size_t i = 0; i < c->n_jobs; i++) {
        const struct cli_clip_job *j = &c->jobs[i];
        if (j->rc)
            continue;
        else if (j->label < 0)
            (*long_files)++;
        else if (j->truth >= 0)
            conf[j->truth][j->label]++, counts[j->label]++, (*total)++;
        else
            fcounts[j->label]++, (*ftotal)++;
    }
    return rc;
}

/* A folder: the Speech Commands layout (accuracy, confusion matrix), or a
 * flat folder of clips (each label, then the counts). */
int cli_cls_dir(struct cli_cls_ctx *cc, const char *dir)
{
    struct dir_ctx dc = { cc->names, cc->k.n_classes, cc->json, NULL, 0, 0, cc }, *c = &dc;
    long conf[MDL_DETECT_MAX_CLASSES][MDL_DETECT_MAX_CLASSES] = { { 0 } };
    long counts[MDL_DETECT_MAX_CLASSES] = { 0 }, fcounts[MDL_DETECT_MAX_CLASSES] = { 0 };
    long total = 0, ftotal = 0, long_files = 0;
    int ns, rc = 0, flat = 0;
    char **subs = list_dir(dir, &ns);
    if (!subs) {
        fprintf(stderr, "kwscope classify: cannot open folder %s\n", dir);
        return 1;
    }
    for (int si = 0; si < ns; si++) {
        char sub[4096];
        struct stat sb;
        snprintf(sub, sizeof sub, "%s/%s", dir, subs[si]);
        bool is_dir = stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode);
        int truth = is_dir ? folder_class(c, subs[si]) : -1;
        if (!is_dir && is_wav(subs[si]))
            flat = 1;
        else if (!is_dir)
            fprintf(stderr, "kwscope classify: %s: skipped %s (not a WAV file)\n", dir, subs[si]);
        else if (!strcmp(subs[si], "_background_noise_") || truth < 0)
            fprintf(stderr, "kwscope classify: %s: skipped %s/ (%s)\n", dir, subs[si],
                    truth < 0 ? "no such label and no unknown class"
                              : "background noise, not clips");
        else if (!rc)
            rc |= add_folder(c, sub, truth);
    }
    for (int i = 0; i < ns; i++) free(subs[i]);
    free(subs);
    if (flat && !rc) /* clips directly in the folder: labels without truth */
        rc |= add_folder(c, dir, -1);
    if (!rc) rc = run_and_count(c, conf, counts, fcounts, &total, &ftotal, &long_files);
    for (size_t i = 0; i < c->n_jobs; i++) free(c->jobs[i].path);
    free(c->jobs);
    if (long_files)
        fprintf(stderr, "kwscope classify: %s: %ld file%s longer than one window not counted\n",
                dir, long_files, long_files == 1 ? "" : "s");
    if (!total && !ftotal && !long_files) {
        fprintf(stderr, "kwscope classify: %s: no WAV clips found\n", dir);
        return 1;
    }
    if (c->json) return rc;
    if (total) print_confusion(c, dir, conf, total);
    if (ftotal) {
        printf("%s: %ld clip%s in the folder itself:", dir, ftotal, ftotal == 1 ? "" : "s");
        for (int i = 0; i < c->n_classes; i++) printf(" %s %ld", c->labels[i], fcounts[i]);
        printf("\n");
    }
    return rc;
}
