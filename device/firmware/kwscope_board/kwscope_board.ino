// kwscope_board.ino: the kwscope board firmware for the Arduino Nano 33 BLE
// Sense. A thin shell over the portable core in device/board_core.c: PDM mic
// at 16 kHz into dev_board_mic(), Serial bytes into dev_board_rx(), micros()
// as the stage clock, the LED lit on a detection. Build: see ../README.md.
//
// NOTE: the pipeline stages (micro frontend + int8 interpreter) are not wired
// yet: this sketch answers HELLO/INFO, streams the mic and acknowledges
// pushes, and reports "no model" for CLASSIFY, exactly as `kwscope board sim`
// without a model does.
#include <PDM.h>

extern "C" {
#include "device.h"
}

static struct dev_board board;
static volatile int16_t pdm_buf[512];
static volatile int pdm_n;

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

static void on_pdm(void)
{
    int n = PDM.available();
    if (n > (int)sizeof pdm_buf) n = sizeof pdm_buf;
    PDM.read((void *)pdm_buf, n);
    pdm_n = n / 2;
}

void setup()
{
    Serial.begin(115200);
    pinMode(LED_BUILTIN, OUTPUT);
    struct dev_info info;
    memset(&info, 0, sizeof info);
    strncpy(info.firmware, "kwscope-board 0.1.0", sizeof info.firmware - 1);
    info.sample_rate = 16000;
    dev_board_init(&board, &info, NULL, serial_write, board_micros, NULL);
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
    if (pdm_n) {
        int16_t x[256];
        noInterrupts();
        int k = pdm_n < 256 ? pdm_n : 256;
        for (int i = 0; i < k; i++) x[i] = pdm_buf[i];
        pdm_n = 0;
        interrupts();
        dev_board_mic(&board, x, (size_t)k);
    }
}
