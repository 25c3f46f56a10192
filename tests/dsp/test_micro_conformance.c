/* test_micro_conformance.c: the micro frontend against the shared conformance
 * set (../shared/conformance/): every frame of every clip, uint16 frontend
 * output and int8 features, bit for bit; the window, twiddle, PCAN gain and
 * log tables against frontend_tables.json. Skips (77) without ../shared/. */
#include <stdint.h>

#include "dsp.h"
#include "test.h"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(n > 0 ? (size_t)n : 1);
    *len = fread(b, 1, (size_t)(n > 0 ? n : 0), f);
    fclose(f);
    return b;
}

static uint32_t le32(const unsigned char *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Minimal RIFF/WAVE reader: PCM 16-bit mono only; returns samples (malloc). */
static int16_t *read_wav(const char *path, size_t *n)
{
    size_t len;
    unsigned char *b = slurp(path, &len);
    if (!b || len < 12 || memcmp(b, "RIFF", 4) || memcmp(b + 8, "WAVE", 4)) {
        free(b);
        return NULL;
    }
    int16_t *out = NULL;
    int fmt_ok = 0;
    for (size_t p = 12; p + 8 <= len;) {
        uint32_t sz = le32(b + p + 4);
        if (p + 8 + sz > len) break;
        if (!memcmp(b + p, "fmt ", 4) && sz >= 16)
            fmt_ok = (b[p + 8] | b[p + 9] << 8) == 1 && (b[p + 10] | b[p + 11] << 8) == 1 &&
                (b[p + 22] | b[p + 23] << 8) == 16;
        if (!memcmp(b + p, "data", 4) && fmt_ok) {
            *n = sz / 2;
            out = malloc(*n * 2 + 2);
            for (size_t i = 0; i < *n; i++)
                out[i] = (int16_t)(uint16_t)(b[p + 8 + 2 * i] | b[p + 9 + 2 * i] << 8);
            break;
        }
        p += 8 + sz + (sz & 1);
    }
    free(b);
    return out;
}

static void check_clip(const char *name)
{
    char p[4096], rel[256];
    size_t n = 0, ulen = 0, ilen = 0;
    snprintf(rel, sizeof rel, "conformance/%s.wav", name);
    int16_t *s = read_wav(SHARED_PATH(rel, p), &n);
    CHECK(s != NULL);
    if (!s) return;
    snprintf(rel, sizeof rel, "conformance/%s.frontend_u16.bin", name);
    unsigned char *u = slurp(SHARED_PATH(rel, p), &ulen);
    snprintf(rel, sizeof rel, "conformance/%s.features_i8.bin", name);
    unsigned char *f8 = slurp(SHARED_PATH(rel, p), &ilen);
    CHECK(u && f8);
    struct dsp_micro_config cfg = dsp_micro_config_default();
    uint16_t *out = NULL;
    size_t frames = 0;
    char err[256];
    CHECK_INT(dsp_micro_clip(&cfg, s, n, &out, &frames, err, sizeof err), KWS_OK);
    CHECK_INT(frames, dsp_micro_frame_count(&cfg, n));
    CHECK_INT(frames * 40 * 2, ulen);
    CHECK_INT(frames * 40, ilen);
    int bad_u = 0, bad_i = 0;
    for (size_t k = 0; u && f8 && out && k < frames * 40 && k * 2 + 1 < ulen && k < ilen; k++) {
        uint16_t want = (uint16_t)(u[2 * k] | u[2 * k + 1] << 8);
        if (out[k] != want && bad_u++ < 5)
            fprintf(stderr, "%s frame %zu ch %zu: u16 %u, want %u\n", name, k / 40, k % 40, out[k],
                    want);
        if (dsp_micro_to_int8(out[k]) != (int8_t)f8[k] && bad_i++ < 5)
            fprintf(stderr, "%s frame %zu ch %zu: int8 %d, want %d\n", name, k / 40, k % 40,
                    dsp_micro_to_int8(out[k]), (int8_t)f8[k]);
    }
    CHECK_INT(bad_u, 0);
    CHECK_INT(bad_i, 0);
    fprintf(stderr, "%s: %zu frames, %d u16 / %d int8 mismatches\n", name, frames, bad_u, bad_i);
    free(s);
    free(u);
    free(f8);
    free(out);
}

/* Numbers of the JSON array after "key": (nested arrays flattened, null ->
 * INT32_MIN). A tiny scanner, enough for frontend_tables.json. */
static size_t json_ints(const char *text, const char *key, int32_t *v, size_t max)
{
    char k[128];
    snprintf(k, sizeof k, "\"%s\"", key);
    const char *p = strstr(text, k);
    if (!p || !(p = strchr(p + strlen(k), '['))) return 0;
    size_t n = 0;
    int depth = 0;
    for (; *p; p++) {
        if (*p == '[')
            depth++;
        else if (*p == ']' && --depth == 0)
            break;
        else if ((*p == '-' || (*p >= '0' && *p <= '9')) && n < max) {
            char *end;
            v[n++] = (int32_t)strtol(p, &end, 10);
            p = end - 1;
        } else if (*p == 'n' && n < max) {
            v[n++] = INT32_MIN;
            p += 3;
        }
    }
    return n;
}

/* The tables dsp_micro_init builds equal the reference's. */
static void check_tables(void)
{
    char p[4096];
    size_t len = 0;
    char *text = (char *)slurp(SHARED_PATH("conformance/frontend_tables.json", p), &len);
    CHECK(text != NULL);
    if (!text) return;
    text = realloc(text, len + 1);
    text[len] = 0;
    static struct dsp_micro_state st;
    struct dsp_micro_config cfg = dsp_micro_config_default();
    char err[256];
    CHECK_INT(dsp_micro_init(&st, &cfg, err, sizeof err), KWS_OK);
    static int32_t v[1024];
    size_t n = json_ints(text, "window_q12", v, 1024);
    CHECK_INT(n, 480);
    for (size_t i = 0; i < n && i < 480; i++) CHECK_INT(st.window_q12[i], v[i]);
    CHECK_INT(st.window_q12[17], 53);
    n = json_ints(text, "twiddles_q15", v, 1024);
    CHECK_INT(n, 512);
    for (size_t i = 0; i + 1 < n && i / 2 < 256; i += 2) {
        CHECK_INT(st.twiddle[i / 2].r, v[i]);
        CHECK_INT(st.twiddle[i / 2].i, v[i + 1]);
    }
    n = json_ints(text, "super_twiddles_q15", v, 1024);
    CHECK_INT(n, 256);
    for (size_t i = 0; i + 1 < n && i / 2 < 128; i += 2) {
        /* kissfft's super_twiddles[j] is split_tw at index j + 1 */
        CHECK_INT(st.split_tw_r[i / 2 + 1], v[i]);
        CHECK_INT(st.split_tw_i[i / 2 + 1], v[i + 1]);
    }
    n = json_ints(text, "gain_lut", v, 1024);
    CHECK_INT(n, 125);
    for (size_t i = 0; i < n && i < 125; i++)
        if (v[i] != INT32_MIN) CHECK_INT(st.gain_lut[i], v[i]);
    n = json_ints(text, "log_lut_q16", v, 1024);
    CHECK(n >= 129);
    for (size_t i = 0; i < n && i < 129; i++) CHECK_INT(st.log_lut[i], v[i]);
    CHECK_INT(st.start_bin, 5);
    CHECK_INT(st.end_bin, 241);
    /* segments: weights then unweights per segment, in bin order */
    const char *seg = strstr(text, "\"segments\"");
    int bad = 0;
    for (int s = 0; seg && s <= 40; s++) {
        int32_t w[300], u[300], bins[2];
        seg = strstr(seg, "\"bins\"");
        if (!seg) break;
        CHECK_INT(json_ints(seg, "bins", bins, 2), 2);
        size_t nw = json_ints(seg, "weights_q12", w, 300),
               nu = json_ints(seg, "unweights_q12", u, 300);
        CHECK_INT(nw, (size_t)(bins[1] - bins[0] + 1));
        CHECK_INT(nu, nw);
        for (size_t j = 0; j < nw && j < nu; j++) {
            int b = bins[0] + (int)j;
            if (st.seg[b] != s || st.weight_q12[b] != w[j] || st.unweight_q12[b] != u[j]) {
                fprintf(stderr, "bin %d: segment %d weights %d/%d, want %d %d/%d\n", b, st.seg[b],
                        st.weight_q12[b], st.unweight_q12[b], s, w[j], u[j]);
                bad++;
            }
        }
        seg += 6;
    }
    CHECK_INT(bad, 0);
    free(text);
}

int main(void)
{
    test_require_shared();
    check_tables();
    static const char *clips[] = { "yes_1000ms",   "no_1000ms", "silence_1000ms",
                                   "noise_1000ms", "yes_30ms",  "no_30ms" };
    for (size_t i = 0; i < sizeof clips / sizeof *clips; i++) check_clip(clips[i]);
    return test_done();
}
