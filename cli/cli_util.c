/* cli_util.c: what the commands share: JSON strings, integer options with
 * their limits, the detector's four options, a monotonic clock, and the
 * usage lines (from the command table, cli/commands.c).
 *
 * Every command reports a bad value the same way: one line "kwscope CMD:
 * --flag needs an integer in LO..HI" on stderr and exit status 2. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli.h"
#include "device/device.h"

#ifndef KWSCOPE_DATADIR
#define KWSCOPE_DATADIR "."
#endif

int cli_usage_error(const char *name, const char *msg, const char *arg)
{
    fprintf(stderr, "kwscope %s: %s%s%s\n", name, msg, arg ? ": " : "", arg ? arg : "");
    cli_usage(stderr, name, NULL);
    return 2;
}

int cli_open_kws(const char *cmd, const char *arg, struct mdl_model *m, struct mdl_kws *k,
                 char *path, size_t path_len)
{
    char err[256];
    memset(m, 0, sizeof *m);
    if (mdl_model_find(arg, KWSCOPE_DATADIR, path, path_len, err, sizeof err) ||
        mdl_model_load(path, m, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", cmd, err);
        return 1;
    }
    if (mdl_kws_init(k, m, err, sizeof err)) {
        fprintf(stderr, "%s: %s: %s\n", cmd, path, err);
        mdl_model_free(m);
        return 1;
    }
    return 0;
}

static void quiet_log(enum kws_log_level level, const char *msg, void *user)
{
    (void)user;
    if (level >= KWS_LOG_WARN) fprintf(stderr, "kwscope: %s\n", msg);
}

void cli_log_quiet(void)
{
    kws_log_set(quiet_log, NULL);
}

void cli_json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

int cli_color_count(const char *color)
{
    if (!strcmp(color, "never")) return 0;
    if (!strcmp(color, "always")) return tui_term_colors(STDOUT_FILENO) == 8 ? 8 : 256;
    if (!strcmp(color, "auto")) return tui_term_colors(STDOUT_FILENO);
    return -1;
}

double cli_now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int cli_parse_long(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s) return 0;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end || errno || v < lo || v > hi) return 0;
    *out = v;
    return 1;
}

int cli_parse_int(const char *s, int lo, int hi, int *out)
{
    long v;
    if (!cli_parse_long(s, lo, hi, &v)) return 0;
    *out = (int)v;
    return 1;
}

int cli_int_option(const char *cmd, const char *flag, const char *v, long lo, long hi, long *out)
{
    if (cli_parse_long(v, lo, hi, out)) return 0;
    fprintf(stderr, "%s: %s needs an integer in %ld..%ld\n", cmd, flag, lo, hi);
    return 2;
}

int cli_parse_double(const char *s, double lo, double hi, double *out)
{
    if (!s || !*s) return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    /* v >= lo && v <= hi is false for NaN; the range also excludes inf. */
    if (*end || errno || !(v >= lo && v <= hi)) return 0;
    *out = v;
    return 1;
}

int cli_double_option(const char *cmd, const char *flag, const char *v, double lo, double hi,
                      double *out)
{
    if (cli_parse_double(v, lo, hi, out)) return 0;
    fprintf(stderr, "%s: %s needs a number in %g..%g\n", cmd, flag, lo, hi);
    return 2;
}

int cli_name_option(const char *cmd, const char *flag, const char *name)
{
    if (cap_name_is_component(name)) return 0;
    char shown[256];
    dev_text_escape(name, strlen(name), shown, sizeof shown);
    fprintf(stderr,
            "%s: %s: '%s' cannot be a file name (one name: no '/', no leading '.', "
            "no control characters)\n",
            cmd, flag, shown);
    return 2;
}

/* The detector's options and their limits (models/models.h). */
static const struct {
    const char *flag;
    long lo, hi;
    size_t field;
} detect_opts[] = {
    { "--threshold", 0, MDL_DETECT_THRESHOLD_MAX, offsetof(struct mdl_detect_config, threshold) },
    { "--window-ms", 0, MDL_DETECT_WINDOW_MS_MAX, offsetof(struct mdl_detect_config, window_ms) },
    { "--suppression-ms", 0, MDL_DETECT_SUPPRESSION_MS_MAX,
      offsetof(struct mdl_detect_config, suppression_ms) },
    { "--min-count", 1, MDL_DETECT_QUEUE, offsetof(struct mdl_detect_config, min_count) },
};

#define N_DETECT_OPTS (sizeof detect_opts / sizeof detect_opts[0])

static size_t detect_index(const char *flag)
{
    size_t i = 0;
    while (i < N_DETECT_OPTS && strcmp(flag, detect_opts[i].flag)) i++;
    return i;
}

int cli_is_detect_option(const char *flag)
{
    return detect_index(flag) < N_DETECT_OPTS;
}

int cli_detect_option(const char *cmd, const char *flag, const char *v,
                      struct mdl_detect_config *dc)
{
    size_t i = detect_index(flag);
    if (i == N_DETECT_OPTS) return -1;
    long x;
    if (cli_int_option(cmd, detect_opts[i].flag, v, detect_opts[i].lo, detect_opts[i].hi, &x))
        return 2;
    int32_t *field = (int32_t *)(void *)((char *)dc + detect_opts[i].field);
    *field = (int32_t)x;
    return 0;
}
