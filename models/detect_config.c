/* detect_config.c: the detector settings that travel with a model.
 *
 * A model's detector threshold, window, suppression and minimum count are
 * properties of that model (its scores' scale and sharpness), so `kwscope
 * calibrate` stores them beside it in a sidecar, and everything that runs
 * the model reads them: classify, the dashboard, the virtual board. Text,
 * "key value" lines, so a person can read, diff and edit it, and a firmware
 * build can turn it into four #defines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models.h"

void mdl_detect_sidecar_path(const char *model_path, char *out, size_t len)
{
    static const char *const exts[] = { ".tflite", ".cc", ".h", ".cpp" };
    size_t n = strlen(model_path);
    const char *slash = strrchr(model_path, '/');
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && !strcmp(model_path + n - e, exts[i]) &&
            (!slash || model_path + n - e > slash + 1)) {
            n -= e;
            break;
        }
    }
    snprintf(out, len, "%.*s.detect", (int)n, model_path);
}

static const struct {
    const char *key;
    size_t off;
    long lo, hi;
} fields[] = {
    { "threshold", offsetof(struct mdl_detect_config, threshold), 0, 255 },
    { "window_ms", offsetof(struct mdl_detect_config, window_ms), 0, 600000 },
    { "suppression_ms", offsetof(struct mdl_detect_config, suppression_ms), 0, 600000 },
    { "min_count", offsetof(struct mdl_detect_config, min_count), 1, MDL_DETECT_QUEUE },
};

enum kws_status mdl_detect_config_parse(const char *text, size_t n, struct mdl_detect_config *cfg,
                                        char *err, size_t err_len)
{
    struct mdl_detect_config c = *cfg;
    long line = 0;
    for (size_t pos = 0; pos < n;) {
        size_t e = pos;
        while (e < n && text[e] != '\n') e++;
        line++;
        char buf[160];
        size_t len = e - pos;
        if (len >= sizeof buf || memchr(text + pos, 0, len))
            return kws_err(err, err_len, KWS_ERR_FORMAT, "detector settings line %ld: unreadable",
                           line);
        memcpy(buf, text + pos, len);
        buf[len] = 0;
        pos = e + 1;
        char *h = strchr(buf, '#');
        if (h) *h = 0;
        char key[32], extra[2];
        long v;
        int got = sscanf(buf, " %31[a-z_] %ld %1s", key, &v, extra);
        if (got <= 0 && !strpbrk(buf, "0123456789abcdefghijklmnopqrstuvwxyz=,.-+"))
            continue; /* blank or comment */
        size_t f = 0;
        while (got == 2 && f < sizeof fields / sizeof fields[0] && strcmp(key, fields[f].key)) f++;
        if (got != 2 || f == sizeof fields / sizeof fields[0])
            return kws_err(err, err_len, KWS_ERR_FORMAT,
                           "detector settings line %ld: want 'threshold|window_ms|suppression_ms|"
                           "min_count INTEGER'",
                           line);
        if (v < fields[f].lo || v > fields[f].hi)
            return kws_err(err, err_len, KWS_ERR_FORMAT,
                           "detector settings line %ld: %s %ld outside %ld..%ld", line, key, v,
                           fields[f].lo, fields[f].hi);
        *(int32_t *)((char *)&c + fields[f].off) = (int32_t)v;
    }
    *cfg = c;
    return KWS_OK;
}

enum kws_status mdl_detect_config_load(const char *model_path, struct mdl_detect_config *cfg,
                                       unsigned keep, bool *found, char *err, size_t err_len)
{
    char path[4096], text[4096];
    if (found) *found = false;
    mdl_detect_sidecar_path(model_path, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? KWS_OK
                               : kws_err(err, err_len, KWS_ERR_IO, "%s: cannot open", path);
    size_t n = fread(text, 1, sizeof text, f);
    int bad = ferror(f) || n == sizeof text;
    fclose(f);
    if (bad)
        return kws_err(err, err_len, KWS_ERR_FORMAT, "%s: unreadable or larger than %zu bytes",
                       path, sizeof text - 1);
    struct mdl_detect_config c = *cfg;
    char e2[200];
    if (mdl_detect_config_parse(text, n, &c, e2, sizeof e2) != KWS_OK)
        return kws_err(err, err_len, KWS_ERR_FORMAT, "%s: %s", path, e2);
    if (!(keep & MDL_DETECT_SET_THRESHOLD)) cfg->threshold = c.threshold;
    if (!(keep & MDL_DETECT_SET_WINDOW)) cfg->window_ms = c.window_ms;
    if (!(keep & MDL_DETECT_SET_SUPPRESSION)) cfg->suppression_ms = c.suppression_ms;
    if (!(keep & MDL_DETECT_SET_MIN_COUNT)) cfg->min_count = c.min_count;
    if (found) *found = true;
    return KWS_OK;
}

void mdl_detect_config_format(const struct mdl_detect_config *cfg, const char *note, char *out,
                              size_t len)
{
    snprintf(out, len,
             "# kwscope detector settings (micro_speech's RecognizeCommands parameters)\n"
             "%s%s%s"
             "threshold %d\nwindow_ms %d\nsuppression_ms %d\nmin_count %d\n",
             note ? "# " : "", note ? note : "", note ? "\n" : "", (int)cfg->threshold,
             (int)cfg->window_ms, (int)cfg->suppression_ms, (int)cfg->min_count);
}

enum kws_status mdl_detect_config_save(const char *model_path, const struct mdl_detect_config *cfg,
                                       const char *note, bool force, char *err, size_t err_len)
{
    char path[4096], tmp[4200], text[1024];
    mdl_detect_sidecar_path(model_path, path, sizeof path);
    if (!force && access(path, F_OK) == 0)
        return kws_err(err, err_len, KWS_ERR_IO, "%s exists (use --force to replace it)", path);
    char safe[400] = "";
    for (size_t i = 0; note && note[i] && i + 1 < sizeof safe; i++) /* one comment line */
        safe[i] = (note[i] == '\n' || note[i] == '\r') ? ' ' : note[i];
    mdl_detect_config_format(cfg, note ? safe : NULL, text, sizeof text);
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) return kws_err(err, err_len, KWS_ERR_IO, "%s: cannot create", tmp);
    int bad = fputs(text, f) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return kws_err(err, err_len, KWS_ERR_IO, "%s: write failed", path);
    }
    return KWS_OK;
}
