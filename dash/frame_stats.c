/* frame_stats.c: KWSCOPE_FRAME_STATS=PATH, the dashboard's own figures for
 * the benchmarks (private to tui/).
 *
 * Per drawn frame, how long the oldest sample it shows may have waited since
 * it entered the ring: from the read before the one that brought it (it
 * arrived after that) to the end of the frame's output. Written as one JSON
 * line at exit, with the CPU time the process used. */
#include "dash.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

void dash_stats_frame(struct frame_stats *st, double end_ms)
{
    if (!st->path || !st->fresh || st->prev_read_ms <= 0)
        return;
    st->fresh = false;
    if (st->n < MAX_LATENCIES)
        st->latency_ms[st->n++] = (float)(end_ms - st->prev_read_ms);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

void dash_stats_write(struct frame_stats *st, const struct tui_scope *s, double now_s)
{
    if (!st->path)
        return;
    double audio_s = tui_scope_duration(s) + s->origin_s, wall_s = now_s - st->start_s;
    FILE *f = fopen(st->path, "w");
    if (!f)
        return;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    qsort(st->latency_ms, st->n, sizeof st->latency_ms[0], cmp_float);
    float med = st->n ? st->latency_ms[st->n / 2] : -1, p95 = st->n ? st->latency_ms[st->n * 95 / 100] : -1;
    float mx = st->n ? st->latency_ms[st->n - 1] : -1;
    fprintf(f, "{\"frames\": %zu, \"cpu_s\": %.4f, \"wall_s\": %.3f, \"audio_s\": %.3f, "
               "\"latency_ms_median\": %.2f, \"latency_ms_p95\": %.2f, \"latency_ms_max\": %.2f, "
               "\"latency_samples\": %zu}\n",
            st->frames, cpu, wall_s, audio_s, med, p95, mx, st->n);
    fclose(f);
}
