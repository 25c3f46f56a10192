/* sim_fixture.h: a virtual board in a thread with a deterministic stand-in
 * pipeline (so the transport/session/sim tests do not depend on a trained
 * model), and a helper that drives a session until a condition holds. */
#ifndef SIM_FIXTURE_H
#define SIM_FIXTURE_H

#include <poll.h>
#include <pthread.h>
#include <string.h>

#include "device/device.h"

static inline int fake_features(void *user, const int16_t *clip, size_t n, int8_t *feat)
{
    (void)user;
    for (size_t i = 0; i < DEV_FEAT_ROWS * DEV_FEAT_COLS; i++)
        feat[i] = (int8_t)(clip[(i * 8) % n] >> 8);
    return 0;
}

static inline int fake_infer(void *user, const int8_t *feat, int8_t *scores)
{
    (void)user;
    long sum[4] = { 0, 0, 0, 0 };
    for (size_t i = 0; i < DEV_FEAT_ROWS * DEV_FEAT_COLS; i++) sum[i % 4] += feat[i];
    for (int j = 0; j < 4; j++) scores[j] = (int8_t)((sum[j] & 0xFF) - 128);
    return 4;
}

static inline void fixture_info(struct dev_info *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->model, sizeof info->model, "fake");
    info->n_labels = 4;
    const char *l[4] = { "silence", "unknown", "yes", "no" };
    for (int i = 0; i < 4; i++) snprintf(info->labels[i], DEV_LABEL_LEN, "%s", l[i]);
}

struct sim_thread {
    struct dev_sim *sim;
    pthread_t th;
    volatile int stop;
};

static void *sim_main(void *arg)
{
    struct sim_thread *t = arg;
    dev_sim_run(t->sim, &t->stop);
    return NULL;
}

static inline int sim_start(struct sim_thread *t, struct dev_sim_config *cfg)
{
    char err[256];
    memset(t, 0, sizeof *t);
    if (dev_sim_open(&t->sim, cfg, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "sim: %s\n", err);
        return -1;
    }
    pthread_create(&t->th, NULL, sim_main, t);
    return 0;
}

static inline void sim_stop(struct sim_thread *t)
{
    t->stop = 1;
    pthread_join(t->th, NULL);
    dev_sim_close(t->sim);
}

/* Drive a session for up to secs; on_event sees every event; stop when
 * done(user) says so. Returns 1 if done, 0 on timeout. */
static inline int drive(struct dev_session *s, double secs,
                        void (*on_event)(const struct dev_event *, void *),
                        int (*done)(struct dev_session *, void *), void *user)
{
    double end = dev_now() + secs;
    struct dev_event ev;
    while (dev_now() < end) {
        struct pollfd p = { dev_session_fd(s), POLLIN, 0 };
        poll(&p, p.fd >= 0, 5);
        if (p.revents) dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
        while (dev_session_next_event(s, &ev))
            if (on_event) on_event(&ev, user);
        if (done && done(s, user)) return 1;
    }
    return 0;
}

#endif
