#ifndef VISAGE_WINOGRAD_LINE_H
#define VISAGE_WINOGRAD_LINE_H

#include "visage_kernels.h"  // visage_cpu_has_avx2(), visage_cpu_has_avx512()

/// Floats of visage_winograd_line_pack_weights' output for out_channels × channels filters.
long visage_winograd_line_packed_count(int out_channels, int channels);

/// Transforms out_channels × channels filters of seven taps along a line (a 1 × 7 or 7 × 1
/// convolution's weight, weight[(o * channels + c) * 7 + k]) into Winograd F(2, 7)'s U = G g
/// (8 values per filter, computed in double), packed as [out_channels / 4][8][channels][4]
/// (output channels rounded up to a multiple of 4, the extra ones zero).
void visage_winograd_line_pack_weights(const float *weight, int out_channels, int channels, float *packed);

/// The number of tiles visage_winograd_line_avx2 transforms at a time for `channels` input
/// channels (a multiple of 8, at least 8).
int visage_winograd_line_block(int channels);

/// Floats of working memory one call of visage_winograd_line_avx2 needs for `channels` input
/// channels.
long visage_winograd_line_scratch_count(int channels);

/// A stride-1 convolution with seven taps along one axis (`vertical`: a 7 × 1 filter along the
/// rows, else 1 × 7 along the columns) by Winograd's F(2, 7): 4 multiplies per output and input
/// channel instead of 7; bias and optional ReLU fused, AVX2/FMA.
///
/// Input: `samples` × `channels` planes of h × w, channel c of sample s at
/// in[(c * samples + s) * h * w]; `pad` zero inputs before each line (none across the lines).
/// Output: `length` values along each line (output i reads inputs i − pad ..< i − pad + 7 of its
/// line, zero outside), so ho × wo = length × w (vertical) or h × length; channel o of sample s at
/// out[(o * samples + s) * ho * wo].
/// Tiles: two neighbouring outputs of one line, numbered t = (s · pairs + j) · across8 + q for
/// sample s, pair j < pairs = ⌈length / 2⌉ and line q < across8 (the lines across, w or h, rounded
/// up to a multiple of 8; tiles of the lines past the plane are computed and not stored). This
/// call computes tiles tile_begin ..< tile_end (multiples of 8, or the end) of output channels
/// out_begin ..< out_end (multiples of 4).
///
/// weight: packed by visage_winograd_line_pack_weights; bias: out_channels values or NULL;
/// scratch: visage_winograd_line_scratch_count(channels) floats; `avx512`: the products of two
/// blocks of four output channels at once in AVX-512 (only when visage_cpu_has_avx512() is 1).
/// Separate calls may run at once on disjoint tile or channel ranges with separate
/// scratch. Call only when visage_cpu_has_avx2() is 1.
void visage_winograd_line_avx2(const float *in, int samples, int channels, int h, int w, int vertical, int pad,
                               int length, const float *weight, const float *bias, int relu, int out_begin,
                               int out_end, float *out, long tile_begin, long tile_end, float *scratch, int avx512);

#endif
