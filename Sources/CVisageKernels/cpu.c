// Run-time CPU feature checks for the AVX2 and AVX-512 kernels.
#include "visage_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

// The value of `detect()`, worked out on the first call and kept in *cached (-1 until then).
static int once(int *cached, int (*detect)(void)) {
    int value = __atomic_load_n(cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = detect();
        __atomic_store_n(cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

static int detect_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX) || !(c & bit_FMA)) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6 || __get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & bit_AVX2) ? 1 : 0;
}

int visage_cpu_has_avx2(void) {
    static int cached = -1;
    return once(&cached, detect_avx2);
}

// The AVX-512 feature bits of CPUID leaf 7 (EBX, ECX) when AVX2 is there and the OS saves the
// YMM, opmask and upper ZMM states (XCR0 bits 1, 2, 5, 6, 7); else zeros.
static void avx512_bits(unsigned *ebx, unsigned *ecx) {
    *ebx = *ecx = 0;
    if (!visage_cpu_has_avx2() || __get_cpuid_max(0, 0) < 7) return;
    unsigned lo, hi, a, b, c, d;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6) != 0xE6) return;
    __cpuid_count(7, 0, a, b, c, d);
    *ebx = b;
    *ecx = c;
}

static int detect_avx512(void) {
    unsigned b, c;
    avx512_bits(&b, &c);
    return (b & (1u << 16)) ? 1 : 0;  // AVX-512 F
}

static int detect_avx512_vnni(void) {
    unsigned b, c;
    avx512_bits(&b, &c);
    const unsigned f = 1u << 16, bw = 1u << 30, vl = 1u << 31, vnni = 1u << 11;
    return (b & f) && (b & bw) && (b & vl) && (c & vnni) ? 1 : 0;
}

int visage_cpu_has_avx512(void) {
    static int cached = -1;
    return once(&cached, detect_avx512);
}

int visage_cpu_has_avx512_vnni(void) {
    static int cached = -1;
    return once(&cached, detect_avx512_vnni);
}

#else

int visage_cpu_has_avx2(void) { return 0; }

int visage_cpu_has_avx512(void) { return 0; }

int visage_cpu_has_avx512_vnni(void) { return 0; }

#endif
