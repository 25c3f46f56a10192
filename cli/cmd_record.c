/* cmd_record.c: `kwscope record` records headless to WAV/FLAC.
 *
 *   kwscope record [-d SECONDS] [--source mic|FILE] [--device D] [--force] OUT.wav
 *
 * -d counts samples (CAP_RATE_HZ * SECONDS), not wall time: a file source (or
 * ALSA's file plugin behind the mic) delivers faster than real time. Without
 * -d it records until Ctrl-C or the end of the source. On a terminal stderr
 * shows one progress line (elapsed, level in dBFS, dropped samples); otherwise
 * nothing is printed but errors. PortAudio's start-up noise goes to the log
 * (cap_log_path). Exit: 0 done, 1 runtime error, 2 usage error. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void progress(uint64_t n, double level_db, const struct cap_counters *c)
{
    fprintf(stderr, "\rrecording %7.1f s  level %6.1f dBFS  dropped %llu   ",
            (double)n / CAP_RATE_HZ, level_db,
            (unsigned long long)(c->ring_overruns + c->input_overflows));
    fflush(stderr);
}

struct rec_opts {
    double secs; /* -d, < 0: until the end or Ctrl-C */
    const char *source, *device, *out;
    int force;
};

/* The options into o: 0, 2 (a usage error, reported) or -1 (help printed). */
static int parse_options(int argc, char **argv, struct rec_opts *o)
{
    *o = (struct rec_opts){ .secs = -1, .source = "mic" };
    for (int i = 1, operands = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!operands && !strcmp(a, "--")) { /* the end of options */
            operands = 1;
            continue;
        }
        if (operands) {
            if (o->out) return cli_usage_error("record", "more than one output file", a);
            o->out = a;
            continue;
        }
        if (!strcmp(a, "-d") || !strcmp(a, "--duration")) {
            if (++i >= argc) return cli_usage_error("record", "missing value", a);
            char *end;
            o->secs = strtod(argv[i], &end);
            if (*end || !(o->secs > 0) || o->secs > 86400)
                return cli_usage_error("record", "-d wants seconds in (0, 86400]", argv[i]);
        } else if (!strcmp(a, "--source") || !strcmp(a, "--device")) {
            if (++i >= argc) return cli_usage_error("record", "missing value", a);
            if (!strcmp(a, "--source"))
                o->source = argv[i];
            else
                o->device = argv[i];
        } else if (!strcmp(a, "--force") || !strcmp(a, "-f")) {
            o->force = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            cli_help("record", NULL);
            return -1;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("record", "unknown option", a);
        } else if (!o->out) {
            o->out = a;
        } else {
            return cli_usage_error("record", "more than one output file", a);
        }
    }
    if (!o->out) return cli_usage_error("record", "no output file given", NULL);
    return 0;
}

/* Source into recorder until want samples, the source's end or a stop; the
 * progress line on a terminal. 0, or 1 on a write error (reported). */
static int record_loop(struct cap_source *src, struct cap_recorder *rec, uint64_t want, int tty,
                       uint64_t *got_out)
{
    char err[512];
    int16_t buf[1600];
    double sumsq = 0;
    size_t nsq = 0;
    uint64_t got = 0, next_show = 0;
    int rc = 0;
    while (got < want && !stop_flag) {
        size_t max = sizeof buf / sizeof buf[0];
        if (want - got < max) max = (size_t)(want - got);
        size_t n = cap_source_read(src, buf, max);
        if (!n) {
            if (cap_source_finished(src)) break;
            struct timespec ts = { 0, 5 * 1000 * 1000 };
            nanosleep(&ts, NULL);
            continue;
        }
        if (cap_recorder_write(rec, buf, n, err, sizeof err) != KWS_OK) {
            if (tty) fputc('\n', stderr);
            fprintf(stderr, "kwscope record: %s\n", err);
            rc = 1;
            break;
        }
        for (size_t i = 0; i < n; i++) sumsq += (double)buf[i] * buf[i];
        nsq += n;
        got += n;
        if (tty && got >= next_show) {
            struct cap_counters c;
            cap_source_counters(src, &c);
            double rms = sqrt(sumsq / (double)nsq) / 32768.0;
            progress(got, rms > 1e-6 ? 20 * log10(rms) : -120.0, &c);
            sumsq = 0;
            nsq = 0;
            next_show = got + CAP_RATE_HZ / 10;
        }
    }
    *got_out = got;
    return rc;
}

int cli_cmd_record(int argc, char **argv)
{
    struct rec_opts o;
    int prc = parse_options(argc, argv, &o);
    if (prc) return prc < 0 ? 0 : prc;
    if (!o.force && access(o.out, F_OK) == 0) {
        fprintf(stderr, "kwscope record: %s: exists (use --force to overwrite)\n", o.out);
        return 1;
    }

    char err[512];
    struct cap_source *src = NULL;
    enum kws_status st;
    if (!strcmp(o.source, "mic")) {
        int quiet = cap_quiet_stderr_begin();
        st = cap_mic_source_open(o.device, &src, err, sizeof err);
        cap_quiet_stderr_end(quiet);
    } else {
        st = cap_file_source_open(o.source, 0, &src, err, sizeof err);
    }
    if (st != KWS_OK) {
        fprintf(stderr, "kwscope record: %s\n", err);
        return 1;
    }
    struct cap_recorder *rec = NULL;
    if (cap_recorder_open(o.out, CAP_RATE_HZ, o.force, &rec, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope record: %s\n", err);
        cap_source_close(src);
        return 1;
    }
    struct sigaction sa = { 0 };
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (cap_source_start(src, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope record: %s\n", err);
        cap_recorder_close(rec, NULL, 0);
        cap_source_close(src);
        return 1;
    }
    uint64_t want = o.secs > 0 ? (uint64_t)llround(o.secs * CAP_RATE_HZ) : UINT64_MAX, got;
    int tty = isatty(2);
    int rc = record_loop(src, rec, want, tty, &got);
    struct cap_counters c;
    cap_source_counters(src, &c);
    cap_source_close(src);
    if (tty && rc == 0)
        fprintf(stderr, "\rrecorded %.2f s to %s, dropped %llu%30s\n", (double)got / CAP_RATE_HZ,
                o.out, (unsigned long long)(c.ring_overruns + c.input_overflows), "");
    if (cap_recorder_close(rec, err, sizeof err) != KWS_OK && rc == 0) {
        fprintf(stderr, "kwscope record: %s\n", err);
        rc = 1;
    }
    return rc;
}
