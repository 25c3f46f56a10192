/* board_timings.c: `kwscope board timings [FILE]`: pushes one second N
 * times and prints the board's stage table (min/max/avg per stage, the
 * dashboard's stage statistics) beside the host's own figures, measured by
 * the same board core and stages here on the same window. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "board_priv.h"
#include "capture/capture.h"
#include "dash/dash.h"

/* Rows of the table: the board's three stages, the stock micro_speech
 * sketch's whole loop ("## time:"), then the round trip (push of one second +
 * classify) as this host sees it. */
enum { ROW_LOOP = TUI_STAGE_TOTAL, ROW_ROUND_TRIP, N_ROWS };

static uint32_t host_micros(void *io)
{
    (void)io;
    return (uint32_t)(uint64_t)cli_now_us();
}
static void host_write(void *io, const uint8_t *p, size_t n)
{
    (void)io;
    (void)p;
    (void)n;
}

static uint32_t ms_to_us(double ms)
{
    return (uint32_t)(ms * 1000 + 0.5);
}

/* The same board core and stages on this host, n times on the same window.
 * 0 (figures in st, scores of the last run in r, model CRC in *crc), else 1
 * with the reason in why. */
static int host_figures(const struct board_opts *o, const int16_t *win, int n,
                        struct tui_stage_stats st[N_ROWS], struct dev_result *r, uint32_t *crc,
                        char *why, size_t why_len)
{
    static struct mdl_model m;
    static struct dev_pipeline pl;
    static struct dev_board b;
    char path[4096];
    if (mdl_model_find(o->model, KWSCOPE_DATADIR, path, sizeof path, why, why_len) != KWS_OK ||
        mdl_model_load(path, &m, why, why_len) != KWS_OK)
        return 1;
    if (dev_pipeline_init(&pl, &m, NULL, NULL, 0, why, why_len) != KWS_OK) {
        mdl_model_free(&m);
        return 1;
    }
    struct dev_board_pipeline stages = dev_pipeline_stages(&pl);
    struct dev_info info = { 0 };
    dev_board_init(&b, &info, &stages, host_write, host_micros, NULL);
    memset(st, 0, N_ROWS * sizeof *st);
    for (int i = 0; i < n; i++) {
        dev_board_feed(&b, win, DEV_BOARD_CLIP);
        if (dev_board_classify(&b, r) < 0) break;
        tui_stage_stats_add_result(st, r->preprocess_us, r->inference_us, r->postprocess_us);
    }
    *crc = dev_crc32(0, m.bytes, m.n_bytes);
    dev_pipeline_free(&pl);
    mdl_model_free(&m);
    return st[0].count ? 0 : 1;
}

/* Which rows have board figures: the stages (has), the loop (when printed). */
static int row_has(const struct tui_stage_stats *bd, int board_has, int j)
{
    if (j == ROW_ROUND_TRIP) return bd[j].count > 0;
    if (j == ROW_LOOP) return bd[j].count > 0;
    return board_has;
}

static void print_json(const struct tui_stage_stats *bd, int board_has,
                       const struct tui_stage_stats *host)
{
    static const char *const keys[N_ROWS] = { "preprocess", "inference", "postprocess", "loop",
                                              "round_trip" };
    int first = 1;
    printf("{\"windows\":%d,\"timings_us\":{", (int)bd[ROW_ROUND_TRIP].count);
    for (int j = 0; j < N_ROWS; j++)
        if (row_has(bd, board_has, j)) {
            printf("%s\"%s\":{\"min\":%.1f,\"max\":%.1f,\"avg\":%.1f}", first ? "" : ",", keys[j],
                   (double)bd[j].min_us, (double)bd[j].max_us, tui_stage_stats_avg_us(&bd[j]));
            first = 0;
        }
    printf("}");
    if (host) {
        printf(",\"host_timings_us\":{");
        for (int j = 0; j < TUI_STAGE_TOTAL; j++)
            printf("%s\"%s\":{\"min\":%.1f,\"max\":%.1f,\"avg\":%.1f}", j ? "," : "", keys[j],
                   (double)host[j].min_us, (double)host[j].max_us,
                   tui_stage_stats_avg_us(&host[j]));
        printf("}");
    }
    /* the caller closes the object */
}

static void print_table(const struct tui_stage_stats *bd, int board_has,
                        const struct tui_stage_stats *host)
{
    static const char *const names[N_ROWS] = { "Preprocessing", "Inference", "Post-processing",
                                               "loop", "Round trip (host)" };
    printf("%-17s | %8s | %8s | %8s | %8s | %8s | %13s\n", "Process stage", "Min", "Max",
           "Avg (ms)", "Host min", "Host max", "Host avg (ms)");
    printf("%-17s | %8s | %8s | %8s | %8s | %8s | %13s\n", "---", "---", "---", "---", "---", "---",
           "---");
    for (int j = 0; j < N_ROWS; j++) {
        char b[3][16], h[3][16];
        if (j == ROW_LOOP && !bd[j].count) continue; /* only a stock sketch's */
        const struct tui_stage_stats *x = &bd[j];
        const double bv[3] = { x->min_us / 1000.0, x->max_us / 1000.0,
                               tui_stage_stats_avg_us(x) / 1000.0 };
        for (int k = 0; k < 3; k++) {
            snprintf(b[k], sizeof b[k], row_has(bd, board_has, j) ? "%.3f" : "-", bv[k]);
            snprintf(h[k], sizeof h[k], "-");
        }
        if (host && j < TUI_STAGE_TOTAL) {
            snprintf(h[0], sizeof h[0], "%.3f", host[j].min_us / 1000.0);
            snprintf(h[1], sizeof h[1], "%.3f", host[j].max_us / 1000.0);
            snprintf(h[2], sizeof h[2], "%.3f", tui_stage_stats_avg_us(&host[j]) / 1000.0);
        }
        printf("%-17s | %8s | %8s | %8s | %8s | %8s | %13s\n", names[j], b[0], b[1], b[2], h[0],
               h[1], h[2]);
    }
}

/* A running profile row (min/max/avg ms): as in the dashboard, its average
 * is the sample and its min and max are the board's. */
static void add_profile(struct tui_stage_stats *st, const double p[3])
{
    tui_stage_stats_add(st, ms_to_us(p[2]));
    st->min_us = ms_to_us(p[0]);
    st->max_us = ms_to_us(p[1]);
    st->sum_us = (uint64_t)ms_to_us(p[2]) * st->count;
}

/* One pushed window into the board's rows. A micro_speech board sends its
 * running profile instead of per-result timings: its three stages (the
 * virtual board) or its whole loop (the stock sketch, "## time:"). */
static void add_window(struct tui_stage_stats *bd, const struct dev_event *ev,
                       double prof[BOARD_PROF_ROWS][3], int n_prof, double round_trip_s)
{
    tui_stage_stats_add(&bd[ROW_ROUND_TRIP], (uint32_t)(round_trip_s * 1e6 + 0.5));
    if (ev->has_timings) { /* not add_result: its fourth row is the stages' sum */
        tui_stage_stats_add(&bd[TUI_STAGE_PRE], ev->result.preprocess_us);
        tui_stage_stats_add(&bd[TUI_STAGE_INFER], ev->result.inference_us);
        tui_stage_stats_add(&bd[TUI_STAGE_POST], ev->result.postprocess_us);
        return;
    }
    if (prof[BOARD_PROF_LOOP][2] > 0 || prof[BOARD_PROF_LOOP][1] > 0)
        add_profile(&bd[ROW_LOOP], prof[BOARD_PROF_LOOP]);
    if (n_prof >= 3)
        for (int j = 0; j < TUI_STAGE_TOTAL; j++)
            if (prof[j][1] > 0 || prof[j][2] > 0) add_profile(&bd[j], prof[j]);
}

/* The closing lines: the host's figures on the window the board classified,
 * and whether its scores equal the board's. */
static void report(const struct board_opts *o, struct dev_session *s, const struct cap_clip *clip,
                   const struct tui_stage_stats *bd, int board_has, const struct dev_event *ev,
                   const char *file)
{
    int16_t win[DEV_BOARD_CLIP] = { 0 };
    size_t k = clip->n_samples < DEV_BOARD_CLIP ? clip->n_samples : DEV_BOARD_CLIP;
    memcpy(win + (DEV_BOARD_CLIP - k), clip->samples + (clip->n_samples - k), k * sizeof *win);
    struct tui_stage_stats host[N_ROWS];
    struct dev_result hr;
    uint32_t crc = 0;
    char why[256] = "";
    int n = (int)bd[ROW_ROUND_TRIP].count;
    int hrc = host_figures(o, win, n, host, &hr, &crc, why, sizeof why);
    const struct dev_info *info = dev_session_info(s);
    int same = !hrc && ev->has_scores && hr.n_scores == ev->result.n_scores &&
        !memcmp(hr.scores, ev->result.scores, hr.n_scores);
    if (o->json) {
        print_json(bd, board_has, hrc ? NULL : host);
        printf(",\"label\":");
        if (ev->no_detection)
            printf("null,\"no_detection\":true"); /* as board push --json says it */
        else
            cli_json_str(ev->label);
        printf(",\"host_scores_equal\":%s}\n", same ? "true" : "false");
        return;
    }
    print_table(bd, board_has, hrc ? NULL : host);
    printf(
        "(%d windows of %s; board stages measured on the board with its clock, host stages\n"
        " by the same core here; round trip = push of one second + classify, seen by this host)\n",
        n, file);
    if (hrc)
        printf("host figures unavailable: %s\n", why);
    else
        printf("board says %s; host scores %s the board's%s\n",
               ev->no_detection   ? "no detection"
                   : ev->label[0] ? ev->label
                                  : "?",
               same ? "equal" : "differ from",
               same || !info || info->model_hash == crc ? "" : " (another model on the board)");
}

/* A board that classifies its own mic and takes no pushes (Edge Impulse):
 * its next n results with timings, as they come. 0, or 1 (reported). */
static int live_windows(const struct board_opts *o, struct dev_session *s,
                        struct tui_stage_stats *bd, struct dev_event *last)
{
    double end = dev_now() + board_result_wait_s;
    int got = 0;
    while (got < o->n && !board_stop && dev_now() < end) {
        struct dev_event e;
        board_wait_readable(s, 20);
        dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
        while (got < o->n && dev_session_next_event(s, &e)) {
            if (e.kind != DEV_EV_RESULT || !e.has_timings) continue;
            tui_stage_stats_add_result(bd, e.result.preprocess_us, e.result.inference_us,
                                       e.result.postprocess_us);
            *last = e;
            got++;
        }
    }
    if (got) return 0;
    fprintf(stderr, "kwscope board timings: %s: no result from the board in %d s\n", o->port,
            board_result_wait_s);
    return 1;
}

static void report_live(const struct board_opts *o, const struct tui_stage_stats *bd,
                        const struct dev_event *ev)
{
    int n = (int)bd[TUI_STAGE_PRE].count;
    if (o->json) {
        print_json(bd, 1, NULL);
        printf(",\"label\":");
        cli_json_str(ev->label);
        if (ev->has_anomaly) printf(",\"anomaly\":%.6f", ev->anomaly);
        printf("}\n");
        return;
    }
    print_table(bd, 1, NULL);
    printf("(%d windows the board classified from its own mic; post-processing = its anomaly\n"
           " stage; no round trip: this board takes no pushes)\n",
           n);
    printf("board says %s", ev->label[0] ? ev->label : "?");
    if (ev->has_anomaly) printf("; anomaly score %.3f", ev->anomaly);
    printf("\n");
}

/* n pushes of one second, each into the table. 0, or 1 (reported). */
static int pushed_windows(const struct board_opts *o, struct dev_session *s,
                          const struct cap_clip *clip, struct tui_stage_stats *bd,
                          struct dev_event *ev)
{
    int rc = 0;
    for (int w = 0; w < o->n && !rc && !board_stop; w++) {
        double prof[BOARD_PROF_ROWS][3] = { { 0 } }, t0 = dev_now();
        int n_prof;
        rc = board_push_window(s, clip->samples, clip->n_samples, ev, prof, &n_prof);
        if (!rc) add_window(bd, ev, prof, n_prof, dev_now() - t0);
    }
    return rc;
}

int board_timings(const struct board_opts *o, const char *file)
{
    char demo[4096], err[256];
    if (!file) {
        snprintf(demo, sizeof demo, "%s/assets/demo.wav", KWSCOPE_DATADIR);
        file = demo;
    }
    struct cap_clip clip;
    if (cap_clip_load(file, &clip, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board timings: %s\n", err);
        return 1;
    }
    struct dev_session *s = board_connect(o);
    if (!s) {
        cap_clip_free(&clip);
        return 1;
    }
    struct tui_stage_stats bd[N_ROWS] = { 0 };
    struct dev_event ev;
    memset(&ev, 0, sizeof ev);
    int rc;
    if (!(dev_dialect_caps(o->dialect) & DEV_CAP_PUSH)) {
        rc = live_windows(o, s, bd, &ev);
        if (!rc) report_live(o, bd, &ev);
    } else {
        rc = pushed_windows(o, s, &clip, bd, &ev);
        if (bd[ROW_ROUND_TRIP].count) {
            report(o, s, &clip, bd, bd[TUI_STAGE_PRE].count > 0, &ev, file);
            board_test_mode_note(o);
        }
    }
    dev_session_close(s);
    cap_clip_free(&clip);
    return rc;
}
