/* batch_run.c: runs n independent items on a few threads and hands each
 * result back on the calling thread in index order, so that what a batch
 * prints does not depend on the number of threads. Items are taken in
 * index order (an atomic counter), so the committer rarely waits long; a
 * worker never runs more than `threads * 64` items ahead of the commit, so
 * what is held in memory stays small for any n. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "classify_int.h"

#define AHEAD_PER_THREAD 64

struct run {
    size_t n, ahead;
    cli_work_fn work;
    void *user;
    atomic_size_t next; /* the next item to take */
    atomic_uchar *done; /* per item: its work has finished */
    pthread_mutex_t mu;
    pthread_cond_t changed; /* an item finished, or the commit moved on */
    size_t committed;       /* items committed so far (under mu) */
};

struct thread_arg {
    struct run *r;
    int w;
};

static void *worker(void *p)
{
    struct thread_arg *a = p;
    struct run *r = a->r;
    for (;;) {
        size_t i = atomic_fetch_add(&r->next, 1);
        if (i >= r->n) break;
        pthread_mutex_lock(&r->mu);
        while (i >= r->committed + r->ahead) pthread_cond_wait(&r->changed, &r->mu);
        pthread_mutex_unlock(&r->mu);
        r->work(a->w, i, r->user);
        pthread_mutex_lock(&r->mu);
        atomic_store(&r->done[i], 1);
        pthread_cond_broadcast(&r->changed);
        pthread_mutex_unlock(&r->mu);
    }
    return NULL;
}

int cli_cores(void)
{
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int cli_run_ordered(size_t n, int threads, cli_work_fn work, cli_commit_fn commit, void *user)
{
    if (threads > (int)n) threads = (int)n;
    if (threads <= 1) {
        for (size_t i = 0; i < n; i++) {
            work(0, i, user);
            commit(i, user);
        }
        return 0;
    }
    struct run r = {
        .n = n, .ahead = (size_t)threads * AHEAD_PER_THREAD, .work = work, .user = user
    };
    pthread_t tid[CLI_MAX_JOBS];
    struct thread_arg args[CLI_MAX_JOBS];
    if (threads > CLI_MAX_JOBS) threads = CLI_MAX_JOBS;
    atomic_init(&r.next, 0);
    if (!(r.done = calloc(n, sizeof *r.done))) return -1;
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.changed, NULL);
    int started = 0;
    for (; started < threads; started++) {
        args[started] = (struct thread_arg){ &r, started };
        if (pthread_create(&tid[started], NULL, worker, &args[started])) break;
    }
    if (!started) { /* no thread at all: do it all here */
        pthread_cond_destroy(&r.changed);
        pthread_mutex_destroy(&r.mu);
        free(r.done);
        return cli_run_ordered(n, 1, work, commit, user);
    }
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&r.mu);
        while (!atomic_load(&r.done[i])) pthread_cond_wait(&r.changed, &r.mu);
        pthread_mutex_unlock(&r.mu);
        commit(i, user);
        pthread_mutex_lock(&r.mu);
        r.committed = i + 1;
        pthread_cond_broadcast(&r.changed);
        pthread_mutex_unlock(&r.mu);
    }
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
    pthread_cond_destroy(&r.changed);
    pthread_mutex_destroy(&r.mu);
    free(r.done);
    return 0;
}
