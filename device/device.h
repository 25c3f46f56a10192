/* device.h: the board. Serial protocol (pure encode/decode), line dialects of
 * stock firmware, transports (termios for ptys, in-memory loopback).
 *
 * Everything in the PROTOCOL and DIALECT sections is pure: no I/O, no
 * allocation, caller-owned buffers, so the firmware, the virtual board and the
 * host share it. The wire format is specified in device/PROTOCOL.md. */
#ifndef DEVICE_H
#define DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/kws.h"
#include "dsp/dsp.h"
#include "models/models.h"

/* ---- PROTOCOL ----------------------------------------------------------- */

#define DEV_PROTO_VERSION 1
/* Largest payload: a features frame (2 + 49*40 bytes) fits with room. */
#define DEV_MAX_PAYLOAD 2048
/* type(1) seq(2) len(2) ... crc32(4) */
#define DEV_FRAME_OVERHEAD 9
/* COBS adds one byte per 254 plus one; two 0x00 delimiters. */
#define DEV_MAX_WIRE \
    (DEV_MAX_PAYLOAD + DEV_FRAME_OVERHEAD + (DEV_MAX_PAYLOAD + DEV_FRAME_OVERHEAD) / 254 + 1 + 2)
/* Host-to-board frames stay under 64 wire bytes (USB CDC on the Nano 33 BLE
 * drops host-to-device bytes at 64-byte boundaries); each is acknowledged. */
#define DEV_PUSH_MAX_SAMPLES 22
#define DEV_AUDIO_MAX_SAMPLES 256
#define DEV_MAX_LABELS 8
#define DEV_LABEL_LEN 16
#define DEV_FEAT_ROWS KWS_FEATURE_FRAMES
#define DEV_FEAT_COLS KWS_FEATURE_CHANNELS

/* Message types: host->board below 0x80, board->host 0x80 and above. */
enum dev_msg {
    DEV_MSG_HELLO = 0x01,        /* u8 host protocol version */
    DEV_MSG_MIC_START = 0x02,    /* empty */
    DEV_MSG_MIC_STOP = 0x03,     /* empty */
    DEV_MSG_PUSH = 0x04,         /* struct dev_audio (<= DEV_PUSH_MAX_SAMPLES) */
    DEV_MSG_CLASSIFY = 0x05,     /* empty: classify the last pushed second */
    DEV_MSG_FEATURES_REQ = 0x06, /* empty: send the last features */
    DEV_MSG_ACK = 0x80,          /* u8 type, u16 seq of the acknowledged frame */
    DEV_MSG_INFO = 0x81,         /* struct dev_info */
    DEV_MSG_AUDIO = 0x84,        /* struct dev_audio (mic stream) */
    DEV_MSG_RESULT = 0x85,       /* struct dev_result */
    DEV_MSG_FEATURES = 0x86,     /* struct dev_features */
    DEV_MSG_LOG = 0x87,          /* text */
    DEV_MSG_ERROR = 0x88,        /* u8 code, text */
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
size_t dev_frame_encode(uint8_t type, uint16_t seq, const void *payload, size_t len, uint8_t *out,
                        size_t cap);

/* Streaming decoder (state machine drawn in PROTOCOL.md). Zero-initialise or
 * call dev_decoder_init; it holds one frame's worth of bytes. */
struct dev_decoder {
    int state; /* DEV_DEC_* (private) */
    size_t n;  /* bytes collected in buf */
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
size_t dev_decoder_feed(struct dev_decoder *d, const uint8_t *in, size_t n, struct dev_frame *f,
                        int *got);

/* Message payloads. Every encoder returns the payload length (0: does not
 * fit); every decoder returns KWS_OK or KWS_ERR_FORMAT (never reads past len). */
struct dev_info {
    uint8_t proto;       /* DEV_PROTO_VERSION of the board */
    char firmware[32];   /* firmware version text */
    char model[32];      /* model name, "" when the board has none */
    uint32_t model_hash; /* CRC-32 of the model bytes, 0 if none */
    uint32_t sample_rate;
    uint8_t n_labels;
    char labels[DEV_MAX_LABELS][DEV_LABEL_LEN];
    uint32_t arena_bytes, flash_bytes, ram_bytes;
    /* optional tail (PROTOCOL.md): measured memory, sent by boards that
     * measure it (the emulated board); has_mem 0: absent */
    uint8_t has_mem;
    uint32_t stack_used, stack_bytes, heap_used;
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
    uint8_t label;    /* index of the top score */
    uint8_t detected; /* 1 when the detector fired for this window */
    uint8_t n_scores;
    int8_t scores[DEV_MAX_LABELS];
    uint32_t preprocess_us, inference_us, postprocess_us;
    uint32_t board_ms; /* the board's clock (millis) at the result */
    /* optional tail (PROTOCOL.md): executed instructions per stage, sent by
     * boards that count them (the emulated board, whose *_us are then
     * Cortex-M4 estimates); has_instr 0: absent */
    uint8_t has_instr;
    uint32_t preprocess_instr, inference_instr, postprocess_instr;
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
    DEV_LINE_NONE,     /* not recognised (kept as log text) */
    DEV_LINE_HEARD,    /* micro_speech "Heard yes (201) @4800ms" */
    DEV_LINE_SCORES,   /* micro_speech "Scores: s 12 u 3 y 230 n 9" (averages, 0..255) */
    DEV_LINE_PROFILE,  /* micro_speech "## time: min 3ms  max 5ms  avg 4ms" ("loop") */
    DEV_LINE_DATA_ACK, /* "!DATA_ACK 96" (score: bytes acknowledged, -1 if absent) */
    DEV_LINE_OK,       /* "!OK TEST 96", "!OK DATA ..." (text; score: last number) */
    DEV_LINE_FAIL,     /* "!FAIL ..." (text) */
    DEV_LINE_EI_HEADER, /* Edge Impulse "Predictions (DSP: x ms., Classification: y ms., Anomaly: z ms.)"
                           or "Timing: DSP x ms, inference y ms, anomaly z ms" */
    DEV_LINE_EI_SCORE,       /* Edge Impulse "    yes: 0.96875" (or two spaces) */
    DEV_LINE_EI_PREDICTIONS, /* Edge Impulse "#Classification predictions:" */
    DEV_LINE_EI_ANOMALY,     /* Edge Impulse "    anomaly score: 0.123" (value) */
};
struct dev_line {
    enum dev_line_kind kind;
    char label[DEV_LABEL_LEN]; /* HEARD, EI_SCORE */
    int score;                 /* HEARD: 0..255 (or int8) */
    uint32_t time_ms;          /* HEARD: @...ms */
    int n_scores;              /* SCORES */
    char score_labels[DEV_MAX_LABELS][DEV_LABEL_LEN];
    int scores[DEV_MAX_LABELS];
    char profile_name[32];              /* PROFILE: text before "time:", or "loop" */
    float min_ms, max_ms, avg_ms;       /* PROFILE */
    float dsp_ms, class_ms, anomaly_ms; /* EI_HEADER (anomaly -1 when absent) */
    float value;                        /* EI_SCORE, EI_ANOMALY */
    char text[64];                      /* OK, FAIL: the rest of the line */
};
/* Parse one line (n bytes, need not be NUL-terminated). Never fails: unknown
 * lines come back as DEV_LINE_NONE. */
void dev_line_parse(const char *line, size_t n, struct dev_line *out);

/* Format a micro_speech "Heard" line (the virtual board's dialects use these
 * so host and sim agree by construction of the format, not the code path). */
int dev_line_format_heard(char *buf, size_t cap, const char *label, int score, uint32_t ms);

/* Board text made safe for terminals and JSON (text.c): printable ASCII and
 * well-formed UTF-8 from U+00A0 pass; every other byte (controls, DEL, C1,
 * malformed UTF-8, NUL) becomes the text \xNN. escape: n bytes in, out
 * NUL-terminated (cut before an escape that does not fit), returns its
 * length. sanitize: the same in place on a NUL-terminated string in a buffer
 * of cap bytes (the escapes may cut its end). The session applies it to
 * everything a board says (INFO strings, LOG/ERROR text, dialect lines). */
size_t dev_text_escape(const void *in, size_t n, char *out, size_t cap);
void dev_text_sanitize(char *s, size_t cap);

/* Base64 (RFC 4648) for the !DATA test-over-serial mode. encode returns the
 * text length (out NUL-terminated) or 0; decode returns bytes or -1. */
size_t dev_base64_encode(const uint8_t *in, size_t n, char *out, size_t cap);
long dev_base64_decode(const char *in, size_t n, uint8_t *out, size_t cap);

/* ---- TRANSPORT: byte pipes behind a small struct of function pointers ----
 * read: >0 bytes read, 0 nothing available now, <0 a kws_status
 * (KWS_ERR_CLOSED when the port went away). write: bytes accepted (may be
 * fewer than n, 0 when full), <0 a kws_status. Never block. */
struct dev_transport {
    long (*read)(struct dev_transport *t, void *buf, size_t n);
    long (*write)(struct dev_transport *t, const void *buf, size_t n);
    void (*close)(struct dev_transport *t);
    int fd; /* for the caller's poll(); -1 when none (loopback) */
    void *impl;
    const char *kind; /* "libserialport", "termios", "fd", "loopback" */
};
/* Ports are terminals only. check_path: the path names a character device
 * (stat, no open); check_fd: the opened fd is a character device and a tty.
 * Otherwise KWS_ERR_ARG and "PATH is not a serial port (regular file)" (or
 * FIFO, directory, socket, block device, "character device, not a
 * terminal" for /dev/null). err may be NULL. */
enum kws_status dev_port_check_path(const char *path, char *err, size_t err_len);
enum kws_status dev_port_check_fd(int fd, const char *path, char *err, size_t err_len);
/* libserialport first; termios when it refuses (ptys, odd devices). Both
 * refuse anything dev_port_check_* refuses, before writing a byte. */
enum kws_status dev_transport_open(struct dev_transport *t, const char *path, char *err,
                                   size_t err_len);
enum kws_status dev_transport_open_tty(struct dev_transport *t, const char *path, char *err,
                                       size_t err_len);
/* Wrap an fd the caller opened (a pty master); the transport owns it after. */
enum kws_status dev_transport_from_fd(struct dev_transport *t, int fd);
/* Raw 8N1 termios (no echo, no line discipline) on a tty fd. */
enum kws_status dev_tty_raw(int fd);
/* In-memory pair for tests: what a writes b reads and back; fd is -1. */
enum kws_status dev_loopback_pair(struct dev_transport *a, struct dev_transport *b);
void dev_transport_close(struct dev_transport *t);
/* Write everything (waiting up to ~2 s when the pipe is full). */
enum kws_status dev_transport_write_all(struct dev_transport *t, const void *buf, size_t n);

#define DEV_ARDUINO_VID 0x2341
#define DEV_NANO33_PID 0x805A
struct dev_port {
    char path[256];
    char desc[128];
    int usb, vid, pid;
    int arduino; /* vid 0x2341 */
    int nano33;  /* 0x2341:0x805A, Nano 33 BLE (Sense) */
};
enum kws_status dev_port_list(struct dev_port *out, size_t max, size_t *n, char *err,
                              size_t err_len);
/* Index of the single Arduino among ports, -1 when none, -2 when several. */
int dev_port_pick(const struct dev_port *ports, size_t n);

/* ---- BOARD: the firmware core (board_core.c), portable C shared by the
 * sketch in device/firmware/ and the virtual board. No stdio, no allocation.
 * The shell (sketch or sim) supplies write() and micros(), feeds received
 * bytes to dev_board_rx() and mic samples to dev_board_mic(). */
#define DEV_BOARD_CLIP KWS_CLIP_SAMPLES /* one second at 16 kHz is classified */
#define DEV_BOARD_HOLD_US 2000000u      /* live detection pauses this long after a host request */
#define DEV_BOARD_SRC_PUSH 1
#define DEV_BOARD_SRC_MIC 2
enum dev_error_code {
    DEV_ERR_VERSION = 1,
    DEV_ERR_NO_MODEL = 2,
    DEV_ERR_UNSUPPORTED = 3,
    DEV_ERR_BAD_PAYLOAD = 4,
    DEV_ERR_NO_FEATURES = 5,
};
/* The three timed stages. features: the int8 49x40 input (<0 on failure):
 * with stream set, the window of the last 49 frames streamed so far (clip is
 * NULL); without it, of the 1 s clip given. infer: int8 scores, returns
 * their count (<=0: no model). post (may be NULL): label/detection from the
 * scores at time now_ms; on a detection *score gets its strength 0..255
 * (micro_speech's averaged score, the number in "Heard yes (201)").
 * stream (may be NULL): new audio into the stateful frontend, one 20 ms
 * frame at a time as micro_speech does; restart != 0 first begins a new
 * stream (fresh frontend state, empty window, detector restarted), and a
 * streaming post then runs on the stream's clock, not now_ms. */
struct dev_board_pipeline {
    void *user;
    int (*features)(void *user, const int16_t *clip, size_t n, int8_t *feat);
    int (*infer)(void *user, const int8_t *feat, int8_t *scores);
    void (*post)(void *user, const int8_t *scores, int n, uint32_t now_ms, uint8_t *label,
                 uint8_t *detected, uint8_t *score);
    int (*stream)(void *user, const int16_t *s, size_t n, int restart);
};
struct dev_board {
    struct dev_decoder dec;
    struct dev_board_pipeline pipe;
    void (*write)(void *io, const uint8_t *p, size_t n);
    uint32_t (*micros)(void *io);
    void *io;
    struct dev_info info;
    uint16_t tx_seq;
    int mic_on;
    size_t live_stride; /* >0: classify the mic every this many samples */
    size_t live_count;
    int hold; /* live detection paused since hold_us0 (host request) */
    uint32_t hold_us0;
    uint8_t detect_label;  /* class of the last detection (post's *label) */
    uint8_t detect_score;  /* strength of the last detection (post's *score) */
    const char *hello_log; /* sent as a LOG after every INFO when set (e.g. why the model failed) */
    /* the shell's detection hook (LED), may be NULL; set after dev_board_init */
    void (*on_detect)(void *io, const struct dev_result *r, int score);
    /* optional shell hooks, set after dev_board_init: an instruction counter
     * (RESULTs then carry per-stage instruction counts) and a refresh of
     * measured INFO fields (stack, heap) before each INFO is sent */
    uint32_t (*instret)(void *io);
    void (*refresh_info)(void *io, struct dev_info *info);
    int have_last; /* last host frame handled (retries are not redone) */
    uint16_t last_seq;
    uint8_t last_type;
    int have_feat;
    /* the last second of one source (push or mic), oldest at
     * ring_head - ring_fill; the newest `unfed` samples are not yet in the
     * pipeline's stream (a second or more: the next classification starts a
     * new stream over the last second) */
    int16_t ring[DEV_BOARD_CLIP];
    size_t ring_head, ring_fill, unfed;
    int streaming;  /* the pipeline's stream holds this ring's audio */
    uint8_t source; /* whose audio the ring holds: DEV_BOARD_SRC_* */
    struct dev_features feat;
    struct dev_audio chunk, push;
    uint8_t pl[DEV_MAX_PAYLOAD];
    uint8_t txbuf[DEV_MAX_WIRE];
};
void dev_board_init(struct dev_board *b, const struct dev_info *info,
                    const struct dev_board_pipeline *pipe,
                    void (*write)(void *io, const uint8_t *p, size_t n),
                    uint32_t (*micros)(void *io), void *io);
void dev_board_rx(struct dev_board *b, const uint8_t *p, size_t n);
void dev_board_mic(struct dev_board *b, const int16_t *s, size_t n);
/* Append samples to the classification buffer without streaming them. */
void dev_board_feed(struct dev_board *b, const int16_t *s, size_t n);
/* Forget the buffer: the next classification starts a new stream. */
void dev_board_restart(struct dev_board *b);
void dev_board_send_log(struct dev_board *b, const char *text);
/* Classify the newest window (pushed or mic) with timings; 0 ok, -1 no
 * features stage, -2 no model. Also used by the line dialects. r->label is
 * the top score; when r->detected, detect_label/detect_score say what the
 * detector heard.
 * Streaming (a pipeline with a stream stage): the audio added since the last
 * classification goes through the kept frontend state, so the window is the
 * same 49 frames `kwscope classify`'s track computes on the continuous audio.
 * A new stream (fresh state, zero-padded at the front to a second when
 * shorter) begins at the first classification, after a change of source
 * (push <-> mic), after dev_board_restart, and whenever a second or more
 * came since the last classification: a pushed 1 s clip is therefore
 * always classified from a fresh state, exactly as a clip. */
int dev_board_classify(struct dev_board *b, struct dev_result *r);

/* ---- PIPELINE: the real stages (board_pipeline.c), portable like the core.
 * stream: the micro frontend, kept across calls like micro_speech's, each
 * completed 20 ms frame shifted into a window of the last 49 (the framing
 * of `kwscope classify`'s track, models/track.c); features: the model's int8
 * input conversion of that window (micro_speech's, for its input
 * quantization); infer: the int8 model (models' mdl_kws); post:
 * micro_speech's RecognizeCommands (mdl_detect) on the stream's clock (the
 * end of the newest frame's audio, as the track stamps its rows), which sets
 * label, detected and score when a detection fires. So a board's scores
 * and detections equal `kwscope classify`'s for the same audio, exactly.
 * init allocates once (the model's prepared tables and plan; the arena too
 * unless the caller gives one); the stages never allocate or print. */
struct dev_pipeline {
    struct dsp_micro_state micro; /* the stream's frontend state */
    struct mdl_kws kws;
    struct mdl_detect_config dcfg;
    struct mdl_detect det;
    uint16_t u16[DEV_FEAT_ROWS * DEV_FEAT_COLS]; /* the window: the last 49 frames, oldest first */
    bool float_input; /* float model: infer reads u16, not the int8 features */
    bool have_ms;
    bool fresh_frames;        /* frames arrived since the last post */
    uint32_t frames;          /* frames since the stream began */
    uint32_t last_ms;         /* clock of the last post (going back: detector restarts) */
    unsigned long detections; /* detections so far */
};
/* m must outlive the pipeline. dc: detector parameters (NULL: micro_speech's
 * defaults; n_classes is set from the model). arena: caller-owned,
 * MDL_ARENA_ALIGN aligned, or NULL to allocate. The model must take 49 x 40
 * features and give 1..DEV_MAX_LABELS scores (else KWS_ERR_UNSUPPORTED). */
enum kws_status dev_pipeline_init(struct dev_pipeline *p, const struct mdl_model *m,
                                  const struct mdl_detect_config *dc, void *arena, size_t arena_cap,
                                  char *err, size_t err_len);
void dev_pipeline_free(struct dev_pipeline *p);
/* The three stages bound to p, for dev_board_init / dev_sim_config.pipe. */
struct dev_board_pipeline dev_pipeline_stages(struct dev_pipeline *p);
/* Model fields of a board's INFO: name (truncated to 31 characters), CRC-32
 * of the model bytes, labels (comma separated, one per model output; NULL:
 * micro_speech's "silence,unknown,yes,no"), arena_bytes (the planned arena),
 * flash_bytes (the model's bytes), ram_bytes (the board core's and the
 * pipeline's state + arena + the model bytes, which the loader copies into
 * RAM). KWS_ERR_ARG with a message when the label count is wrong. */
enum kws_status dev_pipeline_describe(const struct dev_pipeline *p, const struct mdl_model *m,
                                      const char *name, const char *labels, struct dev_info *info,
                                      char *err, size_t err_len);

/* ---- SESSION: the host's side of a board (session.c, session_lines.c) ----
 *
 * Built for one poll() loop, never blocking:
 *
 *     struct dev_session *s;
 *     dev_session_open(&s, &cfg, dev_now(), err, sizeof err);
 *     for (;;) {
 *         struct pollfd p = {dev_session_fd(s), POLLIN, 0};   // fd may be -1
 *         poll(&p, p.fd >= 0, 20);                            // <= 50 ms
 *         if (p.revents) dev_session_on_readable(s, dev_now());
 *         dev_session_tick(s, dev_now());    // timeouts, retries, reconnect
 *         struct dev_event ev;
 *         while (dev_session_next_event(s, &ev)) ...;         // in order
 *     }
 *
 * States: CONNECTING (port open, waiting for INFO) -> READY; TIMEOUT when a
 * request went unanswered after its retries (it keeps retrying; READY again
 * on the next answer); DISCONNECTED when the port went away (reopened every
 * reconnect_ms, then CONNECTING again, the mic stream restarted if it was on);
 * VERSION_MISMATCH when the board speaks another protocol version (message in
 * dev_session_message()). Every state change is also an event.
 *
 * Requests (mic on/off, push, classify, features) are queued in order and may
 * be issued in any state; they go out one acknowledged frame at a time once
 * the session is READY. Nothing received is dropped: the event queue grows. */
enum dev_state {
    DEV_ST_CONNECTING,
    DEV_ST_READY,
    DEV_ST_TIMEOUT,
    DEV_ST_DISCONNECTED,
    DEV_ST_VERSION_MISMATCH,
};
const char *dev_state_name(enum dev_state st); /* "connecting", ... */

enum dev_dialect {
    DEV_DIALECT_KWSCOPE,      /* the framed protocol of PROTOCOL.md */
    DEV_DIALECT_MICRO_SPEECH, /* stock micro_speech sketch: text lines */
    DEV_DIALECT_EDGE_IMPULSE, /* Edge Impulse firmware: text lines (receive only) */
};
#define DEV_DIALECT_COUNT 3
const char *dev_dialect_name(enum dev_dialect d);
/* "kwscope", "micro_speech", "edge-impulse"; KWS_ERR_ARG otherwise. */
enum kws_status dev_dialect_parse(const char *s, enum dev_dialect *d);
/* What a dialect can do with a board (DEV_CAP_* bits). */
enum {
    DEV_CAP_PUSH = 1,     /* dev_session_push + classify */
    DEV_CAP_MIC = 2,      /* dev_session_mic: the mic streamed to the host */
    DEV_CAP_FEATURES = 4, /* dev_session_request_features */
};
unsigned dev_dialect_caps(enum dev_dialect d);

enum dev_event_kind {
    DEV_EV_STATE,    /* state, text: why */
    DEV_EV_INFO,     /* dev_session_info() is filled */
    DEV_EV_RESULT,   /* result, label (+ timings when has_timings) */
    DEV_EV_AUDIO,    /* audio: one mic chunk (chunk numbers; gaps counted) */
    DEV_EV_FEATURES, /* features */
    DEV_EV_LOG,      /* text: LOG frame or an unrecognised dialect line */
    DEV_EV_ERROR,    /* code, text: the board reported an error */
    DEV_EV_PROFILE,  /* line: a micro_speech "## time:" profile line */
};
struct dev_event {
    enum dev_event_kind kind;
    enum dev_state state;
    struct dev_result result;
    char label[DEV_LABEL_LEN]; /* name of result.label ("" if unknown) */
    int has_scores;            /* result.scores are meaningful */
    int has_timings;           /* result.*_us are meaningful */
    int scores_u8;             /* the board printed 0..255 window averages (micro_speech
                         "Scores:"); result.scores hold them minus 128 */
    int no_detection;          /* RESULT: a stock board's detector did not fire within
                         its window after a push (no label, no scores) */
    int has_anomaly;           /* Edge Impulse: anomaly holds the block's anomaly score */
    float anomaly;
    int requested; /* RESULT: the answer to dev_session_classify (0: a live
                                   detection, or a line the session cannot attribute) */
    struct dev_audio audio;
    struct dev_features features;
    struct dev_line line;
    int code;
    char text[256];
};

struct dev_session_config {
    const char *path;                /* port or pty path (reopened on reconnect) */
    struct dev_transport *transport; /* or a ready transport (tests); then no reconnect */
    enum dev_dialect dialect;
    int timeout_ms;   /* per acknowledged frame; 0: 300 */
    int retries;      /* resends before TIMEOUT; 0: 5 */
    int reconnect_ms; /* 0: 250 */
};
/* A gap in audio chunk numbers larger than this (about a minute of audio)
 * is a restarted count, not loss. */
#define DEV_CHUNK_GAP_MAX 4096u
struct dev_counters {
    unsigned long frames_ok;    /* good frames received */
    unsigned long bad_frames;   /* discarded (CRC, COBS, length, overflow) */
    unsigned long bad_payload;  /* good CRC but a malformed payload */
    unsigned long chunks;       /* audio chunks received */
    unsigned long lost_chunks;  /* gaps in the chunk numbers (modulo 2^32) */
    unsigned long chunk_resets; /* the numbering jumped back or by more than
                                   DEV_CHUNK_GAP_MAX: a restart, not a loss */
    unsigned long resends;      /* frames sent again after a timeout */
    unsigned long timeouts;     /* entries into TIMEOUT */
    unsigned long disconnects, reconnects;
    unsigned long lines; /* dialect lines read */
};
struct dev_session;

/* Monotonic clock in seconds, for now arguments. */
double dev_now(void);

enum kws_status dev_session_open(struct dev_session **out, const struct dev_session_config *cfg,
                                 double now, char *err, size_t err_len);
void dev_session_close(struct dev_session *s);
int dev_session_fd(const struct dev_session *s); /* -1 when none */
void dev_session_on_readable(struct dev_session *s, double now);
void dev_session_tick(struct dev_session *s, double now);
int dev_session_next_event(struct dev_session *s, struct dev_event *ev); /* 1: got one */
enum dev_state dev_session_state(const struct dev_session *s);
const char *dev_session_message(const struct dev_session *s);         /* last state's reason */
const struct dev_info *dev_session_info(const struct dev_session *s); /* NULL before INFO */
void dev_session_counters(const struct dev_session *s, struct dev_counters *c);

enum kws_status dev_session_mic(struct dev_session *s, int on);
/* Queue samples for the board's classification buffer (acknowledged frames of
 * DEV_PUSH_MAX_SAMPLES; on micro_speech one "!DATA" transfer per classify). */
enum kws_status dev_session_push(struct dev_session *s, const int16_t *samples, size_t n);
/* Ask for a RESULT on the last second pushed (after the pushes before it). */
enum kws_status dev_session_classify(struct dev_session *s);
enum kws_status dev_session_request_features(struct dev_session *s);
/* Requests queued or in flight (0: everything acknowledged). */
size_t dev_session_pending(const struct dev_session *s);

/* ---- OPERATIONS: whole operations for commands (session_ops.c) ----------
 * Blocking, each with a deadline and one outcome: KWS_OK, or an error status
 * with one line in err (no answer, malformed INFO, the port went away, the
 * board refused or reported an error, no audio, interrupted). stop (may be
 * NULL) is polled every 20 ms: a signal handler that sets it ends the wait.
 *
 * wait_ready: until READY (secs at most). wait_result: until the RESULT that
 * answers dev_session_classify (ev filled), skipping live detections. */
enum kws_status dev_session_wait_ready(struct dev_session *s, double secs, volatile int *stop,
                                       char *err, size_t err_len);
enum kws_status dev_session_wait_result(struct dev_session *s, double secs, volatile int *stop,
                                        struct dev_event *ev, char *err, size_t err_len);
/* Record the board's mic: samples go to sink (user, samples, n; a non-OK
 * status from it ends the stream with its message) until max_samples (0: no
 * limit), *stop, no audio for idle_s seconds (0: 5 s; also before the first
 * chunk), the port going away, the board stopping to answer or reporting an
 * error. A stop after some audio is a success (res->interrupted is set); a
 * stop before any is KWS_ERR_CLOSED. Stock dialects: KWS_ERR_UNSUPPORTED. */
struct dev_stream_config {
    uint64_t max_samples;
    double idle_s;
    volatile int *stop;
    enum kws_status (*sink)(void *user, const int16_t *samples, size_t n, char *err,
                            size_t err_len);
    void *user;
};
struct dev_stream_result {
    uint64_t samples;  /* given to the sink */
    int interrupted;   /* ended by *stop */
    double last_audio; /* dev_now() of the last chunk */
};
enum kws_status dev_session_stream(struct dev_session *s, const struct dev_stream_config *c,
                                   struct dev_stream_result *res, char *err, size_t err_len);

/* ---- SIM: the virtual board (sim.c, sim_lines.c) ------------------------
 * A pty (posix_openpt) whose far end runs the board core on the host. The
 * caller polls dev_sim_fd() and calls dev_sim_step(), or dev_sim_run(). */
struct dev_sim_config {
    const char *link;   /* symlink to the pty's path (NULL: none); made only where
                                      nothing exists or over a stale sim link */
    const int16_t *mic; /* mic clip played in a loop (NULL: silence) */
    size_t mic_n;
    enum dev_dialect dialect;
    double speed;                   /* mic pace: 1 real time (default), 20: 20x */
    struct dev_board_pipeline pipe; /* the stages; NULL functions: "no model" */
    struct dev_info info;           /* model name/hash, labels, memory figures */
    size_t live_stride;             /* >0: classify the mic every this many samples */
    int proto_override;             /* tests: claim another protocol version */
    /* the virtual LED: called on every live detection (any dialect), may be
     * NULL; label is the detected class's name ("?" when unnamed), score its
     * strength 0..255 */
    void (*on_detect)(void *user, const char *label, int score, const struct dev_result *r);
    void *user;
};
struct dev_sim;
enum kws_status dev_sim_open(struct dev_sim **out, const struct dev_sim_config *cfg, char *err,
                             size_t err_len);
void dev_sim_close(struct dev_sim *s);             /* removes the symlink if it is still ours */
const char *dev_sim_path(const struct dev_sim *s); /* /dev/pts/N */
int dev_sim_fd(const struct dev_sim *s);
struct dev_board *dev_sim_board(struct dev_sim *s);
/* Serve what arrived and play the mic up to now (dev_now() seconds). */
enum kws_status dev_sim_step(struct dev_sim *s, double now);
/* Bytes waiting for the pty to take them (poll dev_sim_fd for POLLOUT while
 * non-zero), and bytes dropped because the host did not read in time. */
size_t dev_sim_tx_queued(const struct dev_sim *s);
uint64_t dev_sim_dropped_bytes(const struct dev_sim *s);
/* Loop until *stop becomes non-zero. */
enum kws_status dev_sim_run(struct dev_sim *s, volatile int *stop);

/* ---- the virtual board, set up (sim_setup.c) -----------------------------
 * What `kwscope board sim`, the dashboard's --board sim and `kwscope collect
 * --source sim` all run: the model found as every command finds it, the real
 * pipeline (board_pipeline.c), the INFO it describes, the looped mic, and the
 * pty. Live detection classifies the mic every DEV_LIVE_MS: with
 * micro_speech's 1 s average a word needs several windows above the
 * threshold, which a coarser stride misses on short words. Edge Impulse's
 * firmware prints one Predictions block a second. */
#define DEV_LIVE_MS 100
#define DEV_LIVE_MS_EDGE_IMPULSE 1000
struct dev_sim_setup_config {
    const char *model;   /* --model: a path, or NULL ($KWSCOPE_MODEL, the default) */
    const char *datadir; /* where assets/ is (mdl_model_find) */
    const char *labels;  /* comma separated, NULL: micro_speech's */
    const struct mdl_detect_config *detect; /* NULL: micro_speech's defaults */
    const int16_t *mic;                     /* looped mic (copied), NULL: silence */
    size_t mic_n;
    enum dev_dialect dialect;
    double speed;     /* mic pace, 0: real time */
    long live_ms;     /* live classification stride, 0: off, < 0: the default */
    const char *link; /* symlink to the pty, or NULL */
    void (*on_detect)(void *user, const char *label, int score, const struct dev_result *r);
    void *user;
};
/* The virtual board and everything it owns. */
struct dev_sim_setup {
    struct dev_sim *sim;       /* NULL until open */
    struct dev_sim_config cfg; /* what it was opened with (info, live_stride, ...) */
    struct mdl_model model;
    struct dev_pipeline pipe;
    int16_t *mic;
    char model_path[4096];
    long live_ms; /* the stride used, 0: no live detection */
    bool model_loaded, pipe_ready;
};
/* Loads, describes and opens. On failure everything is freed, err says why
 * (the pipeline's errors as "MODEL: ...") and *bad_labels (when not NULL)
 * tells a usage error (labels that do not fit the model) from the rest. */
enum kws_status dev_sim_setup(struct dev_sim_setup *v, const struct dev_sim_setup_config *c,
                              bool *bad_labels, char *err, size_t err_len);
void dev_sim_teardown(struct dev_sim_setup *v); /* a zeroed or failed v is fine */
/* ---- EMU: the emulated board (emu.c) ------------------------------------
 * The firmware core built for the Cortex-M4F (device/firmware/emu/, an ELF)
 * run by qemu-system-arm -M mps2-an386 -icount shift=0, its UART on a pty
 * that a session opens like any board's port. Its timings are 64 MHz
 * Cortex-M4 estimates from executed instructions (device/firmware/README-emu.md).
 * QEMU never outlives the process that started it (also on SIGKILL). */
struct dev_emu_config {
    const char *qemu;     /* NULL: qemu-system-arm from PATH */
    const char *elf;      /* the firmware image; NULL: $KWSCOPE_EMU_ELF, else the
                                      build's kwscope_emu.elf (kwscope_emu_ref.elf when reference) */
    int reference;        /* the reference-kernel image (plain TFLM-style loops) */
    const uint8_t *model; /* NULL: the image's own model; else .tflite bytes */
    size_t model_n;
    const char *model_name; /* shown by INFO (NULL: none) */
    const char *labels;     /* comma separated (NULL: the image's default) */
    long live_ms;           /* live detection stride with a mic (0: 250 ms) */
    const int16_t *mic;     /* clip its microphone plays in a loop (NULL: silence) */
    size_t mic_n;
    int mic_preload;      /* instead: mic's first second is the pushed second (a bench's
                        CLASSIFY requests run on it without a push); mic silent */
    const char *log_path; /* QEMU's stderr (NULL: discarded) */
};
/* QEMU's model of the board's UART takes host bytes one at a time, each
 * after a wake-up of the emulator's main loop (tens of microseconds, more on
 * a loaded machine: a frame of 57 bytes took over 5 s under a load average
 * of 30 on 2 cores): a session with the emulated board gives each frame this
 * long before resending, so resends never pile up behind slow bytes. */
#define DEV_EMU_FRAME_TIMEOUT_MS 30000
struct dev_emu;
enum kws_status dev_emu_start(struct dev_emu **out, const struct dev_emu_config *cfg, char *err,
                              size_t err_len);
const char *dev_emu_path(const struct dev_emu *e); /* the pty to open */
int dev_emu_pid(const struct dev_emu *e);          /* QEMU's pid (0 once reaped) */
/* 1 when QEMU has exited (*status: waitpid's), 0 while it runs. */
int dev_emu_exited(struct dev_emu *e, int *status);
void dev_emu_stop(struct dev_emu *e); /* terminates and reaps QEMU; frees e */
/* A port named "emu" (or "emu:ref", the reference-kernel image) means the
 * emulated board: 1 (and *reference) when port names it. */
int dev_emu_spec(const char *port, int *reference);
/* Start the board a spec names: model_path (NULL: the image's own model),
 * labels (NULL: its default), mic_path (a clip the mic plays; NULL: silence),
 * live_ms (0: 250 ms with a mic). */
enum kws_status dev_emu_open(struct dev_emu **out, const char *spec, const char *model_path,
                             const char *labels, const char *mic_path, long live_ms, char *err,
                             size_t err_len);
const char *dev_emu_elf(const struct dev_emu *e); /* the image it runs */
/* The image's flash (allocated sections with contents) and static RAM
 * (writable allocated sections), from its ELF section headers. */
enum kws_status dev_emu_image_size(const char *elf, uint32_t *flash, uint32_t *ram, char *err,
                                   size_t err_len);

/* On-device cost without a board (emu_bench.c): boot the emulated board with
 * a model, push audio once, classify it `runs` times; per-stage executed
 * instructions and their 64 MHz Cortex-M4 estimates (min/max/avg), the
 * board's INFO after the runs (stack high-water mark, heap) and the image's
 * size. Blocking; stop (may be NULL) ends it early. */
struct dev_emu_bench_config {
    const char *model_path; /* NULL: model below, else the image's own model */
    const uint8_t *model;   /* .tflite bytes when model_path is NULL (NULL: none) */
    size_t model_n;
    int reference;        /* the reference-loop image */
    const int16_t *audio; /* one second, DEV_BOARD_CLIP samples (NULL: low noise) */
    size_t n;
    int runs;
    volatile int *stop;
};
struct dev_emu_stage {
    double min_ms, max_ms, avg_ms; /* M4 estimates */
    uint32_t min_instr, max_instr;
    double avg_instr;
};
struct dev_emu_bench {
    struct dev_emu_stage stage[3]; /* preprocess, inference, postprocess */
    int runs;
    int8_t scores[DEV_MAX_LABELS];
    uint8_t n_scores;
    struct dev_info info;            /* after the runs: has_mem, stack_used, heap_used */
    uint32_t image_flash, image_ram; /* the ELF's flash and static RAM */
    double ready_s, runs_s;          /* start-up to ready; the runs */
    char elf[4096];
};
enum kws_status dev_emu_bench(const struct dev_emu_bench_config *c, struct dev_emu_bench *out,
                              char *err, size_t err_len);

#endif
