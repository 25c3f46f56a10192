/* bench_m4.c: `kwscope bench --target m4`: the stage table of the emulated
 * Cortex-M4F board (device/emu.c) beside the host's own. The board is pushed
 * one second once, then asked to classify it `runs` times; each RESULT
 * carries the stages' executed instructions and their 64 MHz Cortex-M4
 * estimates (the cost model in device/firmware/README-emu.md). Both images
 * run: the core as the sketch builds it, and the reference-loop kernels
 * (TFLM's reference structure). Beside them: the host's figures and the
 * ratio board / host, and the course's Nano 33 BLE Sense figures with
 * TFLM (preprocess 21, inference 86, post 0 ms average). */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device.h"

struct m4_stats {
    double mn[3], mx[3], sum[3], instr[3];
    int n;
    uint32_t stack_used, heap_used, ram_static;
};

/* Wait for the next event of one kind (or a state change away from READY);
 * 1 got it, 0 deadline, -1 the board failed. */
static int wait_ev(struct dev_session *s, enum dev_event_kind kind, struct dev_event *ev, double secs)
{
    double end = dev_now() + secs;
    while (dev_now() < end) {
        struct pollfd p = {dev_session_fd(s), POLLIN, 0};
        poll(&p, p.fd >= 0, 20);
        dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
        while (dev_session_next_event(s, ev)) {
            if (ev->kind == kind) return 1;
            if (ev->kind == DEV_EV_ERROR) return -1;
        }
    }
    return 0;
}

static int run_board(const char *spec, const char *model, const int16_t *audio, int runs,
                     struct m4_stats *st, char *err, size_t err_len)
{
    struct dev_emu *e;
    memset(st, 0, sizeof *st);
    for (int j = 0; j < 3; j++) st->mn[j] = 1e30;
    if (dev_emu_open(&e, spec, model, NULL, NULL, 0, err, err_len) != KWS_OK) return 1;
    struct dev_session_config c = {0};
    c.path = dev_emu_path(e);
    c.timeout_ms = DEV_EMU_FRAME_TIMEOUT_MS;
    struct dev_session *s;
    struct dev_event ev;
    int rc = 1;
    if (dev_session_open(&s, &c, dev_now(), err, err_len) != KWS_OK) goto out;
    if (wait_ev(s, DEV_EV_INFO, &ev, 10) != 1) {
        snprintf(err, err_len, "the emulated board did not answer");
        goto close;
    }
    const struct dev_info *info = dev_session_info(s);
    st->ram_static = info->ram_bytes;
    dev_session_push(s, audio, DEV_BOARD_CLIP);
    for (int i = 0; i < runs; i++) {
        dev_session_classify(s);
        /* the first answer waits for the push: QEMU takes host bytes one at a time */
        if (wait_ev(s, DEV_EV_RESULT, &ev, i ? 60 : 600) != 1 || !ev.result.has_instr) {
            snprintf(err, err_len, "no result from the emulated board");
            goto close;
        }
        const struct dev_result *r = &ev.result;
        const double ms[3] = {r->preprocess_us / 1000.0, r->inference_us / 1000.0,
                              r->postprocess_us / 1000.0};
        const uint32_t in[3] = {r->preprocess_instr, r->inference_instr, r->postprocess_instr};
        for (int j = 0; j < 3; j++) {
            if (ms[j] < st->mn[j]) st->mn[j] = ms[j];
            if (ms[j] > st->mx[j]) st->mx[j] = ms[j];
            st->sum[j] += ms[j];
            st->instr[j] += in[j];
        }
        st->n++;
    }
    /* a fresh INFO for the memory the runs needed */
    dev_session_close(s);
    if (dev_session_open(&s, &c, dev_now(), err, err_len) != KWS_OK) goto out;
    if (wait_ev(s, DEV_EV_INFO, &ev, 10) == 1 && dev_session_info(s)->has_mem) {
        st->stack_used = dev_session_info(s)->stack_used;
        st->heap_used = dev_session_info(s)->heap_used;
    }
    rc = 0;
close:
    dev_session_close(s);
out:
    dev_emu_stop(e);
    return rc;
}

static void json_stage(const char *key, const struct m4_stats *b, int j, double host_avg_ms)
{
    double avg = b->sum[j] / b->n;
    printf("\"%s\": {\"instructions\": %.0f, \"min_ms\": %.3f, \"max_ms\": %.3f, \"avg_ms\": %.3f, "
           "\"host_avg_ms\": %.4f, \"ratio\": %.1f}", key, b->instr[j] / b->n, b->mn[j], b->mx[j], avg,
           host_avg_ms, host_avg_ms > 0 ? avg / host_avg_ms : 0.0);
}

static void quiet(enum kws_log_level level, const char *msg, void *user)
{
    (void)user;
    if (level >= KWS_LOG_WARN) fprintf(stderr, "kwscope: %s\n", msg);
}

int cli_bench_m4(const char *model, const int16_t *audio, int runs, const double host_avg_us[3],
                 bool json)
{
    static const char *const keys[3] = {"preprocess", "inference", "postprocess"};
    static const char *const names[3] = {"Preprocessing", "Inference", "Post-processing"};
    static const double course[3] = {21, 86, 0};   /* Nano 33 BLE Sense, TFLM: avg ms */
    struct m4_stats b[2];
    char err[256] = "";
    kws_log_set(quiet, NULL);
    if (runs > 20) runs = 20;   /* instruction counts repeat exactly: a few runs say it all */
    for (int v = 0; v < 2; v++)
        if (run_board(v ? "emu:ref" : "emu", model, audio, runs, &b[v], err, sizeof err)) {
            fprintf(stderr, "kwscope bench --target m4: %s\n", err);
            return 1;
        }
    if (json) {
        printf("{\"target\": \"m4\", \"clock_mhz\": 64, \"runs\": %d", runs);
        for (int v = 0; v < 2; v++) {
            printf(", \"%s\": {", v ? "m4_reference_kernels" : "m4");
            for (int j = 0; j < 3; j++) {
                printf(j ? ", " : "");
                json_stage(keys[j], &b[v], j, host_avg_us[j] / 1000.0);
            }
            printf(", \"stack_used\": %u, \"heap_used\": %u}", (unsigned)b[v].stack_used,
                   (unsigned)b[v].heap_used);
        }
        printf(", \"course_nano33_avg_ms\": {\"preprocess\": 21, \"inference\": 86, \"postprocess\": 0}}\n");
        return 0;
    }
    printf("emulated Cortex-M4F (M4 est., 64 MHz; cost model: device/firmware/README-emu.md), %d runs\n", runs);
    printf("%-15s | %9s | %9s | %9s | %12s | %9s | %7s | %11s | %11s\n", "Process stage", "Min (ms)",
           "Max (ms)", "Avg (ms)", "Instructions", "Host (ms)", "Ratio", "Ref. kernels", "Course avg");
    for (int j = 0; j < 3; j++) {
        double avg = b[0].sum[j] / b[0].n, h = host_avg_us[j] / 1000.0;
        char ratio[16] = "-";
        if (h > 0) snprintf(ratio, sizeof ratio, "%.0fx", avg / h);
        printf("%-15s | %9.3f | %9.3f | %9.3f | %12.0f | %9.4f | %7s | %8.3f ms | %8.0f ms\n", names[j],
               b[0].mn[j], b[0].mx[j], avg, b[0].instr[j] / b[0].n, h, ratio, b[1].sum[j] / b[1].n,
               course[j]);
    }
    printf("memory: stack high-water %u B, heap %u B (reference image: stack %u B)\n",
           (unsigned)b[0].stack_used, (unsigned)b[0].heap_used, (unsigned)b[1].stack_used);
    return 0;
}
