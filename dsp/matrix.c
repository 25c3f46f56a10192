/* matrix.c: the frames x columns result of an analysis (malloc'd data, so a
 * caller may also build one with calloc and release it here). */
#include <stdlib.h>

#include "dsp.h"

void dsp_matrix_free(struct dsp_matrix *m)
{
    if (!m) return;
    free(m->data);
    m->data = NULL;
    m->rows = m->cols = 0;
}
