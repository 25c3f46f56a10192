/* device.h: the board. Serial protocol (pure encode/decode), transports
 * (libserialport, termios for ptys), board session, board mic as an audio
 * source, the virtual board. */
#ifndef DEVICE_H
#define DEVICE_H

#include "common/kws.h"

#endif
