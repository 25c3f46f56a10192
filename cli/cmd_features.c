/* cmd_features.c: `kwscope features` writes the numbers behind the views,
 * frames x bins, as CSV, NPY or a bare array.
 *
 *   kwscope features [--kind spectrogram|mel|mfcc|micro] [--format csv|npy|raw]
 *                    [--stage u16|int8] [-o OUT] [--force] [analysis options] FILE
 *
 * Float kinds (dB, MFCC) are float32; micro is the TFLM frontend's output,
 * int8 (the model's input, default) or its uint16 stage. CSV has a header
 * line and one frame per line, with floats printed with 9 significant digits
 * so they read back as the same float32 the binary formats hold. NPY is
 * format version 1.0 (numpy's lib/format.py: magic, u16 header length, a
 * Python dict literal padded so the data starts on a 64-byte boundary). raw
 * is the same little-endian array without a header.
 *
 * Exit status: 0 done, 1 runtime error (file missing or unreadable, cannot
 * write), 2 usage error (unknown option, kind or format, bad parameter,
 * binary data to a terminal). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli.h"
#include "dsp/dsp.h"

enum out_format { FMT_CSV, FMT_NPY, FMT_RAW };
enum out_type { TYPE_F32, TYPE_I8, TYPE_U16 };

/* The result in one of three element types; row-major frames x cols. */
struct table {
    enum out_type type;
    const void *data;
    size_t rows, cols;
    const char *col_prefix; /* CSV header: prefix0, prefix1, ... */
};

static int fail(const char *msg, const char *arg)
{
    fprintf(stderr, "kwscope features: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    return 1;
}

/* A frequency in Hz: finite, 0..1e6 (never nan or inf). */
static int parse_float(const char *s, float *out)
{
    double v;
    if (!cli_parse_double(s, 0.0, 1e6, &v)) return 0;
    *out = (float)v;
    return 1;
}

static size_t elem_size(enum out_type t)
{
    return t == TYPE_F32 ? 4 : t == TYPE_U16 ? 2 : 1;
}

/* Little-endian bytes of element i, whatever the host's byte order. */
static void elem_le(const struct table *t, size_t i, unsigned char *b)
{
    if (t->type == TYPE_F32) {
        uint32_t u;
        memcpy(&u, (const float *)t->data + i, 4);
        b[0] = (unsigned char)u;
        b[1] = (unsigned char)(u >> 8);
        b[2] = (unsigned char)(u >> 16);
        b[3] = (unsigned char)(u >> 24);
    } else if (t->type == TYPE_U16) {
        uint16_t u = ((const uint16_t *)t->data)[i];
        b[0] = (unsigned char)u;
        b[1] = (unsigned char)(u >> 8);
    } else {
        b[0] = (unsigned char)((const int8_t *)t->data)[i];
    }
}

static int write_raw(const struct table *t, FILE *out)
{
    size_t n = t->rows * t->cols, es = elem_size(t->type);
    unsigned char buf[4096];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        elem_le(t, i, buf + used);
        used += es;
        if (used + 4 > sizeof buf || i + 1 == n) {
            if (fwrite(buf, 1, used, out) != used) return 0;
            used = 0;
        }
    }
    return 1;
}

static int write_npy(const struct table *t, FILE *out)
{
    const char *descr = t->type == TYPE_F32 ? "<f4" : t->type == TYPE_U16 ? "<u2" : "|i1";
    char dict[256];
    int len = snprintf(dict, sizeof dict,
                       "{'descr': '%s', 'fortran_order': False, 'shape': (%zu, %zu), }", descr,
                       t->rows, t->cols);
    /* magic(6) + version(2) + header length(2) + dict + spaces + '\n' = k * 64 */
    size_t total = 10 + (size_t)len + 1;
    size_t pad = (64 - total % 64) % 64;
    size_t hlen = (size_t)len + pad + 1;
    unsigned char pre[10] = {
        0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)hlen, (unsigned char)(hlen >> 8)
    };
    if (fwrite(pre, 1, 10, out) != 10 || fwrite(dict, 1, (size_t)len, out) != (size_t)len) return 0;
    for (size_t i = 0; i < pad; i++)
        if (fputc(' ', out) == EOF) return 0;
    if (fputc('\n', out) == EOF) return 0;
    return write_raw(t, out);
}

static int write_csv(const struct table *t, FILE *out)
{
    for (size_t c = 0; c < t->cols; c++) fprintf(out, "%s%s%zu", c ? "," : "", t->col_prefix, c);
    fputc('\n', out);
    for (size_t r = 0; r < t->rows; r++) {
        if (t->type == TYPE_F32) { /* a row at a time: one fwrite, not one per value */
            char line[4096];
            size_t n = 0;
            for (size_t c = 0; c < t->cols; c++) {
                if (n + CLI_FLOAT_CHARS + 1 > sizeof line) {
                    if (fwrite(line, 1, n, out) != n) return 0;
                    n = 0;
                }
                if (c) line[n++] = ',';
                n += (size_t)cli_format_float(line + n, ((const float *)t->data)[r * t->cols + c]);
            }
            line[n++] = '\n';
            if (fwrite(line, 1, n, out) != n) return 0;
            continue;
        }
        for (size_t c = 0; c < t->cols; c++) {
            size_t i = r * t->cols + c;
            if (c) fputc(',', out);
            if (t->type == TYPE_U16)
                fprintf(out, "%u", (unsigned)((const uint16_t *)t->data)[i]);
            else
                fprintf(out, "%d", (int)((const int8_t *)t->data)[i]);
        }
        if (fputc('\n', out) == EOF) return 0;
    }
    return !ferror(out);
}

/* The table to o (an output of capture's policy: committed when complete,
 * removed on any error, so the previous file stays) or, when NULL, stdout.
 * The exit status. */
static int write_table(const struct table *t, enum out_format fmt, struct cap_output *o)
{
    FILE *out = o ? o->fp : stdout;
    char err[600];
    errno = 0;
    int ok = fmt == FMT_CSV ? write_csv(t, out)
        : fmt == FMT_NPY    ? write_npy(t, out)
                            : write_raw(t, out);
    if (!o) return fflush(out) == 0 && ok ? 0 : fail("write failed", "stdout");
    if (!ok) {
        int e = errno; /* from the write that failed */
        cap_output_abort(o);
        snprintf(err, sizeof err, "%.400s: write failed (%s); nothing written", o->path,
                 strerror(e ? e : EIO));
        return fail(err, NULL);
    }
    return cap_output_commit(o, err, sizeof err) != KWS_OK ? fail(err, NULL) : 0;
}

/* Micro features of a clip: u16 straight from the frontend, or int8. */
static enum kws_status micro_table(const struct cap_clip *clip, int stage_u16, struct table *t,
                                   void **owned, char *err, size_t err_len)
{
    struct dsp_micro_config mc = dsp_micro_config_default();
    uint16_t *u16 = NULL;
    size_t frames = 0;
    enum kws_status st =
        dsp_micro_clip(&mc, clip->samples, clip->n_samples, &u16, &frames, err, err_len);
    if (st != KWS_OK) return st;
    size_t n = frames * (size_t)mc.num_channels;
    *t = (struct table){ TYPE_U16, u16, frames, (size_t)mc.num_channels, "ch" };
    *owned = u16;
    if (stage_u16) return KWS_OK;
    int8_t *i8 = malloc(n ? n : 1);
    if (!i8) {
        free(u16);
        *owned = NULL;
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) i8[i] = dsp_micro_to_int8(u16[i]);
    free(u16);
    *owned = i8;
    t->type = TYPE_I8;
    t->data = i8;
    return KWS_OK;
}

/* Applies one analysis option (name, value) to cfg; 0 if name is not one. */
static int analysis_option(struct dsp_analysis_config *cfg, const char *name, const char *val,
                           int *bad)
{
    struct {
        const char *name;
        int *dst;
    } ints[] = {
        { "--n-fft", &cfg->stft.n_fft },    { "--win", &cfg->stft.win_length },
        { "--hop", &cfg->stft.hop_length }, { "--n-mels", &cfg->mel.n_mels },
        { "--n-mfcc", &cfg->n_mfcc },
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (!strcmp(name, ints[i].name)) {
            *bad = !cli_parse_int(val, -1000000, 1000000, ints[i].dst);
            return 1;
        }
    if (!strcmp(name, "--fmin") || !strcmp(name, "--fmax")) {
        *bad = !parse_float(val, name[3] == 'i' ? &cfg->mel.f_min_hz : &cfg->mel.f_max_hz);
        return 1;
    }
    if (!strcmp(name, "--mel-scale")) {
        *bad = strcmp(val, "htk") && strcmp(val, "slaney");
        cfg->mel.scale = !strcmp(val, "slaney") ? DSP_MEL_SLANEY : DSP_MEL_HTK;
        return 1;
    }
    if (!strcmp(name, "--mel-norm")) {
        *bad = strcmp(val, "none") && strcmp(val, "slaney");
        cfg->mel.slaney_norm = !strcmp(val, "slaney");
        return 1;
    }
    return 0;
}

/* --kind's float analyses (micro is a separate path). */
static bool kind_from_name(const char *name, enum dsp_kind *dk)
{
    static const struct {
        const char *name;
        enum dsp_kind kind;
    } kinds[] = { { "spectrogram", DSP_KIND_SPECTROGRAM },
                  { "mel", DSP_KIND_MEL },
                  { "mfcc", DSP_KIND_MFCC } };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(name, kinds[i].name)) return *dk = kinds[i].kind, true;
    return false;
}

static bool format_from_name(const char *name, enum out_format *fmt)
{
    static const char *const names[] = { [FMT_CSV] = "csv", [FMT_NPY] = "npy", [FMT_RAW] = "raw" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i])) return *fmt = (enum out_format)i, true;
    return false;
}

int cli_cmd_features(int argc, char **argv)
{
    const char *kind = "mfcc", *format = "csv", *stage = NULL, *out_path = NULL, *path = NULL;
    int force = 0;
    struct dsp_analysis_config cfg = dsp_analysis_config_default();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (!strcmp(a, "--force")) {
            force = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            cli_help("features", NULL);
            return 0;
        } else if (!strcmp(a, "--kind") || !strcmp(a, "--format") || !strcmp(a, "--stage") ||
                   !strcmp(a, "-o") || !strncmp(a, "--", 2)) {
            if (!strcmp(a, "--")) {
                if (i + 1 < argc) path = argv[++i];
                continue;
            }
            if (!val) return cli_usage_error("features", "missing value for", a);
            i++;
            if (!strcmp(a, "--kind"))
                kind = val;
            else if (!strcmp(a, "--format"))
                format = val;
            else if (!strcmp(a, "--stage"))
                stage = val;
            else if (!strcmp(a, "-o"))
                out_path = val;
            else if (!analysis_option(&cfg, a, val, &bad))
                return cli_usage_error("features", "unknown option", a);
            if (bad) return cli_usage_error("features", "bad value for option", a);
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("features", "unknown option", a);
        } else if (path) {
            return cli_usage_error("features", "one FILE only; extra argument", a);
        } else {
            path = a;
        }
    }
    enum dsp_kind dk = DSP_KIND_MFCC;
    int micro = !strcmp(kind, "micro");
    if (!micro && !kind_from_name(kind, &dk))
        return cli_usage_error("features", "unknown kind (spectrogram, mel, mfcc, micro)", kind);
    enum out_format fmt;
    if (!format_from_name(format, &fmt))
        return cli_usage_error("features", "unknown format (csv, npy, raw)", format);
    if (stage && !micro)
        return cli_usage_error("features", "--stage applies to --kind micro only", stage);
    if (stage && strcmp(stage, "u16") && strcmp(stage, "int8"))
        return cli_usage_error("features", "unknown stage (u16, int8)", stage);
    if (!path) return cli_usage_error("features", "missing FILE", NULL);
    char err[512];
    if (!micro && dsp_analysis_config_check(&cfg, err, sizeof err) != KWS_OK)
        return cli_usage_error("features", "bad analysis parameters", err);
    if (!out_path && fmt != FMT_CSV && isatty(STDOUT_FILENO))
        return cli_usage_error("features",
                               "refusing to write binary data to a terminal; use -o OUT or a pipe",
                               format);

    /* The output first, so an existing file is refused before any work; it
     * is written beside its target and takes the name only when complete. */
    struct cap_output o = { .fd = -1 };
    if (out_path && cap_output_open(&o, out_path, force, err, sizeof err) != KWS_OK)
        return fail(err, NULL);
    struct cap_clip clip = { 0 };
    if (cap_clip_load(path, &clip, err, sizeof err) != KWS_OK) {
        cap_output_abort(&o);
        return fail(err, NULL);
    }
    struct table t;
    struct dsp_matrix m = { 0 };
    void *owned = NULL;
    enum kws_status st;
    if (micro) {
        st = micro_table(&clip, stage && !strcmp(stage, "u16"), &t, &owned, err, sizeof err);
    } else {
        st = dsp_analyze(&cfg, dk, clip.samples, clip.n_samples, &m, err, sizeof err);
        t = (struct table){ TYPE_F32, m.data, m.rows, m.cols,
                            dk == DSP_KIND_SPECTROGRAM ? "bin"
                                : dk == DSP_KIND_MEL   ? "mel"
                                                       : "c" };
    }
    cap_clip_free(&clip);
    int rc = 0;
    if (st != KWS_OK) {
        cap_output_abort(&o);
        rc = fail(err, NULL);
    } else {
        rc = write_table(&t, fmt, out_path ? &o : NULL);
    }
    dsp_matrix_free(&m);
    free(owned);
    return rc;
}
