/* fuzz_labels.c: libFuzzer target for the text the streaming evaluation
 * reads: Audacity label tracks (mdl_labels_parse) and the detector-settings
 * sidecar (mdl_detect_config_parse). Either parses or fails with a message;
 * parsed labels must be sorted, finite and well formed, and a parsed sidecar
 * must give settings the detector accepts. The labels then go through the
 * evaluation with a few detections, so matching runs on hostile labels too.
 * Built with -Dfuzz=true (clang); the same body replays
 * tests/models/fuzz_labels_seeds in tests/models/test_fuzz_labels_replay.c. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_labels(const struct mdl_word_labels *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct mdl_word_label *w = &l->v[i];
        if (!isfinite(w->start_s) || !(w->end_s >= w->start_s) || !w->word[0] ||
            strlen(w->word) >= MDL_LABEL_WORD || (i && w->start_s < l->v[i - 1].start_s))
            abort();
    }
    static const char *const names[4] = { "silence", "unknown", "yes", "no" };
    struct mdl_stream_eval ev;
    struct mdl_detection det[8];
    for (int k = 0; k < 8; k++) det[k] = (struct mdl_detection){ (size_t)k, 400 * k, k % 4, 200 };
    if (mdl_stream_eval_init(&ev, names, 4, 1000, NULL, 0) != KWS_OK ||
        mdl_stream_eval_add(&ev, l, det, 8, 3.0, NULL, 0) != KWS_OK ||
        mdl_stream_eval_finish(&ev, NULL, 0) != KWS_OK)
        abort();
    if (ev.total.hits + ev.total.false_alarms > 8 || ev.total.misses < 0 ||
        ev.total.hits > ev.total.labels)
        abort();
    mdl_stream_eval_free(&ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    struct mdl_word_labels l;
    err[0] = 0;
    if (mdl_labels_parse((const char *)data, size, &l, err, sizeof err) == KWS_OK) {
        check_labels(&l);
        mdl_labels_free(&l);
    } else if (!err[0] || l.v || l.n) {
        abort(); /* a failure says why and leaves nothing behind */
    }
    struct mdl_detect_config c = mdl_detect_config_default();
    err[0] = 0;
    if (mdl_detect_config_parse((const char *)data, size, &c, err, sizeof err) == KWS_OK) {
        struct mdl_detect d;
        if (mdl_detect_init(&d, &c, NULL, 0) != KWS_OK) abort();
    } else if (!err[0]) {
        abort();
    }
    return 0;
}
