/* device.h: the board. Serial protocol (pure encode/decode), line dialects of
 * stock firmware, transports (termios for ptys, in-memory loopback).
 *
 * Everything in the PROTOCOL and DIALECT sections is pure: no I/O, no
 * allocation, caller-owned buffers, so the firmware, the virtual board and the
 * host share it. The wire format is specified in device/PROTOCOL.md. */
#ifndef DEVICE_H
#define DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "common/kws.h"

/* ---- PROTOCOL ----------------------------------------------------------- */

#define DEV_PROTO_VERSION 1
/* Largest payload: a features frame (2 + 49*40 bytes) fits with room. */
#define DEV_MAX_PAYLOAD 2048
/* type(1) seq(2) len(2) ... crc32(4) */
#define DEV_FRAME_OVERHEAD 9
/* COBS adds one byte per 254 plus one; two 0x00 delimiters. */
#define DEV_MAX_WIRE (DEV_MAX_PAYLOAD + DEV_FRAME_OVERHEAD + \
                      (DEV_MAX_PAYLOAD + DEV_FRAME_OVERHEAD) / 254 + 1 + 2)
/* Host-to-board frames stay under 64 wire bytes (USB CDC on the Nano 33 BLE
 * drops host-to-device bytes at 64-byte boundaries); each is acknowledged. */
#define DEV_PUSH_MAX_SAMPLES 22
#define DEV_AUDIO_MAX_SAMPLES 256
#define DEV_MAX_LABELS 8
#define DEV_LABEL_LEN 16
#define DEV_FEAT_ROWS 49
#define DEV_FEAT_COLS 40

/* Message types: host->board below 0x80, board->host 0x80 and above. */
enum dev_msg {
    DEV_MSG_HELLO = 0x01,      /* u8 host protocol version */
    DEV_MSG_MIC_START = 0x02,  /* empty */
    DEV_MSG_MIC_STOP = 0x03,   /* empty */
    DEV_MSG_PUSH = 0x04,       /* struct dev_audio (<= DEV_PUSH_MAX_SAMPLES) */
    DEV_MSG_CLASSIFY = 0x05,   /* empty: classify the last pushed second */
    DEV_MSG_FEATURES_REQ = 0x06, /* empty: send the last features */
    DEV_MSG_ACK = 0x80,        /* u8 type, u16 seq of the acknowledged frame */
    DEV_MSG_INFO = 0x81,       /* struct dev_info */
    DEV_MSG_AUDIO = 0x84,      /* struct dev_audio (mic stream) */
    DEV_MSG_RESULT = 0x85,     /* struct dev_result */
    DEV_MSG_FEATURES = 0x86,   /* struct dev_features */
    DEV_MSG_LOG = 0x87,        /* text */
    DEV_MSG_ERROR = 0x88,      /* u8 code, text */
};

/* One decoded frame. payload points into the decoder's own buffer and stays
 * valid until the next dev_decoder_feed call. */
struct dev_frame {
    uint8_t type;
    uint16_t seq;
    uint16_t len;
    const uint8_t *payload;
};

/* CRC-32 (IEEE 802.3, reflected poly 0xEDB88320, init and xorout 0xFFFFFFFF;
 * check value of "123456789" is 0xCBF43926). crc is 0 for a fresh start. */
uint32_t dev_crc32(uint32_t crc, const void *data, size_t n);

/* Encode one frame into out (cap bytes, DEV_MAX_WIRE always suffices):
 * 0x00, COBS(type seq len payload crc), 0x00. Returns the wire length, or 0
 * when len > DEV_MAX_PAYLOAD or cap is too small. */
size_t dev_frame_encode(uint8_t type, uint16_t seq, const void *payload, size_t len,
                        uint8_t *out, size_t cap);

/* Streaming decoder (state machine drawn in PROTOCOL.md). Zero-initialise or
 * call dev_decoder_init; it holds one frame's worth of bytes. */
struct dev_decoder {
    int state;              /* DEV_DEC_* (private) */
    size_t n;               /* bytes collected in buf */
    uint8_t buf[DEV_MAX_WIRE];
    uint8_t frame[DEV_MAX_PAYLOAD + DEV_FRAME_OVERHEAD];
    /* counters: every discarded byte run is one bad frame, by cause */
    unsigned long frames_ok, bad_crc, bad_cobs, bad_len, too_long;
};
void dev_decoder_init(struct dev_decoder *d);
/* Total discarded frames (all causes). */
unsigned long dev_decoder_bad(const struct dev_decoder *d);
/* Feed bytes; stops after the first complete good frame. Returns how many
 * bytes were consumed; *got is 1 with *f filled when a frame was decoded. Call
 * again with the rest until everything is consumed. */
size_t dev_decoder_feed(struct dev_decoder *d, const uint8_t *in, size_t n,
                        struct dev_frame *f, int *got);

/* Message payloads. Every encoder returns the payload length (0: does not
 * fit); every decoder returns KWS_OK or KWS_ERR_FORMAT (never reads past len). */
struct dev_info {
    uint8_t proto;                  /* DEV_PROTO_VERSION of the board */
    char firmware[32];              /* firmware version text */
    char model[32];                 /* model name, "" when the board has none */
    uint32_t model_hash;            /* CRC-32 of the model bytes, 0 if none */
    uint32_t sample_rate;
    uint8_t n_labels;
    char labels[DEV_MAX_LABELS][DEV_LABEL_LEN];
    uint32_t arena_bytes, flash_bytes, ram_bytes;
};
size_t dev_info_encode(const struct dev_info *v, uint8_t *out, size_t cap);
enum kws_status dev_info_decode(const uint8_t *p, size_t len, struct dev_info *v);

/* Audio chunk: u32 chunk sequence (counts loss), u16 n, int16 LE samples. */
struct dev_audio {
    uint32_t chunk;
    uint16_t n;
    int16_t samples[DEV_AUDIO_MAX_SAMPLES];
};
size_t dev_audio_encode(const struct dev_audio *v, uint8_t *out, size_t cap);
enum kws_status dev_audio_decode(const uint8_t *p, size_t len, struct dev_audio *v);

struct dev_result {
    uint8_t label;          /* index of the top score */
    uint8_t detected;       /* 1 when the detector fired for this window */
    uint8_t n_scores;
    int8_t scores[DEV_MAX_LABELS];
    uint32_t preprocess_us, inference_us, postprocess_us;
    uint32_t board_ms;      /* the board's clock (millis) at the result */
};
size_t dev_result_encode(const struct dev_result *v, uint8_t *out, size_t cap);
enum kws_status dev_result_decode(const uint8_t *p, size_t len, struct dev_result *v);

struct dev_features {
    uint8_t rows, cols;
    int8_t data[DEV_FEAT_ROWS * DEV_FEAT_COLS];
};
size_t dev_features_encode(const struct dev_features *v, uint8_t *out, size_t cap);
enum kws_status dev_features_decode(const uint8_t *p, size_t len, struct dev_features *v);

/* ACK payload: u8 acknowledged type, u16 its frame sequence. */
size_t dev_ack_encode(uint8_t type, uint16_t seq, uint8_t *out, size_t cap);
enum kws_status dev_ack_decode(const uint8_t *p, size_t len, uint8_t *type, uint16_t *seq);

/* ---- DIALECT: line formats of firmware users already have ---------------
 * One line without its newline in, one event out. Pure, fuzzable. */
enum dev_line_kind {
    DEV_LINE_NONE,        /* not recognised (kept as log text) */
    DEV_LINE_HEARD,       /* micro_speech "Heard yes (201) @4800ms" */
    DEV_LINE_SCORES,      /* micro_speech "Scores: s 12 u -3 y 100 n -128" */
    DEV_LINE_PROFILE,     /* micro_speech "## time: min 3ms  max 5ms  avg 4ms" */
    DEV_LINE_DATA_ACK,    /* "!DATA_ACK" */
    DEV_LINE_EI_HEADER,   /* Edge Impulse "Predictions (DSP: x ms., Classification: y ms., Anomaly: z ms.)" */
    DEV_LINE_EI_SCORE,    /* Edge Impulse "    yes: 0.96875" */
};
struct dev_line {
    enum dev_line_kind kind;
    char label[DEV_LABEL_LEN];  /* HEARD, EI_SCORE */
    int score;                  /* HEARD: 0..255 (or int8) */
    uint32_t time_ms;           /* HEARD: @...ms */
    int n_scores;               /* SCORES */
    char score_labels[DEV_MAX_LABELS][DEV_LABEL_LEN];
    int scores[DEV_MAX_LABELS];
    char profile_name[32];      /* PROFILE: text before "time:" (may be "") */
    float min_ms, max_ms, avg_ms;  /* PROFILE */
    float dsp_ms, class_ms, anomaly_ms; /* EI_HEADER (anomaly -1 when absent) */
    float value;                /* EI_SCORE */
};
/* Parse one line (n bytes, need not be NUL-terminated). Never fails: unknown
 * lines come back as DEV_LINE_NONE. */
void dev_line_parse(const char *line, size_t n, struct dev_line *out);

/* Format a micro_speech "Heard" line (the virtual board's dialects use these
 * so host and sim agree by construction of the format, not the code path). */
int dev_line_format_heard(char *buf, size_t cap, const char *label, int score, uint32_t ms);

/* Base64 (RFC 4648) for the !DATA test-over-serial mode. encode returns the
 * text length (out NUL-terminated) or 0; decode returns bytes or -1. */
size_t dev_base64_encode(const uint8_t *in, size_t n, char *out, size_t cap);
long dev_base64_decode(const char *in, size_t n, uint8_t *out, size_t cap);

#endif
