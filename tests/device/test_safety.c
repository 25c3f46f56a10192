/* test_safety.c: the device layer never damages a user's file, never hangs,
 * and never passes a board's control characters on:
 * - ports: a regular file, FIFO, directory or /dev/null is refused with
 *   "PATH is not a serial port (...)" and the file stays byte-identical;
 * - sim links: never replace a file or a foreign link; a stale sim link is
 *   replaced; at close the link goes only if it is still ours;
 * - a hostile board (loopback transport): INFO strings, ERROR and LOG text
 *   come out escaped; an INFO with 9 labels is named as such, not a timeout;
 * - chunk numbers that wrap or restart are not counted as billions lost;
 * - whole operations end: no audio (board stops after HELLO, stock
 *   dialects), the port closing mid-stream or mid-push, a stop request;
 * - dialect numbers that are not finite are not parsed as numbers. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "device/device.h"

static char dir[] = "/tmp/kws_devsafe_XXXXXX";

static int has_ctrl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
    return 0;
}

static void test_ports(void)
{
    char p[600], err[512], b[64];
    struct dev_transport t;
    snprintf(p, sizeof p, "%s/v.wav", dir);
    FILE *f = fopen(p, "wb");
    fputs("RIFF1234WAVEfmt precious", f);
    fclose(f);
    CHECK(dev_transport_open(&t, p, err, sizeof err) != KWS_OK);
    CHECK(strstr(err, "is not a serial port (regular file)") != NULL);
    CHECK(dev_transport_open_tty(&t, p, err, sizeof err) != KWS_OK);
    f = fopen(p, "rb");
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    CHECK(n == 24 && !memcmp(b, "RIFF1234WAVEfmt precious", 24));

    struct dev_session *s;
    struct dev_session_config c = { 0 };
    c.path = p;
    CHECK(dev_session_open(&s, &c, dev_now(), err, sizeof err) != KWS_OK);
    CHECK(strstr(err, "not a serial port") != NULL);

    snprintf(p, sizeof p, "%s/fifo", dir);
    CHECK_INT(mkfifo(p, 0600), 0);
    CHECK(dev_transport_open(&t, p, err, sizeof err) != KWS_OK); /* returns: no writer needed */
    CHECK(strstr(err, "(FIFO)") != NULL);
    CHECK(dev_transport_open(&t, dir, err, sizeof err) != KWS_OK);
    CHECK(strstr(err, "(directory)") != NULL);
    CHECK(dev_transport_open(&t, "/dev/null", err, sizeof err) != KWS_OK);
    CHECK(strstr(err, "not a serial port") != NULL);
    CHECK(dev_transport_open_tty(&t, "/dev/null", err, sizeof err) != KWS_OK);
    CHECK(strstr(err, "not a terminal") != NULL);
}

static int sim_open(struct dev_sim **s, const char *link, char *err, size_t n)
{
    struct dev_sim_config c = { 0 };
    c.link = link;
    return dev_sim_open(s, &c, err, n) == KWS_OK;
}

static void test_links(void)
{
    char p[600], err[512], got[256];
    struct dev_sim *s;
    snprintf(p, sizeof p, "%s/precious", dir);
    FILE *f = fopen(p, "wb");
    fputs("precious", f);
    fclose(f);
    CHECK(!sim_open(&s, p, err, sizeof err));
    CHECK(strstr(err, "not a link") != NULL);
    f = fopen(p, "rb");
    CHECK(f && fgets(got, sizeof got, f) && !strcmp(got, "precious"));
    if (f) fclose(f);

    /* someone else's link */
    snprintf(p, sizeof p, "%s/other", dir);
    CHECK_INT(symlink("/etc/hostname", p), 0);
    CHECK(!sim_open(&s, p, err, sizeof err));
    ssize_t k = readlink(p, got, sizeof got - 1);
    CHECK(k == 13 && !memcmp(got, "/etc/hostname", 13));

    /* a stale link of a killed sim: replaced, then removed at close */
    snprintf(p, sizeof p, "%s/board", dir);
    CHECK_INT(symlink("/dev/pts/987654", p), 0);
    if (sim_open(&s, p, err, sizeof err)) {
        k = readlink(p, got, sizeof got - 1);
        got[k > 0 ? k : 0] = 0;
        CHECK_STR(got, dev_sim_path(s));
        dev_sim_close(s);
        CHECK(access(p, F_OK) != 0 && errno == ENOENT);
    } else {
        fprintf(stderr, "stale link not replaced: %s\n", err);
        test_failures++;
    }

    /* replaced by the user while the sim runs: left alone at close */
    if (sim_open(&s, p, err, sizeof err)) {
        unlink(p);
        f = fopen(p, "wb");
        fputs("mine", f);
        fclose(f);
        dev_sim_close(s);
        CHECK(access(p, F_OK) == 0);
    }
    /* a live link of another running sim is not taken over */
    struct dev_sim *a;
    snprintf(p, sizeof p, "%s/live", dir);
    if (sim_open(&a, p, err, sizeof err)) {
        CHECK(!sim_open(&s, p, err, sizeof err));
        CHECK(strstr(err, "in use") != NULL);
        dev_sim_close(a);
    }
}

/* ---- a hostile board on a loopback transport ---- */

struct board {
    struct dev_transport host, dev;
    struct dev_session *s;
    uint16_t seq;
};

static void send_frame(struct board *b, uint8_t type, const void *pl, size_t n)
{
    uint8_t w[DEV_MAX_WIRE];
    size_t k = dev_frame_encode(type, b->seq++, pl, n, w, sizeof w);
    b->dev.write(&b->dev, w, k);
}

static void send_info(struct board *b, const char *fw, const char *label, int n_labels_override)
{
    struct dev_info i = { 0 };
    i.proto = DEV_PROTO_VERSION;
    snprintf(i.firmware, sizeof i.firmware, "%s", fw);
    snprintf(i.model, sizeof i.model, "m\x1b[31m");
    i.sample_rate = 16000;
    i.n_labels = 2;
    snprintf(i.labels[0], DEV_LABEL_LEN, "%s", label);
    snprintf(i.labels[1], DEV_LABEL_LEN, "no");
    uint8_t pl[512];
    size_t n = dev_info_encode(&i, pl, sizeof pl);
    if (n_labels_override) {
        /* the label count is the byte before the two labels and 3 u32 */
        size_t at = n - 12 - (1 + strlen(label)) - 3 - 1;
        pl[at] = (uint8_t)n_labels_override;
    }
    send_frame(b, DEV_MSG_INFO, pl, n);
}

static int board_open(struct board *b, enum dev_dialect d)
{
    memset(b, 0, sizeof *b);
    if (dev_loopback_pair(&b->host, &b->dev) != KWS_OK) return 0;
    struct dev_session_config c = { 0 };
    c.transport = &b->host;
    c.dialect = d;
    c.timeout_ms = 100;
    c.retries = 2;
    char err[256];
    return dev_session_open(&b->s, &c, dev_now(), err, sizeof err) == KWS_OK;
}

static void board_close(struct board *b)
{
    dev_session_close(b->s);
    dev_transport_close(&b->dev);
}

static void send_audio(struct board *b, uint32_t chunk)
{
    struct dev_audio a = { 0 };
    a.chunk = chunk;
    a.n = 16;
    uint8_t pl[64];
    send_frame(b, DEV_MSG_AUDIO, pl, dev_audio_encode(&a, pl, sizeof pl));
}

static void test_hostile(void)
{
    struct board b;
    char err[512];
    if (!board_open(&b, DEV_DIALECT_KWSCOPE)) {
        test_failures++;
        return;
    }
    send_info(&b, "\x1b]0;PWNED\x07\x1b[2J", "ye\x1bs", 0);
    CHECK_INT(dev_session_wait_ready(b.s, 5, NULL, err, sizeof err), KWS_OK);
    const struct dev_info *i = dev_session_info(b.s);
    if (i) {
        CHECK(!has_ctrl(i->firmware) && !has_ctrl(i->model) && !has_ctrl(i->labels[0]));
        CHECK_STR(i->firmware, "\\x1b]0;PWNED\\x07\\x1b[2J");
        CHECK_STR(i->labels[0], "ye\\x1bs");
    }
    /* an ERROR answering a push: escaped in the message */
    int16_t x[16] = { 0 };
    dev_session_push(b.s, x, 16);
    dev_session_classify(b.s);
    uint8_t e[] = { DEV_ERR_NO_MODEL, 'n', 'o', 0x1b, '[', '2', 'J', '\n', 0xff };
    send_frame(&b, DEV_MSG_ERROR, e, sizeof e);
    uint8_t lg[] = { 'h', 'i', 0x07, 0x9b, 0xc3, 0xa9 };
    send_frame(&b, DEV_MSG_LOG, lg, sizeof lg);
    struct dev_event ev;
    CHECK(dev_session_wait_result(b.s, 5, NULL, &ev, err, sizeof err) != KWS_OK);
    CHECK(!has_ctrl(err) && strstr(err, "refused: no\\x1b[2J\\x0a\\xff") != NULL);
    dev_session_on_readable(b.s, dev_now());
    int saw_log = 0;
    while (dev_session_next_event(b.s, &ev))
        if (ev.kind == DEV_EV_LOG) {
            saw_log = 1;
            CHECK_STR(ev.text, "hi\\x07\\x9b\xc3\xa9"); /* a valid UTF-8 é passes */
        }
    CHECK(saw_log);

    /* chunk numbers: wrap and restart are no loss */
    send_audio(&b, 0xFFFFFFFEu);
    send_audio(&b, 0xFFFFFFFFu);
    send_audio(&b, 0);
    send_audio(&b, 2);           /* one lost */
    send_audio(&b, 0xFFFFFFFFu); /* jump back: a restart */
    send_audio(&b, 5);           /* forward again modulo 2^32: 5 lost */
    dev_session_on_readable(b.s, dev_now());
    struct dev_counters c;
    dev_session_counters(b.s, &c);
    CHECK_INT(c.chunks, 6);
    CHECK_INT(c.lost_chunks, 6);
    CHECK_INT(c.chunk_resets, 1);
    board_close(&b);

    /* an INFO with 9 labels: named, not "no answer after N tries" */
    if (!board_open(&b, DEV_DIALECT_KWSCOPE)) {
        test_failures++;
        return;
    }
    send_info(&b, "fw", "yes", 9);
    CHECK(dev_session_wait_ready(b.s, 5, NULL, err, sizeof err) != KWS_OK);
    CHECK(strstr(err, "lists 9 labels") != NULL);
    board_close(&b);
}

static enum kws_status sink(void *user, const int16_t *x, size_t n, char *err, size_t len)
{
    (void)x;
    (void)err;
    (void)len;
    *(size_t *)user += n;
    return KWS_OK;
}

static void test_deadlines(void)
{
    struct board b;
    char err[512];
    size_t got = 0;
    struct dev_stream_result r;
    struct dev_stream_config sc = { 0 };
    sc.max_samples = 16000 * 5;
    sc.idle_s = 0.5;
    sc.sink = sink;
    sc.user = &got;

    /* a board that stops answering after HELLO: no audio, an error */
    if (!board_open(&b, DEV_DIALECT_KWSCOPE)) {
        test_failures++;
        return;
    }
    send_info(&b, "fw", "yes", 0);
    CHECK_INT(dev_session_wait_ready(b.s, 5, NULL, err, sizeof err), KWS_OK);
    enum kws_status st = dev_session_stream(b.s, &sc, &r, err, sizeof err);
    CHECK(st != KWS_OK);
    CHECK(strstr(err, "no audio") != NULL || strstr(err, "stopped answering") != NULL);
    board_close(&b);

    /* a port that closes mid-stream */
    if (!board_open(&b, DEV_DIALECT_KWSCOPE)) {
        test_failures++;
        return;
    }
    send_info(&b, "fw", "yes", 0);
    dev_session_wait_ready(b.s, 5, NULL, err, sizeof err);
    for (uint32_t k = 0; k < 4; k++) send_audio(&b, k);
    dev_session_on_readable(b.s, dev_now()); /* the chunks arrived before the close */
    dev_transport_close(&b.dev);
    sc.idle_s = 30; /* the close, not the idle deadline, must end it */
    st = dev_session_stream(b.s, &sc, &r, err, sizeof err);
    CHECK_INT(st, KWS_ERR_CLOSED);
    CHECK(strstr(err, "disconnected") != NULL);
    CHECK_INT(r.samples, 64);
    dev_session_close(b.s);

    /* a push whose board goes away: an error, not a 30 s wait */
    if (!board_open(&b, DEV_DIALECT_KWSCOPE)) {
        test_failures++;
        return;
    }
    send_info(&b, "fw", "yes", 0);
    dev_session_wait_ready(b.s, 5, NULL, err, sizeof err);
    int16_t x[16000] = { 0 };
    dev_session_push(b.s, x, 16000);
    dev_session_classify(b.s);
    dev_transport_close(&b.dev);
    struct dev_event ev;
    double t0 = dev_now();
    st = dev_session_wait_result(b.s, 30, NULL, &ev, err, sizeof err);
    CHECK_INT(st, KWS_ERR_CLOSED);
    CHECK(dev_now() - t0 < 25); /* ended by the close, not by the 30 s deadline */
    dev_session_close(b.s);

    /* a stop request: with nothing recorded an error, with audio a success */
    volatile int stop = 1;
    sc.stop = &stop;
    if (!board_open(&b, DEV_DIALECT_KWSCOPE)) {
        test_failures++;
        return;
    }
    send_info(&b, "fw", "yes", 0);
    dev_session_wait_ready(b.s, 5, NULL, err, sizeof err);
    CHECK_INT(dev_session_stream(b.s, &sc, &r, err, sizeof err), KWS_ERR_CLOSED);
    CHECK(strstr(err, "interrupted") != NULL);
    send_audio(&b, 0);
    dev_session_on_readable(b.s, dev_now());
    stop = 1;
    CHECK_INT(dev_session_stream(b.s, &sc, &r, err, sizeof err), KWS_OK);
    CHECK(r.interrupted && r.samples == 16);
    board_close(&b);

    /* stock dialects have no mic stream: an error at once */
    if (!board_open(&b, DEV_DIALECT_MICRO_SPEECH)) {
        test_failures++;
        return;
    }
    sc.stop = NULL;
    CHECK_INT(dev_session_stream(b.s, &sc, &r, err, sizeof err), KWS_ERR_UNSUPPORTED);
    CHECK(strstr(err, "micro_speech") != NULL);
    board_close(&b);
}

static void test_lines(void)
{
    struct dev_line l;
    const char *bad[] = { "    yes: nan",
                          "    yes: inf",
                          "    no: -inf",
                          "Predictions (DSP: nan ms., Classification: 3 ms., Anomaly: 0 ms.): ",
                          "Predictions (DSP: 1 ms., Classification: inf ms.): ",
                          "## time: min nanms  max 5ms  avg 4ms" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        dev_line_parse(bad[i], strlen(bad[i]), &l);
        CHECK_INT(l.kind, DEV_LINE_NONE);
    }
    dev_line_parse("    yes: 0.5", 12, &l);
    CHECK_INT(l.kind, DEV_LINE_EI_SCORE);

    /* a huge finite score on an Edge Impulse board: clamped, no overflow */
    struct board b;
    if (!board_open(&b, DEV_DIALECT_EDGE_IMPULSE)) {
        test_failures++;
        return;
    }
    const char *t = "Predictions (DSP: 1e30 ms., Classification: -5 ms.): \n    yes: 1e30\n"
                    "    \x1b]0;x\x07: 0.5\nHello \x1b[2J\n";
    b.dev.write(&b.dev, t, strlen(t));
    dev_session_on_readable(b.s, dev_now());
    struct dev_event ev;
    int results = 0;
    while (dev_session_next_event(b.s, &ev)) {
        CHECK(!has_ctrl(ev.text) && !has_ctrl(ev.label));
        if (ev.kind == DEV_EV_RESULT) {
            results++;
            CHECK_INT(ev.result.scores[0], 127);
            CHECK_INT(ev.result.preprocess_us, 3600000000u);
            CHECK_INT(ev.result.inference_us, 0);
        }
    }
    CHECK_INT(results, 1);
    board_close(&b);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    test_ports();
    test_links();
    test_hostile();
    test_deadlines();
    test_lines();
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) fprintf(stderr, "cleanup failed\n");
    return test_done();
}
