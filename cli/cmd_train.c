/* cmd_train.c: `kwscope train DATA_DIR [--words yes,no] [--epochs N]
 * [--seed S] [--batch B] [--lr L] [--out DIR] [--force]`.
 *
 * Loads a Speech Commands style data set, trains TinyConv in float (progress
 * bar per epoch), keeps the best checkpoint by validation accuracy, reports
 * float and int8 accuracy on the test partition with confusion matrices, and
 * writes into --out: model_float.bin (the float checkpoint), labels.txt,
 * model.tflite and model.cc (the int8 model), and for tools/armnn_check.py
 * test_features_i8.bin (the test clips' int8 features) with
 * test_pred_int8.txt (kwscope's int8 predictions for them). Files already
 * in --out are refused before training starts unless --force; each file is
 * written beside its name and renamed when complete. --stream trains on
 * stream-like examples for part of each epoch (train/train_stream.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli.h"
#include "dsp/dsp.h"
#include "train/train.h"

struct progress_ctx {
    int tty;
    double t0_us; /* cli_now_us() at the start */
};

static double elapsed(const struct progress_ctx *c)
{
    return (cli_now_us() - c->t0_us) / 1e6;
}

static void progress(const struct mdl_train_progress *p, void *user)
{
    struct progress_ctx *c = user;
    enum { BAR = 30 };
    char bar[BAR + 1];
    int fill = p->total ? (int)(BAR * p->done / p->total) : BAR;
    for (int i = 0; i < BAR; i++) bar[i] = i < fill ? '#' : '.';
    bar[BAR] = 0;
    if (!p->epoch_done) {
        if (c->tty) {
            printf("\repoch %3d/%d [%s] loss %.4f acc %5.1f%%", p->epoch, p->epochs, bar, p->loss,
                   100.0 * p->acc);
            fflush(stdout);
        }
        return;
    }
    printf("%sepoch %3d/%d [%s] loss %.4f acc %5.1f%% val %5.1f%%%s  %.0f s\n", c->tty ? "\r" : "",
           p->epoch, p->epochs, bar, p->loss, 100.0 * p->acc, 100.0 * p->val_acc,
           p->best ? " *best" : "", elapsed(c));
    fflush(stdout);
}

static void print_eval(const char *what, const struct mdl_eval *ev, const struct mdl_dataset *ds)
{
    printf("%s test accuracy: %.2f%% (%d/%d)\n", what, ev->n ? 100.0 * ev->correct / ev->n : 0.0,
           ev->correct, ev->n);
    printf("  confusion (rows: truth, columns: predicted)\n  %-10s", "");
    for (int k = 0; k < ds->n_classes; k++) printf(" %9.9s", ds->labels[k]);
    printf("\n");
    for (int t = 0; t < ds->n_classes; t++) {
        printf("  %-10.10s", ds->labels[t]);
        for (int k = 0; k < ds->n_classes; k++) printf(" %9d", ev->confusion[t][k]);
        printf("\n");
    }
}

/* Where train writes, and whether files already there may be replaced. */
struct train_out {
    const char *dir;
    int force;
};

static const char *const train_files[] = { "model_float.bin",      "labels.txt",
                                           "model.tflite",         "model.cc",
                                           "test_features_i8.bin", "test_pred_int8.txt" };

/* Before any work (training takes minutes): --out is a folder or missing,
 * and without --force holds none of the files train writes. 0 if good. */
static int check_out(const struct train_out *t)
{
    struct stat st;
    if (stat(t->dir, &st) != 0) return 0;
    if (!S_ISDIR(st.st_mode))
        return fprintf(stderr, "kwscope: train: %s: not a folder\n", t->dir), 1;
    for (size_t i = 0; !t->force && i < sizeof train_files / sizeof train_files[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", t->dir, train_files[i]);
        if (lstat(path, &st) == 0)
            return fprintf(stderr, "kwscope: train: %s: exists (use --force to overwrite)\n", path),
                   1;
    }
    return 0;
}

/* One file of --out through capture's output policy: written beside its
 * name and renamed when complete, so a failure keeps the previous file. */
static FILE *out_open(const struct train_out *t, const char *name, struct cap_output *o)
{
    char path[4096], err[600];
    snprintf(path, sizeof path, "%s/%s", t->dir, name);
    if (cap_output_open(o, path, t->force, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope: train: %s\n", err);
        return NULL;
    }
    return o->fp;
}

/* Commits o when ok, else removes it; 1 if the file is in place. */
static int out_close(struct cap_output *o, int ok)
{
    char err[600];
    if (!o->fp) return 0;
    if (!ok) {
        int e = errno;
        cap_output_abort(o);
        fprintf(stderr, "kwscope: train: %s: write failed (%s)\n", o->path, strerror(e ? e : EIO));
        return 0;
    }
    if (cap_output_commit(o, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope: train: %s\n", err);
        return 0;
    }
    return 1;
}

static int write_checkpoint(const struct train_out *t, const struct mdl_tinyconv *m,
                            const struct mdl_dataset *ds)
{
    struct cap_output o;
    FILE *f = out_open(t, "model_float.bin", &o);
    if (!f) return 1;
    /* Raw little-endian floats in TFLite layouts: conv_w, conv_b, fc_w, fc_b. */
    errno = 0;
    int ok = fwrite("KWTC0001", 1, 8, f) == 8 &&
        fwrite(&m->n_classes, sizeof m->n_classes, 1, f) == 1 &&
        fwrite(m->conv_w, sizeof m->conv_w, 1, f) == 1 &&
        fwrite(m->conv_b, sizeof m->conv_b, 1, f) == 1 &&
        fwrite(m->fc_w, sizeof(float), (size_t)m->n_classes * MDL_TC_ACT, f) ==
            (size_t)m->n_classes * MDL_TC_ACT &&
        fwrite(m->fc_b, sizeof(float), (size_t)m->n_classes, f) == (size_t)m->n_classes;
    if (!out_close(&o, ok) || !(f = out_open(t, "labels.txt", &o))) return 1;
    errno = 0;
    for (int k = 0; k < ds->n_classes; k++) fprintf(f, "%s\n", ds->labels[k]);
    return !out_close(&o, !ferror(f));
}

/* The test split as int8 inputs plus our predictions, for armnn_check. */
static int write_test_split(const struct train_out *t, const struct mdl_tc_quant *q,
                            const struct mdl_dataset *ds)
{
    struct cap_output of, og;
    FILE *f = out_open(t, "test_features_i8.bin", &of);
    FILE *g = f ? out_open(t, "test_pred_int8.txt", &og) : NULL;
    if (!g) {
        if (f) cap_output_abort(&of);
        return 1;
    }
    static float x[MDL_TC_IN];
    static uint16_t u[MDL_TC_IN];
    int8_t in[MDL_TC_IN], logits[MDL_TC_MAX_CLASSES];
    char err[512];
    int ok = 1;
    errno = 0;
    for (size_t i = 0; ok && i < ds->n; i++) {
        if (ds->clips[i].split != MDL_SPLIT_TEST) continue;
        if (mdl_clip_features(ds, &ds->clips[i], NULL, x, u, err, sizeof err) != KWS_OK) {
            fprintf(stderr, "kwscope: train: %s\n", err);
            cap_output_abort(&of);
            cap_output_abort(&og);
            return 1;
        }
        for (int k = 0; k < MDL_TC_IN; k++) in[k] = dsp_micro_to_int8(u[k]);
        ok = fwrite(in, 1, sizeof in, f) == sizeof in &&
            fprintf(g, "%d\n", mdl_tc_quant_run(q, in, logits)) > 0;
    }
    ok = out_close(&of, ok && !ferror(f)) && ok;
    if (!ok && og.fp) cap_output_abort(&og);
    return !(out_close(&og, ok && !ferror(g)) && ok);
}

static int export_model(const struct train_out *t, const struct mdl_tc_quant *q,
                        const struct mdl_dataset *ds)
{
    char err[512];
    uint8_t *buf = NULL;
    size_t len = 0;
    if (mdl_tc_to_tflite(q, &buf, &len, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope: train: %s\n", err);
        return 1;
    }
    struct cap_output o;
    FILE *f = out_open(t, "model.tflite", &o);
    errno = 0;
    int ok = f && out_close(&o, fwrite(buf, 1, len, f) == len);
    f = ok ? out_open(t, "model.cc", &o) : NULL;
    errno = 0;
    ok = f && out_close(&o, mdl_write_cc_to(f, "g_model", buf, len));
    free(buf);
    if (!ok) return 1;
    printf("wrote %s/model.tflite (%zu bytes) and model.cc\n", t->dir, len);
    return write_test_split(t, q, ds);
}

/* The options into to, words_buf (comma separated) and *out: 0, or the exit
 * status to return (2: a usage error, reported; -1: --help printed). */
static int parse_options(int argc, char **argv, struct mdl_train_opts *to, char *words_buf,
                         size_t words_len, struct train_out *out, bool *stream)
{
    static const struct option opts[] = {
        { "words", required_argument, 0, 'w' }, { "epochs", required_argument, 0, 'e' },
        { "seed", required_argument, 0, 's' },  { "out", required_argument, 0, 'o' },
        { "batch", required_argument, 0, 'b' }, { "lr", required_argument, 0, 'l' },
        { "force", no_argument, 0, 'f' },       { "help", no_argument, 0, 'h' },
        { "stream", no_argument, 0, 'S' },      { 0, 0, 0, 0 },
    };
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        double lr;
        switch (c) {
        case 'w': snprintf(words_buf, words_len, "%s", optarg); break;
        case 'o': out->dir = optarg; break;
        case 'f': out->force = 1; break;
        case 'e':
            if (!cli_parse_int(optarg, 1, 100000, &to->epochs))
                return fprintf(stderr, "kwscope: train: bad --epochs '%s'\n", optarg), 2;
            break;
        case 's':
            to->seed = strtoull(optarg, &end, 10);
            if (*end) return fprintf(stderr, "kwscope: train: bad --seed '%s'\n", optarg), 2;
            break;
        case 'b':
            if (!cli_parse_int(optarg, 1, 100000, &to->batch))
                return fprintf(stderr, "kwscope: train: bad --batch '%s'\n", optarg), 2;
            break;
        case 'l':
            if (cli_double_option("kwscope train", "--lr", optarg, 1e-9, 0.999, &lr)) return 2;
            to->lr = (float)lr;
            break;
        case 'S': *stream = true; break;
        case 'h': cli_help("train", NULL); return -1;
        default: cli_usage(stderr, "train", NULL); return 2;
        }
    }
    if (optind != argc - 1) {
        cli_usage(stderr, "train", NULL);
        return 2;
    }
    return 0;
}

int cli_cmd_train(int argc, char **argv)
{
    char words_buf[256] = "yes,no";
    struct train_out out = { .dir = "train-out" };
    struct mdl_train_opts to = { .epochs = 40, .seed = 1, .batch = 100, .lr = 0.001f };
    bool stream = false;
    int prc = parse_options(argc, argv, &to, words_buf, sizeof words_buf, &out, &stream);
    if (prc) return prc < 0 ? 0 : prc;
    const char *dir = argv[optind];

    const char *words[MDL_TC_MAX_CLASSES];
    int nw = 0;
    for (char *t = strtok(words_buf, ","); t; t = strtok(NULL, ",")) {
        if (nw == MDL_TC_MAX_CLASSES - 2)
            return fprintf(stderr, "kwscope: train: at most %d words\n", MDL_TC_MAX_CLASSES - 2), 2;
        if (cli_name_option("kwscope train", "--words", t)) return 2;
        words[nw++] = t;
    }
    if (!nw) return fprintf(stderr, "kwscope: train: --words is empty\n"), 2;
    if (check_out(&out)) return 1;

    char err[512];
    struct mdl_dataset *ds = calloc(1, sizeof *ds);
    struct mdl_tinyconv *best = malloc(sizeof *best);
    struct mdl_tc_quant *q = malloc(sizeof *q);
    int rc = 1;
    if (!ds || !best || !q) {
        fprintf(stderr, "kwscope: train: out of memory\n");
        goto out;
    }
    if (mdl_dataset_load(dir, words, nw, ds, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope: train: %s\n", err);
        goto out;
    }
    ds->stream_aug = stream;
    size_t count[3][MDL_TC_MAX_CLASSES] = { { 0 } };
    for (size_t i = 0; i < ds->n; i++) count[ds->clips[i].split][ds->clips[i].label]++;
    printf("data: %s, %zu clips, %zu noise files\n", dir, ds->n, ds->n_noise);
    for (int k = 0; k < ds->n_classes; k++)
        printf("  %-10s train %5zu  val %5zu  test %5zu\n", ds->labels[k], count[0][k], count[1][k],
               count[2][k]);
    if (mkdir(out.dir, 0777) && errno != EEXIST) {
        fprintf(stderr, "kwscope: train: %s: %s\n", out.dir, strerror(errno));
        goto out;
    }
    struct progress_ctx pc = { .tty = isatty(STDOUT_FILENO), .t0_us = cli_now_us() };
    to.progress = progress;
    to.user = &pc;
    int best_epoch;
    if (mdl_train(ds, &to, best, &best_epoch, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope: train: %s\n", err);
        goto out;
    }
    printf("training took %.1f s; best epoch %d (seed %llu)\n", elapsed(&pc), best_epoch,
           (unsigned long long)to.seed);
    if (write_checkpoint(&out, best, ds)) goto out;
    struct mdl_eval fe, qe;
    struct mdl_tc_ranges ranges;
    if (mdl_tc_evaluate(best, ds, MDL_SPLIT_TEST, &fe, err, sizeof err) != KWS_OK ||
        mdl_tc_calibrate(best, ds, &ranges, err, sizeof err) != KWS_OK ||
        (mdl_tc_quantize(best, &ranges, ds->labels, q),
         mdl_tc_quant_evaluate(q, ds, MDL_SPLIT_TEST, &qe, err, sizeof err)) != KWS_OK) {
        fprintf(stderr, "kwscope: train: %s\n", err);
        goto out;
    }
    print_eval("float", &fe, ds);
    print_eval("int8", &qe, ds);
    rc = export_model(&out, q, ds);
out:
    if (ds) mdl_dataset_free(ds);
    free(ds);
    free(best);
    free(q);
    return rc;
}
