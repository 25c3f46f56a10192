/* source.c: the thin dispatch layer over struct cap_source_ops, so callers
 * never touch the table and samples_read is kept in one place. */
#include "capture.h"

#include <string.h>

enum kws_status cap_source_start(struct cap_source *s, char *err, size_t err_len)
{
    if (!s || !s->ops || !s->ops->start) return kws_err(err, err_len, KWS_ERR_ARG, "no source");
    return s->ops->start(s, err, err_len);
}

void cap_source_stop(struct cap_source *s)
{
    if (s && s->ops && s->ops->stop) s->ops->stop(s);
}

size_t cap_source_read(struct cap_source *s, int16_t *out, size_t max)
{
    if (!s || !s->ops || !s->ops->read || !max) return 0;
    size_t n = s->ops->read(s, out, max);
    s->samples_read += n;
    return n;
}

int cap_source_finished(struct cap_source *s)
{
    return !s || !s->ops || !s->ops->finished || s->ops->finished(s);
}

void cap_source_counters(struct cap_source *s, struct cap_counters *c)
{
    memset(c, 0, sizeof *c);
    if (!s) return;
    if (s->ops && s->ops->counters) s->ops->counters(s, c);
    c->samples_read = s->samples_read;
}

void cap_source_close(struct cap_source *s)
{
    if (!s) return;
    cap_source_stop(s);
    if (s->ops && s->ops->destroy) s->ops->destroy(s);
}
