/* sim_lines.c: the virtual board speaking the text dialects of stock
 * firmware, computing with the same core as the framed protocol:
 * - micro_speech: test-over-serial ("!TEST" -> "!OK TEST 45"; "!DATA
 *   audio-pcm-16khz-mono-s16 <bytes>" + base64 lines -> "!DATA_ACK <n>" each,
 *   "!OK DATA ..."), then "Heard <label> (<score>) @<ms>ms", a "Scores:" debug
 *   line and "## <stage> time: min ..ms  max ..ms  avg ..ms" profile lines
 *   (three decimals: the host is fast, whole milliseconds would read 0);
 *   on the mic, "Heard" lines when the detector fires.
 *   The Scores line carries the window's outputs + 128 (0..255) like the
 *   sketch's DEBUG build, and comes before Heard as there.
 * - edge-impulse: nothing until "AT+RUNIMPULSE"; then a "Timing: DSP .."
 *   "#Classification predictions:" block (the firmware's format since
 *   January 2024) per mic window, until a 'b'.
 * Each dialect is a row of sim_dialects[]: its line handler, its result
 * printer, and what a single byte means to it.
 * 45 bytes per base64 line keeps each host line (60 characters + newline)
 * under the 64-byte USB packet that the Nano 33 BLE's CDC drops across. */
#include <stdio.h>
#include <string.h>

#include "sim_priv.h"

#define SIM_LINE_BYTES 45

static void say(struct dev_sim *s, const char *text)
{
    s->board.write(s->board.io, (const uint8_t *)text, strlen(text));
    s->board.write(s->board.io, (const uint8_t *)"\r\n", 2);
}

static const char *label_of(struct dev_sim *s, int i)
{
    return i < s->board.info.n_labels ? s->board.info.labels[i] : "?";
}

static void profile_lines(struct dev_sim *s, const struct dev_result *r)
{
    static const char *const names[3] = { "Preprocess", "Inference", "Postprocess" };
    const uint32_t us[3] = { r->preprocess_us, r->inference_us, r->postprocess_us };
    s->prof_n++;
    for (int i = 0; i < 3; i++) {
        double ms = us[i] / 1000.0;
        if (s->prof_n == 1 || ms < s->prof_min[i]) s->prof_min[i] = ms;
        if (s->prof_n == 1 || ms > s->prof_max[i]) s->prof_max[i] = ms;
        s->prof_sum[i] += ms;
        char line[128];
        snprintf(line, sizeof line, "## %s time: min %.3fms  max %.3fms  avg %.3fms", names[i],
                 s->prof_min[i], s->prof_max[i], s->prof_sum[i] / s->prof_n);
        say(s, line);
    }
}

static void ms_scores(struct dev_sim *s, const struct dev_result *r)
{
    char line[160];
    int k = snprintf(line, sizeof line, "Scores:");
    for (int i = 0; i < r->n_scores && k < (int)sizeof line - 24; i++)
        k += snprintf(line + k, sizeof line - (size_t)k, " %c %d", label_of(s, i)[0],
                      r->scores[i] + 128);
    say(s, line);
}

static void ms_result(struct dev_sim *s, const struct dev_result *r, int always)
{
    char line[160];
    if (always) ms_scores(s, r);
    if (always || r->detected) {
        /* a live detection says its averaged strength, a pushed clip its score */
        dev_line_format_heard(line, sizeof line, label_of(s, r->label),
                              always ? r->scores[r->label] + 128 : s->board.detect_score,
                              r->board_ms);
        say(s, line);
    }
    if (always) profile_lines(s, r);
}

static void ei_result(struct dev_sim *s, const struct dev_result *r, int pushed)
{
    char line[160];
    (void)pushed;
    snprintf(line, sizeof line, "Timing: DSP %u ms, inference %u ms, anomaly 0 ms",
             (unsigned)((r->preprocess_us + 500) / 1000),
             (unsigned)((r->inference_us + 500) / 1000));
    say(s, line);
    say(s, "#Classification predictions:");
    for (int i = 0; i < r->n_scores; i++) {
        snprintf(line, sizeof line, "  %s: %.6f", label_of(s, i), (r->scores[i] + 128) / 256.0);
        say(s, line);
    }
}

static void ei_line(struct dev_sim *s, char *line)
{
    if (!strcmp(line, "AT+RUNIMPULSE")) {
        /* sampling starts now: the mic's clip from its start, windows
         * counted from here (so a clip as long as the stride is each
         * window, whenever the command came) */
        s->ei_running = 1;
        s->mic_phase = s->mic_pos;
        s->live_count = 0;
        dev_board_restart(&s->board);
        say(s, "Inferencing settings:");
    }
}

/* Edge Impulse's loop polls the port for a 'b' between windows */
static int ei_byte(struct dev_sim *s, uint8_t c)
{
    if (c != 'b' || !s->ei_running) return 0;
    s->ei_running = 0;
    say(s, "Inferencing stopped by user");
    return 1;
}

static int ms_byte(struct dev_sim *s, uint8_t c)
{
    (void)s;
    (void)c;
    return 0;
}

static void ms_line(struct dev_sim *s, char *line);

struct sim_dialect {
    enum dev_dialect id;
    void (*on_line)(struct dev_sim *s, char *line);
    void (*say_result)(struct dev_sim *s, const struct dev_result *r, int pushed);
    int (*on_byte)(struct dev_sim *s, uint8_t c); /* 1: the byte was a command */
    int (*mic_on)(const struct dev_sim *s);       /* classifies its mic now */
};

static int ms_mic_on(const struct dev_sim *s)
{
    return !s->test_mode; /* test mode: no live mic until reset */
}
static int ei_mic_on(const struct dev_sim *s)
{
    return s->ei_running;
}

static const struct sim_dialect sim_dialects[] = {
    { DEV_DIALECT_MICRO_SPEECH, ms_line, ms_result, ms_byte, ms_mic_on },
    { DEV_DIALECT_EDGE_IMPULSE, ei_line, ei_result, ei_byte, ei_mic_on },
};

static const struct sim_dialect *sim_dialect(const struct dev_sim *s)
{
    for (size_t i = 0; i < sizeof sim_dialects / sizeof *sim_dialects; i++)
        if (sim_dialects[i].id == s->cfg.dialect) return &sim_dialects[i];
    return NULL;
}

static void classify_and_say(struct dev_sim *s, int pushed)
{
    struct dev_result r;
    int st = dev_board_classify(&s->board, &r);
    if (st < 0) {
        say(s, st == -1 ? "ERROR: no features stage" : "ERROR: no model on this board");
        return;
    }
    if (!pushed && r.detected) {
        r.label = s->board.detect_label; /* live: say what the detector heard */
        dev_sim_detected(s, &r, s->board.detect_score);
    }
    const struct sim_dialect *d = sim_dialect(s);
    if (d) d->say_result(s, &r, pushed);
}

/* One base64 line of a "!DATA" transfer; the last one classifies. */
static void ms_data_line(struct dev_sim *s, char *line)
{
    char reply[160];
    uint8_t tmp[SIM_LINE_BYTES + 3];
    long n = dev_base64_decode(line, strlen(line), tmp, sizeof tmp);
    if (n < 0 || s->data_got + (size_t)n > s->data_want) {
        snprintf(reply, sizeof reply, "!FAIL DATA audio-pcm-16khz-mono-s16 %zu", s->data_want);
        say(s, reply);
        s->data_want = 0;
        return;
    }
    memcpy(s->data + s->data_got, tmp, (size_t)n);
    s->data_got += (size_t)n;
    snprintf(reply, sizeof reply, "!DATA_ACK %ld", n);
    say(s, reply);
    if (s->data_got == s->data_want) {
        snprintf(reply, sizeof reply, "!OK DATA audio-pcm-16khz-mono-s16 %zu", s->data_want);
        say(s, reply);
        int16_t x[DEV_BOARD_CLIP];
        size_t k = s->data_got / 2;
        for (size_t i = 0; i < k; i++) x[i] = (int16_t)(s->data[2 * i] | s->data[2 * i + 1] << 8);
        dev_board_restart(&s->board);
        dev_board_feed(&s->board, x, k);
        s->data_want = 0;
        classify_and_say(s, 1);
    }
}

static void ms_line(struct dev_sim *s, char *line)
{
    char reply[160];
    if (s->data_want) {
        ms_data_line(s, line);
        return;
    }
    if (!strcmp(line, "!TEST")) {
        s->test_mode = 1;
        snprintf(reply, sizeof reply, "!OK TEST %d", SIM_LINE_BYTES);
        say(s, reply);
        return;
    }
    size_t want;
    char kind[64];
    if (sscanf(line, "!DATA %63s %zu", kind, &want) == 2) {
        if (!s->test_mode || strcmp(kind, "audio-pcm-16khz-mono-s16") || !want ||
            want > sizeof s->data || want % 2) {
            snprintf(reply, sizeof reply, "!FAIL DATA %s %zu", kind, want);
            say(s, reply);
            return;
        }
        s->data_want = want;
        s->data_got = 0;
    }
}

void dev_sim_lines_rx(struct dev_sim *s, const uint8_t *p, size_t n)
{
    const struct sim_dialect *d = sim_dialect(s);
    if (!d) return;
    for (size_t i = 0; i < n; i++) {
        if (!s->line_n && d->on_byte(s, p[i])) continue;
        if (p[i] == '\n' || p[i] == '\r') {
            if (s->line_n) {
                s->line[s->line_n] = 0;
                d->on_line(s, s->line);
            }
            s->line_n = 0;
        } else if (s->line_n < sizeof s->line - 1) {
            s->line[s->line_n++] = (char)p[i];
        }
    }
}

void dev_sim_lines_mic(struct dev_sim *s, const int16_t *x, size_t n)
{
    const struct sim_dialect *d = sim_dialect(s);
    if (!d || !d->mic_on(s) || !s->board.live_stride) return;
    while (n) { /* classify exactly every live_stride samples */
        size_t k = s->board.live_stride - s->live_count;
        if (k > n) k = n;
        dev_board_feed(&s->board, x, k);
        s->live_count += k;
        x += k;
        n -= k;
        if (s->live_count == s->board.live_stride) {
            s->live_count = 0;
            classify_and_say(s, 0);
        }
    }
}
