/* cmd_board.c: `kwscope board ...`: a real or virtual board from the shell.
 *
 *   kwscope board list [--json]
 *   kwscope board info|push FILE|stream -o OUT.wav|timings [FILE] [--port P] [--json]
 *                [--dialect kwscope|micro_speech|edge-impulse] [-d SECONDS] [-n N] [--force]
 *                [--model M] (timings: the host's model for its own figures)
 *   kwscope board sim [--link PATH] [--mic FILE] [--dialect D] [--speed X] [--model M]
 *                [--labels a,b,..] [--live-ms N] [--threshold N] [--window-ms N]
 *                [--suppression-ms N] [--min-count N]
 *
 * The virtual board runs the firmware core with the real pipeline
 * (device/board_pipeline.c: micro frontend, int8 model, detector) and the
 * model found as every command finds it (--model, $KWSCOPE_MODEL, the bundled
 * default). `timings` pushes one second N times and prints the board's stage
 * timings beside the host's own, measured by the same core and stages here.
 *
 * --port defaults to the single Arduino (USB vendor 0x2341) found. Exit: 0
 * done, 1 runtime error (one line on stderr), 2 usage error. */
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli.h"
#include "device/device.h"

#ifndef KWSCOPE_DATADIR
#define KWSCOPE_DATADIR "."
#endif

struct opts {
    const char *port, *link, *mic, *model, *out, *labels;
    enum dev_dialect dialect;
    int json, n, force;
    long live_ms;   /* -1: the dialect's default */
    struct mdl_detect_config dc;   /* sim: the detector (micro_speech's defaults) */
    double secs, speed;
};

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20) printf("\\u%04x", *s);
        else putchar(*s);
    }
    putchar('"');
}

static volatile int stop_flag;

/* Session chatter (state changes) is for the dashboard's log; on the command
 * line only warnings and errors reach stderr. */
static void quiet_log(enum kws_log_level level, const char *msg, void *user)
{
    (void)user;
    if (level >= KWS_LOG_WARN) fprintf(stderr, "kwscope: %s\n", msg);
}
static void on_signal(int sig) { (void)sig; stop_flag = 1; }

static int pick_port(struct opts *o, char *buf, size_t len)
{
    if (o->port) return 0;
    struct dev_port ports[64];
    size_t n = 0;
    char err[256];
    if (dev_port_list(ports, 64, &n, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board: %s\n", err);
        return 1;
    }
    int i = dev_port_pick(ports, n);
    if (i >= 0) {
        snprintf(buf, len, "%s", ports[i].path);
        o->port = buf;
        return 0;
    }
    fprintf(stderr, "kwscope board: %s; give --port", i == -1 ? "no Arduino found" : "several Arduinos found");
    for (size_t k = 0; k < n; k++)
        if (ports[k].arduino || i == -1)
            fprintf(stderr, "%s %s", k ? "," : ":", ports[k].path);
    fprintf(stderr, "\n");
    return 1;
}

static int cmd_list(const struct opts *o)
{
    struct dev_port ports[64];
    size_t n = 0;
    char err[256];
    if (dev_port_list(ports, 64, &n, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board: %s\n", err);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        const struct dev_port *p = &ports[i];
        if (o->json)
            printf("{\"port\":\"%s\",\"usb\":%s,\"vid\":%d,\"pid\":%d,\"arduino\":%s,\"nano33\":%s}\n",
                   p->path, p->usb ? "true" : "false", p->vid, p->pid,
                   p->arduino ? "true" : "false", p->nano33 ? "true" : "false");
        else if (p->usb)
            printf("%-20s %04x:%04x %s%s\n", p->path, p->vid, p->pid,
                   p->nano33 ? "Arduino Nano 33 BLE" : p->arduino ? "Arduino" : "", 
                   p->arduino ? "" : p->desc);
        else
            printf("%-20s %s\n", p->path, p->desc);
    }
    if (!n && !o->json) printf("no serial ports\n");
    return 0;
}

/* Open a session and wait until READY (or fail with the reason). */
static struct dev_session *connect_board(const struct opts *o)
{
    struct dev_session_config c = {0};
    c.path = o->port;
    c.dialect = o->dialect;
    struct dev_session *s;
    char err[512];
    if (dev_session_open(&s, &c, dev_now(), err, sizeof err) != KWS_OK ||
        dev_session_wait_ready(s, 5, &stop_flag, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board: %s\n", err);
        dev_session_close(s);
        return NULL;
    }
    return s;
}

/* Sleep until the board says something (or ms pass): a push is hundreds of
 * acknowledged frames, each waits for its ACK. */
static void wait_readable(struct dev_session *s, int ms)
{
    struct pollfd p = {dev_session_fd(s), POLLIN, 0};
    if (p.fd < 0 || poll(&p, 1, ms) < 0) usleep((useconds_t)ms * 1000);
}

static void print_info(const struct dev_info *i, const char *port, int json)
{
    if (json) {
        /* board strings come sanitised (no control bytes) but may hold '"' and '\\' */
        printf("{\"port\":");
        json_str(port);
        printf(",\"proto\":%d,\"firmware\":", i->proto);
        json_str(i->firmware);
        printf(",\"model\":");
        json_str(i->model);
        printf(",\"model_hash\":\"%08x\",\"sample_rate\":%u,\"labels\":[", (unsigned)i->model_hash,
               (unsigned)i->sample_rate);
        for (int k = 0; k < i->n_labels; k++) {
            printf(k ? "," : "");
            json_str(i->labels[k]);
        }
        printf("],\"arena_bytes\":%u,\"flash_bytes\":%u,\"ram_bytes\":%u}\n",
               (unsigned)i->arena_bytes, (unsigned)i->flash_bytes, (unsigned)i->ram_bytes);
        return;
    }
    printf("port        %s\nfirmware    %s (protocol v%d)\nmodel       %s", port, i->firmware, i->proto,
           i->model[0] ? i->model : "(none)");
    if (i->model[0]) printf(" (crc32 %08x)", (unsigned)i->model_hash);
    printf("\nsample rate %u Hz\nlabels     ", (unsigned)i->sample_rate);
    for (int k = 0; k < i->n_labels; k++) printf(" %s", i->labels[k]);
    printf("\nmemory      arena %u B, flash %u B, RAM %u B\n", (unsigned)i->arena_bytes,
           (unsigned)i->flash_bytes, (unsigned)i->ram_bytes);
}

static void print_result(const struct dev_event *e, const char *file, const struct dev_info *info, int json)
{
    const struct dev_result *r = &e->result;
    if (json) {
        printf("{\"file\":");
        json_str(file);
        printf(",\"label\":");
        json_str(e->label);
        printf(",\"labels\":[");
        for (int k = 0; k < info->n_labels; k++) {
            printf(k ? "," : "");
            json_str(info->labels[k]);
        }
        printf("],\"scores_i8\":[");
        for (int k = 0; k < r->n_scores; k++) printf("%s%d", k ? "," : "", r->scores[k]);
        printf("],\"scores\":[");
        for (int k = 0; k < r->n_scores; k++) printf("%s%.6f", k ? "," : "", (r->scores[k] + 128) / 256.0);
        printf("]");
        if (e->has_timings)
            printf(",\"timings_us\":{\"preprocess\":%u,\"inference\":%u,\"postprocess\":%u}",
                   (unsigned)r->preprocess_us, (unsigned)r->inference_us, (unsigned)r->postprocess_us);
        printf(",\"detected\":%s,\"board_ms\":%u}\n", r->detected ? "true" : "false", (unsigned)r->board_ms);
        return;
    }
    printf("%s: %s", file, e->label[0] ? e->label : "?");
    for (int k = 0; k < r->n_scores; k++)
        printf("  %s %d", k < info->n_labels ? info->labels[k] : "?", r->scores[k]);
    if (e->has_timings)
        printf("\n  preprocess %.3f ms, inference %.3f ms, postprocess %.3f ms (board)",
               r->preprocess_us / 1000.0, r->inference_us / 1000.0, r->postprocess_us / 1000.0);
    printf("\n");
}

/* A micro_speech board answers a push with a "Heard" line, then "Scores:"
 * and three "## time:" profile lines: gather them into one result (the
 * profile's running min/max/avg go to prof[stage][0..2], in ms). */
static void gather_lines(struct dev_session *s, struct dev_event *ev, double prof[3][3], int *n_prof)
{
    struct dev_event e;
    double end = dev_now() + 2;
    int profiles = 0;
    while (dev_now() < end && (!ev->has_scores || profiles < 3) && !stop_flag) {
        dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
        while (dev_session_next_event(s, &e)) {
            if (e.kind == DEV_EV_RESULT && e.requested && e.has_scores && !ev->has_scores) {
                memcpy(ev->result.scores, e.result.scores, sizeof e.result.scores);
                ev->result.n_scores = e.result.n_scores;
                ev->has_scores = 1;
            } else if (e.kind == DEV_EV_PROFILE && profiles < 3) {
                static const char *const names[3] = {"Preprocess", "Inference", "Postprocess"};
                for (int j = 0; j < 3; j++)
                    if (!strcmp(e.line.profile_name, names[j]) && prof) {
                        prof[j][0] = e.line.min_ms;
                        prof[j][1] = e.line.max_ms;
                        prof[j][2] = e.line.avg_ms;
                    }
                profiles++;
            }
        }
        wait_readable(s, 2);
    }
    if (n_prof) *n_prof = profiles;
}

/* Push one second (zero-padded in front, or the last second) and wait for
 * the result. */
static int push_window(struct dev_session *s, const int16_t *x, size_t n, struct dev_event *ev,
                       double prof[3][3], int *n_prof)
{
    int16_t win[DEV_BOARD_CLIP] = {0};
    size_t k = n < DEV_BOARD_CLIP ? n : DEV_BOARD_CLIP;
    memcpy(win + (DEV_BOARD_CLIP - k), x + (n - k), k * sizeof *x);
    if (n_prof) *n_prof = 0;
    dev_session_push(s, win, DEV_BOARD_CLIP);
    dev_session_classify(s);
    char err[512];
    if (dev_session_wait_result(s, 30, &stop_flag, ev, err, sizeof err) == KWS_OK) {
        if (!ev->has_scores) gather_lines(s, ev, prof, n_prof);
        return 0;
    }
    fprintf(stderr, "kwscope board: %s\n", err);
    return 1;
}

static int cmd_push(const struct opts *o, const char *file)
{
    struct cap_clip clip;
    char err[256];
    if (cap_clip_load(file, &clip, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board: %s\n", err);
        return 1;
    }
    struct dev_session *s = connect_board(o);
    if (!s) { cap_clip_free(&clip); return 1; }
    struct dev_event ev;
    int rc = push_window(s, clip.samples, clip.n_samples, &ev, NULL, NULL);
    if (!rc) print_result(&ev, file, dev_session_info(s), o->json);
    dev_session_close(s);
    cap_clip_free(&clip);
    return rc;
}

/* ---- timings: the board's stage table beside the host's own figures ---- */

struct stage_stats { double mn[4], mx[4], sum[4]; int n; };

static void stats_init(struct stage_stats *st)
{
    for (int j = 0; j < 4; j++) { st->mn[j] = 1e30; st->mx[j] = st->sum[j] = 0; }
    st->n = 0;
}

static void stats_add(struct stage_stats *st, const double v[4])
{
    for (int j = 0; j < 4; j++) {
        if (v[j] < st->mn[j]) st->mn[j] = v[j];
        if (v[j] > st->mx[j]) st->mx[j] = v[j];
        st->sum[j] += v[j];
    }
    st->n++;
}

static uint32_t host_micros(void *io)
{
    (void)io;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint32_t)((uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u);
}
static void host_write(void *io, const uint8_t *p, size_t n) { (void)io; (void)p; (void)n; }

/* The same board core and stages on this host, n times on the same second.
 * Returns 0 (figures in st, scores of the last run in r, model CRC in *crc). */
static int host_figures(const struct opts *o, const int16_t *win, int n, struct stage_stats *st,
                        struct dev_result *r, uint32_t *crc, char *why, size_t why_len)
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
    struct dev_info info = {0};
    dev_board_init(&b, &info, &stages, host_write, host_micros, NULL);
    stats_init(st);
    for (int i = 0; i < n; i++) {
        dev_board_feed(&b, win, DEV_BOARD_CLIP);
        if (dev_board_classify(&b, r) < 0) break;
        const double v[4] = {r->preprocess_us / 1000.0, r->inference_us / 1000.0,
                             r->postprocess_us / 1000.0, 0};
        stats_add(st, v);
    }
    *crc = dev_crc32(0, m.bytes, m.n_bytes);
    dev_pipeline_free(&pl);
    mdl_model_free(&m);
    return st->n ? 0 : 1;
}

static void print_table(const struct stage_stats *bd, int board_has, const struct stage_stats *host,
                        int json)
{
    static const char *const names[4] = {"Preprocessing", "Inference", "Post-processing",
                                         "Round trip (host)"};
    static const char *const keys[4] = {"preprocess", "inference", "postprocess", "round_trip"};
    if (json) {
        printf("{\"windows\":%d,\"timings_us\":{", bd->n);
        for (int j = 0; j < 4; j++)
            if (board_has || j == 3)
                printf("%s\"%s\":{\"min\":%.1f,\"max\":%.1f,\"avg\":%.1f}", j && board_has ? "," : "",
                       keys[j], bd->mn[j] * 1000, bd->mx[j] * 1000, bd->sum[j] / bd->n * 1000);
        printf("}");
        if (host) {
            printf(",\"host_timings_us\":{");
            for (int j = 0; j < 3; j++)
                printf("%s\"%s\":{\"min\":%.1f,\"max\":%.1f,\"avg\":%.1f}", j ? "," : "", keys[j],
                       host->mn[j] * 1000, host->mx[j] * 1000, host->sum[j] / host->n * 1000);
            printf("}");
        }
        return;   /* the caller closes the object */
    }
    printf("%-17s | %8s | %8s | %8s | %8s | %8s | %13s\n", "Process stage", "Min", "Max", "Avg (ms)",
           "Host min", "Host max", "Host avg (ms)");
    printf("%-17s | %8s | %8s | %8s | %8s | %8s | %13s\n", "---", "---", "---", "---", "---", "---", "---");
    for (int j = 0; j < 4; j++) {
        char b[3][16], h[3][16];
        const double bv[3] = {bd->mn[j], bd->mx[j], bd->sum[j] / bd->n};
        for (int k = 0; k < 3; k++) {
            snprintf(b[k], sizeof b[k], board_has || j == 3 ? "%.3f" : "-", bv[k]);
            snprintf(h[k], sizeof h[k], "-");
        }
        if (host && j < 3) {
            snprintf(h[0], sizeof h[0], "%.3f", host->mn[j]);
            snprintf(h[1], sizeof h[1], "%.3f", host->mx[j]);
            snprintf(h[2], sizeof h[2], "%.3f", host->sum[j] / host->n);
        }
        printf("%-17s | %8s | %8s | %8s | %8s | %8s | %13s\n", names[j], b[0], b[1], b[2], h[0], h[1], h[2]);
    }
}

static int cmd_timings(const struct opts *o, const char *file)
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
    struct dev_session *s = connect_board(o);
    if (!s) { cap_clip_free(&clip); return 1; }
    struct stage_stats bd;
    stats_init(&bd);
    struct dev_event ev;
    int rc = 0, board_has = 1;
    for (int w = 0; w < o->n && !rc && !stop_flag; w++) {
        double prof[3][3] = {{0}}, t0 = dev_now();
        int n_prof;
        rc = push_window(s, clip.samples, clip.n_samples, &ev, prof, &n_prof);
        if (rc) break;
        double v[4] = {ev.result.preprocess_us / 1000.0, ev.result.inference_us / 1000.0,
                       ev.result.postprocess_us / 1000.0, (dev_now() - t0) * 1000.0};
        if (!ev.has_timings) {
            /* micro_speech: its running profile (min/max/avg) replaces ours */
            board_has = n_prof == 3;
            for (int j = 0; j < 3; j++) v[j] = prof[j][2];
        }
        stats_add(&bd, v);
        if (!ev.has_timings && n_prof == 3)
            for (int j = 0; j < 3; j++) { bd.mn[j] = prof[j][0]; bd.mx[j] = prof[j][1]; }
    }
    if (bd.n) {
        /* the host's own figures on the window the board classified */
        int16_t win[DEV_BOARD_CLIP] = {0};
        size_t k = clip.n_samples < DEV_BOARD_CLIP ? clip.n_samples : DEV_BOARD_CLIP;
        memcpy(win + (DEV_BOARD_CLIP - k), clip.samples + (clip.n_samples - k), k * sizeof *win);
        struct stage_stats host;
        struct dev_result hr;
        uint32_t crc = 0;
        char why[256] = "";
        int hrc = host_figures(o, win, bd.n, &host, &hr, &crc, why, sizeof why);
        const struct dev_info *info = dev_session_info(s);
        int same = !hrc && ev.has_scores && hr.n_scores == ev.result.n_scores &&
                   !memcmp(hr.scores, ev.result.scores, hr.n_scores);
        print_table(&bd, board_has, hrc ? NULL : &host, o->json);
        if (o->json) {
            printf(",\"label\":");
            json_str(ev.label);
            printf(",\"host_scores_equal\":%s}\n", same ? "true" : "false");
        } else {
            printf("(%d windows of %s; board stages measured on the board with its clock, host stages\n"
                   " by the same core here; round trip = push of one second + classify, seen by this host)\n",
                   bd.n, file);
            if (hrc)
                printf("host figures unavailable: %s\n", why);
            else
                printf("board says %s; host scores %s the board's%s\n", ev.label[0] ? ev.label : "?",
                       same ? "equal" : "differ from",
                       same || !info || info->model_hash == crc ? "" : " (another model on the board)");
        }
    }
    dev_session_close(s);
    cap_clip_free(&clip);
    return rc;
}

static enum kws_status to_recorder(void *user, const int16_t *x, size_t n, char *err, size_t err_len)
{
    return cap_recorder_write(user, x, n, err, err_len);
}

/* Record the board's mic through the recorder (created without following
 * links, never over a file without --force, its header kept valid as it
 * grows). Every way it can end is said: -d reached, Ctrl-C (a success once
 * audio was saved), no audio, the port gone, a write error (the file then
 * ends at the last sample written, its header matching). */
static int cmd_stream(const struct opts *o)
{
    if (!o->out) { fprintf(stderr, "kwscope board stream: give -o OUT.wav\n"); return 2; }
    char err[512];
    struct cap_recorder *rec;
    struct stat st;
    if (!o->force && lstat(o->out, &st) == 0) {   /* before connecting; the open checks again */
        fprintf(stderr, "kwscope board stream: %s: exists (use --force to overwrite)\n", o->out);
        return 1;
    }
    struct dev_session *s = connect_board(o);
    if (!s) return 1;
    if (cap_recorder_open(o->out, 16000, o->force, &rec, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board stream: %s\n", err);
        dev_session_close(s);
        return 1;
    }
    struct dev_stream_config sc = {0};
    sc.max_samples = o->secs > 0 ? (uint64_t)llround(o->secs * 16000) : 0;
    sc.stop = &stop_flag;
    sc.sink = to_recorder;
    sc.user = rec;
    struct dev_stream_result res;
    int rc = dev_session_stream(s, &sc, &res, err, sizeof err) != KWS_OK;
    char cerr[512];
    if (cap_recorder_close(rec, cerr, sizeof cerr) != KWS_OK && !rc) {
        snprintf(err, sizeof err, "%s", cerr);
        rc = 1;
    }
    if (rc) fprintf(stderr, "kwscope board stream: %s (%.2f s kept in %s)\n", err, res.samples / 16000.0, o->out);
    struct dev_counters c;
    dev_session_counters(s, &c);
    if (o->json) {
        printf("{\"file\":");
        json_str(o->out);
        printf(",\"samples\":%llu,\"chunks\":%lu,\"lost_chunks\":%lu,\"bad_frames\":%lu,\"ok\":%s}\n",
               (unsigned long long)res.samples, c.chunks, c.lost_chunks, c.bad_frames, rc ? "false" : "true");
    } else {
        printf("%s: %.2f s, %lu chunks, %lu lost, %lu bad frames%s\n", o->out, res.samples / 16000.0,
               c.chunks, c.lost_chunks, c.bad_frames, res.interrupted && !rc ? " (interrupted)" : "");
    }
    dev_session_close(s);
    return rc;
}

/* The virtual LED: one line per live detection of a keyword (class 0 is
 * silence, which micro_speech hears but shows no LED for). */
static void sim_led(void *user, const char *label, int score, const struct dev_result *r)
{
    (void)user;
    if (!r->label) return;
    printf("LED: heard %s (%d) @%ums\n", label, score, (unsigned)r->board_ms);
    fflush(stdout);
}

static int cmd_sim(const struct opts *o)
{
    static struct mdl_model m;
    static struct dev_pipeline pl;
    struct dev_sim_config c = {0};
    struct cap_clip clip = {0};
    char err[256], path[4096];
    if (mdl_model_find(o->model, KWSCOPE_DATADIR, path, sizeof path, err, sizeof err) != KWS_OK ||
        mdl_model_load(path, &m, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board sim: %s\n", err);
        return 1;
    }
    if (dev_pipeline_init(&pl, &m, &o->dc, NULL, 0, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board sim: %s: %s\n", path, err);
        mdl_model_free(&m);
        return 1;
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    int rc = 0;
    if (dev_pipeline_describe(&pl, &m, base, o->labels, &c.info, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board sim: %s (use --labels a,b,..)\n", err);
        rc = 2;
        goto out;
    }
    if (o->mic) {
        if (cap_clip_load(o->mic, &clip, err, sizeof err) != KWS_OK) {
            fprintf(stderr, "kwscope board sim: %s\n", err);
            rc = 1;
            goto out;
        }
        c.mic = clip.samples;
        c.mic_n = clip.n_samples;
    }
    /* live detection on the mic: every 250 ms (a Predictions block per
     * second on Edge Impulse), as the firmware does */
    long live_ms = o->live_ms >= 0 ? o->live_ms : o->dialect == DEV_DIALECT_EDGE_IMPULSE ? 1000 : 250;
    c.live_stride = (size_t)live_ms * 16;
    c.on_detect = sim_led;
    c.link = o->link;
    c.dialect = o->dialect;
    c.speed = o->speed;
    c.pipe = dev_pipeline_stages(&pl);
    struct dev_sim *s;
    if (dev_sim_open(&s, &c, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board sim: %s\n", err);
        rc = 1;
        goto out;
    }
    printf("%s\n", o->link ? o->link : dev_sim_path(s));
    if (o->link) printf("%s\n", dev_sim_path(s));
    printf("virtual board (%s dialect) on %s: model %s (crc32 %08x, %u B), labels", dev_dialect_name(o->dialect),
           dev_sim_path(s), c.info.model, (unsigned)c.info.model_hash, (unsigned)c.info.flash_bytes);
    for (int k = 0; k < c.info.n_labels; k++) printf("%s%s", k ? "," : " ", c.info.labels[k]);
    printf(", arena %u B; mic %s at %gx", (unsigned)c.info.arena_bytes, o->mic ? o->mic : "silence", o->speed);
    if (live_ms) printf(", live detection every %ld ms\n", live_ms);
    else printf(", no live detection\n");
    fflush(stdout);
    rc = dev_sim_run(s, &stop_flag) == KWS_OK ? 0 : 1;
    dev_sim_close(s);
out:
    dev_pipeline_free(&pl);
    mdl_model_free(&m);
    cap_clip_free(&clip);
    return rc;
}

int cli_cmd_board(int argc, char **argv)
{
    static const struct option lo[] = {
        {"port", required_argument, 0, 'p'}, {"json", no_argument, 0, 'j'},
        {"link", required_argument, 0, 'l'}, {"mic", required_argument, 0, 'm'},
        {"model", required_argument, 0, 'M'}, {"dialect", required_argument, 0, 'D'},
        {"speed", required_argument, 0, 's'}, {"force", no_argument, 0, 'f'},
        {"output", required_argument, 0, 'o'}, {"labels", required_argument, 0, 'L'},
        {"live-ms", required_argument, 0, 'v'}, {"threshold", required_argument, 0, 1000},
        {"window-ms", required_argument, 0, 1001}, {"suppression-ms", required_argument, 0, 1002},
        {"min-count", required_argument, 0, 1003}, {0, 0, 0, 0}};
    struct opts o = {0};
    o.n = 100;
    o.speed = 1;
    o.live_ms = -1;
    o.dc = mdl_detect_config_default();
    char portbuf[256];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:jd:n:o:", lo, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'p': o.port = optarg; break;
        case 'j': o.json = 1; break;
        case 'l': o.link = optarg; break;
        case 'm': o.mic = optarg; break;
        case 'M': o.model = optarg; break;
        case 'f': o.force = 1; break;
        case 'o': o.out = optarg; break;
        case 'L': o.labels = optarg; break;
        case 1000: case 1001: case 1002: case 1003: {
            static const char *const names[4] = {"--threshold", "--window-ms", "--suppression-ms", "--min-count"};
            const long min = c == 1003 ? 1 : 0, max = c == 1000 ? 255 : c == 1003 ? MDL_DETECT_QUEUE : 600000;
            long v = strtol(optarg, &end, 10);
            if (!end || *end || v < min || v > max) {
                fprintf(stderr, "kwscope board: %s needs an integer in %ld..%ld\n", names[c - 1000], min, max);
                return 2;
            }
            int32_t *f[4] = {&o.dc.threshold, &o.dc.window_ms, &o.dc.suppression_ms, &o.dc.min_count};
            *f[c - 1000] = (int32_t)v;
            break;
        }
        case 'v': o.live_ms = strtol(optarg, &end, 10);
            if (!end || *end || o.live_ms < 0 || o.live_ms > 60000) {
                fprintf(stderr, "kwscope board: bad --live-ms '%s' (0..60000, 0: off)\n", optarg);
                return 2;
            }
            break;
        case 'D':
            if (dev_dialect_parse(optarg, &o.dialect) != KWS_OK) {
                fprintf(stderr, "kwscope board: unknown dialect '%s' (kwscope, micro_speech, edge-impulse)\n", optarg);
                return 2;
            }
            break;
        case 'd': o.secs = strtod(optarg, &end);
            if (!end || *end || !(o.secs > 0)) { fprintf(stderr, "kwscope board: bad -d '%s'\n", optarg); return 2; }
            break;
        case 's': o.speed = strtod(optarg, &end);
            if (!end || *end || !(o.speed > 0)) { fprintf(stderr, "kwscope board: bad --speed '%s'\n", optarg); return 2; }
            break;
        case 'n': o.n = (int)strtol(optarg, &end, 10);
            if (!end || *end || o.n <= 0) { fprintf(stderr, "kwscope board: bad -n '%s'\n", optarg); return 2; }
            break;
        default: return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: kwscope board list|info|push FILE|stream -o OUT|timings [FILE]|sim [options]\n");
        return 2;
    }
    const char *sub = argv[optind];
    kws_log_set(quiet_log, NULL);
    /* no SA_RESTART: a signal ends a blocking open/read/poll at once */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (!strcmp(sub, "list")) return cmd_list(&o);
    if (!strcmp(sub, "sim")) return cmd_sim(&o);
    if (strcmp(sub, "info") && strcmp(sub, "push") && strcmp(sub, "stream") && strcmp(sub, "timings")) {
        fprintf(stderr, "kwscope board: unknown subcommand '%s'\n", sub);
        return 2;
    }
    if (!strcmp(sub, "push") && optind + 1 >= argc) {
        fprintf(stderr, "kwscope board push: give an audio FILE\n");
        return 2;
    }
    if (pick_port(&o, portbuf, sizeof portbuf)) return 1;
    if (!strcmp(sub, "info")) {
        struct dev_session *s = connect_board(&o);
        if (!s) return 1;
        print_info(dev_session_info(s), o.port, o.json);
        dev_session_close(s);
        return 0;
    }
    if (!strcmp(sub, "push")) return cmd_push(&o, argv[optind + 1]);
    if (!strcmp(sub, "timings")) return cmd_timings(&o, optind + 1 < argc ? argv[optind + 1] : NULL);
    return cmd_stream(&o);
}
