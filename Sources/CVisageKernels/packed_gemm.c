// A matrix product whose left factor (a layer's weights) is packed once, when a plan is built,
// for products with few columns (a batch of one: 3 × 3 to 12 × 12 planes). OpenBLAS packs the
// weights again on every call, which for such products costs as much as the multiplications,
// and its kernels are shaped for wide right factors.
//
// Register block: 16 rows (two vectors of output channels) × 6 columns, twelve accumulators;
// per k, two loads of the packed panel and six broadcasts of the packed tile. The panel is read
// once per tile (from L2 after the first), the tiles from L2; no blocking over k (measured: it
// made no difference up to k = 2304). The first tile prefetches the panel 64 steps of k (4 KB)
// ahead: the hardware prefetcher alone left products of 9 columns, which stream the weights
// from memory, at about half the machine's read bandwidth (docs/engine.md, session 22). The
// sums of a block go through a small buffer to the row-major C with the epilogue (bias, scale,
// accumulate, ReLU).
#include "visage_packed_gemm.h"
#include "packed_gemm_store.h"

#include <stdint.h>

enum { Rows = VISAGE_PACKED_GEMM_ROWS, Columns = VISAGE_PACKED_GEMM_COLUMNS, Ahead = 64 };

long visage_packed_gemm_a_count(int m, int k) { return (long)((m + Rows - 1) / Rows) * Rows * k; }

void visage_packed_gemm_pack_a(const float *a, int m, int k, int lda, float *packed) {
    const int panels = (m + Rows - 1) / Rows;
    for (int p = 0; p < panels; p++) {
        float *dst = packed + (long)p * Rows * k;
        for (int r = 0; r < Rows; r++) {
            const int row = p * Rows + r;
            for (int kk = 0; kk < k; kk++) dst[(long)kk * Rows + r] = row < m ? a[(long)row * lda + kk] : 0;
        }
    }
}

void visage_packed_gemm_store(const float *block, int m, int n, int p, int t, const float *bias, float alpha,
                              int accumulate, int relu, float *c, int ldc) {
    const int r0 = p * Rows, rows = m - r0 < Rows ? m - r0 : Rows;
    const int c0 = t * Columns, count = n - c0 < Columns ? n - c0 : Columns;
    for (int r = 0; r < rows; r++) {
        float *out = c + (long)(r0 + r) * ldc + c0;
        const float shift = bias ? bias[r0 + r] : 0;
        for (int j = 0; j < count; j++) {
            float v = alpha * (block[j * Rows + r] + shift);
            if (accumulate) v += out[j];
            out[j] = relu && v < 0 ? 0 : v;
        }
    }
}

int visage_packed_gemm_tiles(int n) { return (n + Columns - 1) / Columns; }

long visage_packed_gemm_b_count(int k, int n) { return (long)visage_packed_gemm_tiles(n) * Columns * k; }

void visage_packed_gemm_pack_b(const float *b, int k, int n, int ldb, int t0, int t1, float *packed) {
    for (int t = t0; t < t1; t++) {
        float *dst = packed + (long)t * Columns * k;
        const int c0 = t * Columns, count = n - c0 < Columns ? n - c0 : Columns;
        for (int kk = 0; kk < k; kk++) {
            const float *s = b + (long)kk * ldb + c0;
            float *d = dst + (long)kk * Columns;
            if (count == Columns) {
                d[0] = s[0], d[1] = s[1], d[2] = s[2], d[3] = s[3], d[4] = s[4], d[5] = s[5];
            } else {
                for (int j = 0; j < Columns; j++) d[j] = j < count ? s[j] : 0;
            }
        }
    }
}

void visage_packed_gemm_pack_tail(const float *b, int k, int count, int width, int ldb, float *tail) {
    for (int kk = 0; kk < k; kk++)
        for (int j = 0; j < width; j++) tail[(long)kk * width + j] = j < count ? b[(long)kk * ldb + j] : 0;
}

// Where the tap (ky, kx) of a column whose sample starts at `base` (-1: no column) and whose
// window starts at (y0, x0) reads in a channel's planes, or -1 in the padding.
static inline long tap_offset(long base, int y0, int x0, int ky, int kx, int h, int w) {
    const int y = y0 + ky, x = x0 + kx;
    return base >= 0 && y >= 0 && y < h && x >= 0 && x < w ? base + (long)y * w + x : -1;
}

void visage_packed_gemm_pack_im2col(const float *in, int samples, int channels, int h, int w, int kh, int kw,
                                    int sy, int sx, int pad_top, int pad_left, int ho, int wo, int t0, int t1,
                                    float *packed) {
    enum { MaxTaps = 64 };
    const long n = (long)samples * ho * wo, plane = (long)h * w, stride = (long)samples * plane;
    const int taps = kh * kw;
    // Per tap and column: where the value sits in a channel's planes, or -1 for padding (and
    // columns past n). Larger kernels than 8 × 8 take the tap loop below one at a time.
    long offsets[MaxTaps * Columns];
    const int table = taps <= MaxTaps;
    for (int t = t0; t < t1; t++) {
        float *d = packed + (long)t * Columns * channels * taps;
        long base[Columns];
        int y0[Columns], x0[Columns];
        for (int j = 0; j < Columns; j++) {
            const long r = (long)t * Columns + j;
            const long s = r < n ? r / ((long)ho * wo) : 0, rest = r < n ? r % ((long)ho * wo) : 0;
            base[j] = r < n ? s * plane : -1;
            y0[j] = (int)(rest / wo) * sy - pad_top;
            x0[j] = (int)(rest % wo) * sx - pad_left;
        }
        for (int tap = 0; tap < (table ? taps : 0); tap++) {
            const int ky = tap / kw, kx = tap % kw;
            for (int j = 0; j < Columns; j++)
                offsets[tap * Columns + j] = tap_offset(base[j], y0[j], x0[j], ky, kx, h, w);
        }
        for (int ch = 0; ch < channels; ch++) {
            const float *src = in + ch * stride;
            for (int tap = 0; tap < taps; tap++, d += Columns) {
                if (table) {
                    const long *o = offsets + tap * Columns;
                    for (int j = 0; j < Columns; j++) d[j] = o[j] >= 0 ? src[o[j]] : 0;
                    continue;
                }
                for (int j = 0; j < Columns; j++) {
                    const long o = tap_offset(base[j], y0[j], x0[j], tap / kw, tap % kw, h, w);
                    d[j] = o >= 0 ? src[o] : 0;
                }
            }
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

// c[2j + v] += w[8v ..< 8v + 8] · broadcast(b[j]) for j < 6, v < 2, the twelve accumulators in
// registers (ymm12–13 hold the panel's row pair, ymm14–15 the broadcasts): left to itself, clang
// may spill one of them in this loop, which halves its speed (see fma_block.h).
#define VISAGE_FMA_16X6(w, b, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11)                              \
    __asm__("vmovups (%[ww]), %%ymm12\n\t"                                                                  \
            "vmovups 32(%[ww]), %%ymm13\n\t"                                                                \
            "vbroadcastss (%[bb]), %%ymm14\n\t"                                                             \
            "vbroadcastss 4(%[bb]), %%ymm15\n\t"                                                            \
            "vfmadd231ps %%ymm12, %%ymm14, %[a0]\n\t"                                                       \
            "vfmadd231ps %%ymm13, %%ymm14, %[a1]\n\t"                                                       \
            "vbroadcastss 8(%[bb]), %%ymm14\n\t"                                                            \
            "vfmadd231ps %%ymm12, %%ymm15, %[a2]\n\t"                                                       \
            "vfmadd231ps %%ymm13, %%ymm15, %[a3]\n\t"                                                       \
            "vbroadcastss 12(%[bb]), %%ymm15\n\t"                                                           \
            "vfmadd231ps %%ymm12, %%ymm14, %[a4]\n\t"                                                       \
            "vfmadd231ps %%ymm13, %%ymm14, %[a5]\n\t"                                                       \
            "vbroadcastss 16(%[bb]), %%ymm14\n\t"                                                           \
            "vfmadd231ps %%ymm12, %%ymm15, %[a6]\n\t"                                                       \
            "vfmadd231ps %%ymm13, %%ymm15, %[a7]\n\t"                                                       \
            "vbroadcastss 20(%[bb]), %%ymm15\n\t"                                                           \
            "vfmadd231ps %%ymm12, %%ymm14, %[a8]\n\t"                                                       \
            "vfmadd231ps %%ymm13, %%ymm14, %[a9]\n\t"                                                       \
            "vfmadd231ps %%ymm12, %%ymm15, %[a10]\n\t"                                                      \
            "vfmadd231ps %%ymm13, %%ymm15, %[a11]"                                                          \
            : [a0] "+x"(c0), [a1] "+x"(c1), [a2] "+x"(c2), [a3] "+x"(c3), [a4] "+x"(c4), [a5] "+x"(c5),     \
              [a6] "+x"(c6), [a7] "+x"(c7), [a8] "+x"(c8), [a9] "+x"(c9), [a10] "+x"(c10), [a11] "+x"(c11) \
            : [ww] "r"(w), [bb] "r"(b)                                                                       \
            : "xmm12", "xmm13", "xmm14", "xmm15")

__attribute__((target("avx2,fma")))
void visage_packed_gemm_avx2(const float *a, int m, int k, const float *b, int ldb, const float *tail, int n,
                             int p0, int p1, int t0, int t1, const float *bias, float alpha, int accumulate,
                             int relu, float *c, int ldc) {
    float block[Rows * Columns] __attribute__((aligned(32)));  // block[j * 16 + r]
    for (int p = p0; p < p1; p++) {
        const float *panel = a + (long)p * Rows * k;
        for (int t = t0; t < t1; t++) {
            long stride;
            const float *w = panel, *x = visage_packed_gemm_tile(b, ldb, tail, k, n, t, &stride);
            __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0,
                   s8 = s0, s9 = s0, s10 = s0, s11 = s0;
            if (t == t0) {
                // The panel's first tile reads it from memory: fetch 4 KB ahead, on into the next
                // panel at the end (a prefetch past the weights' end does not fault).
                for (int kk = 0; kk < k; kk++, w += Rows, x += stride) {
                    __builtin_prefetch((const void *)((uintptr_t)w + Ahead * Rows * sizeof(float)));
                    VISAGE_FMA_16X6(w, x, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11);
                }
            } else {
                for (int kk = 0; kk < k; kk++, w += Rows, x += stride)
                    VISAGE_FMA_16X6(w, x, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11);
            }
            _mm256_store_ps(block, s0), _mm256_store_ps(block + 8, s1);
            _mm256_store_ps(block + 16, s2), _mm256_store_ps(block + 24, s3);
            _mm256_store_ps(block + 32, s4), _mm256_store_ps(block + 40, s5);
            _mm256_store_ps(block + 48, s6), _mm256_store_ps(block + 56, s7);
            _mm256_store_ps(block + 64, s8), _mm256_store_ps(block + 72, s9);
            _mm256_store_ps(block + 80, s10), _mm256_store_ps(block + 88, s11);
            visage_packed_gemm_store(block, m, n, p, t, bias, alpha, accumulate, relu, c, ldc);
        }
    }
}

#else

void visage_packed_gemm_avx2(const float *a, int m, int k, const float *b, int ldb, const float *tail, int n,
                             int p0, int p1, int t0, int t1, const float *bias, float alpha, int accumulate,
                             int relu, float *c, int ldc) {
    (void)a, (void)m, (void)k, (void)b, (void)ldb, (void)tail, (void)n, (void)p0, (void)p1, (void)t0, (void)t1, (void)bias, (void)alpha;
    (void)accumulate, (void)relu, (void)c, (void)ldc;
}

#endif
