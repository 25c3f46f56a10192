/* detections.c: keyword detections as the dashboard shows them: the
 * detector run over a stored score track (models/track.c), in seconds, and
 * as marks on the time axis. */
#include "panels.h"

#include <stdlib.h>

enum kws_status tui_track_detect(const struct mdl_track *t, const struct mdl_detect_config *cfg,
                                 struct tui_detection *out, size_t max, size_t *n_out, char *err,
                                 size_t err_len)
{
    *n_out = 0;
    struct mdl_detection *d = malloc((max ? max : 1) * sizeof *d);
    if (!d) return kws_err(err, err_len, KWS_ERR_NOMEM, "score track: out of memory");
    size_t n = 0;
    enum kws_status st = mdl_track_detect(t, cfg, d, max, &n, err, err_len);
    for (size_t k = 0; st == KWS_OK && k < n; k++)
        out[k] = (struct tui_detection){ d[k].t_ms / 1000.0, d[k].label, d[k].score };
    if (st == KWS_OK) *n_out = n;
    free(d);
    return st;
}

size_t tui_detections_to_marks(const struct tui_detection *d, size_t n, const char *const *labels,
                               int n_labels, struct tui_mark *out, size_t max)
{
    size_t k = 0;
    for (; k < n && k < max; k++) {
        bool known = labels && d[k].label >= 0 && d[k].label < n_labels && labels[d[k].label];
        out[k] = (struct tui_mark){ d[k].t_s, known ? labels[d[k].label] : "?" };
    }
    return k;
}
