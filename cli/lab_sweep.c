/* lab_sweep.c: the body of `kwscope lab`: the base model, the variant list,
 * one row per variant written as soon as it is done (CSV and JSON Lines,
 * flushed), the kept models, progress with an ETA, and the closing figures
 * and table.
 *
 * The ETA is measured, not guessed: seconds per fine-tuning epoch and per
 * variant evaluation (the parts that dominate), times what is left. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab_cli.h"

void lab_cli_defaults(struct lab_cli *o)
{
    memset(o, 0, sizeof *o);
    snprintf(o->words, sizeof o->words, "yes,no");
    o->seed = 1;
    o->epochs = 40;
    o->batch = 100;
    o->lr = 0.001f;
    o->ft_epochs = 5;
    o->ft_lr = 0.0005f;
    o->out = "lab-out";
    o->color = "auto";
    o->width = 72;
    o->height = 18;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cores > 1 ? (int)(cores < 256 ? cores : 256) : 1;
    for (int m = 0; m < MDL_LAB_METHODS; m++) o->methods[m] = true;
    for (size_t b = 0; b < sizeof o->bits; b++) o->bits[b] = true;
    for (int s = 0; s <= 75; s += 25) o->sparsity[s] = true;
    o->sparsity[90] = true;
    o->ft_no = o->ft_yes = true;
}

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

static const char *hms(double s, char *buf, size_t len)
{
    long t = s > 0 ? lround(s) : 0;
    if (t >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
    return buf;
}

static void add_variant(struct lab_ctx *x, enum mdl_lab_method m, int bits, int sp, bool ft)
{
    if (x->n_variants < LAB_MAX_VARIANTS)
        x->variants[x->n_variants++] = (struct mdl_lab_variant){ m, bits, sp, ft };
}

static void build_variants(struct lab_ctx *x)
{
    const struct lab_cli *o = x->o;
    for (int m = MDL_LAB_PTQ; m <= MDL_LAB_QAT; m++)
        for (int b = MDL_LAB_MIN_BITS; o->methods[m] && b <= MDL_LAB_MAX_BITS; b++)
            if (o->bits[b - MDL_LAB_MIN_BITS])
                add_variant(x, (enum mdl_lab_method)m, b, 0, m == MDL_LAB_QAT);
    for (int m = MDL_LAB_UNSTRUCTURED; m <= MDL_LAB_STRUCTURED; m++)
        for (int s = 0; o->methods[m] && s < 100; s++)
            for (int ft = 0; o->sparsity[s] && ft < 2; ft++)
                if (ft ? o->ft_yes : o->ft_no) add_variant(x, (enum mdl_lab_method)m, 8, s, ft);
    x->epochs_left = 0;
    for (int i = 0; i < x->n_variants; i++)
        x->epochs_left += x->variants[i].finetune ? o->ft_epochs : 0;
}

static void print_eta(struct lab_ctx *x, char *buf, size_t len)
{
    double left = x->epochs_left * x->epoch_s + (x->n_variants - x->current) * x->eval_s;
    char a[32], b[32];
    snprintf(buf, len, "%s elapsed, ETA %s", hms(since(&x->t0), a, sizeof a),
             x->evals_done ? hms(left, b, sizeof b) : "?");
}

static void base_progress(const struct mdl_train_progress *p, void *user)
{
    struct lab_ctx *x = user;
    if (!p->epoch_done) {
        if (x->tty) {
            printf("\rbase model: epoch %d/%d  loss %.4f  acc %5.1f%%", p->epoch, p->epochs,
                   p->loss, 100.0 * p->acc);
            fflush(stdout);
        }
        return;
    }
    printf("%sbase model: epoch %d/%d  loss %.4f  acc %5.1f%%  val %5.1f%%%s  %.0f s\n",
           x->tty ? "\r" : "", p->epoch, p->epochs, p->loss, 100.0 * p->acc, 100.0 * p->val_acc,
           p->best ? " *best" : "", since(&x->t0));
    fflush(stdout);
}

static void tune_progress(const struct mdl_train_progress *p, void *user)
{
    struct lab_ctx *x = user;
    char name[64], eta[96];
    if (p->epoch_done) {
        x->epochs_done++;
        x->epochs_left--;
    }
    if (!p->epoch_done && !x->tty) return;
    mdl_lab_variant_name(&x->variants[x->current], name, sizeof name);
    print_eta(x, eta, sizeof eta);
    printf("%s[%d/%d] %-20s epoch %d/%d %3d%%  loss %.4f  %s%s", x->tty ? "\r" : "", x->current + 1,
           x->n_variants, name, p->epoch, p->epochs,
           p->total ? (int)(100 * p->done / p->total) : 100, p->loss, eta,
           p->epoch_done && !x->tty ? "\n" : "");
    fflush(stdout);
}

/* A row file, under a temporary name until lab_cli_finish or _free. */
static FILE *open_out(const struct lab_ctx *x, struct cap_output *out, const char *name)
{
    char path[4096], err[4400];
    snprintf(path, sizeof path, "%s/%s", x->o->out, name);
    if (cap_output_open(out, path, x->o->force, err, sizeof err) == KWS_OK) return out->fp;
    fprintf(stderr, "kwscope lab: %s\n", err);
    return NULL;
}

static int write_float(FILE *f, const void *user)
{
    return mdl_tc_write_float(f, user);
}

static int base_model(struct lab_ctx *x)
{
    const struct lab_cli *o = x->o;
    char err[512], path[4096];
    if (o->float_path) {
        if (mdl_tc_load_float(o->float_path, &x->base, err, sizeof err) != KWS_OK)
            return fprintf(stderr, "kwscope lab: %s\n", err), 1;
        if (x->base.n_classes != x->ds.n_classes)
            return fprintf(stderr,
                           "kwscope lab: %s has %d classes, the data set %d (check --words)\n",
                           o->float_path, x->base.n_classes, x->ds.n_classes),
                   1;
        printf("base model: %s\n", o->float_path);
        return 0;
    }
    struct mdl_train_opts to = { .epochs = o->epochs,
                                 .seed = o->seed,
                                 .batch = o->batch,
                                 .lr = o->lr,
                                 .progress = base_progress,
                                 .user = x };
    int best_epoch;
    if (mdl_train(&x->ds, &to, &x->base, &best_epoch, err, sizeof err) != KWS_OK)
        return fprintf(stderr, "kwscope lab: %s\n", err), 1;
    x->epoch_s = since(&x->t0) / o->epochs;
    snprintf(path, sizeof path, "%s/model_float.bin", o->out);
    if (lab_cli_write(path, o->force, write_float, &x->base)) return 1;
    printf("base model: trained %d epochs (best %d, seed %llu), saved as %s\n", o->epochs,
           best_epoch, (unsigned long long)o->seed, path);
    return 0;
}

int lab_cli_prepare(struct lab_ctx *x)
{
    const struct lab_cli *o = x->o;
    char buf[256], err[512];
    const char *words[MDL_TC_MAX_CLASSES];
    int nw = 0;
    snprintf(buf, sizeof buf, "%s", o->words);
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ","))
        if (nw < MDL_TC_MAX_CLASSES - 2)
            words[nw++] = t;
        else
            return fprintf(stderr, "kwscope lab: at most %d words\n", MDL_TC_MAX_CLASSES - 2), 2;
    if (!nw) return fprintf(stderr, "kwscope lab: --words is empty\n"), 2;
    x->tty = isatty(STDOUT_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &x->t0);
    if (mdl_dataset_load(o->data, words, nw, &x->ds, err, sizeof err) != KWS_OK)
        return fprintf(stderr, "kwscope lab: %s\n", err), 1;
    printf("data: %s, %zu clips, %d classes\n", o->data, x->ds.n, x->ds.n_classes);
    build_variants(x);
    if (!x->n_variants)
        return fprintf(stderr, "kwscope lab: no variants (check --methods and --finetune)\n"), 2;
    if (base_model(x)) return 1;
    struct mdl_lab *lab = &x->lab;
    lab->ft_epochs = o->ft_epochs;
    lab->batch = o->batch;
    lab->ft_lr = o->ft_lr;
    lab->seed = o->seed;
    lab->global = o->global;
    lab->gradual = o->gradual;
    lab->progress = tune_progress;
    lab->user = x;
    if (mdl_lab_init(lab, &x->ds, &x->base, err, sizeof err) != KWS_OK)
        return fprintf(stderr, "kwscope lab: %s\n", err), 1;
    x->lab_ready = true;
    x->csv_out.fd = x->jsonl_out.fd = -1;
    x->csv = open_out(x, &x->csv_out, "results.csv");
    x->jsonl = x->csv ? open_out(x, &x->jsonl_out, "results.jsonl") : NULL;
    if (!x->csv || !x->jsonl) return 1;
    dash_lab_csv_header(x->csv);
    fflush(x->csv);
    printf("%d variants, %d fine-tuning epochs in all\n", x->n_variants, x->epochs_left);
    return lab_cli_export_start(x);
}
