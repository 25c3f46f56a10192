/* fuzz_wav.c: libFuzzer target for audio files: the bytes become a file (a
 * memfd, named by its /proc/self/fd path) that goes through cap_clip_load
 * (libsndfile, downmix, resampling to 16 kHz) and through the trainer's own
 * RIFF reader, mdl_wav_read. Both must either load or fail with a message;
 * a loaded clip is walked to the end so a short buffer would show. Built
 * with -Dfuzz=true (clang); the same body replays tests/capture/fuzz_wav_seeds
 * in tests/capture/test_fuzz_wav_replay.c. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/capture.h"
#include "train/train.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;
static char path[64];

static volatile int16_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0) {
        fd = memfd_create("fuzz_wav", 0);
        if (fd < 0) abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size) abort();
    char err[256];
    struct cap_clip clip;
    if (cap_clip_load(path, &clip, err, sizeof err) == KWS_OK) {
        for (size_t i = 0; i < clip.n_samples; i++) sink = clip.samples[i];
        cap_clip_free(&clip);
    } else if (!err[0]) {
        abort(); /* a failure must say why */
    }
    int16_t *s = NULL;
    size_t n = 0;
    if (mdl_wav_read(path, &s, &n, err, sizeof err) == KWS_OK) {
        for (size_t i = 0; i < n; i++) sink = s[i];
        free(s);
    } else if (!err[0]) {
        abort();
    }
    return 0;
}
