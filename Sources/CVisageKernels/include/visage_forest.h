#ifndef VISAGE_FOREST_H
#define VISAGE_FOREST_H

#include <stdint.h>

/// Samples the feature pixels of one cascade of a dlib shape predictor (AVX2), with dlib's
/// arithmetic: for feature i anchored at landmark k with offset (dx, dy),
///   qx = (m[0]·dx + m[1]·dy) + shape[2k],  qy = (m[2]·dx + m[3]·dy) + shape[2k + 1]   (f32, no FMA)
///   x = floor(qx·box[2] + box[0] + 0.5),    y = floor(qy·box[3] + box[1] + 0.5)     (f64)
/// and out[i] = the pixel's intensity (gray, or (R + G + B) / 3 in integers), 0 outside the image.
///
/// anchors2: 2k per feature; dx, dy: the offsets; all three padded to `count` rounded up to a
/// multiple of 8 (any valid anchor in the padding), and `out` must hold that many floats.
/// pixels: width × height × channels bytes (channels 1 or 3; may be NULL when the image is empty).
/// box: left, top, width, height of the face box.
void visage_shape_features_avx2(const uint8_t *pixels, int width, int height, int channels,
                                const float *shape, const int32_t *anchors2, const float *dx,
                                const float *dy, int count, const float m[4], const double box[4],
                                float *out);

/// One split of a regression tree: go left when features[idx1] − features[idx2] > threshold.
typedef struct {
    uint16_t idx1;
    uint16_t idx2;
    float threshold;
} visage_split;

/// Walks `trees` complete depth-4 regression trees (15 splits, 16 leaves each) and adds the
/// reached leaves to `shape` (AVX2), exactly as dlib does: every element's increments are added
/// tree by tree in order.
///
/// splits: per tree 16 records, splits 0…14 in heap order (children of k: 2k + 1 left, 2k + 2
/// right) and one unused; leaves: per tree 16 leaves of `width` floats; offsets: scratch for
/// `trees` ints.
void visage_forest_depth4_avx2(const float *features, const visage_split *splits, int trees,
                               const float *leaves, int width, int32_t *offsets, float *shape);

#endif
