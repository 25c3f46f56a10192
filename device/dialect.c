/* dialect.c: line parsers for firmware users already run.
 *
 * Formats (read from the public sources, not copied):
 * - tflite-micro-arduino-examples micro_speech: detections
 *   "Heard yes (201) @4800ms", debug "Scores: s 12 u -3 y 100 n -128", and the
 *   PROFILE_MICRO_SPEECH build's "## time: min 3ms  max 5ms  avg 4ms" lines
 *   (possibly prefixed by a stage name), plus its test-over-serial replies
 *   "!OK TEST 96", "!DATA_ACK 96", "!OK DATA ...", "!FAIL ..." (the host
 *   side is tensorflow/tflite-micro-arduino-examples scripts/test_over_serial.py).
 *   The DEBUG_MICRO_SPEECH build prints "Scores: s 10 u 3 y 230 n 12  silence
 *   -> yes" (window averages, 0..255) before its "Heard" line, and "#Scores:"
 *   when the top label changes without a detection. PROFILE_MICRO_SPEECH
 *   prints "## time: min 83ms  max 91ms  avg 86ms" for the whole loop (no
 *   stage name: the line comes back as profile "loop").
 * - Edge Impulse firmware, two generations: "Predictions (DSP: 6 ms.,
 *   Classification: 3 ms., Anomaly: 0 ms.): " then "    label: 0.97656" per
 *   class; since January 2024 "Timing: DSP 6 ms, inference 3 ms, anomaly 0 ms",
 *   "#Classification predictions:", then "  label: 0.976562" per class. Both
 *   may end with an anomaly line ("    anomaly score: 0.123", or "Anomaly
 *   prediction: 0.123").
 * Pure and total: any bytes in, a kind out (DEV_LINE_NONE when unknown).
 * A number that is not finite (nan, inf) makes its line unrecognised. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"

static void copy_label(char *dst, const char *src)
{
    size_t i = 0;
    while (src[i] && src[i] != ' ' && src[i] != ':' && i < DEV_LABEL_LEN - 1) {
        dst[i] = src[i];
        i++;
    }
    dst[i] = 0;
}

static int parse_scores(const char *s, struct dev_line *o)
{
    s += strlen("Scores:");
    o->n_scores = 0;
    for (;;) {
        char lab[DEV_LABEL_LEN];
        int v, used = 0;
        while (*s == ' ' || *s == '\t') s++;
        if (!*s) break;
        if (sscanf(s, "%15s %d%n", lab, &v, &used) != 2 || o->n_scores >= DEV_MAX_LABELS)
            return o->n_scores > 0; /* stops at "silence -> yes" */
        copy_label(o->score_labels[o->n_scores], lab);
        o->scores[o->n_scores++] = v;
        s += used;
    }
    return o->n_scores > 0;
}

static int parse_profile(const char *s, struct dev_line *o)
{
    const char *t = strstr(s, "time:");
    if (!t) return 0;
    const char *name = s + 2;
    while (*name == ' ') name++;
    size_t nl = (size_t)(t - name);
    while (nl && name[nl - 1] == ' ') nl--;
    if (nl >= sizeof o->profile_name) nl = sizeof o->profile_name - 1;
    memcpy(o->profile_name, name, nl);
    o->profile_name[nl] = 0;
    /* the stock sketch times its whole loop and names no stage */
    if (!nl) snprintf(o->profile_name, sizeof o->profile_name, "loop");
    return sscanf(t, "time: min %fms max %fms avg %fms", &o->min_ms, &o->max_ms, &o->avg_ms) == 3 &&
        isfinite(o->min_ms) && isfinite(o->max_ms) && isfinite(o->avg_ms);
}

static int parse_heard(const char *s, struct dev_line *o)
{
    char lab[64];
    unsigned ms;
    int score;
    if (sscanf(s, "Heard %63s (%d) @%ums", lab, &score, &ms) != 3) return 0;
    copy_label(o->label, lab);
    o->score = score;
    o->time_ms = ms;
    return 1;
}

static int parse_data_ack(const char *s, struct dev_line *o)
{
    if (s[9] && s[9] != ' ') return 0;
    o->score = s[9] ? atoi(s + 10) : -1;
    return 1;
}

/* "!OK TEST 96" (96: bytes per base64 line), "!OK DATA ...", "!FAIL ..." */
static int parse_ok_fail(const char *s, struct dev_line *o)
{
    const char *rest = s + (s[1] == 'O' ? 4 : 5);
    while (*rest == ' ') rest++;
    snprintf(o->text, sizeof o->text, "%s", rest);
    const char *sp = strrchr(rest, ' ');
    o->score = sp ? atoi(sp + 1) : 0;
    return 1;
}

/* nan/inf timings are no timings: such a line stays unrecognised */
static int finite_timings(const struct dev_line *o)
{
    return isfinite(o->dsp_ms) && isfinite(o->class_ms) && isfinite(o->anomaly_ms);
}

static int parse_ei_old_header(const char *s, struct dev_line *o)
{
    o->anomaly_ms = -1;
    int k = sscanf(s, "Predictions (DSP: %f ms., Classification: %f ms., Anomaly: %f ms.)",
                   &o->dsp_ms, &o->class_ms, &o->anomaly_ms);
    return k >= 2 && finite_timings(o);
}

/* "Timing: DSP 6 ms, inference 3 ms, anomaly 0 ms" (some builds write "6ms"
 * and add ", postprocessing 33 us"; the scanf spaces match both) */
static int parse_ei_timing(const char *s, struct dev_line *o)
{
    o->anomaly_ms = -1;
    int k = sscanf(s, "Timing: DSP %f ms, inference %f ms, anomaly %f ms", &o->dsp_ms, &o->class_ms,
                   &o->anomaly_ms);
    return k >= 2 && finite_timings(o);
}

static int parse_ei_predictions(const char *s, struct dev_line *o)
{
    (void)s;
    (void)o;
    return 1;
}

/* "    anomaly score: 0.123" (indented) or "Anomaly prediction: 0.123" */
static int parse_ei_anomaly(const char *s, struct dev_line *o)
{
    while (*s == ' ' || *s == '\t') s++;
    const char *colon = strchr(s, ':');
    return colon && sscanf(colon + 1, "%f", &o->value) == 1 && isfinite(o->value);
}

/* "  label: 0.97656": two (new firmware) or four (old) spaces of indent */
static int parse_ei_score(const char *s, struct dev_line *o)
{
    const char *p = s;
    while (*p == ' ' || *p == '\t') p++;
    const char *colon = strchr(p, ':');
    float v;
    if (!colon || colon == p || (size_t)(colon - p) >= DEV_LABEL_LEN ||
        sscanf(colon + 1, "%f", &v) != 1 || !isfinite(v))
        return 0;
    memcpy(o->label, p, (size_t)(colon - p));
    o->label[colon - p] = 0;
    o->value = v;
    return 1;
}

/* The line forms, first match wins: a prefix (or, for indented lines, "" and
 * a leading blank), the kind it yields, and its parser. Order matters only
 * where prefixes overlap: "## " lines before "#Scores", and the indented
 * anomaly line before the indented score line. */
struct line_form {
    const char *prefix;
    int indented; /* the line starts with a space or tab */
    enum dev_line_kind kind;
    int (*parse)(const char *s, struct dev_line *o);
};
static int parse_scores_hash(const char *s, struct dev_line *o)
{
    return parse_scores(s + 1, o);
}
static const struct line_form line_forms[] = {
    { "Heard ", 0, DEV_LINE_HEARD, parse_heard },
    { "Scores:", 0, DEV_LINE_SCORES, parse_scores },
    { "#Scores:", 0, DEV_LINE_SCORES, parse_scores_hash },
    { "#Classification predictions:", 0, DEV_LINE_EI_PREDICTIONS, parse_ei_predictions },
    { "##", 0, DEV_LINE_PROFILE, parse_profile },
    { "!DATA_ACK", 0, DEV_LINE_DATA_ACK, parse_data_ack },
    { "!OK ", 0, DEV_LINE_OK, parse_ok_fail },
    { "!FAIL", 0, DEV_LINE_FAIL, parse_ok_fail },
    { "Predictions (DSP:", 0, DEV_LINE_EI_HEADER, parse_ei_old_header },
    { "Timing: DSP", 0, DEV_LINE_EI_HEADER, parse_ei_timing },
    { "Anomaly prediction:", 0, DEV_LINE_EI_ANOMALY, parse_ei_anomaly },
    { "anomaly score:", 1, DEV_LINE_EI_ANOMALY, parse_ei_anomaly },
    { "", 1, DEV_LINE_EI_SCORE, parse_ei_score },
};

static int form_matches(const struct line_form *f, const char *s)
{
    if (!f->indented) return !strncmp(s, f->prefix, strlen(f->prefix));
    if (s[0] != ' ' && s[0] != '\t') return 0;
    while (*s == ' ' || *s == '\t') s++;
    return !strncmp(s, f->prefix, strlen(f->prefix));
}

void dev_line_parse(const char *line, size_t n, struct dev_line *o)
{
    char s[256];
    memset(o, 0, sizeof *o);
    o->kind = DEV_LINE_NONE;
    if (n >= sizeof s) n = sizeof s - 1;
    memcpy(s, line, n);
    s[n] = 0;
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = 0;
    /* strlen, not n: an embedded NUL ends the line for every parser */
    for (size_t i = 0; i < sizeof line_forms / sizeof *line_forms; i++) {
        const struct line_form *f = &line_forms[i];
        if (!form_matches(f, s)) continue;
        if (f->parse(s, o)) o->kind = f->kind;
        return;
    }
}

int dev_line_format_heard(char *buf, size_t cap, const char *label, int score, uint32_t ms)
{
    return snprintf(buf, cap, "Heard %s (%d) @%lums", label, score, (unsigned long)ms);
}
