/* board_stream.c: `kwscope board stream -o OUT.wav`: records the board's
 * mic (device's dev_session_stream) through capture's crash-safe recorder:
 * created without following links, never over a file without --force, its
 * header kept valid as it grows, so a crash or a pulled cable leaves a valid
 * file with everything received. -d counts samples, not wall time. Every way
 * it can end is said: -d reached, Ctrl-C (a success once audio was saved),
 * no audio, the port gone, a write error (the file then ends at the last
 * sample written, its header matching). */
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>

#include "board_priv.h"
#include "capture/capture.h"

static enum kws_status to_recorder(void *user, const int16_t *x, size_t n, char *err,
                                   size_t err_len)
{
    return cap_recorder_write(user, x, n, err, err_len);
}

static void report(const struct board_opts *o, struct dev_session *s,
                   const struct dev_stream_result *res, int rc)
{
    struct dev_counters c;
    dev_session_counters(s, &c);
    double secs = (double)res->samples / KWS_RATE_HZ;
    if (o->json) {
        printf("{\"file\":");
        cli_json_str(o->out);
        printf(
            ",\"samples\":%llu,\"chunks\":%lu,\"lost_chunks\":%lu,\"bad_frames\":%lu,\"ok\":%s}\n",
            (unsigned long long)res->samples, c.chunks, c.lost_chunks, c.bad_frames,
            rc ? "false" : "true");
    } else {
        printf("%s: %.2f s, %lu chunks, %lu lost, %lu bad frames%s\n", o->out, secs, c.chunks,
               c.lost_chunks, c.bad_frames, res->interrupted && !rc ? " (interrupted)" : "");
    }
}

int board_stream(const struct board_opts *o)
{
    if (!o->out) {
        fprintf(stderr, "kwscope board stream: give -o OUT.wav\n");
        return 2;
    }
    char err[512];
    struct cap_recorder *rec;
    struct stat st;
    if (!o->force && lstat(o->out, &st) == 0) { /* before connecting; the open checks again */
        fprintf(stderr, "kwscope board stream: %s: exists (use --force to overwrite)\n", o->out);
        return 1;
    }
    struct dev_session *s = board_connect(o);
    if (!s) return 1;
    if (cap_recorder_open(o->out, KWS_RATE_HZ, o->force, &rec, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board stream: %s\n", err);
        dev_session_close(s);
        return 1;
    }
    struct dev_stream_config sc = { 0 };
    sc.max_samples = o->secs > 0 ? (uint64_t)llround(o->secs * KWS_RATE_HZ) : 0;
    sc.stop = &board_stop;
    sc.sink = to_recorder;
    sc.user = rec;
    struct dev_stream_result res;
    int rc = dev_session_stream(s, &sc, &res, err, sizeof err) != KWS_OK;
    char cerr[512];
    if (cap_recorder_close(rec, cerr, sizeof cerr) != KWS_OK && !rc) {
        snprintf(err, sizeof err, "%s", cerr);
        rc = 1;
    }
    if (rc)
        fprintf(stderr, "kwscope board stream: %s (%.2f s kept in %s)\n", err,
                (double)res.samples / KWS_RATE_HZ, o->out);
    report(o, s, &res, rc);
    dev_session_close(s);
    return rc;
}
