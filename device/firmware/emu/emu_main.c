/* emu_main.c: the kwscope board firmware on the emulated Cortex-M4F (QEMU
 * mps2-an386). The same shell as the Arduino sketch (kwscope_board.ino) over
 * the same portable core (device/board_core.c, board_pipeline.c, the micro
 * frontend, the int8 interpreter, the protocol): UART bytes into
 * dev_board_rx(), a microphone into dev_board_mic(), a clock into the core.
 *
 * The clock is a Cortex-M4 estimate. SysTick gives QEMU's virtual time, which
 * under -icount shift=0 is one ns per executed instruction. Around each
 * pipeline stage the shell counts the stage's instructions and turns them
 * into 64 MHz Cortex-M4 cycles with the stage's cycles per instruction
 * (m4_cost.h, the cost model in ../README-emu.md); the board's clock is
 * virtual time plus that difference. So stage timings, the detector's clock
 * and the microphone's pace all run on the estimated M4 time, as on a board
 * whose mic keeps sampling while it computes.
 *
 * What the host may load beside the image (QEMU's -device loader):
 * - at EMU_SLOT_MODEL (a slot inside the 1 MB flash budget): another model,
 *   its name and labels, and the live-detection stride;
 * - at EMU_SLOT_MIC (outside the budget: it stands for the PDM microphone):
 *   a clip the microphone plays in a loop. Without it the mic hears silence
 *   and live detection is off (nothing to detect, nothing to spend). With
 *   EMU_MIC_PRELOAD its first second is the pushed second instead. */
#include <stdio.h>
#include <string.h>

#include "device/device.h"
#include "emu.h"
#include "m4_cost.h"
#include "model_detect.h" /* the baked model's detector settings (build.sh) */

extern const unsigned char g_model[];
extern const unsigned int g_model_len;

#ifndef KWS_ARENA_BYTES
#define KWS_ARENA_BYTES 16384
#endif
#define EMU_SLOT_MODEL 0x000C0000u  /* emu.ld keeps 256 KB free here */
#define EMU_SLOT_MIC 0x21000000u    /* SRAM outside the 256 KB budget */
#define EMU_MAGIC_MODEL 0x4D53574Bu /* "KWSM" */
#define EMU_MAGIC_MIC 0x4D53574Cu   /* "LWSM" */
#define EMU_MIC_RING 4096u          /* the sketch's PDM ring */

/* Layout of the slots (little endian), written by device/emu.c. */
struct emu_model_slot {
    uint32_t magic, model_len, live_ms, reserved;
    char name[32];
    char labels[80];
    /* model bytes follow at offset 128 */
};
#define EMU_MIC_PRELOAD 1u /* emu_mic_slot.flags: the clip is the pushed second */
struct emu_mic_slot {
    uint32_t magic, n_samples, flags, reserved;
    /* int16 samples follow at offset 16 */
};

static struct dev_board board;
static struct dev_pipeline pipe;
static struct mdl_model model;
static struct dev_board_pipeline stages;
__attribute__((aligned(16))) static uint8_t arena[KWS_ARENA_BYTES];
static char init_err[128];
static uint64_t extra_ns; /* estimated M4 time beyond virtual time */

static uint64_t virtual_ns(void)
{
    return emu_ticks() * EMU_NS_PER_TICK;
}
static uint64_t m4_ns(void)
{
    return virtual_ns() + extra_ns;
}

static void serial_write(void *io, const uint8_t *p, size_t n)
{
    (void)io;
    emu_uart_write(p, n);
}

static uint32_t board_micros(void *io)
{
    (void)io;
    return (uint32_t)(m4_ns() / 1000u);
}

static uint32_t board_instret(void *io)
{
    (void)io;
    return (uint32_t)virtual_ns();
}

static void refresh_info(void *io, struct dev_info *info)
{
    (void)io;
    info->has_mem = 1;
    info->stack_used = (uint32_t)emu_stack_used();
    info->stack_bytes = (uint32_t)emu_stack_size();
    info->heap_used = (uint32_t)emu_heap_used();
}

/* A stage ran for instr instructions: the board's clock moves on by what
 * they would take on the M4 (cycles_milli per instruction, at 64 MHz). */
static void charge(uint64_t instr, uint32_t cycles_milli)
{
    /* ns = cycles * 1000 / MHz, cycles = instr * cycles_milli / 1000 */
    uint64_t est_ns = instr * cycles_milli / M4_CLOCK_MHZ;
    if (est_ns > instr) extra_ns += est_ns - instr;
}

static int w_features(void *u, const int16_t *clip, size_t n, int8_t *feat)
{
    (void)u;
    uint64_t t = virtual_ns();
    int r = stages.features(stages.user, clip, n, feat);
    charge(virtual_ns() - t, M4_CPI_MILLI_PRE);
    return r;
}

static int w_stream(void *u, const int16_t *x, size_t n, int restart)
{
    (void)u;
    uint64_t t = virtual_ns();
    int r = stages.stream(stages.user, x, n, restart);
    charge(virtual_ns() - t, M4_CPI_MILLI_PRE);
    return r;
}

static int w_infer(void *u, const int8_t *feat, int8_t *scores)
{
    (void)u;
    uint64_t t = virtual_ns();
    int r = stages.infer(stages.user, feat, scores);
    charge(virtual_ns() - t, M4_CPI_MILLI_INFER);
    return r;
}

static void w_post(void *u, const int8_t *scores, int n, uint32_t now_ms, uint8_t *label,
                   uint8_t *detected, uint8_t *score)
{
    (void)u;
    uint64_t t = virtual_ns();
    stages.post(stages.user, scores, n, now_ms, label, detected, score);
    charge(virtual_ns() - t, M4_CPI_MILLI_POST);
}

static void setup(void)
{
    const struct emu_model_slot *slot = (const struct emu_model_slot *)EMU_SLOT_MODEL;
    int loaded = slot->magic == EMU_MAGIC_MODEL && slot->model_len <= 256u * 1024u - 128u;
    const uint8_t *bytes = loaded ? (const uint8_t *)slot + 128 : g_model;
    size_t len = loaded ? slot->model_len : g_model_len;
    const char *name = loaded && slot->name[0] ? slot->name : "default_model";
    const char *labels = loaded && slot->labels[0] ? slot->labels : NULL;
    struct dev_info info;
    memset(&info, 0, sizeof info);
    strncpy(info.firmware, "kwscope-emu 0.2.0 (M4 est.)", sizeof info.firmware - 1);
    info.sample_rate = 16000;
    /* the detector calibrated for the baked model; a model loaded into the
     * slot has no settings there: micro_speech's defaults */
    struct mdl_detect_config dc = mdl_detect_config_default();
    dc.threshold = KWS_DETECT_THRESHOLD;
    dc.window_ms = KWS_DETECT_WINDOW_MS;
    dc.suppression_ms = KWS_DETECT_SUPPRESSION_MS;
    dc.min_count = KWS_DETECT_MIN_COUNT;
    struct dev_board_pipeline wrapped;
    memset(&wrapped, 0, sizeof wrapped); /* no stages: CLASSIFY answers "no model" */
    if (mdl_model_load_mem(bytes, len, &model, init_err, sizeof init_err) == KWS_OK &&
        dev_pipeline_init(&pipe, &model, loaded ? NULL : &dc, arena, sizeof arena, init_err,
                          sizeof init_err) == KWS_OK &&
        dev_pipeline_describe(&pipe, &model, name, labels, &info, init_err, sizeof init_err) ==
            KWS_OK) {
        stages = dev_pipeline_stages(&pipe);
        wrapped = (struct dev_board_pipeline){ NULL, w_features, w_infer, w_post, w_stream };
        init_err[0] = 0;
    }
    dev_board_init(&board, &info, &wrapped, serial_write, board_micros, NULL);
    if (init_err[0]) board.hello_log = init_err;
    board.instret = board_instret;
    board.refresh_info = refresh_info;
    if (loaded && slot->live_ms) board.live_stride = (size_t)slot->live_ms * 16u;
}

int main(void)
{
    emu_clock_init();
    emu_uart_init();
    __asm volatile("cpsie i");
    setup();
    const struct emu_mic_slot *mic = (const struct emu_mic_slot *)EMU_SLOT_MIC;
    int have_mic = mic->magic == EMU_MAGIC_MIC && mic->n_samples > 0;
    const int16_t *clip = (const int16_t *)((const uint8_t *)mic + 16);
    int bench_second = have_mic && (mic->flags & EMU_MIC_PRELOAD);
    if (bench_second) {
        /* The host's bench: its second is in the classification buffer as
         * if pushed, without crawling through the UART; CLASSIFY requests
         * then run on it. The mic stays silent and live detection off. */
        dev_board_feed(&board, clip,
                       mic->n_samples < DEV_BOARD_CLIP ? mic->n_samples : DEV_BOARD_CLIP);
        have_mic = 0;
    }
    if (!have_mic)
        board.live_stride = 0;
    else if (!board.live_stride)
        board.live_stride = 250u * 16u;
    uint64_t played = 0, pos = 0, dropped = 0, told = 0;
    static int16_t x[DEV_AUDIO_MAX_SAMPLES];
    for (;;) {
        uint8_t buf[64];
        size_t n = emu_uart_read(buf, sizeof buf);
        if (n) dev_board_rx(&board, buf, n);
        /* The bench's figure is "1 s of audio": every CLASSIFY runs the
         * frontend over the whole preloaded second from a fresh state, not
         * over the nothing that arrived since the last one. */
        if (bench_second) board.unfed = DEV_BOARD_CLIP;
        /* the mic: the samples due by the board's clock (16 per ms), at most
         * 256 per pass as the sketch reads its PDM ring; a backlog beyond
         * the sketch's 4,096-sample ring is dropped and said, as there */
        uint64_t due = m4_ns() / 62500u;
        if (due - played > EMU_MIC_RING) {
            uint64_t lost = due - played - EMU_MIC_RING;
            dropped += lost;
            played += lost;
            if (have_mic) pos = (pos + lost) % mic->n_samples;
        }
        size_t k =
            due - played < DEV_AUDIO_MAX_SAMPLES ? (size_t)(due - played) : DEV_AUDIO_MAX_SAMPLES;
        for (size_t i = 0; i < k; i++) {
            x[i] = have_mic ? clip[pos] : 0;
            if (have_mic && ++pos == mic->n_samples) pos = 0;
        }
        if (k) dev_board_mic(&board, x, k);
        played += k;
        if (dropped != told && board.mic_on) {
            char text[48];
            told = dropped;
            snprintf(text, sizeof text, "mic overrun: %lu samples dropped", (unsigned long)told);
            dev_board_send_log(&board, text);
        }
        if (k == DEV_AUDIO_MAX_SAMPLES || emu_uart_pending()) continue;
        /* Sleep until the UART or the next tick. The sleep is also what
         * brings the host's next byte: QEMU's UART model holds one byte and
         * does not tell QEMU's main loop when the guest has read it, and
         * under -icount only an idle vCPU wakes that loop (which then polls
         * the pty again). A loop that spun here would get the next byte
         * only when something unrelated woke QEMU's main loop. Interrupts
         * stay masked between the check and WFI (a pending one still ends
         * WFI) so no byte slips by unnoticed. */
        __asm volatile("cpsid i" ::: "memory");
        if (!emu_uart_pending()) __asm volatile("wfi");
        __asm volatile("cpsie i" ::: "memory");
    }
}
