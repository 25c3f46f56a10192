/* board_libc.c: posix_memalign for newlib-nano, which declares it but does
 * not define it (its aligned_alloc calls it too). The model reader and the
 * interpreter allocate 16-byte aligned blocks once at setup; nano's memalign
 * does the work and its free() takes the result. Weak, so a C library that
 * has the real one wins. Built only into the firmware (make_core.sh). */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

int posix_memalign(void **out, size_t align, size_t size);

__attribute__((weak)) int posix_memalign(void **out, size_t align, size_t size)
{
    void *p = memalign(align, size ? size : 1);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
