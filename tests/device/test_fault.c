/* test_fault.c: a fault-injection proxy between two ptys (virtual board on
 * one, the session on the other). Board-to-host frames are damaged at set
 * rates (a byte flipped, a byte dropped, a garbage run inserted between
 * frames), host-to-board frames are dropped, and the port is closed mid-stream
 * and comes back. The session must count exactly the damaged frames, never
 * deliver a corrupted one (every received sample is checked), keep every good
 * sample, and recover (reconnect, mic stream restarted). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim_fixture.h"
#include "test.h"

static int16_t mic[4099];

struct proxy {
    const char *board_path;
    char link[256];
    pthread_t th;
    volatile int stop, close_now, clean; /* clean: forward without damage */
    int master, slave;
    uint64_t rng;
    unsigned long host_frames, damaged, garbage, audio_forwarded, host_dropped, closes;
};

static unsigned rnd(struct proxy *p, unsigned n)
{
    p->rng = p->rng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((p->rng >> 33) % n);
}

static int open_host_side(struct proxy *p)
{
    p->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (p->master < 0 || grantpt(p->master) || unlockpt(p->master)) return -1;
    p->slave = open(ptsname(p->master), O_RDWR | O_NOCTTY);
    dev_tty_raw(p->slave);
    fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK);
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp", p->link);
    unlink(tmp);
    if (symlink(ptsname(p->master), tmp) || rename(tmp, p->link)) return -1;
    return 0;
}

static void put(int fd, const uint8_t *b, size_t n)
{
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w > 0) {
            b += w;
            n -= (size_t)w;
        } else if (w < 0 && errno != EAGAIN)
            return;
        else
            usleep(100);
    }
}

/* One complete board frame body (no zeros) -> maybe damaged -> host. */
static void forward(struct proxy *p, uint8_t *body, size_t n)
{
    uint8_t out[DEV_MAX_WIRE + 64];
    size_t k = 0;
    int is_audio = 0;
    { /* peek the type: decode COBS's first block (type is byte 0) */
        is_audio = n > 1 && body[0] > 1 && body[1] == DEV_MSG_AUDIO;
    }
    unsigned r = p->clean ? 1000 : rnd(p, 1000);
    if (!p->clean && rnd(p, 1000) < 10) { /* 1%: a garbage run before the frame */
        out[k++] = 0;
        unsigned g = 1 + rnd(p, 20);
        for (unsigned i = 0; i < g; i++) out[k++] = (uint8_t)(1 + rnd(p, 255));
        out[k++] = 0;
        p->garbage++;
    }
    out[k++] = 0;
    if (r < 20 && n > 2) { /* 2%: one byte flipped (never to 0x00) */
        size_t at = rnd(p, (unsigned)n);
        uint8_t m = (uint8_t)(1 + rnd(p, 255));
        if ((body[at] ^ m) == 0) m ^= 0x01;
        body[at] ^= m;
        p->damaged++;
        is_audio = 0;
    } else if (r < 40 && n > 2) { /* 2%: one byte dropped */
        size_t at = rnd(p, (unsigned)n);
        memmove(body + at, body + at + 1, n - at - 1);
        n--;
        p->damaged++;
        is_audio = 0;
    }
    memcpy(out + k, body, n);
    k += n;
    out[k++] = 0;
    if (is_audio) p->audio_forwarded++;
    put(p->master, out, k);
}

static void *proxy_main(void *arg)
{
    struct proxy *p = arg;
    struct dev_transport board;
    if (dev_transport_open_tty(&board, p->board_path, NULL, 0) != KWS_OK) return NULL;
    static uint8_t body[DEV_MAX_WIRE];
    size_t bn = 0;
    uint8_t hbuf[DEV_MAX_WIRE];
    size_t hn = 0;
    while (!p->stop) {
        struct pollfd pf[2] = { { board.fd, POLLIN, 0 }, { p->master, POLLIN, 0 } };
        poll(pf, 2, 2);
        uint8_t buf[4096];
        long r;
        while ((r = board.read(&board, buf, sizeof buf)) > 0) {
            for (long i = 0; i < r; i++) {
                if (buf[i]) {
                    if (bn < sizeof body) body[bn++] = buf[i];
                    continue;
                }
                if (bn) forward(p, body, bn);
                bn = 0;
            }
        }
        /* host -> board: whole frames, every third one dropped (the host resends) */
        ssize_t h;
        while ((h = read(p->master, buf, sizeof buf)) > 0) {
            for (ssize_t i = 0; i < h; i++) {
                if (buf[i]) {
                    if (hn < sizeof hbuf) hbuf[hn++] = buf[i];
                    continue;
                }
                if (hn) {
                    if (++p->host_frames % 3 == 2)
                        p->host_dropped++;
                    else {
                        uint8_t z = 0;
                        dev_transport_write_all(&board, &z, 1);
                        dev_transport_write_all(&board, hbuf, hn);
                        dev_transport_write_all(&board, &z, 1);
                    }
                }
                hn = 0;
            }
        }
        if (p->close_now) { /* the cable is pulled, then plugged back */
            p->close_now = 0;
            close(p->slave);
            close(p->master);
            /* An unplugged board leaves /dev too: while it is away the link
             * must not point at a pty number another test may now own. */
            unlink(p->link);
            p->closes++;
            usleep(150 * 1000);
            bn = hn = 0;
            open_host_side(p);
        }
    }
    dev_transport_close(&board);
    close(p->slave);
    close(p->master);
    unlink(p->link);
    return NULL;
}

struct tally {
    unsigned long chunks, bad_samples, samples, states_disc, states_ready, answers;
    long first_chunk;
    size_t origin;
};

static void on_ev(const struct dev_event *e, void *u)
{
    struct tally *t = u;
    const size_t len = sizeof mic / sizeof mic[0];
    if (e->kind == DEV_EV_STATE) {
        if (e->state == DEV_ST_DISCONNECTED) t->states_disc++;
        if (e->state == DEV_ST_READY) t->states_ready++;
    }
    if (e->kind == DEV_EV_FEATURES || e->kind == DEV_EV_ERROR) t->answers++;
    if (e->kind != DEV_EV_AUDIO) return;
    if (t->first_chunk < 0) {
        t->first_chunk = (long)e->audio.chunk;
        for (size_t p = 0; p < len; p++) {
            int ok = 1;
            for (int i = 0; i < e->audio.n && ok; i++)
                ok = e->audio.samples[i] == mic[(p + (size_t)i) % len];
            if (ok) {
                t->origin = p;
                break;
            }
        }
    }
    t->chunks++;
    for (int i = 0; i < e->audio.n; i++) {
        uint64_t pos = t->origin +
            (uint64_t)(e->audio.chunk - (uint32_t)t->first_chunk) * DEV_AUDIO_MAX_SAMPLES +
            (uint64_t)i;
        if (e->audio.samples[i] != mic[pos % len]) t->bad_samples++;
    }
    t->samples += e->audio.n;
}

static int enough(struct dev_session *s, void *u)
{
    (void)s;
    return ((struct tally *)u)->samples >= 8u * 16000;
}
static int lots(struct dev_session *s, void *u)
{
    (void)s;
    return ((struct tally *)u)->samples >= 20u * 16000;
}
static int answered(struct dev_session *s, void *u)
{
    (void)s;
    return ((struct tally *)u)->answers > 0;
}

int main(void)
{
    for (size_t i = 0; i < sizeof mic / sizeof mic[0]; i++) mic[i] = (int16_t)(i * 40503u + 7);
    struct dev_sim_config cfg = { 0 };
    cfg.mic = mic;
    cfg.mic_n = sizeof mic / sizeof mic[0];
    cfg.speed = 10;
    fixture_info(&cfg.info);
    struct sim_thread st;
    if (sim_start(&st, &cfg)) return 1;

    struct proxy p = { 0 };
    p.board_path = dev_sim_path(st.sim);
    p.rng = 12345;
    /* a private folder: a PID alone may repeat across machines sharing /tmp */
    char dir[] = "/tmp/kwscope-test-fault-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return test_done();
    }
    snprintf(p.link, sizeof p.link, "%s/port", dir);
    if (open_host_side(&p)) {
        CHECK(!"proxy pty");
        return test_done();
    }
    pthread_create(&p.th, NULL, proxy_main, &p);

    struct dev_session_config sc = { 0 };
    sc.path = p.link;
    sc.timeout_ms = 40;
    sc.reconnect_ms = 50;
    struct dev_session *s;
    char err[256];
    CHECK_INT(dev_session_open(&s, &sc, dev_now(), err, sizeof err), KWS_OK);
    struct tally t = { 0 };
    t.first_chunk = -1;
    dev_session_mic(s, 1);
    CHECK(drive(s, 60, on_ev, enough, &t));
    p.close_now = 1; /* mid-stream */
    CHECK(drive(s, 90, on_ev, lots, &t));
    dev_session_mic(s, 0);
    /* Drain: the proxy stops damaging, then the board is asked for features.
     * Its answer (an ERROR frame here: nothing was classified) follows every
     * frame damaged so far on the wire, so once it arrives the session has
     * judged them all, however slow the machine (no fixed wait). */
    p.clean = 1;
    CHECK_INT(dev_session_request_features(s), KWS_OK);
    CHECK(drive(s, 60, on_ev, answered, &t));
    p.stop = 1;
    pthread_join(p.th, NULL);

    struct dev_counters c;
    dev_session_counters(s, &c);
    fprintf(stderr, "proxy: damaged %lu, garbage runs %lu, host frames dropped %lu, closes %lu\n",
            p.damaged, p.garbage, p.host_dropped, p.closes);
    fprintf(stderr, "session: ok %lu, bad %lu, chunks %lu, lost %lu, resends %lu, reconnects %lu\n",
            c.frames_ok, c.bad_frames, c.chunks, c.lost_chunks, c.resends, c.reconnects);
    CHECK(p.damaged > 10);
    CHECK(p.host_dropped > 0);
    CHECK_INT(c.bad_frames, p.damaged + p.garbage); /* exactly the damaged runs */
    CHECK_INT(c.bad_payload, 0);
    CHECK_INT(t.bad_samples, 0); /* nothing corrupted delivered */
    CHECK(t.samples >= 20u * 16000);
    CHECK(c.resends > 0);
    CHECK_INT(p.closes, 1);
    CHECK(c.disconnects >= 1);
    CHECK(c.reconnects >= 1);
    CHECK(t.states_disc >= 1);
    CHECK(t.states_ready >= 2); /* ready again after the return */
    /* every good audio frame the proxy passed arrived, except those lost with
     * the closed port (bounded: the port was away 150 ms at 10x real time) */
    CHECK(c.chunks <= p.audio_forwarded);
    CHECK(p.audio_forwarded - c.chunks < 16000u * 10 / 256);
    CHECK(c.lost_chunks >= 1 && c.lost_chunks <= p.damaged + 16000u * 10 / 256);
    dev_session_close(s);
    sim_stop(&st);
    rmdir(dir);
    return test_done();
}
