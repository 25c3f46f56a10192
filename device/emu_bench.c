/* emu_bench.c: on-device cost of a model without a board. Boots the
 * emulated Cortex-M4F (emu.c) with the model and one second of audio
 * preloaded as the pushed second, asks for its classification `runs` times, reading the
 * per-stage instruction counts and 64 MHz M4 estimates from each RESULT;
 * then reconnects, so the board's INFO carries its stack high-water mark
 * after the classifications. The image's flash and static RAM come from its
 * ELF section headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"

/* ELF32 little endian, as arm-none-eabi-ld writes it */
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* Flash = allocated sections with contents (code, constants, .data's
 * initial values); static RAM = writable allocated sections (.data, .bss). */
enum kws_status dev_emu_image_size(const char *elf, uint32_t *flash, uint32_t *ram, char *err,
                                   size_t err_len)
{
    *flash = *ram = 0;
    FILE *f = fopen(elf, "rb");
    if (!f) return kws_err(err, err_len, KWS_ERR_IO, "%s: cannot open", elf);
    uint8_t h[52], sh[40];
    enum kws_status st = KWS_OK;
    if (fread(h, 1, sizeof h, f) != sizeof h || memcmp(h, "\177ELF\1\1", 6) ||
        le16(h + 46) != sizeof sh) {
        st = kws_err(err, err_len, KWS_ERR_FORMAT, "%s: not a 32-bit little-endian ELF", elf);
        goto out;
    }
    uint32_t off = le32(h + 32);
    for (unsigned i = 0; i < le16(h + 48); i++) {
        if (fseek(f, (long)(off + i * sizeof sh), SEEK_SET) ||
            fread(sh, 1, sizeof sh, f) != sizeof sh) {
            st = kws_err(err, err_len, KWS_ERR_FORMAT, "%s: truncated section headers", elf);
            goto out;
        }
        uint32_t type = le32(sh + 4), flags = le32(sh + 8), size = le32(sh + 20);
        if (!(flags & 2u)) continue;    /* SHF_ALLOC */
        if (type != 8u) *flash += size; /* not SHT_NOBITS: stored in flash */
        if (flags & 1u) *ram += size;   /* SHF_WRITE: lives in RAM */
    }
out:
    fclose(f);
    return st;
}

static void add_run(struct dev_emu_bench *b, const struct dev_result *r)
{
    const uint32_t us[3] = { r->preprocess_us, r->inference_us, r->postprocess_us };
    const uint32_t in[3] = { r->preprocess_instr, r->inference_instr, r->postprocess_instr };
    for (int j = 0; j < 3; j++) {
        struct dev_emu_stage *s = &b->stage[j];
        double ms = us[j] / 1000.0;
        if (!b->runs || ms < s->min_ms) s->min_ms = ms;
        if (!b->runs || ms > s->max_ms) s->max_ms = ms;
        if (!b->runs || in[j] < s->min_instr) s->min_instr = in[j];
        if (!b->runs || in[j] > s->max_instr) s->max_instr = in[j];
        s->avg_ms += (ms - s->avg_ms) / (b->runs + 1);
        s->avg_instr += (in[j] - s->avg_instr) / (b->runs + 1);
    }
    b->runs++;
}

static enum kws_status emu_connect(struct dev_session **s, const char *path, volatile int *stop,
                                   char *err, size_t err_len)
{
    struct dev_session_config c = { 0 };
    c.path = path;
    c.timeout_ms = DEV_EMU_FRAME_TIMEOUT_MS;
    enum kws_status st = dev_session_open(s, &c, dev_now(), err, err_len);
    if (st == KWS_OK) st = dev_session_wait_ready(*s, 60, stop, err, err_len);
    return st;
}

static enum kws_status run(struct dev_emu *e, const struct dev_emu_bench_config *c,
                           struct dev_emu_bench *out, char *err, size_t err_len)
{
    struct dev_session *s = NULL;
    enum kws_status st = emu_connect(&s, dev_emu_path(e), c->stop, err, err_len);
    out->ready_s = dev_now() - out->ready_s;
    double t = dev_now();
    for (int i = 0; st == KWS_OK && i < c->runs; i++) {
        struct dev_event ev;
        if ((st = dev_session_classify(s)) == KWS_OK &&
            (st = dev_session_wait_result(s, 120, c->stop, &ev, err, err_len)) == KWS_OK) {
            if (!ev.result.has_instr) {
                st = kws_err(err, err_len, KWS_ERR_FORMAT,
                             "the emulated board sent no instruction counts");
                break;
            }
            add_run(out, &ev.result);
            memcpy(out->scores, ev.result.scores, sizeof out->scores);
            out->n_scores = ev.result.n_scores;
        }
    }
    out->runs_s = dev_now() - t;
    dev_session_close(s);
    s = NULL;
    /* a new HELLO: INFO now says how deep the stack went while classifying */
    if (st == KWS_OK && (st = emu_connect(&s, dev_emu_path(e), c->stop, err, err_len)) == KWS_OK)
        out->info = *dev_session_info(s);
    dev_session_close(s);
    return st;
}

/* A second of quiet noise (-54 dBFS), the same every time: what a bench
 * that only wants the model's cost and memory classifies. */
static const int16_t *low_noise(void)
{
    static int16_t audio[DEV_BOARD_CLIP];
    uint32_t r = 7;
    for (int i = 0; i < DEV_BOARD_CLIP; i++) {
        r = r * 1664525u + 1013904223u;
        audio[i] = (int16_t)(((int32_t)(r >> 16) - 32768) / 64);
    }
    return audio;
}

/* The audio reaches the board as its preloaded mic (QEMU's loader), not as
 * a push: QEMU's one-byte UART would take seconds for it. */
enum kws_status dev_emu_bench(const struct dev_emu_bench_config *c, struct dev_emu_bench *out,
                              char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    if ((c->audio && !c->n) || c->runs < 1)
        return kws_err(err, err_len, KWS_ERR_ARG, "emulated bench: no audio or no runs");
    struct dev_emu_config ec = { 0 };
    struct mdl_model m = { 0 };
    enum kws_status st = KWS_OK;
    if (c->model_path) {
        if ((st = mdl_model_load(c->model_path, &m, err, err_len)) != KWS_OK) return st;
        const char *base = strrchr(c->model_path, '/');
        ec.model = m.bytes;
        ec.model_n = m.n_bytes;
        ec.model_name = base ? base + 1 : c->model_path;
    } else if (c->model) {
        ec.model = c->model;
        ec.model_n = c->model_n;
        ec.model_name = "bench.tflite";
    }
    ec.reference = c->reference;
    ec.mic = c->audio ? c->audio : low_noise();
    ec.mic_n = c->audio ? c->n : DEV_BOARD_CLIP;
    ec.mic_preload = 1;
    ec.log_path = getenv("KWSCOPE_EMU_LOG");
    struct dev_emu *e = NULL;
    out->ready_s = dev_now();
    st = dev_emu_start(&e, &ec, err, err_len);
    if (c->model_path) mdl_model_free(&m);
    if (st != KWS_OK) return st;
    snprintf(out->elf, sizeof out->elf, "%s", dev_emu_elf(e));
    st = run(e, c, out, err, err_len);
    dev_emu_stop(e);
    if (st == KWS_OK)
        st = dev_emu_image_size(out->elf, &out->image_flash, &out->image_ram, err, err_len);
    return st;
}
