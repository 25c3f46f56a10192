/* sim.c: the virtual board. A pty whose far end behaves as the board does:
 * the portable board core (board_core.c) on the host, fed from a mic that is
 * a clip played in a loop (or silence), paced at real time or a multiple of
 * it (tests use a speed-up so a minute of streaming takes seconds). The line
 * dialects of stock firmware are emulated in sim_lines.c on the same core. */
#define _XOPEN_SOURCE 600 /* posix_openpt, grantpt, unlockpt, ptsname */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim_priv.h"

/* Writes what the queue holds until the pty is full; never waits. */
static void sim_flush(struct dev_sim *s)
{
    while (s->tx_n) {
        size_t chunk = s->tx_n < DEV_SIM_TXQ - s->tx_head ? s->tx_n : DEV_SIM_TXQ - s->tx_head;
        ssize_t w = write(s->master, s->txq + s->tx_head, chunk);
        if (w <= 0) {
            if (w < 0 && errno != EAGAIN && errno != EINTR) { /* no host: drop it all */
                s->dropped_bytes += s->tx_n;
                s->tx_n = s->tx_head = 0;
            }
            return;
        }
        s->tx_head = (s->tx_head + (size_t)w) % DEV_SIM_TXQ;
        s->tx_n -= (size_t)w;
    }
    s->tx_head = 0;
}

/* The host may be slow or absent, and in the dashboard it runs in the same
 * thread as this board: waiting here would wait for ourselves. So bytes go
 * to a queue drained whenever the pty is writable (dev_sim_step), and a
 * frame that does not fit is dropped whole (the host counts the loss by
 * chunk numbers, as with a real USB buffer); a partly written frame is
 * always completed, so the stream stays in sync. */
static void sim_write(void *io, const uint8_t *p, size_t n)
{
    struct dev_sim *s = io;
    sim_flush(s);
    if (!s->tx_n) {
        ssize_t w = write(s->master, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        }
    } else if (s->tx_n + n > DEV_SIM_TXQ) {
        s->dropped_bytes += n;
        return;
    }
    for (size_t i = 0; i < n; i++) s->txq[(s->tx_head + s->tx_n++) % DEV_SIM_TXQ] = p[i];
}

size_t dev_sim_tx_queued(const struct dev_sim *s)
{
    return s->tx_n;
}
uint64_t dev_sim_dropped_bytes(const struct dev_sim *s)
{
    return s->dropped_bytes;
}

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The board's micros(): since power-up (the sim's open), wrapping at 2^32. */
static uint32_t sim_micros(void *io)
{
    struct dev_sim *s = io;
    return (uint32_t)(mono_us() - s->us0);
}

static void sim_on_detect(void *io, const struct dev_result *r, int score)
{
    dev_sim_detected(io, r, score);
}

void dev_sim_detected(struct dev_sim *s, const struct dev_result *r, int score)
{
    if (!s->cfg.on_detect) return;
    const struct dev_info *i = &s->board.info;
    s->cfg.on_detect(s->cfg.user, r->label < i->n_labels ? i->labels[r->label] : "?", score, r);
}

/* Is target a pty path ("/dev/pts/N")? Only such links can be a sim's. */
static int is_pts_path(const char *target)
{
    if (strncmp(target, "/dev/pts/", 9) || !target[9]) return 0;
    for (const char *p = target + 9; *p; p++)
        if (*p < '0' || *p > '9') return 0;
    return 1;
}

/* Where --link points: created only where nothing exists. An existing path
 * is replaced only when it is a stale link of a virtual board: a symlink to a
 * /dev/pts/N that is gone (its sim was killed) or that is our own pty. Files,
 * folders and any other link are left alone with an error. */
static enum kws_status make_link(struct dev_sim *s, const char *link, char *err, size_t err_len)
{
    if (!symlink(s->path, link)) return KWS_OK;
    if (errno != EEXIST)
        return kws_err(err, err_len, KWS_ERR_IO, "%s: cannot link: %s", link, strerror(errno));
    char target[256];
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0)
        return kws_err(err, err_len, KWS_ERR_IO, "%s exists and is not a link (not replaced)",
                       link);
    target[n] = 0;
    struct stat st;
    if (!is_pts_path(target))
        return kws_err(err, err_len, KWS_ERR_IO,
                       "%s exists (a link to %s, not a virtual board's; not replaced)", link,
                       target);
    if (strcmp(target, s->path) && stat(target, &st) == 0)
        return kws_err(err, err_len, KWS_ERR_IO,
                       "%s exists and points to %s, which is in use (not replaced)", link, target);
    /* stale: a fresh link beside it renamed over it, so the name is never missing */
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.kwscope-%ld", link, (long)getpid());
    if (symlink(s->path, tmp) || rename(tmp, link)) {
        int e = errno;
        unlink(tmp);
        return kws_err(err, err_len, KWS_ERR_IO, "%s: cannot replace the stale link: %s", link,
                       strerror(e));
    }
    return KWS_OK;
}

/* At exit the link goes only if it is still ours (nobody replaced it). */
static void remove_link(const struct dev_sim *s)
{
    char target[256];
    ssize_t n = readlink(s->link, target, sizeof target - 1);
    if (n < 0) return;
    target[n] = 0;
    if (!strcmp(target, s->path)) unlink(s->link);
}

enum kws_status dev_sim_open(struct dev_sim **out, const struct dev_sim_config *cfg, char *err,
                             size_t err_len)
{
    *out = NULL;
    struct dev_sim *s = calloc(1, sizeof *s);
    if (!s) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    s->cfg = *cfg;
    s->slave = -1;
    s->us0 = mono_us();
    s->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (s->master < 0 || grantpt(s->master) || unlockpt(s->master) || !ptsname(s->master)) {
        int e = errno;
        if (s->master >= 0) close(s->master);
        free(s);
        return kws_err(err, err_len, KWS_ERR_IO, "cannot open a pty: %s", strerror(e));
    }
    snprintf(s->path, sizeof s->path, "%s", ptsname(s->master));
    /* keep our own slave end open: without it the master reads EIO whenever
     * no host has the port open, and the line settings would be lost */
    s->slave = open(s->path, O_RDWR | O_NOCTTY);
    if (s->slave < 0 || dev_tty_raw(s->slave) != KWS_OK) {
        int e = errno;
        dev_sim_close(s);
        return kws_err(err, err_len, KWS_ERR_IO, "%s: %s", s->path, strerror(e));
    }
    int fl = fcntl(s->master, F_GETFL);
    fcntl(s->master, F_SETFL, fl | O_NONBLOCK);
    if (cfg->link) {
        enum kws_status lst = make_link(s, cfg->link, err, err_len);
        if (lst != KWS_OK) {
            dev_sim_close(s);
            return lst;
        }
        snprintf(s->link, sizeof s->link, "%s", cfg->link);
    }
    struct dev_info info = cfg->info;
    if (!info.firmware[0])
        snprintf(info.firmware, sizeof info.firmware, "kwscope-sim %s", DEV_SIM_VERSION);
    if (!info.sample_rate) info.sample_rate = KWS_RATE_HZ;
    dev_board_init(&s->board, &info, &cfg->pipe, sim_write, sim_micros, s);
    if (cfg->proto_override) s->board.info.proto = (uint8_t)cfg->proto_override;
    if (cfg->live_stride) s->board.live_stride = cfg->live_stride;
    s->board.on_detect = sim_on_detect;
    s->t0 = -1;
    *out = s;
    return KWS_OK;
}

void dev_sim_close(struct dev_sim *s)
{
    if (!s) return;
    if (s->link[0]) remove_link(s);
    if (s->slave >= 0) close(s->slave);
    if (s->master >= 0) close(s->master);
    free(s);
}

const char *dev_sim_path(const struct dev_sim *s)
{
    return s->path;
}
int dev_sim_fd(const struct dev_sim *s)
{
    return s->master;
}
struct dev_board *dev_sim_board(struct dev_sim *s)
{
    return &s->board;
}

/* Mic samples due by now at the configured speed, from the looped clip. At
 * most SIM_MIC_STEP_SAMPLES per step: a machine too slow for the speed falls
 * behind, but each step stays short, so the port is served and a stop
 * request (SIGTERM) is seen between steps. */
#define SIM_MIC_STEP_SAMPLES 4096
static void sim_mic(struct dev_sim *s, double now)
{
    if (s->t0 < 0) s->t0 = now;
    double speed = s->cfg.speed > 0 ? s->cfg.speed : 1.0;
    uint64_t due = (uint64_t)((now - s->t0) * (double)KWS_RATE_HZ * speed);
    /* A real board's mic never waits for its processing; this one shares
     * the host's CPU, and a host that stalled (or is starved) would make it
     * catch up on everything at once, for longer than real time again and
     * again. So at most half a second of backlog is played; the rest is
     * skipped, as a board that missed its ADC buffers would. */
    uint64_t cap = (uint64_t)(0.5 * (double)KWS_RATE_HZ * speed);
    if (due > s->mic_pos + cap) {
        s->mic_skipped += due - cap - s->mic_pos;
        s->mic_pos = due - cap;
    }
    if (due > s->mic_pos + SIM_MIC_STEP_SAMPLES) due = s->mic_pos + SIM_MIC_STEP_SAMPLES;
    int16_t buf[DEV_AUDIO_MAX_SAMPLES];
    while (s->mic_pos < due) {
        uint64_t k = due - s->mic_pos;
        if (k > DEV_AUDIO_MAX_SAMPLES) k = DEV_AUDIO_MAX_SAMPLES;
        for (uint64_t i = 0; i < k; i++)
            buf[i] = s->cfg.mic_n ? s->cfg.mic[(s->mic_pos - s->mic_phase + i) % s->cfg.mic_n] : 0;
        s->mic_pos += k;
        if (s->cfg.dialect == DEV_DIALECT_KWSCOPE)
            dev_board_mic(&s->board, buf, (size_t)k);
        else
            dev_sim_lines_mic(s, buf, (size_t)k);
    }
}

enum kws_status dev_sim_step(struct dev_sim *s, double now)
{
    uint8_t buf[4096];
    sim_flush(s);
    for (int i = 0; i < 64; i++) {
        ssize_t r = read(s->master, buf, sizeof buf);
        if (r > 0) {
            if (s->cfg.dialect == DEV_DIALECT_KWSCOPE)
                dev_board_rx(&s->board, buf, (size_t)r);
            else
                dev_sim_lines_rx(s, buf, (size_t)r);
            continue;
        }
        if (r < 0 && errno != EAGAIN && errno != EINTR && errno != EIO) return KWS_ERR_IO;
        break;
    }
    sim_mic(s, now);
    sim_flush(s);
    return KWS_OK;
}

enum kws_status dev_sim_run(struct dev_sim *s, volatile int *stop)
{
    while (!*stop) {
        struct pollfd p = { s->master, (short)(POLLIN | (s->tx_n ? POLLOUT : 0)), 0 };
        poll(&p, 1, s->cfg.speed > 1 ? 1 : 5);
        enum kws_status st = dev_sim_step(s, dev_now());
        if (st != KWS_OK) return st;
    }
    return KWS_OK;
}
