/* cmd_collect.c: `kwscope collect --words yes,no [--source mic] [--count N]
 * [--speaker NAME] DATA_DIR`: builds a Speech Commands style data set with
 * the microphone the board will hear.
 *
 * For each take: prompts the word, records 2 s, keeps the 1 s window centred
 * on the utterance (energy-based: the centre of mass of the frame energies
 * above a threshold), shows the waveform as text and asks keep / redo / quit.
 * Kept clips go to DATA_DIR/WORD/SPEAKER_nohash_N.wav (N = next free number),
 * so one speaker's clips share a split under the Speech Commands rule.
 *
 * Recording uses PortAudio's blocking read of the default input device at
 * 16 kHz mono (capture's mic source had no API yet when this was written);
 * --source board is not supported yet. */
#include <errno.h>
#include <getopt.h>
#include <portaudio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "commands.h"

#define RATE 16000
#define TAKE (2 * RATE)

/* Start of the 1 s window centred on the utterance: energy per 10 ms frame,
 * frames above 10% of the loudest (and well above the quietest) weigh in
 * the centre. Silence-only takes are centred on the take. */
static size_t centre_window(const int16_t *s, size_t n)
{
    enum { HOP = RATE / 100 };
    size_t frames = n / HOP;
    double e[TAKE / HOP], mx = 0.0, mn = 1e300;
    for (size_t f = 0; f < frames; f++) {
        double sum = 0.0;
        for (size_t i = 0; i < HOP; i++)
            sum += (double)s[f * HOP + i] * s[f * HOP + i];
        e[f] = sum / HOP;
        mx = e[f] > mx ? e[f] : mx;
        mn = e[f] < mn ? e[f] : mn;
    }
    double thr = 0.1 * mx, wsum = 0.0, csum = 0.0;
    if (mx < 4.0 * mn + 100.0)
        return (n - RATE) / 2;
    for (size_t f = 0; f < frames; f++)
        if (e[f] > thr) {
            wsum += e[f];
            csum += e[f] * ((double)f + 0.5) * HOP;
        }
    long c = (long)(csum / wsum), start = c - RATE / 2;
    if (start < 0)
        start = 0;
    if (start > (long)(n - RATE))
        start = (long)(n - RATE);
    return (size_t)start;
}

/* Waveform as text: min/max per column, `rows` lines. */
static void draw_wave(const int16_t *s, size_t n, int cols, int rows)
{
    for (int r = 0; r < rows; r++) {
        double top = 1.0 - 2.0 * r / rows, bot = 1.0 - 2.0 * (r + 1) / rows;
        putchar('|');
        for (int c = 0; c < cols; c++) {
            size_t a = n * (size_t)c / (size_t)cols, b = n * (size_t)(c + 1) / (size_t)cols;
            double lo = 1.0, hi = -1.0;
            for (size_t i = a; i < b; i++) {
                double v = s[i] / 32768.0;
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
            putchar(hi >= bot && lo <= top ? '#' : (r == rows / 2 ? '-' : ' '));
        }
        printf("|\n");
    }
}

static int record(int16_t *buf, size_t n, char *err, size_t err_len)
{
    PaStream *st;
    PaError e = Pa_OpenDefaultStream(&st, 1, 0, paInt16, RATE, 1024, NULL, NULL);
    if (e == paNoError)
        e = Pa_StartStream(st);
    if (e != paNoError) {
        snprintf(err, err_len, "cannot record: %s", Pa_GetErrorText(e));
        return -1;
    }
    size_t got = 0;
    while (got < n && e == paNoError) {
        unsigned long k = n - got > 1024 ? 1024 : (unsigned long)(n - got);
        e = Pa_ReadStream(st, buf + got, k);
        if (e == paInputOverflowed)
            e = paNoError; /* a lost block is a glitch in one take, not fatal */
        got += k;
    }
    Pa_StopStream(st);
    Pa_CloseStream(st);
    if (e != paNoError) {
        snprintf(err, err_len, "recording failed: %s", Pa_GetErrorText(e));
        return -1;
    }
    return 0;
}

static int next_index(const char *dir, const char *speaker)
{
    char path[4096 + 128];
    for (int i = 0;; i++) {
        snprintf(path, sizeof path, "%s/%s_nohash_%d.wav", dir, speaker, i);
        if (access(path, F_OK) != 0)
            return i;
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: kwscope collect --words yes,no [--source mic] [--count N] "
                    "[--speaker NAME] DATA_DIR\n");
    return 2;
}

int tui_cmd_collect(int argc, char **argv)
{
    static const struct option opts[] = {
        {"words", required_argument, 0, 'w'}, {"source", required_argument, 0, 's'},
        {"count", required_argument, 0, 'c'}, {"speaker", required_argument, 0, 'p'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0},
    };
    char words_buf[256] = "yes,no", speaker[64] = "me";
    int count = 10;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'w': snprintf(words_buf, sizeof words_buf, "%s", optarg); break;
        case 'p':
            if (!*optarg || strpbrk(optarg, "/_ ") || strlen(optarg) >= sizeof speaker)
                return fprintf(stderr, "kwscope: collect: --speaker needs a short name "
                                       "without '/', '_' or spaces\n"), 2;
            snprintf(speaker, sizeof speaker, "%s", optarg);
            break;
        case 's':
            if (strcmp(optarg, "mic"))
                return fprintf(stderr, "kwscope: collect: --source %s is not supported yet "
                                       "(only mic)\n", optarg), 2;
            break;
        case 'c':
            count = (int)strtol(optarg, &end, 10);
            if (*end || count < 1 || count > 10000)
                return fprintf(stderr, "kwscope: collect: bad --count '%s'\n", optarg), 2;
            break;
        case 'h': usage(); return 0;
        default: return usage();
        }
    }
    if (optind != argc - 1)
        return usage();
    const char *dir = argv[optind];
    const char *words[32];
    int nw = 0;
    for (char *t = strtok(words_buf, ","); t && nw < 32; t = strtok(NULL, ","))
        words[nw++] = t;
    if (!nw)
        return fprintf(stderr, "kwscope: collect: --words is empty\n"), 2;
    if (mkdir(dir, 0777) && errno != EEXIST)
        return fprintf(stderr, "kwscope: collect: %s: %s\n", dir, strerror(errno)), 1;
    if (Pa_Initialize() != paNoError)
        return fprintf(stderr, "kwscope: collect: cannot start PortAudio\n"), 1;

    static int16_t take[TAKE];
    char err[256], line[64], wdir[4096], path[4096 + 128];
    int rc = 0;
    for (int k = 0; k < count * nw && rc == 0; k++) {
        const char *w = words[k % nw];
        snprintf(wdir, sizeof wdir, "%s/%s", dir, w);
        if (mkdir(wdir, 0777) && errno != EEXIST) {
            fprintf(stderr, "kwscope: collect: %s: %s\n", wdir, strerror(errno));
            rc = 1;
            break;
        }
        for (;;) {
            printf("\n[%d/%d] say \"%s\" after Enter (2 s)... ", k + 1, count * nw, w);
            fflush(stdout);
            if (!fgets(line, sizeof line, stdin)) {
                k = count * nw;
                break;
            }
            if (record(take, TAKE, err, sizeof err)) {
                fprintf(stderr, "kwscope: collect: %s\n", err);
                rc = 1;
                break;
            }
            const int16_t *clip = take + centre_window(take, TAKE);
            draw_wave(clip, RATE, 70, 9);
            printf("keep, redo or quit? [K/r/q] ");
            fflush(stdout);
            if (!fgets(line, sizeof line, stdin) || line[0] == 'q') {
                k = count * nw;
                break;
            }
            if (line[0] == 'r')
                continue;
            snprintf(path, sizeof path, "%s/%s_nohash_%d.wav", wdir, speaker,
                     next_index(wdir, speaker));
            if (cap_clip_save(path, clip, RATE, RATE, 0, err, sizeof err) != KWS_OK) {
                fprintf(stderr, "kwscope: collect: %s\n", err);
                rc = 1;
            } else {
                printf("saved %s\n", path);
            }
            break;
        }
    }
    Pa_Terminate();
    return rc;
}
