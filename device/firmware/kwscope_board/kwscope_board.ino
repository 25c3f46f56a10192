// kwscope_board.ino: the kwscope board firmware for the Arduino Nano 33 BLE
// Sense. A thin shell over the portable core (the kwscope_core library that
// ../make_core.sh lays out): PDM mic at 16 kHz into dev_board_mic(), Serial
// bytes into dev_board_rx(), micros() as the stage clock, and the real
// pipeline (micro frontend from dsp/, int8 interpreter and keyword detector
// from models/, device/board_pipeline.c) over the model in model_data.h, its
// detector set as model_detect.h says (the model's calibrated sidecar).
// The LED lights for half a second on each keyword detection. The virtual
// board (`kwscope board sim`) runs the same core on the host. Build: ../README.md.
//
// Memory: everything large is static (board state, pipeline state, the
// tensor arena, the mic ring); dev_pipeline_init mallocs once at setup (the
// model's parsed tables and a RAM copy of its bytes); nothing allocates after.
#include <PDM.h>

extern "C" {
#include "kwscope_core.h"
}

#include "model_data.h"   // g_model[], g_model_len: a copy of assets/default_model.cc
#include "model_detect.h" // its detector settings: ../bake_detect.sh of assets/default_model.detect

#ifndef KWS_ARENA_BYTES
#define KWS_ARENA_BYTES 8192   // the default model plans 5,960 bytes
#endif
#define LIVE_MS 250            // classify the mic every 250 ms (4 results per second)
#define MIC_RING 4096          // 256 ms of mic between loop() passes
#define LED_MS 500
#ifndef KWS_MODEL_NAME
#define KWS_MODEL_NAME "default_model"   // what `kwscope board info` shows
#endif

static struct dev_board board;
static struct dev_pipeline pipe;
static struct mdl_model model;
alignas(16) static uint8_t arena[KWS_ARENA_BYTES];
static char init_err[128];

// PDM callback -> loop(): single producer, single consumer, no locks.
static int16_t mic_ring[MIC_RING];
static volatile uint32_t mic_w, mic_r, mic_dropped;
static uint32_t led_off_ms, dropped_told;

static void serial_write(void *io, const uint8_t *p, size_t n)
{
    (void)io;
    Serial.write(p, n);
}

static uint32_t board_micros(void *io)
{
    (void)io;
    return micros();
}

static void on_detect(void *io, const struct dev_result *r, int score)
{
    (void)io;
    (void)score;
    if (r->label == 0) return;   // class 0 is silence: heard, no LED (as micro_speech)
    digitalWrite(LED_BUILTIN, HIGH);
    led_off_ms = millis() + LED_MS;
}

static void on_pdm(void)
{
    int16_t tmp[256];
    int n = PDM.available();
    if (n > (int)sizeof tmp) n = sizeof tmp;
    PDM.read(tmp, n);
    for (int i = 0; i < n / 2; i++) {
        if (mic_w - mic_r >= MIC_RING) { mic_dropped++; continue; }
        mic_ring[mic_w % MIC_RING] = tmp[i];
        mic_w++;
    }
}

void setup()
{
    Serial.begin(115200);   // USB CDC: the rate is ignored
    pinMode(LED_BUILTIN, OUTPUT);
    struct dev_info info;
    memset(&info, 0, sizeof info);
    strncpy(info.firmware, "kwscope-board 0.2.0", sizeof info.firmware - 1);
    info.sample_rate = 16000;
    struct mdl_detect_config dc = mdl_detect_config_default();   // n_classes: from the model
    dc.threshold = KWS_DETECT_THRESHOLD;
    dc.window_ms = KWS_DETECT_WINDOW_MS;
    dc.suppression_ms = KWS_DETECT_SUPPRESSION_MS;
    dc.min_count = KWS_DETECT_MIN_COUNT;
    struct dev_board_pipeline stages;
    memset(&stages, 0, sizeof stages);   // no stages: CLASSIFY answers "no model"
    if (mdl_model_load_mem(g_model, g_model_len, &model, init_err, sizeof init_err) == KWS_OK &&
        dev_pipeline_init(&pipe, &model, &dc, arena, sizeof arena, init_err, sizeof init_err) == KWS_OK &&
        dev_pipeline_describe(&pipe, &model, KWS_MODEL_NAME, NULL, &info, init_err,
                              sizeof init_err) == KWS_OK) {
        stages = dev_pipeline_stages(&pipe);
        init_err[0] = 0;
    }
    dev_board_init(&board, &info, &stages, serial_write, board_micros, NULL);
    if (init_err[0]) board.hello_log = init_err;   // a model that failed says why after each HELLO
    board.live_stride = (size_t)LIVE_MS * 16;
    board.on_detect = on_detect;
    PDM.onReceive(on_pdm);
    PDM.begin(1, 16000);
}

void loop()
{
    uint8_t buf[64];
    int n = Serial.available();
    if (n > 0) {
        if (n > (int)sizeof buf) n = sizeof buf;
        n = Serial.readBytes((char *)buf, n);
        dev_board_rx(&board, buf, (size_t)n);
    }
    int16_t x[256];
    uint32_t k = 0;
    while (mic_r != mic_w && k < 256) x[k++] = mic_ring[mic_r++ % MIC_RING];
    if (k) dev_board_mic(&board, x, k);
    if (mic_dropped != dropped_told) {   // overruns are counted and said, never silent
        char text[48];
        dropped_told = mic_dropped;
        snprintf(text, sizeof text, "mic overrun: %lu samples dropped", (unsigned long)dropped_told);
        dev_board_send_log(&board, text);
    }
    if (led_off_ms && (int32_t)(millis() - led_off_ms) >= 0) {
        digitalWrite(LED_BUILTIN, LOW);
        led_off_ms = 0;
    }
}
