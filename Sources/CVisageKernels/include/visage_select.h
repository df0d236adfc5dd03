#ifndef VISAGE_SELECT_H
#define VISAGE_SELECT_H

#include <stdint.h>

/// The first r in 0 ..< count whose partial distance s = norms[r] + a * dots[r] + b (with one
/// fused multiply-add, then the addition of b) is below `threshold`, with AVX2 + FMA; `count`
/// when there is none. The distance of the row found is written to *score.
///
/// A search's selection calls it again after each offer, with the candidate list's new
/// threshold, from the row after the one found: sixteen rows are compared per step, and a
/// tile's rows that cannot enter the list cost no work beyond that comparison.
int visage_first_below_int32_avx2(const int32_t *dots, const float *norms, int count, float a, float b,
                                  float threshold, float *score);

/// The same search over float dot products.
int visage_first_below_float_avx2(const float *dots, const float *norms, int count, float a, float b,
                                  float threshold, float *score);

#endif
