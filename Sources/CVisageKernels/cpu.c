// Run-time CPU feature check for the AVX2 kernels.
#include "visage_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

int visage_cpu_has_avx2(void) {
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value >= 0) return value;
    unsigned a, b, c, d;
    value = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE) && (c & bit_AVX) && (c & bit_FMA)) {
        unsigned lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        if ((lo & 6) == 6 && __get_cpuid_max(0, 0) >= 7) {
            __cpuid_count(7, 0, a, b, c, d);
            value = (b & bit_AVX2) ? 1 : 0;
        }
    }
    __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    return value;
}

#else

int visage_cpu_has_avx2(void) { return 0; }

#endif
