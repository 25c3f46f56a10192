/* test_ring.c: SPSC ring stress. Two threads move millions of samples whose
 * values are a hash of their index.
 *  1. lossless: the producer waits for room, the consumer drains as fast as it
 *     can; every sample must arrive, in order, and overruns must stay 0.
 *  2. lossy: the producer never waits and the consumer is slow; the consumer's
 *     stream must equal exactly the samples the writes accepted (recorded per
 *     sample), and overruns must equal the samples refused.
 * Prints throughput of case 1. Built also under ThreadSanitizer: see
 * tests/capture/README.md. Env KWS_RING_SAMPLES overrides the sample count. */
#include "capture.h"
#include "test.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <time.h>

static size_t n_total;
static struct cap_ring ring;
static unsigned char *accepted; /* lossy case: 1 per sample the ring took */
static int16_t *received;
static size_t n_received;
static int lossy;
static atomic_int producer_done;

static int16_t pattern(size_t i)
{
    uint32_t x = (uint32_t)i * 2654435761u;
    return (int16_t)(x >> 16 ^ x);
}

static void *producer(void *arg)
{
    (void)arg;
    int16_t chunk[333]; /* odd size: exercises wrap-around at every offset */
    size_t i = 0, k = 0;
    while (i < n_total) {
        size_t want = 1 + (k++ * 7919) % 333;
        if (want > n_total - i) want = n_total - i;
        if (!lossy) {
            while (cap_ring_space(&ring) < want) sched_yield();
        }
        for (size_t j = 0; j < want; j++) chunk[j] = pattern(i + j);
        size_t w = cap_ring_write(&ring, chunk, want);
        if (lossy) {
            memset(accepted + i, 1, w);
            if (k % 16 == 0) sched_yield(); /* let the consumer in now and then */
        } else if (w != want)
            fprintf(stderr, "lossless write short: %zu of %zu\n", w, want);
        i += want;
    }
    atomic_store(&producer_done, 1);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    int16_t buf[512];
    size_t k = 0;
    for (;;) {
        int done = atomic_load(&producer_done);
        size_t n = cap_ring_read(&ring, buf, 1 + (k++ * 31) % 512);
        memcpy(received + n_received, buf, n * sizeof *buf);
        n_received += n;
        if (!n && done && !cap_ring_available(&ring)) break;
        if (lossy && (k % 64) == 0) {
            struct timespec ts = { 0, 20000 };
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

static double run(int is_lossy, size_t cap)
{
    char err[128];
    CHECK_INT(cap_ring_init(&ring, cap, err, sizeof err), KWS_OK);
    lossy = is_lossy;
    n_received = 0;
    atomic_store(&producer_done, 0);
    memset(accepted, 0, n_total);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pthread_t p, c;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
    uint64_t over = cap_ring_overruns(&ring);
    if (!lossy) {
        CHECK_INT(n_received, n_total);
        CHECK_INT(over, 0);
        size_t bad = 0;
        for (size_t i = 0; i < n_received && i < n_total; i++) bad += received[i] != pattern(i);
        CHECK_INT(bad, 0);
    } else {
        size_t j = 0, bad = 0, acc = 0;
        for (size_t i = 0; i < n_total; i++) {
            if (!accepted[i]) continue;
            acc++;
            if (j < n_received && received[j] != pattern(i)) bad++;
            j++;
        }
        CHECK_INT(n_received, acc);
        CHECK_INT(over, n_total - acc);
        CHECK_INT(bad, 0);
        CHECK(over > 0);                       /* the slow consumer really lost some */
        CHECK(n_received > 4 * ring.capacity); /* ... and really read some */
        fprintf(stderr, "lossy: %zu sent, %zu received, %llu overruns\n", n_total, n_received,
                (unsigned long long)over);
    }
    cap_ring_free(&ring);
    return secs;
}

int main(void)
{
    const char *e = getenv("KWS_RING_SAMPLES");
    n_total = e ? strtoull(e, NULL, 10) : 8000000;
    accepted = malloc(n_total);
    received = malloc(n_total * sizeof *received);
    if (!accepted || !received) return 1;

    /* single-thread edge cases first */
    {
        char err[128];
        struct cap_ring r;
        CHECK_INT(cap_ring_init(&r, 1, err, sizeof err), KWS_ERR_ARG);
        CHECK_INT(cap_ring_init(&r, 5, err, sizeof err), KWS_OK);
        CHECK_INT(r.capacity, 8);
        int16_t in[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, out[10];
        CHECK_INT(cap_ring_write(&r, in, 10), 8);
        CHECK_INT(cap_ring_overruns(&r), 2);
        CHECK_INT(cap_ring_read(&r, out, 3), 3);
        CHECK_INT(out[2], 3);
        CHECK_INT(cap_ring_write(&r, in, 3), 3); /* wraps */
        CHECK_INT(cap_ring_read(&r, out, 10), 8);
        CHECK_INT(out[4], 8);
        CHECK_INT(out[5], 1);
        CHECK_INT(out[7], 3);
        CHECK_INT(cap_ring_read(&r, out, 10), 0);
        cap_ring_free(&r);
    }

    double s = run(0, 4096);
    printf("ring lossless: %zu samples in %.3f s = %.1f Msamples/s\n", n_total, s,
           (double)n_total / s / 1e6);
    run(1, 1024);
    free(accepted);
    free(received);
    return test_done();
}
