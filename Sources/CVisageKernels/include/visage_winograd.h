#ifndef VISAGE_WINOGRAD_H
#define VISAGE_WINOGRAD_H

#include "visage_kernels.h"  // visage_cpu_has_avx2(): AVX2 and FMA, checked once

/// The number of floats visage_winograd_pack_weights writes for r × r filters (r = 3 or 5).
long visage_winograd_packed_count(int out_channels, int channels, int r);

/// Transforms [O][C][r][r] weights for Winograd F(2×2, r×r), r = 3 or 5 (U = G g Gᵀ, computed
/// in double precision) and packs them as [ceil(O / 4)][(r + 1)²][C][4], zero for the missing
/// channels of a last partial block.
void visage_winograd_pack_weights(const float *weight, int out_channels, int channels, int r, float *packed);

/// Floats of working memory visage_winograd_avx2 needs for `channels` input channels.
long visage_winograd_scratch_count(int channels, int r);

/// A stride-1 valid r × r convolution (r = 3 or 5) of one sample by Winograd's F(2×2, r×r), with
/// AVX2/FMA, bias and activation fused (activation as in visage_conv.h: 0 identity, 1 ReLU,
/// 2 PReLU).
///
/// Input channel c, row y, column x at in[c * plane_stride + y * pitch + x]; the input is
/// wo + r − 1 columns wide and only those are read. Output channel o, row y, column x at
/// out[o * out_channel_stride + y * out_pitch + x]. Computes output rows oy0 ..< oy1, two at a
/// time; with an odd count the last row is left to the caller (the function returns the first
/// row it did not compute; oy0 for another r). weight: packed by visage_winograd_pack_weights;
/// scratch: at least visage_winograd_scratch_count(channels, r) floats.
/// Call only when visage_cpu_has_avx2() is 1.
int visage_winograd_avx2(const float *in, long plane_stride, int pitch, int channels, int r,
                         const float *weight, const float *bias, const float *slope, int activation,
                         int out_channels, float *out, long out_channel_stride, int out_pitch, int wo,
                         int oy0, int oy1, float *scratch);

#endif
