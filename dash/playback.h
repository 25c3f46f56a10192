/* playback.h: playing a clip through the default PortAudio output (private). */
#ifndef TUI_PLAYBACK_H
#define TUI_PLAYBACK_H

#include <stddef.h>
#include <stdint.h>

#include "common/kws.h"

struct tui_player;

/* Opens PortAudio's default output at 16 kHz mono. Fails with a one-line
 * reason (e.g. "no audio output device") and leaves *out NULL. */
enum kws_status tui_player_open(struct tui_player **out, char *err, size_t err_len);
/* Plays samples[from, to). The samples must outlive playback. */
enum kws_status tui_player_start(struct tui_player *p, const int16_t *samples, size_t from,
                                 size_t to, char *err, size_t err_len);
/* Current sample index, or -1 when nothing is playing (stopped or finished). */
long tui_player_position(struct tui_player *p);
void tui_player_stop(struct tui_player *p);
void tui_player_close(struct tui_player *p);

#endif
