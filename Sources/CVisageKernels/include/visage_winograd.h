#ifndef VISAGE_WINOGRAD_H
#define VISAGE_WINOGRAD_H

#include "visage_kernels.h"  // visage_cpu_has_avx2(): AVX2 and FMA, checked once

/// The number of floats visage_winograd3_pack_weights writes.
long visage_winograd3_packed_count(int out_channels, int channels);

/// Transforms [O][C][3][3] weights for Winograd F(2×2, 3×3) (U = G g Gᵀ) and packs them as
/// [ceil(O / 4)][16][C][4], zero for the missing channels of a last partial block.
void visage_winograd3_pack_weights(const float *weight, int out_channels, int channels, float *packed);

/// Floats of working memory visage_winograd3_avx2 needs for `channels` input channels.
long visage_winograd3_scratch_count(int channels);

/// A stride-1 valid 3×3 convolution of one sample by Winograd's F(2×2, 3×3), with AVX2/FMA,
/// bias and activation fused (activation as in visage_conv.h: 0 identity, 1 ReLU, 2 PReLU).
///
/// Input channel c, row y, column x at in[c * plane_stride + y * pitch + x]; the input is
/// wo + 2 columns wide and only those are read. Output channel o, row y, column x at
/// out[o * out_channel_stride + y * out_pitch + x]. Computes output rows oy0 ..< oy1, two at a
/// time; with an odd count the last row is left to the caller (the function returns the first
/// row it did not compute). weight: packed by visage_winograd3_pack_weights; scratch: at
/// least visage_winograd3_scratch_count(channels) floats, 32-byte aligned.
/// Call only when visage_cpu_has_avx2() is 1.
int visage_winograd3_avx2(const float *in, long plane_stride, int pitch, int channels,
                          const float *weight, const float *bias, const float *slope, int activation,
                          int out_channels, float *out, long out_channel_stride, int out_pitch, int wo,
                          int oy0, int oy1, float *scratch);

#endif
