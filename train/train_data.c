/* train_data.c: a keyword data set in the Speech Commands layout, in memory.
 *
 * DIR/<word>/ holds one word's WAV clips; folders named in `words` are those
 * classes, every other folder is _unknown_; DIR/_silence_/ (if present) is
 * silence; DIR/_background_noise_/ holds long noise files for
 * augmentation (and the source of silence when there is no _silence_ folder,
 * as TF's input_data.py does). Class order is TF's: _silence_, _unknown_,
 * then the words. The partition of each file follows mdl_split_of().
 *
 * models/ sits below capture/, so this has its own small WAV reader: PCM
 * 16-bit, mono, 16 kHz (what Speech Commands and tools/make_dataset.py
 * write). Clips are padded with zeros or cut to 1 s. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dsp/dsp.h"
#include "train.h"

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

enum kws_status mdl_wav_read(const char *path, int16_t **out, size_t *n, char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return kws_err(err, err_len, KWS_ERR_IO, "%s: cannot open", path);
    uint8_t h[12];
    enum kws_status st = KWS_ERR_FORMAT;
    int fmt_ok = 0;
    if (fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) || memcmp(h + 8, "WAVE", 4)) {
        fclose(f);
        return kws_err(err, err_len, st, "%s: not a RIFF/WAVE file", path);
    }
    for (;;) {
        uint8_t c[8];
        if (fread(c, 1, 8, f) != 8) break;
        uint32_t len = le32(c + 4);
        if (!memcmp(c, "fmt ", 4)) {
            uint8_t fm[16];
            if (len < 16 || fread(fm, 1, 16, f) != 16) break;
            if (le16(fm) != 1 || le16(fm + 2) != 1 || le32(fm + 4) != KWS_RATE_HZ ||
                le16(fm + 14) != 16) {
                fclose(f);
                return kws_err(err, err_len, KWS_ERR_UNSUPPORTED,
                               "%s: training needs 16-bit PCM mono 16 kHz WAV", path);
            }
            fmt_ok = 1;
            if (fseek(f, (long)(len - 16 + (len & 1)), SEEK_CUR)) break;
        } else if (!memcmp(c, "data", 4)) {
            if (!fmt_ok || len > 64u * 1024 * 1024) break;
            size_t cnt = len / 2;
            int16_t *s = malloc(cnt ? cnt * 2 : 2);
            if (!s) {
                fclose(f);
                return kws_err(err, err_len, KWS_ERR_NOMEM, "%s: out of memory", path);
            }
            size_t got = fread(s, 2, cnt, f);
            for (size_t i = 0; i < got; i++) {
                uint8_t *b = (uint8_t *)&s[i];
                s[i] = (int16_t)le16(b);
            }
            fclose(f);
            *out = s;
            *n = got;
            return KWS_OK;
        } else if (fseek(f, (long)(len + (len & 1)), SEEK_CUR)) {
            break;
        }
    }
    fclose(f);
    return kws_err(err, err_len, st, "%s: no PCM data chunk", path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of a directory (so loading order, and training, is
 * deterministic whatever the file system returns). */
static char **list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (!d) return NULL;
    size_t cap = 64;
    char **v = malloc(cap * sizeof *v);
    struct dirent *e;
    while (v && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (*n == cap) {
            char **nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv) break;
            v = nv;
        }
        v[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (v) qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static int is_wav(const char *name)
{
    size_t l = strlen(name);
    return l > 4 && !strcmp(name + l - 4, ".wav");
}

static enum kws_status add_clip(struct mdl_dataset *ds, const char *path, int label, int16_t *s,
                                size_t n, char *err, size_t err_len)
{
    if (ds->n == ds->cap) {
        size_t cap = ds->cap ? ds->cap * 2 : 256;
        struct mdl_clip *c = realloc(ds->clips, cap * sizeof *c);
        if (!c) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
        ds->clips = c;
        ds->cap = cap;
    }
    struct mdl_clip *c = &ds->clips[ds->n++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", path);
    c->label = label;
    c->split = mdl_split_of(path, ds->val_pct, ds->test_pct);
    if (s) memcpy(c->samples, s, (n < MDL_CLIP_SAMPLES ? n : MDL_CLIP_SAMPLES) * sizeof *s);
    return KWS_OK;
}

enum kws_status mdl_dataset_load(const char *dir, const char *const *words, int n_words,
                                 struct mdl_dataset *ds, char *err, size_t err_len)
{
    if (n_words < 1 || n_words + 2 > MDL_TC_MAX_CLASSES)
        return kws_err(err, err_len, KWS_ERR_ARG, "need 1 to %d words", MDL_TC_MAX_CLASSES - 2);
    double vp = ds->val_pct, tp = ds->test_pct;
    memset(ds, 0, sizeof *ds);
    ds->val_pct = vp > 0 ? vp : 10.0;
    ds->test_pct = tp > 0 ? tp : 10.0;
    ds->n_classes = n_words + 2;
    snprintf(ds->labels[0], sizeof ds->labels[0], "_silence_");
    snprintf(ds->labels[1], sizeof ds->labels[1], "_unknown_");
    for (int i = 0; i < n_words; i++)
        snprintf(ds->labels[i + 2], sizeof ds->labels[i + 2], "%s", words[i]);

    size_t nd;
    char **sub = list_dir(dir, &nd);
    if (!sub) return kws_err(err, err_len, KWS_ERR_IO, "%s: cannot read directory", dir);
    enum kws_status st = KWS_OK;
    int have_silence = 0;
    char path[4096];
    for (size_t i = 0; i < nd && st == KWS_OK; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, sub[i]);
        struct stat sb;
        if (stat(path, &sb) || !S_ISDIR(sb.st_mode)) continue;
        int label = 1, noise = !strcmp(sub[i], "_background_noise_");
        if (!strcmp(sub[i], "_silence_")) {
            label = 0;
            have_silence = 1;
        }
        for (int w = 0; w < n_words; w++)
            if (!strcmp(sub[i], words[w])) label = w + 2;
        size_t nf;
        char **files = list_dir(path, &nf);
        for (size_t j = 0; j < nf && st == KWS_OK; j++) {
            if (!is_wav(files[j])) continue;
            char fp[4096 + 256];
            snprintf(fp, sizeof fp, "%s/%s", path, files[j]);
            int16_t *s;
            size_t n;
            st = mdl_wav_read(fp, &s, &n, err, err_len);
            if (st != KWS_OK) break;
            if (noise) {
                if (ds->n_noise < MDL_MAX_NOISE && n >= MDL_CLIP_SAMPLES) {
                    ds->noise[ds->n_noise] = s;
                    ds->noise_len[ds->n_noise++] = n;
                } else {
                    free(s);
                }
                continue;
            }
            st = add_clip(ds, fp, label, s, n, err, err_len);
            free(s);
        }
        free_list(files, nf);
    }
    free_list(sub, nd);
    if (st != KWS_OK) {
        mdl_dataset_free(ds);
        return st;
    }
    /* No _silence_ folder: silent clips (zeros; augmentation adds the
     * background), 10% of the data as in TF's silence_percentage. */
    if (!have_silence) {
        size_t k = ds->n / 10;
        for (size_t i = 0; i < k && st == KWS_OK; i++) {
            snprintf(path, sizeof path, "%s/_silence_/silence%zu_nohash_0.wav", dir, i);
            st = add_clip(ds, path, 0, NULL, 0, err, err_len);
        }
    }
    for (int c = 0; c < ds->n_classes; c++) {
        int seen = 0;
        for (size_t i = 0; i < ds->n && !seen; i++)
            seen = ds->clips[i].label == c && ds->clips[i].split == MDL_SPLIT_TRAIN;
        if (!seen && st == KWS_OK)
            st = kws_err(err, err_len, KWS_ERR_FORMAT, "%s: no training clips for class %s", dir,
                         ds->labels[c]);
    }
    if (st != KWS_OK) mdl_dataset_free(ds);
    return st;
}

void mdl_dataset_free(struct mdl_dataset *ds)
{
    free(ds->clips);
    for (size_t i = 0; i < ds->n_noise; i++) free(ds->noise[i]);
    memset(ds, 0, sizeof *ds);
}

enum kws_status mdl_clip_features(const struct mdl_dataset *ds, const struct mdl_clip *c,
                                  struct mdl_rng *aug, float *x, uint16_t *u16, char *err,
                                  size_t err_len)
{
    static const struct dsp_micro_config *cfgp;
    static struct dsp_micro_config cfg;
    if (!cfgp) {
        cfg = dsp_micro_config_default();
        cfgp = &cfg;
    }
    int16_t buf[MDL_STREAM_MAX];
    const int16_t *in = c->samples;
    size_t n_in = MDL_CLIP_SAMPLES;
    if (aug && ds->stream_aug && mdl_rng_uniform(aug) < 0.35) {
        n_in = mdl_stream_example(ds, c, aug, buf);
        in = buf;
    } else if (aug) {
        /* TF speech_commands augmentation: shift by up to +-100 ms (zero
         * fill); background noise in 80% of clips at volume U(0, 0.1). TF
         * also mixes noise at U(0, 1) into every silence clip because its
         * silence clips are zeros; ours carry their own (often very quiet)
         * noise, and loud noise on all of them left no quiet silence to
         * learn from, so silence follows the common rule. */
        int shift = (int)(mdl_rng_next(aug) % (2 * MDL_SHIFT_MAX + 1)) - MDL_SHIFT_MAX;
        double vol = 0.0;
        const int16_t *noise = NULL;
        if (ds->n_noise) {
            size_t k = (size_t)(mdl_rng_next(aug) % ds->n_noise);
            size_t off = (size_t)(mdl_rng_next(aug) % (ds->noise_len[k] - MDL_CLIP_SAMPLES + 1));
            noise = ds->noise[k] + off;
            double u = mdl_rng_uniform(aug), v = mdl_rng_uniform(aug);
            if (u < 0.8) vol = 0.1 * v;
        }
        for (int i = 0; i < MDL_CLIP_SAMPLES; i++) {
            int j = i - shift;
            double s = (j >= 0 && j < MDL_CLIP_SAMPLES) ? c->samples[j] : 0.0;
            if (noise) s += vol * noise[i];
            s = s > 32767.0 ? 32767.0 : s < -32768.0 ? -32768.0 : s;
            buf[i] = (int16_t)s;
        }
        in = buf;
    }
    uint16_t *f = NULL;
    size_t frames = 0;
    enum kws_status st = dsp_micro_clip(cfgp, in, n_in, &f, &frames, err, err_len);
    if (st != KWS_OK) return st;
    if (frames > MDL_TC_IN_H) { /* context first: keep the window's frames */
        memmove(f, f + (frames - MDL_TC_IN_H) * KWS_FEATURE_CHANNELS, MDL_TC_IN * sizeof *f);
        frames = MDL_TC_IN_H;
    }
    if (frames != MDL_TC_IN_H) {
        free(f);
        return kws_err(err, err_len, KWS_ERR_FORMAT, "micro frontend gave %zu frames, want %d",
                       frames, MDL_TC_IN_H);
    }
    for (int i = 0; i < MDL_TC_IN; i++) x[i] = (float)f[i] / MDL_FEATURE_DIV;
    if (u16) memcpy(u16, f, MDL_TC_IN * sizeof *u16);
    free(f);
    return KWS_OK;
}
