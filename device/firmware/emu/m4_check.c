/* m4_check.c: a test image for QEMU's Cortex-M4F (mps2-an386) that pins the
 * DSP-extension paths (models/kernels_m4.c) against the portable kernels
 * and counts the pipeline's instructions per stage. The portable kernels
 * (kernels_conv.c, kernels_dw1.c) are compiled into the same image a second
 * time with -DKWS_NO_M4_DSP and their names prefixed ref_ (m4_dsp.sh).
 *
 * 1. random depthwise (one input channel) and fully connected cases, shapes,
 *    paddings, strides, dilations and extreme values, fast vs portable;
 * 2. when the host loaded a model and a clip at M4C_SLOT: the clip's features
 *    and scores through the board's pipeline (device/board_pipeline.c), as
 *    hex, with the instructions each stage executed (-icount shift=0: one
 *    ns of virtual time per instruction, SysTick counts 40 ns).
 * Output on the UART; the image ends with a semihosting exit. */
#include <stdio.h>
#include <string.h>

#include "device/device.h"
#include "emu.h"

void ref_dwconv_i8(const struct mdl_conv_geom *g, const struct mdl_rq *q, const int8_t *in,
                   const int8_t *w, const int32_t *bias, int8_t *out);
void ref_fc_i8(int rows, int in_n, int out_n, const struct mdl_rq *q, const int8_t *in,
               const int8_t *w, const int32_t *bias, int8_t *out);

#define M4C_SLOT 0x21000000u
#define M4C_MAGIC 0x4B43344Du /* "M4CK" */
struct m4c_slot {
    uint32_t magic, model_len, n_samples, reserved;
    /* model bytes at offset 16, int16 samples after them (4-byte aligned) */
};

static uint32_t rng = 0x12345678u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}
static int rnd_in(int lo, int hi)
{
    return lo + (int)(rnd() % (uint32_t)(hi - lo + 1));
}

/* int8 data: uniform, or all at one extreme, or extremes mixed */
static void fill_i8(int8_t *p, size_t n)
{
    int mode = rnd_in(0, 5);
    for (size_t i = 0; i < n; i++)
        p[i] = mode == 0 ? -128
            : mode == 1  ? 127
            : mode == 2  ? (rnd() & 1 ? 127 : -128)
                         : (int8_t)rnd();
}

static int32_t mults[64], biases[64];
static int shifts[64];
static void fill_rq(struct mdl_rq *q, int n, int small_acc)
{
    q->in_offset = rnd_in(-127, 128);
    q->w_offset = 0;
    q->out_offset = rnd_in(-128, 127);
    q->act_min = rnd_in(0, 3) ? -128 : rnd_in(-128, 0);
    q->act_max = rnd_in(0, 3) ? 127 : rnd_in(0, 127);
    q->per_channel = rnd_in(0, 1);
    for (int c = 0; c < n; c++) {
        mults[c] = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
        shifts[c] = small_acc ? rnd_in(-12, 1) : rnd_in(-20, -6);
        biases[c] = (int32_t)(rnd() % 200001u) - 100000;
    }
    q->mult = mults;
    q->shift = shifts;
}

/* word aligned: the frontend check reuses them as int16 / uint16 buffers */
static _Alignas(4) int8_t in_buf[64 * 64], w_buf[4096 * 16], out_a[16384], out_b[16384];

static int check_dw(void)
{
    struct mdl_conv_geom g = { 0 };
    g.batch = 1;
    g.in_c = 1;
    g.in_h = rnd_in(1, 60);
    g.in_w = rnd_in(1, 50);
    g.k_h = rnd_in(1, 10);
    g.k_w = rnd_in(1, 12);
    g.stride_h = rnd_in(1, 3);
    g.stride_w = rnd_in(1, 3);
    g.dil_h = rnd_in(0, 3) ? 1 : 2;
    g.dil_w = rnd_in(0, 3) ? 1 : 2;
    g.depth_mul = rnd_in(1, 20);
    enum mdl_padding pad = rnd_in(0, 1) ? MDL_PAD_SAME : MDL_PAD_VALID;
    mdl_conv_out_size(pad, g.in_h, g.k_h, g.stride_h, g.dil_h, &g.out_h, &g.pad_top);
    mdl_conv_out_size(pad, g.in_w, g.k_w, g.stride_w, g.dil_w, &g.out_w, &g.pad_left);
    size_t n_out = (size_t)g.out_h * g.out_w * g.depth_mul;
    if (g.out_h < 1 || g.out_w < 1 || n_out > sizeof out_a) return 0;
    struct mdl_rq q;
    fill_rq(&q, g.depth_mul, 1);
    fill_i8(in_buf, (size_t)g.in_h * g.in_w);
    fill_i8(w_buf, (size_t)g.k_h * g.k_w * g.depth_mul);
    const int32_t *bias = rnd_in(0, 4) ? biases : NULL;
    memset(out_a, 0x55, n_out);
    memset(out_b, 0x2A, n_out);
    mdl_dwconv_i8(&g, &q, in_buf, w_buf, bias, out_a);
    ref_dwconv_i8(&g, &q, in_buf, w_buf, bias, out_b);
    return memcmp(out_a, out_b, n_out) != 0;
}

static int check_fc(void)
{
    int rows = rnd_in(1, 3), in_n = rnd_in(1, 1100), out_n = rnd_in(1, 13);
    if (rnd_in(0, 3) == 0) in_n = 4000, rows = 1;
    if ((size_t)rows * in_n > sizeof in_buf || (size_t)in_n * out_n > sizeof w_buf) return 0;
    struct mdl_rq q;
    fill_rq(&q, out_n, 0);
    q.per_channel = false;
    q.w_offset = rnd_in(0, 1) ? 0 : rnd_in(-127, 128);
    fill_i8(in_buf, (size_t)rows * in_n);
    fill_i8(w_buf, (size_t)in_n * out_n);
    const int32_t *bias = rnd_in(0, 4) ? biases : NULL;
    size_t n_out = (size_t)rows * out_n;
    memset(out_a, 0x55, n_out);
    memset(out_b, 0x2A, n_out);
    /* the weights may start at any byte: the fast path's loads are unaligned */
    int skew = rnd_in(0, 3);
    memmove(w_buf + skew, w_buf, (size_t)in_n * out_n);
    mdl_fc_i8(rows, in_n, out_n, &q, in_buf, w_buf + skew, bias, out_a);
    ref_fc_i8(rows, in_n, out_n, &q, in_buf, w_buf + skew, bias, out_b);
    return memcmp(out_a, out_b, n_out) != 0;
}

/* The micro frontend, M4 paths against the portable build (ref_), on 1 s
 * signals: uniform noise, full-scale extremes (-32768 included), silence,
 * quiet noise, a loud square wave; both fed in random chunk sizes. */
enum kws_status ref_dsp_micro_init(struct dsp_micro_state *st, const struct dsp_micro_config *cfg,
                                   char *err, size_t err_len);
size_t ref_dsp_micro_feed(struct dsp_micro_state *st, const int16_t *samples, size_t n,
                          size_t *consumed, uint16_t *out_u16, size_t max_frames);
static struct dsp_micro_state fe_a, fe_b;
/* RAM is the nRF52840's: the signal and outputs live in the kernel
 * checks' buffers (static RAM plus the model's heap must fit 256 KB) */
#define fe_sig ((int16_t *)(void *)w_buf)
#define fe_out_a ((uint16_t *)(void *)out_a)
#define fe_out_b ((uint16_t *)(void *)out_b)

static int check_frontend(int kind)
{
    for (int i = 0; i < KWS_RATE_HZ; i++) {
        int16_t v = (int16_t)rnd();
        fe_sig[i] = kind == 0 ? v
            : kind == 1       ? (rnd() & 1 ? 32767 : -32768)
            : kind == 2       ? 0
            : kind == 3       ? (int16_t)(v >> 12)
                              : ((i / 23) & 1 ? 32767 : -32768);
    }
    struct dsp_micro_config cfg = dsp_micro_config_default();
    char err[96];
    if (dsp_micro_init(&fe_a, &cfg, err, sizeof err) != KWS_OK ||
        ref_dsp_micro_init(&fe_b, &cfg, err, sizeof err) != KWS_OK)
        return 1;
    size_t fa = 0, fb = 0, pos = 0;
    while (pos < KWS_RATE_HZ) {
        size_t take = (size_t)rnd_in(1, 700);
        if (take > KWS_RATE_HZ - pos) take = KWS_RATE_HZ - pos;
        size_t used;
        fa += dsp_micro_feed(&fe_a, fe_sig + pos, take, &used, fe_out_a + fa * 40, 50 - fa);
        fb += ref_dsp_micro_feed(&fe_b, fe_sig + pos, take, NULL, fe_out_b + fb * 40, 50 - fb);
        pos += used;
    }
    return fa != fb || fa < 49 || memcmp(fe_out_a, fe_out_b, fa * 40 * sizeof *fe_out_a) != 0;
}

static void say(const char *s)
{
    emu_uart_puts(s);
}

static void hex_line(const char *tag, const int8_t *p, size_t n)
{
    static char line[2 * 2048 + 32];
    int k = snprintf(line, sizeof line, "%s ", tag);
    for (size_t i = 0; i < n && (size_t)k + 3 < sizeof line; i++)
        k += snprintf(line + k, sizeof line - (size_t)k, "%02x", (uint8_t)p[i]);
    snprintf(line + k, sizeof line - (size_t)k, "\n");
    say(line);
}

static uint64_t instr_now(void)
{
    return emu_ticks() * EMU_NS_PER_TICK;
}

/* Profile mode (slot reserved = sampling period in ticks): SysTick from a
 * vector table copied to RAM samples the interrupted PC (stacked at
 * MSP + 24 in the exception frame) every period; the host maps the PCs to
 * functions. Instruction counts are not valid in this mode. */
#define M4C_SAMPLES 8192
/* in the kernel checks' buffer, which run_clip no longer needs */
#define samples ((uint32_t *)(void *)w_buf)
static uint32_t n_samples;
static uint32_t vtor_ram[18] __attribute__((aligned(128)));

__attribute__((naked)) static void sample_tick(void)
{
    __asm volatile("ldr r0, [sp, #24]\n"
                   "b sample_pc\n");
}

void sample_pc(uint32_t pc);
__attribute__((used)) void sample_pc(uint32_t pc)
{
    (void)*(volatile uint32_t *)0xE000E010u;
    if (n_samples < M4C_SAMPLES) samples[n_samples++] = pc;
}

static void profile_start(uint32_t period)
{
    const volatile uint32_t *vt =
        (const volatile uint32_t *)(uintptr_t) * (volatile uint32_t *)0xE000ED08u;
    for (int i = 0; i < 18; i++) vtor_ram[i] = vt[i];
    vtor_ram[15] = (uint32_t)(uintptr_t)sample_tick;
    *(volatile uint32_t *)0xE000ED08u = (uint32_t)(uintptr_t)vtor_ram;
    *(volatile uint32_t *)0xE000E014u = period - 1;
    *(volatile uint32_t *)0xE000E018u = 0;
}

static void profile_dump(void)
{
    *(volatile uint32_t *)0xE000E010u = 0;
    char text[16];
    for (uint32_t i = 0; i < n_samples; i++) {
        snprintf(text, sizeof text, "pc %lx\n", (unsigned long)samples[i]);
        emu_uart_puts(text);
    }
}

static struct dev_pipeline pipe;
static struct mdl_model model;
__attribute__((aligned(16))) static uint8_t arena[16384];

static void run_clip(const struct m4c_slot *slot)
{
    char err[128], text[160];
    const uint8_t *bytes = (const uint8_t *)slot + 16;
    const int16_t *clip = (const int16_t *)(bytes + ((slot->model_len + 3u) & ~3u));
    if (mdl_model_load_mem(bytes, slot->model_len, &model, err, sizeof err) != KWS_OK ||
        dev_pipeline_init(&pipe, &model, NULL, arena, sizeof arena, err, sizeof err) != KWS_OK) {
        snprintf(text, sizeof text, "error %s\n", err);
        say(text);
        return;
    }
    struct dev_board_pipeline st = dev_pipeline_stages(&pipe);
    static int8_t feat[49 * 40]; /* micro_speech: 49 frames of 40 channels */
    int8_t scores[16];
    if (slot->reserved) profile_start(slot->reserved);
    uint64_t t0 = instr_now();
    int r1 = st.features(st.user, clip, slot->n_samples, feat);
    uint64_t t1 = instr_now();
    int r2 = st.infer(st.user, feat, scores);
    uint64_t t2 = instr_now();
    snprintf(text, sizeof text, "instr pre %lu infer %lu rc %d %d\n", (unsigned long)(t1 - t0),
             (unsigned long)(t2 - t1), r1, r2);
    say(text);
    if (slot->reserved) profile_dump();
    hex_line("features", feat, sizeof feat);
    hex_line("scores", scores, 4); /* micro_speech: four classes */
}

__attribute__((noreturn)) static void semihost_exit(int code)
{
    /* SYS_EXIT with ADS_Stopped_ApplicationExit, or RunTimeErrorUnknown */
    register uint32_t r0 __asm("r0") = 0x18;
    register uint32_t r1 __asm("r1") = code ? 0x20023u : 0x20026u;
    __asm volatile("bkpt 0xab" : : "r"(r0), "r"(r1) : "memory");
    for (;;) {}
}

int main(void)
{
    emu_clock_init();
    emu_uart_init();
    __asm volatile("cpsie i");
    char text[96];
    int cases = 0, bad_dw = 0, bad_fc = 0;
    for (int i = 0; i < 300; i++, cases++) {
        bad_dw += check_dw();
        bad_fc += check_fc();
    }
    snprintf(text, sizeof text, "kernels %d cases dw %d fc %d mismatches\n", cases, bad_dw, bad_fc);
    say(text);
    int bad_fe = 0, fe_cases = 0;
    for (int i = 0; i < 10; i++, fe_cases++) bad_fe += check_frontend(i % 5);
    snprintf(text, sizeof text, "frontend %d signals %d mismatches\n", fe_cases, bad_fe);
    say(text);
    const struct m4c_slot *slot = (const struct m4c_slot *)M4C_SLOT;
    if (slot->magic == M4C_MAGIC) run_clip(slot);
    say("end\n");
    semihost_exit(bad_dw || bad_fc || bad_fe);
}
