#ifndef VISAGE_WINOGRAD_BATCH4_H
#define VISAGE_WINOGRAD_BATCH4_H

#include "visage_kernels.h"  // visage_cpu_has_avx2(): AVX2 and FMA, checked once

/// Floats of visage_winograd4_pack_weights' output for out_channels × channels 3 × 3 filters.
long visage_winograd4_packed_count(int out_channels, int channels);

/// Transforms out_channels × channels 3 × 3 filters (weight[((o * channels + c) * 3 + ky) * 3 + kx])
/// into Winograd F(4×4, 3×3)'s U = G g Gᵀ (6 × 6 per filter, computed in double), packed as
/// [out_channels / 4][36][channels][4] (output channels rounded up to a multiple of 4, the extra
/// ones zero).
void visage_winograd4_pack_weights(const float *weight, int out_channels, int channels, float *packed);

/// The number of 4 × 4 tiles visage_winograd4_avx2 transforms at a time for `channels` input
/// channels (a multiple of 24, at most 96).
int visage_winograd4_block(int channels);

/// Floats of working memory one call of visage_winograd4_avx2 needs for `channels` input channels.
long visage_winograd4_scratch_count(int channels);

/// A stride-1 3 × 3 convolution of a channel-major batch by Winograd's F(4×4, 3×3): 2.25
/// multiplies per output and input channel instead of F(2×2, 3×3)'s 4, for planes large enough
/// that their 4 × 4 tiles fill the vectors; bias and optional ReLU fused, AVX2/FMA.
///
/// `padded` is the copy visage_winograd_batch_pad wrote (visage_winograd_batch.h): channel c of
/// sample s is its hp × wp plane (c * samples + s); output (y, x) reads the plane's rows
/// y ..< y + 3 and columns x ..< x + 3. The output is tiled in 4 × 4 tiles, tiles_y × tiles_x per
/// sample, numbered t = (s * tiles_y + ty) * tiles_x + tx; hp ≥ 4 · tiles_y + 2 and
/// wp ≥ 4 · tiles_x + 2. This call computes the tiles tile_begin ..< tile_end of output channels
/// out_begin ..< out_end (multiples of 4) and writes them to channel o of sample s at
/// out[(o * samples + s) * ho * wo + y * wo + x], clipped to ho × wo.
///
/// The parameters are visage_winograd_batch_avx2's (out_channels is not used).
/// weight: packed by visage_winograd4_pack_weights (out_channels a multiple of 4); bias:
/// out_channels values or NULL; scratch: visage_winograd4_scratch_count(channels) floats.
/// Separate calls may run at once on disjoint tile or channel ranges with separate scratch.
/// Call only when visage_cpu_has_avx2() is 1.
void visage_winograd4_avx2(const float *padded, int channels, int samples, int hp, int wp, int tiles_y,
                           int tiles_x, const float *weight, const float *bias, int relu, int out_channels,
                           int out_begin, int out_end, float *out, int ho, int wo, long tile_begin, long tile_end,
                           float *scratch);

#endif
