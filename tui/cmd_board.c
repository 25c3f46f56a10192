/* cmd_board.c: `kwscope board ...`: a real or virtual board from the shell.
 *
 *   kwscope board list [--json]
 *   kwscope board info|push FILE|stream -o OUT.wav|timings [--port P] [--json]
 *                [--dialect kwscope|micro_speech|edge-impulse] [-d SECONDS] [-n N] [--force]
 *   kwscope board sim [--link PATH] [--mic FILE] [--dialect D] [--speed X] [--model M]
 *
 * --port defaults to the single Arduino (USB vendor 0x2341) found. Exit: 0
 * done, 1 runtime error (one line on stderr), 2 usage error. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "commands.h"
#include "device.h"

struct opts {
    const char *port, *link, *mic, *model, *out;
    enum dev_dialect dialect;
    int json, n, force;
    double secs, speed;
};

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
    char err[256];
    if (dev_session_open(&s, &c, dev_now(), err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board: %s\n", err);
        return NULL;
    }
    double end = dev_now() + 5;
    while (dev_now() < end && dev_session_state(s) != DEV_ST_READY &&
           dev_session_state(s) != DEV_ST_VERSION_MISMATCH) {
        usleep(2000);
        dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
    }
    if (dev_session_state(s) != DEV_ST_READY) {
        fprintf(stderr, "kwscope board: %s: %s%s%s\n", o->port, dev_state_name(dev_session_state(s)),
                *dev_session_message(s) ? ": " : "", dev_session_message(s));
        dev_session_close(s);
        return NULL;
    }
    return s;
}

/* Pump until an event of kind arrives (others handed to keep, may be NULL). */
static int wait_event(struct dev_session *s, enum dev_event_kind kind, struct dev_event *ev, double secs)
{
    double end = dev_now() + secs;
    while (dev_now() < end && !stop_flag) {
        dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
        while (dev_session_next_event(s, ev)) {
            if (ev->kind == kind) return 1;
            if (ev->kind == DEV_EV_ERROR) return -1;
        }
        usleep(200);
    }
    return 0;
}

static void print_info(const struct dev_info *i, const char *port, int json)
{
    if (json) {
        printf("{\"port\":\"%s\",\"proto\":%d,\"firmware\":\"%s\",\"model\":\"%s\",\"model_hash\":\"%08x\","
               "\"sample_rate\":%u,\"labels\":[", port, i->proto, i->firmware, i->model,
               (unsigned)i->model_hash, (unsigned)i->sample_rate);
        for (int k = 0; k < i->n_labels; k++) printf("%s\"%s\"", k ? "," : "", i->labels[k]);
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
        printf("{\"file\":\"%s\",\"label\":\"%s\",\"labels\":[", file, e->label);
        for (int k = 0; k < info->n_labels; k++) printf("%s\"%s\"", k ? "," : "", info->labels[k]);
        printf("],\"scores_i8\":[");
        for (int k = 0; k < r->n_scores; k++) printf("%s%d", k ? "," : "", r->scores[k]);
        printf("],\"scores\":[");
        for (int k = 0; k < r->n_scores; k++) printf("%s%.6f", k ? "," : "", (r->scores[k] + 128) / 256.0);
        printf("],\"timings_us\":{\"preprocess\":%u,\"inference\":%u,\"postprocess\":%u},\"board_ms\":%u}\n",
               (unsigned)r->preprocess_us, (unsigned)r->inference_us, (unsigned)r->postprocess_us,
               (unsigned)r->board_ms);
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

/* Push one second (zero-padded or the last second) and wait for the result. */
static int push_window(struct dev_session *s, const int16_t *x, size_t n, struct dev_event *ev)
{
    int16_t win[DEV_BOARD_CLIP] = {0};
    size_t k = n < DEV_BOARD_CLIP ? n : DEV_BOARD_CLIP;
    memcpy(win + (DEV_BOARD_CLIP - k), x + (n - k), k * sizeof *x);
    dev_session_push(s, win, DEV_BOARD_CLIP);
    dev_session_classify(s);
    int r = wait_event(s, DEV_EV_RESULT, ev, 30);
    if (r == 1) return 0;
    fprintf(stderr, "kwscope board: %s\n", r < 0 ? ev->text : "no result from the board");
    return 1;
}

static int cmd_push(const struct opts *o, const char *file, int windows)
{
    struct cap_clip clip;
    char err[256];
    if (cap_clip_load(file, &clip, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board: %s\n", err);
        return 1;
    }
    struct dev_session *s = connect_board(o);
    if (!s) { cap_clip_free(&clip); return 1; }
    const struct dev_info *info = dev_session_info(s);
    struct dev_event ev;
    int rc = 0;
    if (!windows) {
        rc = push_window(s, clip.samples, clip.n_samples, &ev);
        if (!rc) print_result(&ev, file, info, o->json);
    } else {
        double mn[4], mx[4], sum[4];
        for (int j = 0; j < 4; j++) { mn[j] = 1e30; mx[j] = sum[j] = 0; }
        int done = 0;
        for (int w = 0; w < windows && !rc && !stop_flag; w++) {
            double t0 = dev_now();
            rc = push_window(s, clip.samples, clip.n_samples, &ev);
            if (rc) break;
            const double v[4] = {ev.result.preprocess_us / 1000.0, ev.result.inference_us / 1000.0,
                                 ev.result.postprocess_us / 1000.0, (dev_now() - t0) * 1000.0};
            for (int j = 0; j < 4; j++) {
                if (v[j] < mn[j]) mn[j] = v[j];
                if (v[j] > mx[j]) mx[j] = v[j];
                sum[j] += v[j];
            }
            done++;
        }
        if (done) {
            static const char *const names[4] = {"Preprocessing", "Inference", "Post-processing",
                                                 "Round trip (host)"};
            printf("Process stage | Min | Max | Avg\n");
            printf("--- | --- | --- | ---\n");
            for (int j = 0; j < 4; j++)
                printf("%s | %.3f ms | %.3f ms | %.3f ms\n", names[j], mn[j], mx[j], sum[j] / done);
            printf("(%d windows; board stages measured on the board with its clock; round trip\n"
                   " is push of one second + classify, as seen by this host)\n", done);
        }
    }
    dev_session_close(s);
    cap_clip_free(&clip);
    return rc;
}

static void wav_header(FILE *f, uint32_t samples)
{
    uint8_t h[44];
    uint32_t data = samples * 2;
    memcpy(h, "RIFF", 4);
    uint32_t v[] = {36 + data};
    h[4] = (uint8_t)v[0]; h[5] = (uint8_t)(v[0] >> 8); h[6] = (uint8_t)(v[0] >> 16); h[7] = (uint8_t)(v[0] >> 24);
    memcpy(h + 8, "WAVEfmt ", 8);
    const uint8_t fmt[20] = {16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3e, 0, 0, 0, 0x7d, 0, 0, 2, 0, 16, 0};
    memcpy(h + 16, fmt, 20);
    memcpy(h + 36, "data", 4);
    h[40] = (uint8_t)data; h[41] = (uint8_t)(data >> 8); h[42] = (uint8_t)(data >> 16); h[43] = (uint8_t)(data >> 24);
    fseek(f, 0, SEEK_SET);
    fwrite(h, 1, 44, f);
    fseek(f, 0, SEEK_END);
    fflush(f);
}

/* Record the board's mic. The WAV header is rewritten every second so a
 * crash or a pulled cable leaves a valid file with everything received. */
static int cmd_stream(const struct opts *o)
{
    if (!o->out) { fprintf(stderr, "kwscope board stream: give -o OUT.wav\n"); return 2; }
    if (!o->force && access(o->out, F_OK) == 0) {
        fprintf(stderr, "kwscope board stream: %s exists (use --force)\n", o->out);
        return 1;
    }
    struct dev_session *s = connect_board(o);
    if (!s) return 1;
    FILE *f = fopen(o->out, "wb");
    if (!f) { fprintf(stderr, "kwscope board stream: cannot write %s\n", o->out); dev_session_close(s); return 1; }
    wav_header(f, 0);
    dev_session_mic(s, 1);
    uint64_t want = o->secs > 0 ? (uint64_t)llround(o->secs * 16000) : UINT64_MAX, got = 0, last = 0;
    struct dev_event ev;
    while (got < want && !stop_flag) {
        dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
        while (got < want && dev_session_next_event(s, &ev)) {
            if (ev.kind == DEV_EV_AUDIO) {
                size_t k = ev.audio.n;
                if (got + k > want) k = (size_t)(want - got);
                fwrite(ev.audio.samples, 2, k, f);   /* little-endian host assumed (x86, ARM) */
                got += k;
            } else if (ev.kind == DEV_EV_STATE && (got || (ev.state != DEV_ST_CONNECTING &&
                                                           ev.state != DEV_ST_READY))) {
                fprintf(stderr, "kwscope board: %s%s%s\n", dev_state_name(ev.state), ev.text[0] ? ": " : "", ev.text);
            }
        }
        if (got - last >= 16000) { wav_header(f, (uint32_t)got); last = got; }
        usleep(1000);
    }
    dev_session_mic(s, 0);
    wav_header(f, (uint32_t)got);
    fclose(f);
    struct dev_counters c;
    dev_session_counters(s, &c);
    if (o->json)
        printf("{\"file\":\"%s\",\"samples\":%llu,\"chunks\":%lu,\"lost_chunks\":%lu,\"bad_frames\":%lu}\n",
               o->out, (unsigned long long)got, c.chunks, c.lost_chunks, c.bad_frames);
    else
        printf("%s: %.2f s, %lu chunks, %lu lost, %lu bad frames\n", o->out, got / 16000.0,
               c.chunks, c.lost_chunks, c.bad_frames);
    dev_session_close(s);
    return 0;
}

static int cmd_sim(const struct opts *o)
{
    struct dev_sim_config c = {0};
    struct cap_clip clip = {0};
    char err[256];
    if (o->mic) {
        if (cap_clip_load(o->mic, &clip, err, sizeof err) != KWS_OK) {
            fprintf(stderr, "kwscope board sim: %s\n", err);
            return 1;
        }
        c.mic = clip.samples;
        c.mic_n = clip.n_samples;
    }
    if (o->model) {
        /* the int8 interpreter and the micro frontend are not wired in yet */
        fprintf(stderr, "kwscope board sim: --model is not supported yet (no model runtime in this build)\n");
        cap_clip_free(&clip);
        return 1;
    }
    c.link = o->link;
    c.dialect = o->dialect;
    c.speed = o->speed;
    /* no pipeline yet: the board answers "no model" (see device/README) */
    struct dev_sim *s;
    if (dev_sim_open(&s, &c, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board sim: %s\n", err);
        cap_clip_free(&clip);
        return 1;
    }
    printf("%s\n", o->link ? o->link : dev_sim_path(s));
    if (o->link) printf("%s\n", dev_sim_path(s));
    printf("virtual board (%s dialect, no model: features and classification unavailable) on %s\n",
           dev_dialect_name(o->dialect), dev_sim_path(s));
    fflush(stdout);
    enum kws_status st = dev_sim_run(s, &stop_flag);
    dev_sim_close(s);
    cap_clip_free(&clip);
    return st == KWS_OK ? 0 : 1;
}

int tui_cmd_board(int argc, char **argv)
{
    static const struct option lo[] = {
        {"port", required_argument, 0, 'p'}, {"json", no_argument, 0, 'j'},
        {"link", required_argument, 0, 'l'}, {"mic", required_argument, 0, 'm'},
        {"model", required_argument, 0, 'M'}, {"dialect", required_argument, 0, 'D'},
        {"speed", required_argument, 0, 's'}, {"force", no_argument, 0, 'f'},
        {"output", required_argument, 0, 'o'}, {0, 0, 0, 0}};
    struct opts o = {0};
    o.n = 100;
    o.speed = 1;
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
        fprintf(stderr, "usage: kwscope board list|info|push FILE|stream -o OUT|timings FILE|sim [options]\n");
        return 2;
    }
    const char *sub = argv[optind];
    kws_log_set(quiet_log, NULL);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    if (!strcmp(sub, "list")) return cmd_list(&o);
    if (!strcmp(sub, "sim")) return cmd_sim(&o);
    if (strcmp(sub, "info") && strcmp(sub, "push") && strcmp(sub, "stream") && strcmp(sub, "timings")) {
        fprintf(stderr, "kwscope board: unknown subcommand '%s'\n", sub);
        return 2;
    }
    if ((!strcmp(sub, "push") || !strcmp(sub, "timings")) && optind + 1 >= argc) {
        fprintf(stderr, "kwscope board %s: give an audio FILE\n", sub);
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
    if (!strcmp(sub, "push")) return cmd_push(&o, argv[optind + 1], 0);
    if (!strcmp(sub, "timings")) return cmd_push(&o, argv[optind + 1], o.n);
    return cmd_stream(&o);
}
