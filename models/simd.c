/* simd.c: which target-specific int8 kernel paths run. Detected once, on
 * first use: the CPU's best (GCC/Clang __builtin_cpu_supports), lowered to
 * the portable C when KWSCOPE_NO_SIMD is set. The level is an atomic so
 * that interpreters on several threads may start together. Non-x86 builds
 * (the Cortex-M4 firmware) only ever run the portable C. */
#include <stdatomic.h>
#include <stdlib.h>

#include "kernels_internal.h"

static atomic_int active = -1;

static bool simd_disabled(void)
{
    const char *e = getenv("KWSCOPE_NO_SIMD");
    return e && *e && !(e[0] == '0' && e[1] == '\0');
}

static enum mdl_simd cpu_best(void)
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2")) return MDL_SIMD_PORTABLE;
    if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl"))
        return MDL_SIMD_AVX512_VNNI;
    return MDL_SIMD_AVX2;
#else
    return MDL_SIMD_PORTABLE;
#endif
}

enum mdl_simd mdl_simd_supported(void)
{
    return simd_disabled() ? MDL_SIMD_PORTABLE : cpu_best();
}

enum mdl_simd mdl_simd_active(void)
{
    int l = atomic_load_explicit(&active, memory_order_relaxed);
    if (l < 0) {
        l = (int)mdl_simd_supported();
        atomic_store_explicit(&active, l, memory_order_relaxed);
    }
    return (enum mdl_simd)l;
}

enum mdl_simd mdl_simd_level(void)
{
    return mdl_simd_active();
}

enum mdl_simd mdl_simd_set(enum mdl_simd want)
{
    int best = (int)mdl_simd_supported(), l = (int)want;
    if (l > best) l = best;
    if (l < 0) l = 0;
    atomic_store_explicit(&active, l, memory_order_relaxed);
    return (enum mdl_simd)l;
}

const char *mdl_simd_name(enum mdl_simd level)
{
    switch (level) {
    case MDL_SIMD_AVX2: return "avx2";
    case MDL_SIMD_AVX512_VNNI: return "avx512-vnni";
    default: return "portable";
    }
}
