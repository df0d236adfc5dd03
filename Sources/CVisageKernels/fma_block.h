// The 4 × 24 register block shared by the direct and batched-Winograd kernels (internal header).
#ifndef VISAGE_FMA_BLOCK_H
#define VISAGE_FMA_BLOCK_H

#if defined(__x86_64__)
/// a[r][v] += broadcast(w[r]) · p[8v ..< 8v + 8] for r < 4, v < 3, with the twelve accumulators
/// (__m256 lvalues) in registers: ymm12–14 hold the inputs, ymm15 the broadcast weight. Left to
/// itself, clang spills one of the accumulators in such a loop, which halves its speed.
#define VISAGE_FMA_4X24(p, w, a00, a01, a02, a10, a11, a12, a20, a21, a22, a30, a31, a32)                    \
    __asm__("vmovups (%[pp]), %%ymm12\n\t"                                                                   \
            "vmovups 32(%[pp]), %%ymm13\n\t"                                                                 \
            "vmovups 64(%[pp]), %%ymm14\n\t"                                                                 \
            "vbroadcastss (%[ww]), %%ymm15\n\t"                                                              \
            "vfmadd231ps %%ymm12, %%ymm15, %[b00]\n\t"                                                       \
            "vfmadd231ps %%ymm13, %%ymm15, %[b01]\n\t"                                                       \
            "vfmadd231ps %%ymm14, %%ymm15, %[b02]\n\t"                                                       \
            "vbroadcastss 4(%[ww]), %%ymm15\n\t"                                                             \
            "vfmadd231ps %%ymm12, %%ymm15, %[b10]\n\t"                                                       \
            "vfmadd231ps %%ymm13, %%ymm15, %[b11]\n\t"                                                       \
            "vfmadd231ps %%ymm14, %%ymm15, %[b12]\n\t"                                                       \
            "vbroadcastss 8(%[ww]), %%ymm15\n\t"                                                             \
            "vfmadd231ps %%ymm12, %%ymm15, %[b20]\n\t"                                                       \
            "vfmadd231ps %%ymm13, %%ymm15, %[b21]\n\t"                                                       \
            "vfmadd231ps %%ymm14, %%ymm15, %[b22]\n\t"                                                       \
            "vbroadcastss 12(%[ww]), %%ymm15\n\t"                                                            \
            "vfmadd231ps %%ymm12, %%ymm15, %[b30]\n\t"                                                       \
            "vfmadd231ps %%ymm13, %%ymm15, %[b31]\n\t"                                                       \
            "vfmadd231ps %%ymm14, %%ymm15, %[b32]"                                                           \
            : [b00] "+x"(a00), [b01] "+x"(a01), [b02] "+x"(a02), [b10] "+x"(a10), [b11] "+x"(a11),          \
              [b12] "+x"(a12), [b20] "+x"(a20), [b21] "+x"(a21), [b22] "+x"(a22), [b30] "+x"(a30),          \
              [b31] "+x"(a31), [b32] "+x"(a32)                                                              \
            : [pp] "r"(p), [ww] "r"(w)                                                                       \
            : "xmm12", "xmm13", "xmm14", "xmm15")
#endif

#endif
