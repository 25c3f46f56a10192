/* fuzz_frame.c: libFuzzer target for everything that parses board bytes: the
 * frame decoder (fed in two pieces), every message payload decoder, the line
 * dialect parser and base64. Built with -Dfuzz=true (clang); the same body is
 * replayed over tests/device/fuzz_seeds by tests/device/test_fuzz_replay.c. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "device.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct dev_decoder d;
    dev_decoder_init(&d);
    size_t cut = size ? data[0] % (size + 1) : 0;
    const uint8_t *p = data;
    size_t n = cut;
    for (int part = 0; part < 2; part++) {
        while (n) {
            struct dev_frame f;
            int got;
            size_t used = dev_decoder_feed(&d, p, n, &f, &got);
            p += used;
            n -= used;
            if (!got) continue;
            struct dev_info info;
            static struct dev_audio a;
            struct dev_result r;
            static struct dev_features fe;
            uint8_t t;
            uint16_t s;
            dev_info_decode(f.payload, f.len, &info);
            dev_audio_decode(f.payload, f.len, &a);
            dev_result_decode(f.payload, f.len, &r);
            dev_features_decode(f.payload, f.len, &fe);
            dev_ack_decode(f.payload, f.len, &t, &s);
        }
        p = data + cut;
        n = size - cut;
    }
    /* payload decoders straight on the input too (no CRC in the way) */
    struct dev_info info;
    static struct dev_audio a;
    struct dev_result r;
    static struct dev_features fe;
    dev_info_decode(data, size, &info);
    dev_audio_decode(data, size, &a);
    dev_result_decode(data, size, &r);
    dev_features_decode(data, size, &fe);
    /* line dialects, one line per newline */
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i == size || data[i] == '\n') {
            struct dev_line l;
            dev_line_parse((const char *)data + start, i - start, &l);
            start = i + 1;
        }
    }
    static uint8_t out[4096];
    dev_base64_decode((const char *)data, size, out, sizeof out);
    return 0;
}
