/* frame_stats.c: KWSCOPE_FRAME_STATS=PATH, the dashboard's own figures for
 * the benchmarks (private to tui/).
 *
 * Per drawn frame, how long the oldest sample it shows may have waited since
 * it entered the ring: from the read before the one that brought it (it
 * arrived after that) to the end of the frame's output. Written as one JSON
 * line at exit, with the CPU time the process used and the frame's cost: the
 * bytes written since the first frame (the terminal output, plus any log or
 * recording), cells written and time in the curses backend per frame, and
 * how many heatmap rows were scrolled on the terminal. */
#include "dash.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

/* Bytes this process has written so far (Linux /proc/self/io), -1 unknown. */
static long long written_bytes(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    if (!f) return -1;
    char line[128];
    long long v = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "wchar: %lld", &v) == 1) break;
    fclose(f);
    return v;
}

static long long first_written = -1;
static struct tui_curses_stats first_curses;

void dash_stats_frame(struct frame_stats *st, double end_ms)
{
    if (st->path && first_written < 0) {
        first_written = written_bytes();
        tui_curses_stats(&first_curses);
    }
    if (!st->path || !st->fresh || st->prev_read_ms <= 0) return;
    st->fresh = false;
    if (st->n < MAX_LATENCIES) st->latency_ms[st->n++] = (float)(end_ms - st->prev_read_ms);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

void dash_stats_write(struct frame_stats *st, const struct tui_scope *s, double now_s)
{
    if (!st->path) return;
    double audio_s = tui_scope_duration(s) + s->origin_s, wall_s = now_s - st->start_s;
    long long bytes = written_bytes() - first_written;
    struct tui_curses_stats cs;
    tui_curses_stats(&cs);
    double frames = (double)(cs.frames - first_curses.frames);
    if (frames < 1) frames = 1;
    FILE *f = fopen(st->path, "w");
    if (!f) return;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu =
        ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    qsort(st->latency_ms, st->n, sizeof st->latency_ms[0], cmp_float);
    float med = st->n ? st->latency_ms[st->n / 2] : -1,
          p95 = st->n ? st->latency_ms[st->n * 95 / 100] : -1;
    float mx = st->n ? st->latency_ms[st->n - 1] : -1;
    fprintf(f,
            "{\"frames\": %zu, \"cpu_s\": %.4f, \"wall_s\": %.3f, \"audio_s\": %.3f, "
            "\"latency_ms_median\": %.2f, \"latency_ms_p95\": %.2f, \"latency_ms_max\": %.2f, "
            "\"latency_samples\": %zu, \"bytes_written\": %lld, \"bytes_per_frame\": %.0f, "
            "\"cells_per_frame\": %.1f, \"show_ms_per_frame\": %.3f, \"heatmap_runs_scrolled\": "
            "%llu}\n",
            st->frames, cpu, wall_s, audio_s, med, p95, mx, st->n, first_written < 0 ? -1 : bytes,
            first_written < 0 ? -1 : bytes / frames,
            (double)(cs.cells - first_curses.cells) / frames,
            (cs.show_ms - first_curses.show_ms) / frames,
            (unsigned long long)(cs.shifted_runs - first_curses.shifted_runs));
    fclose(f);
}
