/* emu_model.c: the built-in model, an xxd -i style file (the sketch's
 * model_data.h), named by the build (KWS_MODEL_FILE). */
#include <stdalign.h>

#include KWS_MODEL_FILE
