/* bench_device.c: the board link over a real pty with the virtual board in a
 * thread running the REAL pipeline (micro frontend, the default int8 model,
 * the detector; live detection every 250 ms as `kwscope board sim` does),
 * the mic a loop of assets/demo.wav:
 * - CLASSIFY (of a second already pushed) -> RESULT minus the board's own
 *   stage time: the link's share of a round trip, target < 2 ms;
 * - one acknowledged PUSH frame (22 samples) round trip;
 * - a whole second pushed (728 acknowledged frames) + classify -> result,
 *   with and without the board's compute;
 * - sustained mic streaming at 50x and 100x real time: rate and lost chunks.
 * Prints medians; never fails on time. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "capture/capture.h"
#include "device/device.h"

/* The virtual board in its own thread, as `kwscope board sim` runs it in its
 * own process. */
struct sim_thread {
    struct dev_sim *sim;
    pthread_t th;
    volatile int stop;
};

static void *run_sim(void *arg)
{
    struct sim_thread *t = arg;
    dev_sim_run(t->sim, &t->stop);
    return NULL;
}

static int sim_start(struct sim_thread *t, struct dev_sim_config *cfg)
{
    char err[256] = "no thread";
    t->stop = 0;
    if (dev_sim_open(&t->sim, cfg, err, sizeof err) != KWS_OK ||
        pthread_create(&t->th, NULL, run_sim, t)) {
        fprintf(stderr, "bench_device: virtual board: %s\n", err);
        return -1;
    }
    return 0;
}

static void sim_stop(struct sim_thread *t)
{
    t->stop = 1;
    pthread_join(t->th, NULL);
    dev_sim_close(t->sim);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int wait_kind(struct dev_session *s, enum dev_event_kind k, struct dev_event *ev)
{
    double end = dev_now() + 10;
    while (dev_now() < end) {
        struct pollfd p = { dev_session_fd(s), POLLIN, 0 };
        poll(&p, 1, 2);
        dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
        while (dev_session_next_event(s, ev))
            if (ev->kind == k) return 1;
        if (k == DEV_EV_STATE && !dev_session_pending(s)) return 1;
    }
    return 0;
}

static double stream_rate(struct dev_session *s, double secs, unsigned long *lost)
{
    struct dev_counters c0, c;
    dev_session_counters(s, &c0);
    struct dev_event ev;
    dev_session_mic(s, 1);
    unsigned long samples = 0;
    double t0 = dev_now();
    while (dev_now() - t0 < secs) {
        struct pollfd p = { dev_session_fd(s), POLLIN, 0 };
        poll(&p, 1, 2);
        dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
        while (dev_session_next_event(s, &ev))
            if (ev.kind == DEV_EV_AUDIO) samples += ev.audio.n;
    }
    double rate = samples / (dev_now() - t0);
    dev_session_mic(s, 0);
    while (dev_session_pending(s)) wait_kind(s, DEV_EV_STATE, &ev);
    dev_session_counters(s, &c);
    *lost = c.lost_chunks - c0.lost_chunks + c.bad_frames - c0.bad_frames;
    return rate;
}

/* Classify, one push frame, and a whole second pushed, each round trip
 * timed on an idle link; prints the medians. */
static void bench_round_trips(struct dev_session *s, const int16_t *mic)
{
    struct dev_event ev;
    enum { N = 200 };
    static double lat[N], push1[N], whole[20], whole_net[20], compute[N];
    dev_session_push(s, mic, 16000);
    for (int i = 0; i < N; i++) {
        while (dev_session_pending(s)) wait_kind(s, DEV_EV_STATE, &ev);
        double t0 = dev_now();
        dev_session_classify(s);
        do wait_kind(s, DEV_EV_RESULT, &ev);
        while (!ev.requested);
        double board =
            (ev.result.preprocess_us + ev.result.inference_us + ev.result.postprocess_us) / 1e6;
        lat[i] = (dev_now() - t0 - board) * 1000;
        compute[i] = board * 1000;
    }
    for (int i = 0; i < N; i++) {
        while (dev_session_pending(s)) wait_kind(s, DEV_EV_STATE, &ev);
        double t0 = dev_now();
        dev_session_push(s, mic, DEV_PUSH_MAX_SAMPLES);
        while (dev_session_pending(s)) wait_kind(s, DEV_EV_STATE, &ev);
        push1[i] = (dev_now() - t0) * 1000;
    }
    for (int i = 0; i < 20; i++) {
        double t0 = dev_now();
        dev_session_push(s, mic, 16000);
        dev_session_classify(s);
        do wait_kind(s, DEV_EV_RESULT, &ev);
        while (!ev.requested);
        whole[i] = (dev_now() - t0) * 1000;
        whole_net[i] = whole[i] -
            (ev.result.preprocess_us + ev.result.inference_us + ev.result.postprocess_us) / 1000.0;
    }
    qsort(lat, N, sizeof *lat, cmp);
    qsort(compute, N, sizeof *compute, cmp);
    qsort(push1, N, sizeof *push1, cmp);
    qsort(whole, 20, sizeof *whole, cmp);
    qsort(whole_net, 20, sizeof *whole_net, cmp);
    printf("real pipeline (default model): board compute per classification median %.3f ms\n",
           compute[N / 2]);
    printf("classify -> result minus board compute: median %.3f ms, p90 %.3f ms (target < 2 ms)\n",
           lat[N / 2], lat[N * 9 / 10]);
    printf("one acknowledged push frame (%d samples): median %.3f ms\n", DEV_PUSH_MAX_SAMPLES,
           push1[N / 2]);
    printf("push 1 s (%d frames) + classify -> result: median %.1f ms (%.1f ms without the board's "
           "compute)\n",
           (16000 + DEV_PUSH_MAX_SAMPLES - 1) / DEV_PUSH_MAX_SAMPLES, whole[10], whole_net[10]);
}

int main(void)
{
    char p[4096], err[256];
    const char *root = getenv("KWSCOPE_SOURCE_DIR");
    static struct mdl_model model;
    static struct dev_pipeline pl;
    snprintf(p, sizeof p, "%s/assets/default_model.tflite", root ? root : ".");
    if (mdl_model_load(p, &model, err, sizeof err) != KWS_OK ||
        dev_pipeline_init(&pl, &model, NULL, NULL, 0, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "bench_device: %s\n", err);
        return 1;
    }
    struct cap_clip demo = { 0 };
    snprintf(p, sizeof p, "%s/assets/demo.wav", root ? root : ".");
    if (cap_clip_load(p, &demo, err, sizeof err) != KWS_OK || demo.n_samples < 16000) {
        fprintf(stderr, "bench_device: %s\n", err);
        return 1;
    }
    const int16_t *mic = demo.samples;
    struct dev_sim_config cfg = { 0 };
    cfg.pipe = dev_pipeline_stages(&pl);
    if (dev_pipeline_describe(&pl, &model, "default_model.tflite", NULL, &cfg.info, err,
                              sizeof err))
        return 1;
    cfg.mic = demo.samples;
    cfg.mic_n = demo.n_samples;
    cfg.speed = 50;
    cfg.live_stride = 4000;
    struct sim_thread st;
    if (sim_start(&st, &cfg)) return 1;
    struct dev_session_config sc = { 0 };
    sc.path = dev_sim_path(st.sim);
    struct dev_session *s;
    if (dev_session_open(&s, &sc, dev_now(), err, sizeof err) != KWS_OK) return 1;
    struct dev_event ev;
    while (dev_session_state(s) != DEV_ST_READY) wait_kind(s, DEV_EV_INFO, &ev);

    bench_round_trips(s, mic);

    unsigned long lost;
    double rate = stream_rate(s, 3, &lost);
    printf("streaming at 50x (live detection on): %.0f samples/s (%.1fx real time), %lu lost "
           "chunks or bad frames\n",
           rate, rate / 16000, lost);
    dev_session_close(s);
    sim_stop(&st);
    cfg.speed = 100;
    if (sim_start(&st, &cfg)) return 1;
    sc.path = dev_sim_path(st.sim);
    if (dev_session_open(&s, &sc, dev_now(), err, sizeof err) != KWS_OK) return 1;
    while (dev_session_state(s) != DEV_ST_READY) wait_kind(s, DEV_EV_INFO, &ev);
    rate = stream_rate(s, 3, &lost);
    printf("streaming at 100x (live detection on): %.0f samples/s (%.1fx real time), %lu lost "
           "chunks or bad frames\n",
           rate, rate / 16000, lost);
    dev_session_close(s);
    sim_stop(&st);
    cap_clip_free(&demo);
    dev_pipeline_free(&pl);
    mdl_model_free(&model);
    return 0;
}
