/* fuzz_lines.c: libFuzzer target for the stateful side of board text and
 * frames: a host session per dialect (kwscope frames, micro_speech and Edge
 * Impulse lines, with a push + classify in flight so the test-over-serial
 * state machine answers too) reading the input over an in-memory transport,
 * and the virtual board's own line parsers (micro_speech's "!TEST", "!DATA
 * ..." and base64 lines; Edge Impulse's "AT+RUNIMPULSE" and 'b'). Every event's text must come out sanitised:
 * a control byte in it aborts (a finding). Built with -Dfuzz=true (clang);
 * replayed over tests/device/fuzz_seeds by tests/device/test_fuzz_replay.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_clean(const char *s, size_t cap)
{
    for (size_t i = 0; i < cap && s[i]; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) abort();
}

static void run_session(enum dev_dialect d, const uint8_t *data, size_t size)
{
    struct dev_transport a, b;
    if (dev_loopback_pair(&a, &b) != KWS_OK) return;
    struct dev_session_config c = { 0 };
    c.transport = &a;
    c.dialect = d;
    struct dev_session *s;
    if (dev_session_open(&s, &c, 0.0, NULL, 0) != KWS_OK) {
        dev_transport_close(&a);
        dev_transport_close(&b);
        return;
    }
    static int16_t clip[800];
    dev_session_push(s, clip, sizeof clip / sizeof *clip);
    dev_session_classify(s);
    /* the input in pieces whose sizes come from the input, with ticks between */
    double now = 0;
    size_t off = 0;
    while (off < size) {
        size_t k = 1 + data[off] % 97;
        if (k > size - off) k = size - off;
        b.write(&b, data + off, k);
        off += k;
        dev_session_on_readable(s, now);
        now += 0.05;
        dev_session_tick(s, now);
        uint8_t sink[4096];
        while (b.read(&b, sink, sizeof sink) > 0) {}
    }
    struct dev_event ev;
    while (dev_session_next_event(s, &ev)) {
        check_clean(ev.text, sizeof ev.text);
        check_clean(ev.label, sizeof ev.label);
    }
    const struct dev_info *i = dev_session_info(s);
    if (i) {
        check_clean(i->firmware, sizeof i->firmware);
        check_clean(i->model, sizeof i->model);
        for (int k = 0; k < i->n_labels; k++) check_clean(i->labels[k], DEV_LABEL_LEN);
    }
    dev_session_close(s);
    dev_transport_close(&b);
}

static void discard(void *io, const uint8_t *p, size_t n)
{
    (void)io;
    (void)p;
    (void)n;
}
static uint32_t zero_us(void *io)
{
    (void)io;
    return 0;
}

static void run_sim_lines(enum dev_dialect d, const uint8_t *data, size_t size)
{
    static struct dev_sim s;
    memset(&s, 0, sizeof s);
    s.master = s.slave = -1;
    s.cfg.dialect = d;
    struct dev_info info = { 0 };
    struct dev_board_pipeline none = { 0 };
    dev_board_init(&s.board, &info, &none, discard, zero_us, &s);
    dev_sim_lines_rx(&s, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run_session(DEV_DIALECT_KWSCOPE, data, size);
    run_session(DEV_DIALECT_MICRO_SPEECH, data, size);
    run_session(DEV_DIALECT_EDGE_IMPULSE, data, size);
    run_sim_lines(DEV_DIALECT_MICRO_SPEECH, data, size);
    run_sim_lines(DEV_DIALECT_EDGE_IMPULSE, data, size);
    struct dev_line l;
    dev_line_parse((const char *)data, size, &l);
    return 0;
}
