#ifndef VISAGE_CONV_H
#define VISAGE_CONV_H

#include "visage_kernels.h"  // visage_cpu_has_avx2(): AVX2 and FMA, checked once

/// Activation applied by visage_conv_direct_avx2 after the bias.
enum visage_conv_activation {
    /// None.
    VISAGE_CONV_IDENTITY = 0,
    /// max(x, 0).
    VISAGE_CONV_RELU = 1,
    /// x < 0 ? x * slope[o] : x.
    VISAGE_CONV_PRELU = 2,
};

/// A direct convolution (no im2col) of one sample, for small channel counts, with AVX2/FMA:
/// four output channels by 24 output columns per register block.
///
/// The input is prepared by the caller: already zero-padded, and split by column phase for the
/// horizontal stride. Plane (c, p), p < sx, starts at `in + (c * sx + p) * plane_stride` and
/// holds rows of `pitch` floats where column j is the padded input's column j * sx + p. Output
/// row oy, kernel tap (ky, kx) reads plane (c, kx % sx), row oy * sy + ky, column ox + kx / sx.
/// Every row must be readable up to column wo + (kw - 1) / sx (exclusive): a row's last full
/// block is shifted left to end at column wo, and narrower ends load only their valid lanes.
///
/// weight: packed by visage_conv_pack_weights, ceil(out_channels / 4) blocks.
/// out: channel o, row oy, column ox at out[o * out_channel_stride + oy * out_pitch + ox].
/// Computes output rows oy0 ..< oy1 only (so callers can split rows across threads).
/// Call only when visage_cpu_has_avx2() is 1. kw must be at most 16.
void visage_conv_direct_avx2(const float *in, long plane_stride, int pitch, int channels,
                             const float *weight, const float *bias, const float *slope, int activation,
                             int out_channels, int kh, int kw, int sy, int sx,
                             float *out, long out_channel_stride, int out_pitch, int wo, int oy0, int oy1);

/// visage_conv_direct_avx2 with AVX-512: eight output channels by 48 output columns per register
/// block, masked loads and stores at a row's end (it reads no column past wo + (kw - 1) / sx). The
/// same sums in the same order, so the same results to the bit. Call only when
/// visage_cpu_has_avx512() is 1.
void visage_conv_direct_avx512(const float *in, long plane_stride, int pitch, int channels,
                               const float *weight, const float *bias, const float *slope, int activation,
                               int out_channels, int kh, int kw, int sy, int sx,
                               float *out, long out_channel_stride, int out_pitch, int wo, int oy0, int oy1);

/// The number of floats visage_conv_pack_weights writes.
long visage_conv_packed_count(int out_channels, int channels, int kh, int kw);

/// Packs [O][C][KH][KW] weights as [ceil(O / 4)][C][KH][KW][4], zero for missing channels.
void visage_conv_pack_weights(const float *weight, int out_channels, int channels, int kh, int kw,
                              float *packed);

#endif
