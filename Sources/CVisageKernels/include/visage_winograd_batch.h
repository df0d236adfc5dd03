#ifndef VISAGE_WINOGRAD_BATCH_H
#define VISAGE_WINOGRAD_BATCH_H

#include "visage_kernels.h"  // visage_cpu_has_avx2(): AVX2 and FMA, checked once

/// Zeros before and after the planes of visage_winograd_batch_pad's copy, in floats, so that the
/// kernels can read a run of tiles as if it filled a whole vector.
#define VISAGE_WINOGRAD_BATCH_SLACK 32

/// The number of tiles visage_winograd_batch_avx2 transforms at a time for `channels` input
/// channels (a multiple of 24, at most 192: the transformed input of one block stays in the L2 cache).
int visage_winograd_batch_block(int channels);

/// Floats of working memory one call of visage_winograd_batch_avx2 or visage_winograd_batch_avx512
/// needs for `channels` input channels.
long visage_winograd_batch_scratch_count(int channels);

/// Floats of the padded copy of `planes` planes of hp × wp: the planes and zeros on either side.
long visage_winograd_batch_padded_count(int planes, int hp, int wp);

/// Copies planes first ..< last of `planes` planes of h × w floats (plane p at in[p * h * w])
/// into planes of hp × wp, the input at row pad_top, column pad_left and zeros around it, plus
/// zeros on either side of all the planes (written by the calls with first = 0 and with
/// last = planes): `out` holds visage_winograd_batch_padded_count(planes, hp, wp) floats.
/// Requires hp ≥ h + pad_top and wp ≥ w + pad_left. Calls on disjoint ranges may run at once.
void visage_winograd_batch_pad(const float *in, int planes, int first, int last, int h, int w, int pad_top,
                               int pad_left, int hp, int wp, float *out);

/// A stride-1 3 × 3 convolution of a channel-major batch by Winograd's F(2×2, 3×3) for many
/// channels (32–256, as in dlib's ResNet), with bias and optional ReLU fused, AVX2/FMA.
///
/// `padded` is the copy visage_winograd_batch_pad wrote: channel c of sample s is its hp × wp
/// plane (c * samples + s); output (y, x) reads the plane's rows y ..< y + 3 and columns
/// x ..< x + 3. The output is tiled in 2 × 2 tiles, tiles_y × tiles_x per sample, numbered
/// t = (s * tiles_y + ty) * tiles_x + tx; hp ≥ 2 · tiles_y + 2 and wp ≥ 2 · tiles_x + 2. This call
/// computes the tiles tile_begin ..< tile_end of output channels out_begin ..< out_end (multiples
/// of 4) and writes them to channel o of sample s at out[(o * samples + s) * ho * wo + y * wo + x],
/// clipped to ho × wo.
///
/// weight: packed by visage_winograd_pack_weights (r = 3; out_channels a multiple of 4);
/// bias: out_channels values or NULL; scratch: visage_winograd_batch_scratch_count(channels)
/// floats. Separate calls may run at once on disjoint tile ranges with separate scratch.
/// Call only when visage_cpu_has_avx2() is 1.
void visage_winograd_batch_avx2(const float *padded, int channels, int samples, int hp, int wp, int tiles_y,
                                int tiles_x, const float *weight, const float *bias, int relu, int out_channels,
                                int out_begin, int out_end, float *out, int ho, int wo, long tile_begin,
                                long tile_end, float *scratch);

/// visage_winograd_batch_avx2 with its products for two blocks of four output channels at once in
/// AVX-512 (eight channels × 32 tiles per register block, blocks of tiles up to four times as
/// large): the same results, to the bit. Call only when visage_cpu_has_avx512() is 1.
void visage_winograd_batch_avx512(const float *padded, int channels, int samples, int hp, int wp, int tiles_y,
                                  int tiles_x, const float *weight, const float *bias, int relu, int out_channels,
                                  int out_begin, int out_end, float *out, int ho, int wo, long tile_begin,
                                  long tile_end, float *scratch);

#endif
