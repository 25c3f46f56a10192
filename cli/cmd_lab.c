/* cmd_lab.c: `kwscope lab DATA_DIR [options]`, the model lab: trains TinyConv
 * (or takes train's model_float.bin), then sweeps quantisation (PTQ and QAT
 * at 2..8 bits) and pruning (unstructured and structured, with and without
 * fine-tuning), one row per variant into OUT/results.csv and
 * OUT/results.jsonl, and draws the course's figures on the
 * terminal and into OUT/plots.txt.
 *
 * Rows are flushed one by one into temporary files that take their names
 * when the sweep ends, fails or is interrupted (Ctrl-C stops at the next
 * batch), so every finished row is kept; every output goes through
 * capture's output policy, nothing in OUT or the export folder is
 * overwritten without --force. With the same --seed two runs write the same
 * rows but for host_us, whatever --jobs (worker processes, default one per
 * core: lab_jobs.c). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lab_cli.h"

static volatile int interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static int usage(FILE *f)
{
    cli_usage(f, "lab", NULL);
    return f == stdout ? 0 : 2;
}

/* "2-8", "2,4,8", "0,25,50": each value within [lo, hi] into set[]. */
static bool parse_list(const char *s, int lo, int hi, bool *set)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (int i = lo; i <= hi; i++) set[i - lo] = false;
    bool any = false;
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
        char *end;
        long a = strtol(t, &end, 10), b = a;
        if (*end == '-' && end != t) b = strtol(end + 1, &end, 10);
        if (*end || end == t || a < lo || b > hi || a > b) return false;
        for (long v = a; v <= b; v++) set[v - lo] = any = true;
    }
    return any;
}

static bool parse_methods(const char *s, bool *on)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", s);
    memset(on, 0, MDL_LAB_METHODS * sizeof *on);
    bool any = false;
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
        int k = 0;
        while (k < MDL_LAB_METHODS && strcmp(t, mdl_lab_method_name(k))) k++;
        if (k == MDL_LAB_METHODS) return false;
        on[k] = any = true;
    }
    return any;
}

static int num_opt(const char *name, const char *arg, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    *out = strtol(arg, &end, 10);
    if (*end || end == arg || errno || *out < lo || *out > hi) {
        fprintf(stderr, "kwscope lab: bad %s '%s' (%ld..%ld)\n", name, arg, lo, hi);
        return 2;
    }
    return 0;
}

static int float_opt(const char *name, const char *arg, float *out)
{
    char *end;
    *out = strtof(arg, &end);
    if (*end || end == arg || !(*out > 0.0f && *out < 1.0f)) {
        fprintf(stderr, "kwscope lab: bad %s '%s' (0 < rate < 1)\n", name, arg);
        return 2;
    }
    return 0;
}

/* The numeric options, each with its range. */
static int set_number(int c, const char *arg, struct lab_cli *o)
{
    int rc = 0;
    long v;
    switch (c) {
    case 's':
        rc = num_opt("--seed", arg, 0, 2147483647L, &v);
        o->seed = (uint64_t)v;
        break;
    case 'e':
        rc = num_opt("--epochs", arg, 1, 100000, &v);
        o->epochs = (int)v;
        break;
    case 'b':
        rc = num_opt("--batch", arg, 1, 100000, &v);
        o->batch = (int)v;
        break;
    case 'E':
        rc = num_opt("--ft-epochs", arg, 1, 100000, &v);
        o->ft_epochs = (int)v;
        break;
    case 'W':
        rc = num_opt("--width", arg, 40, 1000, &v);
        o->width = (int)v;
        break;
    case 'H':
        rc = num_opt("--height", arg, 8, 500, &v);
        o->height = (int)v;
        break;
    case 'j':
        rc = num_opt("--jobs", arg, 1, 256, &v);
        o->jobs = (int)v;
        break;
    case 'l': rc = float_opt("--lr", arg, &o->lr); break;
    case 'L': rc = float_opt("--ft-lr", arg, &o->ft_lr); break;
    }
    return rc;
}

/* The options that take a word or a list: 0, or 2 after one error line. */
static int set_choice(int c, const char *arg, struct lab_cli *o)
{
    switch (c) {
    case 'm':
        if (!parse_methods(arg, o->methods))
            return fprintf(stderr,
                           "kwscope lab: bad --methods '%s' (ptq,qat,unstructured,structured)\n",
                           arg),
                   2;
        break;
    case 'B':
        if (!parse_list(arg, MDL_LAB_MIN_BITS, MDL_LAB_MAX_BITS, o->bits))
            return fprintf(stderr, "kwscope lab: bad --bits '%s' (2..8, e.g. 2-8 or 4,8)\n", arg),
                   2;
        break;
    case 'S':
        if (!parse_list(arg, 0, 99, o->sparsity))
            return fprintf(stderr,
                           "kwscope lab: bad --sparsity '%s' (percent 0..99, e.g. 0,50,90)\n", arg),
                   2;
        break;
    case 't': {
        bool ft[2];
        char buf[32];
        snprintf(buf, sizeof buf, "%s", arg);
        ft[0] = ft[1] = false;
        for (char *t = strtok(buf, ","); t; t = strtok(NULL, ","))
            if (!strcmp(t, "no") || !strcmp(t, "yes"))
                ft[t[0] == 'y'] = true;
            else
                return fprintf(stderr, "kwscope lab: bad --finetune '%s' (no,yes)\n", arg), 2;
        o->ft_no = ft[0];
        o->ft_yes = ft[1];
        break;
    }
    case 'g':
        if (strcmp(arg, "layer") && strcmp(arg, "global"))
            return fprintf(stderr, "kwscope lab: bad --scope '%s' (layer or global)\n", arg), 2;
        o->global = !strcmp(arg, "global");
        break;
    case 'c':
        if (strcmp(arg, "auto") && strcmp(arg, "always") && strcmp(arg, "never"))
            return fprintf(stderr, "kwscope lab: bad --color '%s' (auto, always, never)\n", arg), 2;
        o->color = arg;
        break;
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct lab_cli *o)
{
    static const struct option opts[] = {
        { "words", required_argument, 0, 'w' },
        { "seed", required_argument, 0, 's' },
        { "epochs", required_argument, 0, 'e' },
        { "batch", required_argument, 0, 'b' },
        { "lr", required_argument, 0, 'l' },
        { "float", required_argument, 0, 'F' },
        { "methods", required_argument, 0, 'm' },
        { "bits", required_argument, 0, 'B' },
        { "sparsity", required_argument, 0, 'S' },
        { "finetune", required_argument, 0, 't' },
        { "ft-epochs", required_argument, 0, 'E' },
        { "ft-lr", required_argument, 0, 'L' },
        { "scope", required_argument, 0, 'g' },
        { "gradual", no_argument, 0, 'G' },
        { "out", required_argument, 0, 'o' },
        { "export", required_argument, 0, 'x' },
        { "force", no_argument, 0, 'f' },
        { "color", required_argument, 0, 'c' },
        { "width", required_argument, 0, 'W' },
        { "height", required_argument, 0, 'H' },
        { "plot", required_argument, 0, 'P' },
        { "jobs", required_argument, 0, 'j' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    lab_cli_defaults(o);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'w': snprintf(o->words, sizeof o->words, "%s", optarg); break;
        case 's':
        case 'j':
        case 'e':
        case 'b':
        case 'E':
        case 'W':
        case 'H':
        case 'l':
        case 'L': rc = set_number(c, optarg, o); break;
        case 'F': o->float_path = optarg; break;
        case 'P': o->plot = optarg; break;
        case 'o': o->out = optarg; break;
        case 'x': o->export_dir = optarg; break;
        case 'f': o->force = true; break;
        case 'G': o->gradual = true; break;
        case 'm':
        case 'B':
        case 'S':
        case 't':
        case 'g':
        case 'c': rc = set_choice(c, optarg, o); break;
        case 'h': return usage(stdout), -1;
        default:
            fprintf(stderr, "kwscope lab: unknown or incomplete option '%s'\n", argv[optind - 1]);
            return usage(stderr);
        }
        if (rc) return rc;
    }
    if (o->plot && optind == argc) return 0;
    if (optind != argc - 1)
        return fprintf(stderr, "kwscope lab: needs one DATA_DIR\n"), usage(stderr);
    o->data = argv[optind];
    return 0;
}

/* Refuses to overwrite results (or a non-empty export folder) unless --force. */
static int check_outputs(const struct lab_cli *o)
{
    const char *names[] = { "results.csv", "results.jsonl", "plots.txt", "model_float.bin" };
    char path[4096];
    size_t n_names = sizeof names / sizeof names[0] - (o->float_path != NULL);
    for (size_t i = 0; i < n_names && !o->force; i++) {
        snprintf(path, sizeof path, "%s/%s", o->out, names[i]);
        if (access(path, F_OK) == 0) {
            fprintf(stderr, "kwscope lab: %s exists (use --force to overwrite)\n", path);
            return 1;
        }
    }
    if (o->export_dir && !o->force) {
        snprintf(path, sizeof path, "%s/test_features_i8.bin", o->export_dir);
        if (access(path, F_OK) == 0) {
            fprintf(stderr, "kwscope lab: %s holds an earlier export (use --force to overwrite)\n",
                    o->export_dir);
            return 1;
        }
    }
    const char *dirs[] = { o->out, o->export_dir };
    for (int i = 0; i < 2; i++)
        if (dirs[i] && mkdir(dirs[i], 0777) && errno != EEXIST) {
            fprintf(stderr, "kwscope lab: %s: %s\n", dirs[i], strerror(errno));
            return 1;
        }
    return 0;
}

int cli_cmd_lab(int argc, char **argv)
{
    struct lab_cli o;
    int rc = parse_args(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    if (o.plot) return lab_cli_replot(&o);
    if ((rc = check_outputs(&o))) return rc;
    struct lab_ctx *x = calloc(1, sizeof *x);
    if (!x) return fprintf(stderr, "kwscope lab: out of memory\n"), 1;
    x->o = &o;
    rc = lab_cli_prepare(x);
    if (!rc) {
        struct sigaction sa = { 0 }, old;
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old);
        x->lab.stop = &interrupted;
        rc = lab_cli_sweep(x);
        sigaction(SIGINT, &old, NULL);
        if (!rc || interrupted) lab_cli_finish(x);
        if (interrupted) {
            fprintf(stderr, "kwscope lab: interrupted; %zu finished rows kept in %s\n", x->n_rows,
                    o.out);
            rc = 130;
        }
    }
    lab_cli_free(x);
    free(x);
    return rc;
}
