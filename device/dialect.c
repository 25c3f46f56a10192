/* dialect.c: line parsers for firmware users already run.
 *
 * Formats (read from the public sources, not copied):
 * - tflite-micro-arduino-examples micro_speech: detections
 *   "Heard yes (201) @4800ms", debug "Scores: s 12 u -3 y 100 n -128", and the
 *   PROFILE_MICRO_SPEECH build's "## time: min 3ms  max 5ms  avg 4ms" lines
 *   (possibly prefixed by a stage name), plus its test-over-serial replies
 *   "!OK TEST 96", "!DATA_ACK 96", "!OK DATA ...", "!FAIL ..." (the host
 *   side is tensorflow/tflite-micro-arduino-examples scripts/test_over_serial.py).
 * - Edge Impulse firmware: "Predictions (DSP: 6 ms., Classification: 3 ms.,
 *   Anomaly: 0 ms.): " followed by one "    label: 0.97656" line per class.
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
            return o->n_scores > 0;
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
    return sscanf(t, "time: min %fms max %fms avg %fms", &o->min_ms, &o->max_ms, &o->avg_ms) == 3 &&
        isfinite(o->min_ms) && isfinite(o->max_ms) && isfinite(o->avg_ms);
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
    /* strlen, not n: an embedded NUL ends the line for every parser below */
    char lab[64];
    unsigned ms;
    int score;
    if (!strncmp(s, "Heard ", 6) && sscanf(s, "Heard %63s (%d) @%ums", lab, &score, &ms) == 3) {
        o->kind = DEV_LINE_HEARD;
        copy_label(o->label, lab);
        o->score = score;
        o->time_ms = ms;
    } else if (!strncmp(s, "Scores:", 7)) {
        if (parse_scores(s, o)) o->kind = DEV_LINE_SCORES;
    } else if (!strncmp(s, "##", 2)) {
        if (parse_profile(s, o)) o->kind = DEV_LINE_PROFILE;
    } else if (!strncmp(s, "!DATA_ACK", 9) && (!s[9] || s[9] == ' ')) {
        o->kind = DEV_LINE_DATA_ACK;
        o->score = s[9] ? atoi(s + 10) : -1;
    } else if (!strncmp(s, "!OK ", 4) || !strncmp(s, "!FAIL", 5)) {
        /* "!OK TEST 96" (96: bytes per base64 line), "!OK DATA ...", "!FAIL ..." */
        o->kind = s[1] == 'O' ? DEV_LINE_OK : DEV_LINE_FAIL;
        const char *rest = s + (s[1] == 'O' ? 4 : 5);
        while (*rest == ' ') rest++;
        snprintf(o->text, sizeof o->text, "%s", rest);
        const char *sp = strrchr(rest, ' ');
        o->score = sp ? atoi(sp + 1) : 0;
    } else if (!strncmp(s, "Predictions (DSP:", 17)) {
        o->anomaly_ms = -1;
        int k = sscanf(s, "Predictions (DSP: %f ms., Classification: %f ms., Anomaly: %f ms.)",
                       &o->dsp_ms, &o->class_ms, &o->anomaly_ms);
        /* nan/inf timings are no timings: the line stays unrecognised */
        if (k >= 2 && isfinite(o->dsp_ms) && isfinite(o->class_ms) && isfinite(o->anomaly_ms))
            o->kind = DEV_LINE_EI_HEADER;
    } else if (s[0] == ' ' || s[0] == '\t') {
        const char *p = s;
        while (*p == ' ' || *p == '\t') p++;
        const char *colon = strchr(p, ':');
        float v;
        if (colon && colon > p && (size_t)(colon - p) < DEV_LABEL_LEN &&
            sscanf(colon + 1, "%f", &v) == 1 && isfinite(v)) {
            memcpy(o->label, p, (size_t)(colon - p));
            o->label[colon - p] = 0;
            o->value = v;
            o->kind = DEV_LINE_EI_SCORE;
        }
    }
}

int dev_line_format_heard(char *buf, size_t cap, const char *label, int score, uint32_t ms)
{
    return snprintf(buf, cap, "Heard %s (%d) @%lums", label, score, (unsigned long)ms);
}
