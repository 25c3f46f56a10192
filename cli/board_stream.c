/* board_stream.c: `kwscope board stream -o OUT.wav`: records the board's
 * mic through capture's crash-safe recorder (its header follows the data
 * every half second, so a crash or a pulled cable leaves a valid file with
 * everything received). -d counts samples, not wall time. */
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "board_priv.h"
#include "capture/capture.h"

/* Pumps the session into rec until want samples arrived (or a stop, or a
 * write error: 1, reported). */
static int record(struct dev_session *s, struct cap_recorder *rec, uint64_t want)
{
    uint64_t got = 0;
    char err[1024];
    struct dev_event ev;
    while (got < want && !board_stop) {
        dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
        while (got < want && dev_session_next_event(s, &ev)) {
            if (ev.kind == DEV_EV_AUDIO) {
                size_t k = ev.audio.n;
                if (got + k > want) k = (size_t)(want - got);
                if (cap_recorder_write(rec, ev.audio.samples, k, err, sizeof err) != KWS_OK) {
                    fprintf(stderr, "kwscope board stream: %s\n", err);
                    return 1;
                }
                got += k;
            } else if (ev.kind == DEV_EV_STATE && (got || (ev.state != DEV_ST_CONNECTING &&
                                                           ev.state != DEV_ST_READY))) {
                fprintf(stderr, "kwscope board: %s%s%s\n", dev_state_name(ev.state), ev.text[0] ? ": " : "", ev.text);
            }
        }
        usleep(1000);
    }
    return 0;
}

int board_stream(const struct board_opts *o)
{
    if (!o->out) { fprintf(stderr, "kwscope board stream: give -o OUT.wav\n"); return 2; }
    /* before connecting: a board's mic is not worth a file the user owns */
    if (!o->force && access(o->out, F_OK) == 0) {
        fprintf(stderr, "kwscope board stream: %s exists (use --force)\n", o->out);
        return 1;
    }
    struct dev_session *s = board_connect(o);
    if (!s) return 1;
    struct cap_recorder *rec;
    char err[1024];
    if (cap_recorder_open(o->out, KWS_RATE_HZ, o->force, &rec, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board stream: %s\n", err);
        dev_session_close(s);
        return 1;
    }
    dev_session_mic(s, 1);
    uint64_t want = o->secs > 0 ? (uint64_t)llround(o->secs * KWS_RATE_HZ) : UINT64_MAX;
    int rc = record(s, rec, want);
    dev_session_mic(s, 0);
    uint64_t got = cap_recorder_samples(rec);
    if (cap_recorder_close(rec, err, sizeof err) != KWS_OK && !rc) {
        fprintf(stderr, "kwscope board stream: %s\n", err);
        rc = 1;
    }
    struct dev_counters c;
    dev_session_counters(s, &c);
    if (!rc && o->json)
        printf("{\"file\":\"%s\",\"samples\":%llu,\"chunks\":%lu,\"lost_chunks\":%lu,\"bad_frames\":%lu}\n",
               o->out, (unsigned long long)got, c.chunks, c.lost_chunks, c.bad_frames);
    else if (!rc)
        printf("%s: %.2f s, %lu chunks, %lu lost, %lu bad frames\n", o->out, (double)got / KWS_RATE_HZ,
               c.chunks, c.lost_chunks, c.bad_frames);
    dev_session_close(s);
    return rc;
}
