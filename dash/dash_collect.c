/* dash_collect.c: the dashboard's collect mode (private to tui/).
 *
 * `kwscope --collect yes,no [--data DIR] [--speaker NAME]` on a live source
 * (PC mic or the board's mic): the footer prompts the next word, 'k' takes
 * 2 s, then the display pauses on the take with the 1 s window centred on
 * the utterance selected (the same centring as `kwscope collect`), so its
 * waveform, spectrogram and model features are right there to judge.
 * Enter keeps it as DIR/WORD/SPEAKER_nohash_N.wav, 'k' takes it again, Esc
 * drops it. The words cycle until the user leaves the mode (Esc when idle). */
#include "dash.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define TAKE_SAMPLES CAP_TAKE_SAMPLES

void dash_collect_init(struct dash_collect *c, const char *words, const char *dir,
                       const char *speaker)
{
    memset(c, 0, sizeof *c);
    snprintf(c->words_buf, sizeof c->words_buf, "%s", words);
    for (char *t = strtok(c->words_buf, ","); t && c->n_words < DASH_COLLECT_WORDS;
         t = strtok(NULL, ","))
        c->words[c->n_words++] = t;
    snprintf(c->dir, sizeof c->dir, "%s", dir && *dir ? dir : "data");
    snprintf(c->speaker, sizeof c->speaker, "%s", speaker && *speaker ? speaker : "me");
    c->active = c->n_words > 0;
}

static uint64_t total_samples(const struct tui_scope *s)
{
    return (uint64_t)(s->origin_s * CAP_RATE_HZ + 0.5) + s->clip.n_samples;
}

static void save_take(struct dash_collect *c, char *msg, size_t len)
{
    const char *w = c->words[c->word];
    char wdir[1200], path[1400], err[256];
    snprintf(wdir, sizeof wdir, "%s/%s", c->dir, w);
    if ((mkdir(c->dir, 0777) && errno != EEXIST) || (mkdir(wdir, 0777) && errno != EEXIST)) {
        snprintf(msg, len, "collect: %.100s: %.40s", wdir, strerror(errno));
        return;
    }
    cap_take_next_path(wdir, c->speaker, path, sizeof path);
    if (cap_clip_save(path, c->take + c->window, CAP_RATE_HZ, CAP_RATE_HZ, 0, err, sizeof err) !=
        KWS_OK) {
        snprintf(msg, len, "collect: %.140s", err);
        return;
    }
    c->saved++;
    c->word = (c->word + 1) % c->n_words;
    snprintf(msg, len, "saved %.200s (%d so far)", path, c->saved);
}

bool dash_collect_key(struct dash *d, int key)
{
    struct dash_collect *c = d->collect;
    if (!c || !c->active) return false;
    if (key == 'k') {
        if (!d->live) {
            dash_say(d, DASH_MSG_ERROR, "collect needs a live source (--source mic|sim|board)");
            return true;
        }
        c->state = DASH_COLLECT_RECORDING;
        c->start_abs = total_samples(d->scope);
        d->paused = false;
        d->tl.sel0_s = d->tl.sel1_s = 0;
        dash_follow(d, 0);
        return true;
    }
    if (c->state == DASH_COLLECT_REVIEW && (key == '\n' || key == '\r' || key == DASH_KEY_ENTER)) {
        save_take(c, d->message, sizeof d->message);
        c->state = DASH_COLLECT_PROMPT;
        d->paused = false;
        d->tl.sel0_s = d->tl.sel1_s = 0;
        dash_follow(d, 0);
        return true;
    }
    if (key == DASH_KEY_ESC) {
        if (c->state == DASH_COLLECT_PROMPT) {
            c->active = false;
            dash_say(d, DASH_MSG_INFO, "collect mode off (%d clips saved in %.100s)", c->saved,
                     c->dir);
        } else {
            dash_say(d, DASH_MSG_INFO, "take dropped");
        }
        c->state = DASH_COLLECT_PROMPT;
        d->paused = false;
        d->tl.sel0_s = d->tl.sel1_s = 0;
        dash_follow(d, 0);
        return true;
    }
    return false;
}

bool dash_collect_step(struct dash *d)
{
    struct dash_collect *c = d->collect;
    if (!c || !c->active || c->state != DASH_COLLECT_RECORDING) return false;
    const struct tui_scope *s = d->scope;
    uint64_t origin = (uint64_t)(s->origin_s * CAP_RATE_HZ + 0.5);
    if (total_samples(s) < c->start_abs + TAKE_SAMPLES) return false;
    if (c->start_abs < origin) { /* history trimmed under the take: take it again */
        c->start_abs = total_samples(s);
        return false;
    }
    size_t at = (size_t)(c->start_abs - origin);
    memcpy(c->take, s->clip.samples + at, sizeof c->take);
    c->window = cap_take_centre(c->take, TAKE_SAMPLES);
    c->state = DASH_COLLECT_REVIEW;
    /* Pause on the take, its centred second selected. */
    d->paused = true;
    double t0 = (double)(at + c->window) / CAP_RATE_HZ;
    d->tl.sel0_s = t0;
    d->tl.sel1_s = t0 + 1.0;
    d->tl.cursor_s = t0 + 0.5;
    double span = d->tl.t1_s - d->tl.t0_s;
    if (span < 3.0) span = 3.0;
    d->tl.t0_s = t0 + 0.5 - span / 2 > 0 ? t0 + 0.5 - span / 2 : 0;
    d->tl.t1_s = d->tl.t0_s + span;
    return true;
}

void dash_collect_prompt(const struct dash *d, char *buf, size_t len)
{
    const struct dash_collect *c = d->collect;
    const char *w = c->words[c->word];
    switch (c->state) {
    case DASH_COLLECT_PROMPT:
        snprintf(buf, len,
                 " collect #%d: say \"%s\": press k, then speak (2 s)   Esc: leave collect mode",
                 c->saved + 1, w);
        break;
    case DASH_COLLECT_RECORDING:
        snprintf(buf, len, " collect: recording \"%s\"... %.1f s", w,
                 (double)(total_samples(d->scope) - c->start_abs) / CAP_RATE_HZ);
        break;
    default:
        snprintf(buf, len,
                 " \"%s\": Enter keeps the selected second, k takes it again, Esc drops it", w);
        break;
    }
}
