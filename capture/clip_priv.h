/* clip_priv.h: helpers shared inside capture/ (and its tests): the sample
 * conversion, the resampler choice and safe file creation. */
#ifndef CAP_CLIP_PRIV_H
#define CAP_CLIP_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "common/kws.h"

/* The libsamplerate converter used everywhere in capture/ (offline and
 * streaming); tests use the same one for their references. */
#define CAP_SRC_CONVERTER SRC_SINC_MEDIUM_QUALITY

/* x in [-1, 1) -> int16: round to nearest (lrintf), clip, NaN -> 0. */
int16_t cap_float_to_s16(float x);

/* Resample mono float at rate_hz to 16 kHz int16 (copy when already 16 kHz).
 * *out is malloc'd, the caller frees it. */
enum kws_status cap_resample_to_16k(const float *mono, size_t n, int rate_hz, int16_t **out,
                                    size_t *n_out, char *err, size_t err_len);

/* libsndfile format for a path's extension (.wav, .flac: PCM 16-bit). */
enum kws_status cap_sf_format_for_path(const char *path, int *format, char *err, size_t err_len);

/* Create path for writing; O_EXCL unless overwrite. Returns fd or -1 (err). */
int cap_open_new(const char *path, int overwrite, char *err, size_t err_len);

#endif
