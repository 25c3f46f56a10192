/* lab_report.c: what `kwscope lab` leaves behind: per variant a row (CSV and
 * JSON Lines, flushed at once) and, with --export, the model (.tflite and
 * `xxd -i` .cc) with its test-split outputs for the oracle checks
 * (tools/armnn_check.py); at the end the figures and a table.
 *
 * Every file goes through capture's output policy (cap_output_*): written
 * under a temporary name and renamed, so a kill never leaves half a model
 * behind, and an existing file is replaced only with --force. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "device/device.h"
#include "lab_cli.h"

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

int lab_cli_write(const char *path, int force, int (*write)(FILE *f, const void *user),
                  const void *user)
{
    struct cap_output out;
    char err[4400];
    if (cap_output_open(&out, path, force, err, sizeof err) != KWS_OK)
        return fprintf(stderr, "kwscope lab: %s\n", err), 1;
    if (!write(out.fp, user)) {
        cap_output_abort(&out);
        return fprintf(stderr, "kwscope lab: %s: write failed\n", path), 1;
    }
    if (cap_output_commit(&out, err, sizeof err) != KWS_OK)
        return fprintf(stderr, "kwscope lab: %s\n", err), 1;
    return 0;
}

struct blob {
    const void *data;
    size_t len;
    const char *cc_name; /* non-NULL: as an `xxd -i` array of that name */
};

static int write_blob(FILE *f, const void *user)
{
    const struct blob *b = user;
    if (b->cc_name) return mdl_write_cc_to(f, b->cc_name, b->data, b->len);
    return fwrite(b->data, 1, b->len, f) == b->len;
}

static int write_file(const struct lab_ctx *x, const char *name, const void *data, size_t len,
                      const char *cc_name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", x->o->export_dir, name);
    struct blob b = { data, len, cc_name };
    return lab_cli_write(path, x->o->force, write_blob, &b);
}

int lab_cli_export_start(struct lab_ctx *x)
{
    const char *dir = x->o->export_dir;
    if (!dir) return 0;
    char labels[MDL_TC_MAX_CLASSES * 33] = "";
    for (int k = 0; k < x->ds.n_classes; k++)
        snprintf(labels + strlen(labels), sizeof labels - strlen(labels), "%s\n", x->ds.labels[k]);
    return write_file(x, "test_features_i8.bin", x->lab.test_i8, x->lab.n_test * MDL_TC_IN, NULL) ||
        write_file(x, "labels.txt", labels, strlen(labels), NULL);
}

static int export_variant(struct lab_ctx *x, const char *name, const struct mdl_lab_result *r,
                          struct dash_lab_row *row)
{
    const char *dir = x->o->export_dir;
    char fn[128];
    snprintf(fn, sizeof fn, "%s.tflite", name);
    if (write_file(x, fn, r->model, r->model_len, NULL)) return 1;
    snprintf(row->model, sizeof row->model, "%s/%s", dir, fn);
    snprintf(fn, sizeof fn, "%s.cc", name);
    if (write_file(x, fn, r->model, r->model_len, "g_model")) return 1;
    size_t n = x->lab.n_test, nc = (size_t)x->ds.n_classes;
    char *pred = malloc(n * 4 + 1);
    if (!pred) return fprintf(stderr, "kwscope lab: out of memory\n"), 1;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) o += (size_t)sprintf(pred + o, "%d\n", r->pred[i]);
    snprintf(fn, sizeof fn, "%s_pred_int8.txt", name);
    int rc = write_file(x, fn, pred, o, NULL);
    free(pred);
    snprintf(fn, sizeof fn, "%s_scores_i8.bin", name);
    return rc || write_file(x, fn, r->scores, n * nc, NULL);
}

/* The variant's inference on the emulated Cortex-M4F (dev_emu_bench, about
 * a second): the M4 estimate in ms, or NAN where the emulated board cannot
 * run (no qemu-system-arm or no cross-built image: said once). */
static double m4_inference_ms(const uint8_t *model, size_t n)
{
    static int unavailable;
    if (unavailable || !model) return NAN;
    cli_log_quiet();
    struct dev_emu_bench_config c = { 0 };
    c.model = model;
    c.model_n = n;
    c.runs = 1;
    static struct dev_emu_bench b;
    char err[512];
    if (dev_emu_bench(&c, &b, err, sizeof err) == KWS_OK) return b.stage[1].avg_ms;
    fprintf(stderr, "kwscope lab: no M4 estimates (%s)\n", err);
    unavailable = 1;
    return NAN;
}

static void fill_row(const struct lab_ctx *x, const struct mdl_lab_variant *v,
                     const struct mdl_lab_result *r, struct dash_lab_row *row)
{
    memset(row, 0, sizeof *row);
    mdl_lab_variant_name(v, row->name, sizeof row->name);
    snprintf(row->method, sizeof row->method, "%s", mdl_lab_method_name(v->method));
    row->bits = v->bits;
    row->sparsity_pct = v->sparsity_pct;
    row->finetuned = v->finetune;
    row->ft_epochs = v->finetune ? x->o->ft_epochs : 0;
    if (v->method == MDL_LAB_STRUCTURED || v->method == MDL_LAB_UNSTRUCTURED) {
        snprintf(row->scope, sizeof row->scope, "%s",
                 v->method == MDL_LAB_STRUCTURED ? "channel"
                     : x->o->global              ? "global"
                                                 : "layer");
        row->gradual = v->finetune && x->o->gradual && v->sparsity_pct > 0;
    }
    row->acc_float = 100.0 * r->acc_float;
    row->acc_int8 = 100.0 * r->acc_int8;
    row->n_test = r->n_test;
    row->params = r->params;
    row->params_nonzero = r->params_nonzero;
    row->weights = r->weights;
    row->weights_nonzero = r->weights_nonzero;
    row->flops = r->flops;
    row->conv_flops = r->conv_flops;
    row->channels = r->channels;
    row->weight_bits = r->weight_bits;
    row->flash_bytes = r->flash_bytes;
    row->packed_weight_bytes = r->packed_weight_bytes;
    row->arena_bytes = r->arena_bytes;
    row->host_us = r->host_us;
    /* every variant: the MCU figures need it, and the emulated board costs
     * about a second a variant against the tens its training takes */
    row->m4_ms = m4_inference_ms(r->model, r->flash_bytes);
}

int lab_cli_run_one(struct lab_ctx *x, int i, struct dash_lab_row *row)
{
    char err[512];
    const struct mdl_lab_variant *v = &x->variants[i];
    x->current = i;
    struct mdl_lab_result r;
    if (mdl_lab_run(&x->lab, v, &r, err, sizeof err) != KWS_OK) {
        if (x->tty) printf("\n");
        if (!*x->lab.stop) fprintf(stderr, "kwscope lab: %s\n", err);
        return 1;
    }
    fill_row(x, v, &r, row);
    int rc = x->o->export_dir ? export_variant(x, row->name, &r, row) : 0;
    mdl_lab_result_free(&r);
    return rc;
}

int lab_cli_record(struct lab_ctx *x, int i, const struct dash_lab_row *row, double dt)
{
    dash_lab_csv_row(x->csv, row);
    dash_lab_json_row(x->jsonl, row);
    if (fflush(x->csv) || fflush(x->jsonl))
        return fprintf(stderr, "kwscope lab: cannot write the results: %s\n", strerror(errno)), 1;
    x->rows[x->n_rows++] = *row;
    printf("%s[%d/%d] %-20s int8 %6.2f%%  float %6.2f%%  nz params %7llu  FLOPs %7llu  "
           "flash %6llu B  %5.1f us  %.1f s\n",
           x->tty ? "\r" : "", i + 1, x->n_variants, row->name, row->acc_int8, row->acc_float,
           (unsigned long long)row->params_nonzero, (unsigned long long)row->flops,
           (unsigned long long)row->flash_bytes, row->host_us, dt);
    fflush(stdout);
    return 0;
}

int lab_cli_sweep(struct lab_ctx *x)
{
    if (x->o->jobs > 1 && x->n_variants > 1) return lab_cli_sweep_jobs(x);
    for (int i = 0; i < x->n_variants; i++) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int epochs0 = x->epochs_done;
        struct dash_lab_row row;
        if (lab_cli_run_one(x, i, &row) || lab_cli_record(x, i, &row, since(&t0))) return 1;
        double dt = since(&t0), ep = (double)(x->epochs_done - epochs0);
        if (ep > 0)
            x->epoch_s = (x->epoch_s * 0.3 + 0.7 * (dt - x->eval_s) / ep);
        else
            x->eval_s = x->evals_done ? 0.5 * (x->eval_s + dt) : dt;
        x->evals_done++;
    }
    return 0;
}

static void figures(struct lab_ctx *x, FILE *out, bool unicode, enum tui_color_mode color)
{
    struct tui_canvas *c = tui_canvas_new(x->o->width, x->o->height, unicode, color);
    if (!c) return;
    for (int f = 0; f < DASH_LAB_FIGURES; f++) {
        tui_canvas_clear(c);
        if (!dash_lab_figure(c, (struct tui_rect){ 0, 0, c->w, c->h }, x->rows, x->n_rows, f))
            continue;
        tui_render_text(c, out);
        fputc('\n', out);
    }
    tui_canvas_free(c);
}

/* Where QAT and PTQ both ran: the difference, bit width by bit width. */
static void qat_vs_ptq(const struct lab_ctx *x)
{
    for (size_t i = 0; i < x->n_rows; i++)
        for (size_t j = 0; j < x->n_rows; j++)
            if (!strcmp(x->rows[i].method, "qat") && !strcmp(x->rows[j].method, "ptq") &&
                x->rows[i].bits == x->rows[j].bits)
                printf("  %d bits: QAT %6.2f%%  PTQ %6.2f%%  QAT - PTQ %+6.2f points\n",
                       x->rows[i].bits, x->rows[i].acc_int8, x->rows[j].acc_int8,
                       x->rows[i].acc_int8 - x->rows[j].acc_int8);
}

static enum tui_color_mode color_mode(const char *cm)
{
    int colors = !strcmp(cm, "never") ? 0
        : !strcmp(cm, "always")       ? 256
                                      : tui_term_colors(STDOUT_FILENO);
    return colors >= 256 ? TUI_COLOR_256 : colors ? TUI_COLOR_8 : TUI_COLOR_NONE;
}

int lab_cli_replot(const struct lab_cli *o)
{
    static struct lab_ctx x;
    struct dash_lab_row *rows;
    size_t n;
    char err[600];
    if (dash_lab_load(o->plot, &rows, &n, err, sizeof err) != KWS_OK)
        return fprintf(stderr, "kwscope lab: %s\n", err), 1;
    x.o = o;
    x.n_rows = n < LAB_MAX_VARIANTS ? n : LAB_MAX_VARIANTS;
    memcpy(x.rows, rows, x.n_rows * sizeof *rows);
    free(rows);
    setlocale(LC_ALL, "");
    figures(&x, stdout, tui_locale_utf8(), color_mode(o->color));
    qat_vs_ptq(&x);
    return 0;
}

struct plot_file {
    struct lab_ctx *x;
    bool unicode;
};

static int write_plots(FILE *f, const void *user)
{
    const struct plot_file *p = user;
    figures(p->x, f, p->unicode, TUI_COLOR_NONE);
    return !ferror(f);
}

/* The row files take their names; 0 or 1 (said). */
static int commit_rows(struct lab_ctx *x)
{
    char err[4400];
    int rc = 0;
    struct cap_output *outs[] = { &x->csv_out, &x->jsonl_out };
    for (int i = 0; i < 2; i++) {
        if (outs[i]->fd < 0) continue;
        if (cap_output_commit(outs[i], err, sizeof err) != KWS_OK)
            rc = fprintf(stderr, "kwscope lab: %s\n", err) > 0;
    }
    x->csv = x->jsonl = NULL;
    return rc;
}

void lab_cli_finish(struct lab_ctx *x)
{
    commit_rows(x);
    if (!x->n_rows) return;
    setlocale(LC_ALL, "");
    bool unicode = tui_locale_utf8();
    enum tui_color_mode mode = color_mode(x->o->color);
    printf("\n");
    figures(x, stdout, unicode, mode);
    char path[4096];
    snprintf(path, sizeof path, "%s/plots.txt", x->o->out);
    struct plot_file pf = { x, unicode };
    lab_cli_write(path, x->o->force, write_plots, &pf);
    qat_vs_ptq(x);
    printf("%zu rows in %s/results.csv and results.jsonl, figures in plots.txt; wall time %.0f s\n",
           x->n_rows, x->o->out, since(&x->t0));
}

void lab_cli_free(struct lab_ctx *x)
{
    commit_rows(x);
    if (x->lab_ready) mdl_lab_free(&x->lab);
    mdl_dataset_free(&x->ds);
}
