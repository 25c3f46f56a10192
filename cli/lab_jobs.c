/* lab_jobs.c: the sweep on several cores (--jobs N). After the shared
 * preparation (data, base model, test features) N worker processes are
 * forked; worker w runs variants w, w + N, ... and sends each finished row
 * through one pipe (a message is smaller than PIPE_BUF, so writes from
 * several workers never interleave). The parent writes the rows in variant
 * order, so the files are the same as with --jobs 1 but for the timings:
 * every variant's seed comes from its name, not from the ones before it.
 * Ctrl-C reaches the workers too (same process group, the same handler; a
 * SIGINT sent to the parent alone is passed on); they stop at the next
 * batch and the rows already received are kept. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab_cli.h"

struct job_msg {
    int index; /* variant index, -1: the worker failed */
    double dt; /* seconds the variant took */
    struct dash_lab_row row;
};

_Static_assert(sizeof(struct job_msg) <= PIPE_BUF, "one atomic pipe write per row");

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

static void worker(struct lab_ctx *x, int w, int jobs, int fd)
{
    x->tty = 0; /* progress as whole lines: several workers share the terminal */
    for (int i = w; i < x->n_variants; i += jobs) {
        struct job_msg m = { .index = i };
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (lab_cli_run_one(x, i, &m.row)) m.index = -1; /* failed or interrupted */
        m.dt = since(&t0);
        if (write(fd, &m, sizeof m) != (ssize_t)sizeof m || m.index < 0) break;
    }
    fflush(stdout);
    _exit(0);
}

/* Writes the received rows that follow the last written one. */
static int drain(struct lab_ctx *x, struct job_msg *got, bool *have, int *next)
{
    while (*next < x->n_variants && have[*next]) {
        if (lab_cli_record(x, *next, &got[*next].row, got[*next].dt)) return 1;
        (*next)++;
    }
    return 0;
}

static int collect(struct lab_ctx *x, int fd, struct job_msg *got, bool *have, const pid_t *pids,
                   int n_pids)
{
    int next = 0, rc = 0;
    bool told = false;
    struct job_msg m;
    for (;;) {
        /* A SIGINT sent to this process alone: pass it on, once (the poll
         * wakes up for it, or within a quarter second). */
        if (*x->lab.stop && !told) {
            for (int w = 0; w < n_pids; w++) kill(pids[w], SIGINT);
            told = true;
        }
        struct pollfd pf = { .fd = fd, .events = POLLIN };
        if (poll(&pf, 1, 250) <= 0) continue;
        ssize_t n = read(fd, &m, sizeof m);
        if (n < 0 && errno == EINTR) continue;
        if (n != (ssize_t)sizeof m) break; /* every worker is done */
        if (m.index < 0 || m.index >= x->n_variants) {
            rc = 1;
            continue;
        }
        got[m.index] = m;
        have[m.index] = true;
        rc |= drain(x, got, have, &next);
    }
    /* Interrupted or failed: keep every finished row, in variant order. */
    for (int i = next; i < x->n_variants; i++)
        if (have[i] && lab_cli_record(x, i, &got[i].row, got[i].dt)) rc = 1;
    return rc || x->n_rows < (size_t)x->n_variants;
}

int lab_cli_sweep_jobs(struct lab_ctx *x)
{
    int jobs = x->o->jobs < x->n_variants ? x->o->jobs : x->n_variants, p[2];
    struct job_msg *got = calloc((size_t)x->n_variants, sizeof *got);
    bool *have = calloc((size_t)x->n_variants, sizeof *have);
    if (!got || !have || pipe(p)) {
        free(got);
        free(have);
        return fprintf(stderr, "kwscope lab: cannot start the workers\n"), 1;
    }
    printf("%d workers\n", jobs);
    fflush(stdout);
    fflush(x->csv);
    fflush(x->jsonl);
    pid_t pids[256];
    int started = 0;
    for (int w = 0; w < jobs; w++) {
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            worker(x, w, jobs, p[1]);
        }
        if (pid < 0) break;
        pids[started++] = pid;
    }
    close(p[1]);
    int rc = started ? collect(x, p[0], got, have, pids, started) : 1;
    close(p[0]);
    for (int w = 0; w < started; w++)
        while (waitpid(pids[w], NULL, 0) < 0 && errno == EINTR) {}
    free(got);
    free(have);
    return rc;
}
