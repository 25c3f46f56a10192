/* models.h: keyword models. Reading .tflite flatbuffers and `xxd -i` C arrays
 * (bounds-checked), the int8/float kernels with TFLM reference semantics, the
 * interpreter with one arena sized by a lifetime-based planner, per-layer
 * FLOPs/params/RAM/flash, keyword post-processing, training and export.
 * Portable C: the firmware and the virtual board reuse it. */
#ifndef MODELS_H
#define MODELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/kws.h"

/* ===== FORMAT: model representation and reading (models-format) ===== */

/* ===== EXEC: kernels, interpreter, post-processing (models-exec) ===== */

/* ===== TRAIN: training and export (models-train) ===== */

#endif
