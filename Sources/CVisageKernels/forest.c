// The two inner loops of dlib's shape predictor with AVX2: sampling a cascade's feature pixels,
// and walking its regression trees.
//
// Both give dlib's results bit for bit. The sampling does dlib's multiplications and additions
// one at a time (no fused multiply-add: contraction is off in this file) in dlib's order, eight
// feature pixels per step. The trees are walked eight at a time, level by level, so that eight
// independent chains of dependent loads (split → feature pixels → comparison → next split)
// overlap; each split is 8 bytes (two 16-bit feature indices and the threshold), a tree 128
// bytes. (Comparing all 15 splits of a tree with gathers and walking a bit mask was tried: 4
// gathers per tree cost more on Zen 3 than the 4 dependent steps, 0.27 against 0.17 ms per
// face.) The reached leaves are prefetched a group of trees before they are added.
#include "visage_forest.h"

#pragma clang fp contract(off)

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

// Trees whose leaves are requested before the previous group's are added.
#define GROUP 16

// The intensity at pixel index i, or 0 when `inside` is 0.
static inline float intensity(const uint8_t *pixels, int channels, int inside, long i) {
    if (!inside) return 0.0f;
    if (channels == 1) return (float)pixels[i];
    const uint8_t *p = pixels + 3 * i;
    return (float)(((int)p[0] + (int)p[1] + (int)p[2]) / 3);
}

// Four image coordinates: floor(q · scale + origin + 0.5), in double as dlib.
AVX2 static inline __m256d coordinate(__m128 q, __m256d scale, __m256d origin) {
    const __m256d half = _mm256_set1_pd(0.5);
    __m256d v = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(_mm256_cvtps_pd(q), scale), origin), half);
    return _mm256_floor_pd(v);
}

// Four samples at (x, y): intensities into out[0..3].
AVX2 static inline void sample4(const uint8_t *pixels, int channels, int width, __m256d x, __m256d y,
                                __m256d w, __m256d h, float *out) {
    const __m256d zero = _mm256_setzero_pd();
    __m256d in = _mm256_and_pd(_mm256_and_pd(_mm256_cmp_pd(x, zero, _CMP_GE_OQ), _mm256_cmp_pd(y, zero, _CMP_GE_OQ)),
                               _mm256_and_pd(_mm256_cmp_pd(x, w, _CMP_LT_OQ), _mm256_cmp_pd(y, h, _CMP_LT_OQ)));
    int inside = _mm256_movemask_pd(in);
    // In-bounds coordinates are exact small integers; the others are not used.
    int32_t xi[4], yi[4];
    _mm_storeu_si128((__m128i *)xi, _mm256_cvttpd_epi32(_mm256_and_pd(x, in)));
    _mm_storeu_si128((__m128i *)yi, _mm256_cvttpd_epi32(_mm256_and_pd(y, in)));
    for (int j = 0; j < 4; j++) out[j] = intensity(pixels, channels, (inside >> j) & 1, (long)yi[j] * width + xi[j]);
}

AVX2 void visage_shape_features_avx2(const uint8_t *pixels, int width, int height, int channels,
                                     const float *shape, const int32_t *anchors2, const float *dx,
                                     const float *dy, int count, const float m[4], const double box[4],
                                     float *out) {
    const __m256 m00 = _mm256_set1_ps(m[0]), m01 = _mm256_set1_ps(m[1]);
    const __m256 m10 = _mm256_set1_ps(m[2]), m11 = _mm256_set1_ps(m[3]);
    const __m256d left = _mm256_set1_pd(box[0]), top = _mm256_set1_pd(box[1]);
    const __m256d bw = _mm256_set1_pd(box[2]), bh = _mm256_set1_pd(box[3]);
    const __m256d w = _mm256_set1_pd((double)width), h = _mm256_set1_pd((double)height);
    for (int i = 0; i < count; i += 8) {
        __m256i k = _mm256_loadu_si256((const __m256i *)(anchors2 + i));
        __m256 sx = _mm256_i32gather_ps(shape, k, 4);
        __m256 sy = _mm256_i32gather_ps(shape + 1, k, 4);
        __m256 ddx = _mm256_loadu_ps(dx + i), ddy = _mm256_loadu_ps(dy + i);
        __m256 qx = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(m00, ddx), _mm256_mul_ps(m01, ddy)), sx);
        __m256 qy = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(m10, ddx), _mm256_mul_ps(m11, ddy)), sy);
        __m256d x0 = coordinate(_mm256_castps256_ps128(qx), bw, left);
        __m256d x1 = coordinate(_mm256_extractf128_ps(qx, 1), bw, left);
        __m256d y0 = coordinate(_mm256_castps256_ps128(qy), bh, top);
        __m256d y1 = coordinate(_mm256_extractf128_ps(qy, 1), bh, top);
        sample4(pixels, channels, width, x0, y0, w, h, out + i);
        sample4(pixels, channels, width, x1, y1, w, h, out + i + 4);
    }
}

// Adds the leaves at offsets[t0..<t1] to shape, tree by tree for every element (dlib's order).
AVX2 static inline void accumulate(const float *leaves, int width, const int32_t *offsets, int t0, int t1,
                                   float *shape) {
    int j = 0;
    for (; j + 8 <= width; j += 8) {
        __m256 acc = _mm256_loadu_ps(shape + j);
        for (int k = t0; k < t1; k++) acc = _mm256_add_ps(acc, _mm256_loadu_ps(leaves + (long)offsets[k] * width + j));
        _mm256_storeu_ps(shape + j, acc);
    }
    for (; j < width; j++) {
        float acc = shape[j];
        for (int k = t0; k < t1; k++) acc += leaves[(long)offsets[k] * width + j];
        shape[j] = acc;
    }
}

// The next node after split k of a tree: left (2k + 1) when the feature difference is above
// the threshold, else right (2k + 2).
static inline unsigned step(const float *features, const visage_split *tree, unsigned k) {
    const float difference = features[tree[k].idx1] - features[tree[k].idx2];
    return 2 * k + 2 - (difference > tree[k].threshold);
}

// Requests the cache lines of the leaf tree t reaches from `node` and records its index.
static inline void reach(const float *leaves, int width, int t, unsigned node, int32_t *offsets) {
    const int32_t leaf = 16 * t + (int32_t)node - 15;
    const float *p = leaves + (long)leaf * width;
    __builtin_prefetch(p, 0, 3);
    __builtin_prefetch(p + width - 1, 0, 3);
    offsets[t] = leaf;
}

AVX2 void visage_forest_depth4_avx2(const float *features, const visage_split *splits, int trees,
                                    const float *leaves, int width, int32_t *offsets, float *shape) {
    // Sixteen trees at a time: find the leaves they reach and request their cache lines, then add
    // the previous sixteen trees' leaves, which have had that long to arrive.
    for (int g = 0; g < trees; g += GROUP) {
        const int end = g + GROUP < trees ? g + GROUP : trees;
        int t = g;
        // Eight trees walked level by level: eight independent chains of dependent loads.
        for (; t + 8 <= end; t += 8) {
            const visage_split *tree = splits + 16 * (long)t;
            unsigned n[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            for (int level = 0; level < 4; level++) {
                for (int i = 0; i < 8; i++) n[i] = step(features, tree + 16 * i, n[i]);
            }
            for (int i = 0; i < 8; i++) reach(leaves, width, t + i, n[i], offsets);
        }
        for (; t < end; t++) {
            unsigned node = 0;
            for (int level = 0; level < 4; level++) node = step(features, splits + 16 * (long)t, node);
            reach(leaves, width, t, node, offsets);
        }
        if (g > 0) accumulate(leaves, width, offsets, g - GROUP, g, shape);
    }
    const int last = trees > 0 ? ((trees - 1) / GROUP) * GROUP : 0;
    accumulate(leaves, width, offsets, last, trees, shape);
}

#else

void visage_shape_features_avx2(const uint8_t *pixels, int width, int height, int channels,
                                const float *shape, const int32_t *anchors2, const float *dx,
                                const float *dy, int count, const float m[4], const double box[4],
                                float *out) {
    (void)pixels; (void)width; (void)height; (void)channels; (void)shape; (void)anchors2; (void)dx;
    (void)dy; (void)count; (void)m; (void)box; (void)out;
}

void visage_forest_depth4_avx2(const float *features, const visage_split *splits, int trees,
                               const float *leaves, int width, int32_t *offsets, float *shape) {
    (void)features; (void)splits; (void)trees; (void)leaves; (void)width; (void)offsets; (void)shape;
}

#endif
