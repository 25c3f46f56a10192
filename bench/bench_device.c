/* bench_device.c: the board link over a real pty with the virtual board in a
 * thread (stand-in stages, so the figures are the link's, not the model's):
 * - request -> RESULT latency minus the board's own stage time (CLASSIFY of a
 *   second already pushed), target < 2 ms;
 * - one acknowledged PUSH frame (22 samples) round trip;
 * - a whole second pushed (728 acknowledged frames) + classify;
 * - sustained mic streaming at 50x real time: rate and lost chunks.
 * Prints medians; never fails on time. */
#include <stdio.h>
#include <stdlib.h>

#include "../tests/device/sim_fixture.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int wait_kind(struct dev_session *s, enum dev_event_kind k, struct dev_event *ev)
{
    double end = dev_now() + 10;
    while (dev_now() < end) {
        struct pollfd p = {dev_session_fd(s), POLLIN, 0};
        poll(&p, 1, 2);
        dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
        while (dev_session_next_event(s, ev))
            if (ev->kind == k) return 1;
        if (k == DEV_EV_STATE && !dev_session_pending(s)) return 1;
    }
    return 0;
}

int main(void)
{
    struct dev_sim_config cfg = {0};
    cfg.pipe.features = fake_features;
    cfg.pipe.infer = fake_infer;
    fixture_info(&cfg.info);
    static int16_t mic[16000];
    for (int i = 0; i < 16000; i++) mic[i] = (int16_t)(i * 17);
    cfg.mic = mic;
    cfg.mic_n = 16000;
    cfg.speed = 50;
    struct sim_thread st;
    if (sim_start(&st, &cfg)) return 1;
    struct dev_session_config sc = {0};
    sc.path = dev_sim_path(st.sim);
    struct dev_session *s;
    char err[256];
    if (dev_session_open(&s, &sc, dev_now(), err, sizeof err) != KWS_OK) return 1;
    struct dev_event ev;
    while (dev_session_state(s) != DEV_ST_READY) wait_kind(s, DEV_EV_INFO, &ev);

    enum { N = 200 };
    static double lat[N], push1[N], whole[20];
    dev_session_push(s, mic, 16000);
    for (int i = 0; i < N; i++) {
        while (dev_session_pending(s)) wait_kind(s, DEV_EV_STATE, &ev);
        double t0 = dev_now();
        dev_session_classify(s);
        wait_kind(s, DEV_EV_RESULT, &ev);
        double board = (ev.result.preprocess_us + ev.result.inference_us + ev.result.postprocess_us) / 1e6;
        lat[i] = (dev_now() - t0 - board) * 1000;
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
        wait_kind(s, DEV_EV_RESULT, &ev);
        whole[i] = (dev_now() - t0) * 1000;
    }
    qsort(lat, N, sizeof *lat, cmp);
    qsort(push1, N, sizeof *push1, cmp);
    qsort(whole, 20, sizeof *whole, cmp);
    printf("classify -> result minus board compute: median %.3f ms, p90 %.3f ms (target < 2 ms)\n",
           lat[N / 2], lat[N * 9 / 10]);
    printf("one acknowledged push frame (%d samples): median %.3f ms\n", DEV_PUSH_MAX_SAMPLES, push1[N / 2]);
    printf("push 1 s (%d frames) + classify: median %.1f ms\n",
           (16000 + DEV_PUSH_MAX_SAMPLES - 1) / DEV_PUSH_MAX_SAMPLES, whole[10]);

    dev_session_mic(s, 1);
    unsigned long samples = 0;
    double t0 = dev_now();
    while (dev_now() - t0 < 3) {
        struct pollfd p = {dev_session_fd(s), POLLIN, 0};
        poll(&p, 1, 2);
        dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
        while (dev_session_next_event(s, &ev))
            if (ev.kind == DEV_EV_AUDIO) samples += ev.audio.n;
    }
    double secs = dev_now() - t0;
    struct dev_counters c;
    dev_session_counters(s, &c);
    printf("streaming: %.0f samples/s (%.1fx real time), %lu chunks, %lu lost, %lu bad frames\n",
           samples / secs, samples / secs / 16000, c.chunks, c.lost_chunks, c.bad_frames);
    dev_session_close(s);
    sim_stop(&st);
    return 0;
}
