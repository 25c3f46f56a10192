/* session_ops.c: whole board operations for commands that run one thing and
 * exit (kwscope board info/push/stream/timings): wait until ready, wait for
 * the answer to a classification, record the mic stream.
 *
 * The session itself never gives up (the dashboard wants it to reconnect and
 * retry forever); a command must. So each operation here has a deadline and
 * ends with exactly one outcome: KWS_OK, or an error status with one line in
 * err saying what happened (no answer, the port went away, the board
 * refused, no audio, interrupted). The waits sleep in poll() on the port, so
 * a signal (whose handler sets *stop) ends them within one poll period. */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "session_priv.h"

#define OPS_POLL_MS 20

static int stopped(volatile int *stop)
{
    return stop && *stop;
}

/* Sleep until the port has bytes (or a short while), then drive the session. */
static void pump(struct dev_session *s, int ms)
{
    struct pollfd p = { dev_session_fd(s), POLLIN, 0 };
    if (p.fd >= 0)
        poll(&p, 1, ms);
    else
        poll(NULL, 0, ms);
    dev_session_on_readable(s, dev_now());
    dev_session_tick(s, dev_now());
}

/* A state event that ends an operation: fills err and returns its status. */
static enum kws_status state_failure(const struct dev_session *s, enum dev_state st,
                                     const char *text, char *err, size_t err_len)
{
    const char *why = text && *text ? text : dev_session_message(s);
    switch (st) {
    case DEV_ST_DISCONNECTED:
        return kws_err(err, err_len, KWS_ERR_CLOSED, "%s: disconnected (%s)", s->path,
                       *why ? why : "the port went away");
    case DEV_ST_TIMEOUT:
        return kws_err(err, err_len, KWS_ERR_TIMEOUT, "%s: the board stopped answering (%s)",
                       s->path, why);
    case DEV_ST_VERSION_MISMATCH:
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "%s: %s", s->path, why);
    default: return KWS_OK;
    }
}

enum kws_status dev_session_wait_ready(struct dev_session *s, double secs, volatile int *stop,
                                       char *err, size_t err_len)
{
    double end = dev_now() + secs;
    for (;;) {
        enum dev_state st = dev_session_state(s);
        if (st == DEV_ST_READY) return KWS_OK;
        if (s->bad_info[0])
            return kws_err(err, err_len, KWS_ERR_FORMAT, "%s: %s", s->path, s->bad_info);
        if (st != DEV_ST_CONNECTING) return state_failure(s, st, NULL, err, err_len);
        if (stopped(stop)) return kws_err(err, err_len, KWS_ERR_CLOSED, "%s: interrupted", s->path);
        if (dev_now() >= end)
            return kws_err(err, err_len, KWS_ERR_TIMEOUT,
                           "%s: no answer from the board in %g s "
                           "(is it running kwscope's firmware? try --dialect)",
                           s->path, secs);
        pump(s, OPS_POLL_MS);
    }
}

enum kws_status dev_session_wait_result(struct dev_session *s, double secs, volatile int *stop,
                                        struct dev_event *ev, char *err, size_t err_len)
{
    double end = dev_now() + secs;
    for (;;) {
        while (dev_session_next_event(s, ev)) {
            if (ev->kind == DEV_EV_RESULT && ev->requested) return KWS_OK;
            if (ev->kind == DEV_EV_ERROR)
                return kws_err(err, err_len, KWS_ERR_IO, "%s: the board refused: %s", s->path,
                               ev->text[0] ? ev->text : "(no reason given)");
            enum kws_status fst = ev->kind == DEV_EV_STATE
                ? state_failure(s, ev->state, ev->text, err, err_len)
                : KWS_OK;
            if (fst != KWS_OK) return fst;
        }
        if (stopped(stop)) return kws_err(err, err_len, KWS_ERR_CLOSED, "%s: interrupted", s->path);
        if (dev_now() >= end)
            return kws_err(err, err_len, KWS_ERR_TIMEOUT, "%s: no result from the board in %g s",
                           s->path, secs);
        pump(s, OPS_POLL_MS);
    }
}

/* One event of a mic stream: audio to the sink, failures to err. */
static enum kws_status stream_event(struct dev_session *s, const struct dev_event *ev,
                                    const struct dev_stream_config *c,
                                    struct dev_stream_result *res, char *err, size_t err_len)
{
    if (ev->kind == DEV_EV_AUDIO) {
        size_t k = ev->audio.n;
        if (c->max_samples && res->samples + k > c->max_samples)
            k = (size_t)(c->max_samples - res->samples);
        if (!k) return KWS_OK;
        enum kws_status st = c->sink(c->user, ev->audio.samples, k, err, err_len);
        if (st != KWS_OK) return st;
        res->samples += k;
        res->last_audio = dev_now();
        return KWS_OK;
    }
    if (ev->kind == DEV_EV_ERROR)
        return kws_err(err, err_len, KWS_ERR_IO, "%s: the board reported: %s", s->path,
                       ev->text[0] ? ev->text : "(no reason given)");
    if (ev->kind == DEV_EV_STATE) return state_failure(s, ev->state, ev->text, err, err_len);
    return KWS_OK;
}

enum kws_status dev_session_stream(struct dev_session *s, const struct dev_stream_config *c,
                                   struct dev_stream_result *res, char *err, size_t err_len)
{
    memset(res, 0, sizeof *res);
    if (!(s->d->caps & DEV_CAP_MIC))
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED,
                       "%s: the %s dialect has no mic stream "
                       "(only kwscope's firmware streams audio)",
                       s->path, dev_dialect_name(s->cfg.dialect));
    double idle = c->idle_s > 0 ? c->idle_s : 5.0;
    res->last_audio = dev_now();
    enum kws_status st = dev_session_mic(s, 1);
    while (st == KWS_OK && (!c->max_samples || res->samples < c->max_samples)) {
        struct dev_event ev;
        while (st == KWS_OK && dev_session_next_event(s, &ev))
            st = stream_event(s, &ev, c, res, err, err_len);
        if (st != KWS_OK) break;
        if (stopped(c->stop)) {
            res->interrupted = 1;
            if (!res->samples)
                st = kws_err(err, err_len, KWS_ERR_CLOSED,
                             "%s: interrupted before any audio arrived", s->path);
            break;
        }
        if (dev_now() - res->last_audio > idle) {
            st = kws_err(err, err_len, KWS_ERR_TIMEOUT, "%s: no audio from the board for %g s%s",
                         s->path, idle, res->samples ? "" : " (does its firmware stream the mic?)");
            break;
        }
        pump(s, OPS_POLL_MS);
    }
    if (s->tr_open) dev_session_mic(s, 0);
    return st;
}
