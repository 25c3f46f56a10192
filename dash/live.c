/* live.c: a live audio source under the dashboard (private to tui/).
 *
 * Each turn of the main loop drains what the source has (the PortAudio
 * callback filled a ring; reading never blocks), appends it to the scope so
 * the views grow, writes it to the recording when one is running, and keeps
 * the level meter over the last 100 ms. Capture never pauses: a paused
 * display still records, it only stops following the end. */
#include "dash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define LEVEL_WINDOW (CAP_RATE_HZ / 10) /* level meter: the last 100 ms */
#define CLIP_HOLD_S 1.0                 /* the clip light stays on this long */
#define CLIP_LEVEL 32767                /* |sample| at full scale */

void dash_live_init(struct dash_live *l, struct cap_source *src, const char *out_dir)
{
    memset(l, 0, sizeof *l);
    l->src = src;
    l->out_dir = out_dir && *out_dir ? out_dir : ".";
    l->peak_dbfs = l->rms_dbfs = -INFINITY;
}

void dash_live_free(struct dash_live *l)
{
    char err[256];
    if (l->rec) cap_recorder_close(l->rec, err, sizeof err);
    l->rec = NULL;
    cap_source_close(l->src);
    l->src = NULL;
}

/* Level of the newest LEVEL_WINDOW samples of the scope; full scale in
 * either direction (|v| >= 32767) lights the clip light. */
static void update_level(struct dash_live *l, const struct tui_scope *s, double now_s)
{
    size_t n = s->clip.n_samples, a = n > LEVEL_WINDOW ? n - LEVEL_WINDOW : 0;
    dash_level(s->clip.samples + a, n - a, &l->peak_dbfs, &l->rms_dbfs, &l->dc);
    if (l->peak_dbfs >= 20 * log10(CLIP_LEVEL / 32768.0)) l->clip_until_s = now_s + CLIP_HOLD_S;
    l->clipping = now_s < l->clip_until_s;
}

static void stop_recording(struct dash_live *l, char *msg, size_t msg_len)
{
    char err[256] = "";
    uint64_t n = cap_recorder_samples(l->rec);
    enum kws_status st = cap_recorder_close(l->rec, err, sizeof err);
    l->rec = NULL;
    if (st != KWS_OK)
        snprintf(msg, msg_len, "recording stopped: %s (%.1f s kept in %s)", err,
                 (double)n / CAP_RATE_HZ, l->rec_path);
    else
        snprintf(msg, msg_len, "saved %.1f s to %s", (double)n / CAP_RATE_HZ, l->rec_path);
}

int dash_live_poll(struct dash_live *l, struct tui_scope *s, double now_s, double *trimmed_s,
                   char *msg, size_t msg_len)
{
    int16_t buf[4096];
    size_t got = 0, n;
    *trimmed_s = 0;
    while ((n = cap_source_read(l->src, buf, sizeof buf / sizeof buf[0])) > 0) {
        double t = tui_scope_append(s, buf, n);
        if (t < 0) {
            snprintf(msg, msg_len, "%s", s->error);
            return -1;
        }
        *trimmed_s += t;
        if (l->rec) {
            char err[256];
            if (cap_recorder_write(l->rec, buf, n, err, sizeof err) != KWS_OK)
                stop_recording(l, msg, msg_len);
        }
        got += n;
        if (got > (size_t)CAP_RATE_HZ * 2) /* let the screen breathe after a burst */
            break;
    }
    struct cap_counters c;
    cap_source_counters(l->src, &c);
    l->dropped = c.input_overflows + c.ring_overruns;
    if (!l->finished && cap_source_finished(l->src)) {
        l->finished = true;
        snprintf(msg, msg_len, "the source stopped (device gone or end of input)");
    }
    if (got)
        update_level(l, s, now_s);
    else if (l->clipping && now_s >= l->clip_until_s) {
        l->clipping = false; /* redraw: the clip light went out */
        got = 1;
    }
    return got > 0;
}

int dash_live_record(struct dash_live *l, double now_s, char *msg, size_t msg_len)
{
    if (l->rec) {
        stop_recording(l, msg, msg_len);
        return 0;
    }
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    /* A second take within the same second is named STAMP-2, -3, ...: never
     * refused, and the recorder's O_EXCL still never overwrites. */
    for (int k = 1; k < 100; k++) {
        if (k == 1)
            snprintf(l->rec_path, sizeof l->rec_path, "%s/kwscope-%s.wav", l->out_dir, stamp);
        else
            snprintf(l->rec_path, sizeof l->rec_path, "%s/kwscope-%s-%d.wav", l->out_dir, stamp, k);
        struct stat st;
        if (lstat(l->rec_path, &st) != 0) break;
    }
    char err[512];
    if (cap_recorder_open(l->rec_path, CAP_RATE_HZ, 0, &l->rec, err, sizeof err) != KWS_OK) {
        l->rec = NULL;
        snprintf(msg, msg_len, "cannot record: %s", err);
        return -1;
    }
    l->rec_start_s = now_s;
    snprintf(msg, msg_len, "recording to %s (r stops)", l->rec_path);
    return 1;
}
