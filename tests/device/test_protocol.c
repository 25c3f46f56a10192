/* test_protocol.c: frame round trips, resynchronisation after garbage, CRC
 * rejection, maximum payload, message layouts. */
#include <stdint.h>
#include <string.h>

#include "device/device.h"
#include "test.h"

static uint8_t wire[DEV_MAX_WIRE];

/* Feed everything; count frames; remember the last one's bytes. */
static int feed_all(struct dev_decoder *d, const uint8_t *p, size_t n, uint8_t *type, uint16_t *seq,
                    uint8_t *pl, size_t *pl_len)
{
    int frames = 0;
    while (n) {
        struct dev_frame f;
        int got;
        size_t used = dev_decoder_feed(d, p, n, &f, &got);
        p += used;
        n -= used;
        if (got) {
            frames++;
            if (type) *type = f.type;
            if (seq) *seq = f.seq;
            if (pl) memcpy(pl, f.payload, f.len);
            if (pl_len) *pl_len = f.len;
        }
    }
    return frames;
}

static void test_crc(void)
{
    CHECK_INT(dev_crc32(0, "123456789", 9), 0xCBF43926u);
    /* incremental equals one shot */
    CHECK_INT(dev_crc32(dev_crc32(0, "12345", 5), "6789", 4), 0xCBF43926u);
    CHECK_INT(dev_crc32(0, "", 0), 0);
}

static void test_roundtrip_sizes(void)
{
    static uint8_t pl[DEV_MAX_PAYLOAD], back[DEV_MAX_PAYLOAD];
    struct dev_decoder d;
    dev_decoder_init(&d);
    /* lengths around COBS block boundaries, zeros and 0xFF patterns */
    size_t lens[] = { 0, 1, 2, 244, 245, 246, 253, 254, 255, 500, 1000, DEV_MAX_PAYLOAD };
    for (int pat = 0; pat < 3; pat++) {
        for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
            size_t L = lens[k];
            for (size_t i = 0; i < L; i++)
                pl[i] = pat == 0 ? 0 : pat == 1 ? 0xFF : (uint8_t)(i * 37 + 11);
            size_t n = dev_frame_encode(0x42, (uint16_t)(k * 1000 + pat), pl, L, wire, sizeof wire);
            CHECK(n > 0);
            CHECK(n <= DEV_MAX_WIRE);
            CHECK_INT(wire[0], 0);
            CHECK_INT(wire[n - 1], 0);
            for (size_t i = 1; i + 1 < n; i++)
                if (!wire[i]) {
                    CHECK(!"zero inside a frame");
                    break;
                }
            uint8_t t = 0;
            uint16_t s = 0;
            size_t bl = 99999;
            CHECK_INT(feed_all(&d, wire, n, &t, &s, back, &bl), 1);
            CHECK_INT(t, 0x42);
            CHECK_INT(s, k * 1000 + pat);
            CHECK_INT(bl, L);
            CHECK(!memcmp(pl, back, L));
        }
    }
    CHECK_INT(dev_decoder_bad(&d), 0);
    /* over the maximum: refused; too small a buffer: refused */
    CHECK_INT(dev_frame_encode(1, 0, pl, DEV_MAX_PAYLOAD + 1, wire, sizeof wire), 0);
    CHECK_INT(dev_frame_encode(1, 0, pl, 100, wire, 50), 0);
}

static void test_resync_and_crc(void)
{
    struct dev_decoder d;
    dev_decoder_init(&d);
    uint8_t buf[4096];
    size_t n = 0;
    /* garbage before anything (hunting: not a frame, not counted) */
    const uint8_t junk[] = { 0x13, 0x37, 0xFF, 0x01, 0x02 };
    memcpy(buf, junk, sizeof junk);
    n += sizeof junk;
    n += dev_frame_encode(1, 1, "abc", 3, buf + n, sizeof buf - n);
    /* a frame with one flipped byte: rejected by the CRC (or COBS/length) */
    size_t at = n;
    n += dev_frame_encode(2, 2, "hello world", 11, buf + n, sizeof buf - n);
    buf[at + 8] ^= 0x10; /* a payload byte; never makes a 0x00 here */
    /* a truncated frame (bytes lost, then the next frame's delimiter) */
    size_t m = dev_frame_encode(3, 3, "truncated frame", 15, buf + n, sizeof buf - n);
    n += m - 5;
    n += dev_frame_encode(4, 4, "last", 4, buf + n, sizeof buf - n);
    uint8_t t = 0;
    uint16_t s = 0;
    CHECK_INT(feed_all(&d, buf, n, &t, &s, NULL, NULL), 2);
    CHECK_INT(t, 4);
    CHECK_INT(s, 4);
    CHECK_INT(dev_decoder_bad(&d), 2);
    CHECK_INT(d.frames_ok, 2);

    /* a run longer than any frame: counted once as too long, then resync */
    dev_decoder_init(&d);
    static uint8_t big[DEV_MAX_WIRE * 2 + 64];
    big[0] = 0;
    memset(big + 1, 0x55, DEV_MAX_WIRE + 10);
    size_t bn = 1 + DEV_MAX_WIRE + 10;
    bn += dev_frame_encode(9, 9, "ok", 2, big + bn, sizeof big - bn);
    CHECK_INT(feed_all(&d, big, bn, &t, NULL, NULL, NULL), 1);
    CHECK_INT(t, 9);
    CHECK_INT(d.too_long, 1);

    /* every single-bit flip of a frame's body is rejected, never delivered */
    uint8_t f0[64];
    size_t fn = dev_frame_encode(5, 77, "payload!", 8, f0, sizeof f0);
    int delivered_bad = 0;
    for (size_t i = 1; i + 1 < fn; i++) {
        for (int bit = 0; bit < 8; bit++) {
            uint8_t g[64];
            memcpy(g, f0, fn);
            g[i] ^= (uint8_t)(1 << bit);
            dev_decoder_init(&d);
            uint8_t pl[64];
            size_t pn = 0;
            if (feed_all(&d, g, fn, &t, &s, pl, &pn) &&
                !(t == 5 && s == 77 && pn == 8 && !memcmp(pl, "payload!", 8)))
                delivered_bad++;
            else if (d.frames_ok) /* flip turned into identical frame: impossible */
                delivered_bad++;
        }
    }
    CHECK_INT(delivered_bad, 0);

    /* byte-at-a-time feeding gives the same frames */
    dev_decoder_init(&d);
    int frames = 0;
    for (size_t i = 0; i < n; i++) frames += feed_all(&d, buf + i, 1, NULL, NULL, NULL, NULL);
    CHECK_INT(frames, 2);
}

static void test_messages(void)
{
    uint8_t pl[DEV_MAX_PAYLOAD];
    struct dev_info in = { 0 }, out;
    in.proto = DEV_PROTO_VERSION;
    strcpy(in.firmware, "kwscope-board 0.1.0");
    strcpy(in.model, "micro_speech");
    in.model_hash = 0xDEADBEEF;
    in.sample_rate = 16000;
    in.n_labels = 4;
    strcpy(in.labels[0], "silence");
    strcpy(in.labels[1], "unknown");
    strcpy(in.labels[2], "yes");
    strcpy(in.labels[3], "no");
    in.arena_bytes = 10 * 1024;
    in.flash_bytes = 123456;
    in.ram_bytes = 54321;
    size_t n = dev_info_encode(&in, pl, sizeof pl);
    CHECK(n > 0);
    CHECK_INT(dev_info_decode(pl, n, &out), KWS_OK);
    CHECK_STR(out.firmware, in.firmware);
    CHECK_STR(out.model, "micro_speech");
    CHECK_STR(out.labels[2], "yes");
    CHECK_INT(out.model_hash, 0xDEADBEEF);
    CHECK_INT(out.ram_bytes, 54321);
    CHECK_INT(dev_info_decode(pl, n - 1, &out), KWS_ERR_FORMAT);
    CHECK_INT(dev_info_decode(pl, n + 1, &out), KWS_ERR_FORMAT);

    struct dev_audio a = { 0 }, b;
    a.chunk = 123456789;
    a.n = DEV_AUDIO_MAX_SAMPLES;
    for (int i = 0; i < a.n; i++) a.samples[i] = (int16_t)(i * 257 - 32768);
    n = dev_audio_encode(&a, pl, sizeof pl);
    CHECK_INT(n, 6 + 2 * DEV_AUDIO_MAX_SAMPLES);
    CHECK_INT(dev_audio_decode(pl, n, &b), KWS_OK);
    CHECK_INT(b.chunk, 123456789);
    CHECK(!memcmp(a.samples, b.samples, sizeof a.samples));
    /* a push frame fits under 64 wire bytes */
    a.n = DEV_PUSH_MAX_SAMPLES;
    for (int i = 0; i < a.n; i++) a.samples[i] = (int16_t)0x0101; /* worst case: no zeros */
    n = dev_audio_encode(&a, pl, sizeof pl);
    CHECK(dev_frame_encode(DEV_MSG_PUSH, 65535, pl, n, wire, sizeof wire) <= 63);

    struct dev_result r = { 0 }, q;
    r.label = 2;
    r.detected = 1;
    r.n_scores = 4;
    r.scores[0] = -128;
    r.scores[1] = -100;
    r.scores[2] = 127;
    r.scores[3] = -5;
    r.preprocess_us = 1234;
    r.inference_us = 56789;
    r.postprocess_us = 12;
    r.board_ms = 4800;
    n = dev_result_encode(&r, pl, sizeof pl);
    CHECK_INT(dev_result_decode(pl, n, &q), KWS_OK);
    CHECK_INT(q.scores[0], -128);
    CHECK_INT(q.scores[2], 127);
    CHECK_INT(q.inference_us, 56789);
    CHECK_INT(q.board_ms, 4800);
    pl[0] = 9; /* label out of range */
    CHECK_INT(dev_result_decode(pl, n, &q), KWS_ERR_FORMAT);

    static struct dev_features fe, fb;
    fe.rows = DEV_FEAT_ROWS;
    fe.cols = DEV_FEAT_COLS;
    for (int i = 0; i < DEV_FEAT_ROWS * DEV_FEAT_COLS; i++) fe.data[i] = (int8_t)(i % 251 - 128);
    n = dev_features_encode(&fe, pl, sizeof pl);
    CHECK_INT(n, 2 + DEV_FEAT_ROWS * DEV_FEAT_COLS);
    CHECK(dev_frame_encode(DEV_MSG_FEATURES, 1, pl, n, wire, sizeof wire) > 0);
    CHECK_INT(dev_features_decode(pl, n, &fb), KWS_OK);
    CHECK(!memcmp(fe.data, fb.data, sizeof fe.data));

    uint8_t at;
    uint16_t as;
    n = dev_ack_encode(DEV_MSG_PUSH, 999, pl, sizeof pl);
    CHECK_INT(dev_ack_decode(pl, n, &at, &as), KWS_OK);
    CHECK_INT(at, DEV_MSG_PUSH);
    CHECK_INT(as, 999);
}

/* The optional tails (PROTOCOL.md): INFO's measured memory and RESULT's
 * instruction counts round-trip; payloads without them still decode (old
 * boards) and are what a board that does not measure sends; any other
 * length is malformed. */
static void test_optional_tails(void)
{
    uint8_t pl[DEV_MAX_PAYLOAD];
    struct dev_info i = { 0 }, gi;
    i.proto = 1;
    i.n_labels = 1;
    strcpy(i.labels[0], "yes");
    size_t plain = dev_info_encode(&i, pl, sizeof pl);
    i.has_mem = 1;
    i.stack_used = 3600;
    i.stack_bytes = 16384;
    i.heap_used = 24000;
    size_t n = dev_info_encode(&i, pl, sizeof pl);
    CHECK_INT(n, plain + 12);
    CHECK_INT(dev_info_decode(pl, n, &gi), KWS_OK);
    CHECK_INT(gi.has_mem, 1);
    CHECK_INT(gi.stack_used, 3600);
    CHECK_INT(gi.stack_bytes, 16384);
    CHECK_INT(gi.heap_used, 24000);
    CHECK_INT(dev_info_decode(pl, plain, &gi), KWS_OK);
    CHECK_INT(gi.has_mem, 0);
    CHECK_INT(dev_info_decode(pl, plain + 8, &gi), KWS_ERR_FORMAT);
    struct dev_result r = { 0 }, gr;
    r.n_scores = 2;
    r.scores[1] = 5;
    r.label = 1;
    size_t rplain = dev_result_encode(&r, pl, sizeof pl);
    r.has_instr = 1;
    r.preprocess_instr = 4000000;
    r.inference_instr = 1500000;
    r.postprocess_instr = 480;
    n = dev_result_encode(&r, pl, sizeof pl);
    CHECK_INT(n, rplain + 12);
    CHECK_INT(dev_result_decode(pl, n, &gr), KWS_OK);
    CHECK_INT(gr.has_instr, 1);
    CHECK_INT(gr.preprocess_instr, 4000000);
    CHECK_INT(gr.inference_instr, 1500000);
    CHECK_INT(gr.postprocess_instr, 480);
    CHECK_INT(dev_result_decode(pl, rplain, &gr), KWS_OK);
    CHECK_INT(gr.has_instr, 0);
    CHECK_INT(dev_result_decode(pl, rplain + 4, &gr), KWS_ERR_FORMAT);
}

int main(void)
{
    test_optional_tails();
    test_crc();
    test_roundtrip_sizes();
    test_resync_and_crc();
    test_messages();
    return test_done();
}
