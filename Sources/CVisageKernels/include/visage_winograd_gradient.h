#ifndef VISAGE_WINOGRAD_GRADIENT_H
#define VISAGE_WINOGRAD_GRADIENT_H

/// The filter gradient of a stride-1 3 × 3 convolution by Winograd's F(2×2, 3×3), in three
/// steps around 16 matrix products that the caller runs (see winograd_gradient.c):
///   V[ξ][c][t] = (Bᵀ d B)[ξ]    the input's 4 × 4 patch d under output tile t
///   M[ξ][o][t] = (A g Aᵀ)[ξ]    the output gradient's 2 × 2 tile g
///   dU[ξ][o][c] = Σₜ M[ξ][o][t] V[ξ][c][t]       (16 products, by the caller)
///   ∂loss/∂w[o][c] += Gᵀ dU[·][o][c] G
/// Tiles are numbered t = (s · tiles_y + ty) · tiles_x + tx over all samples s; a call handles
/// the `count` tiles from t0. V and M are stored channel by channel, each channel's 16 rows of
/// `count` together (so the product for position ξ reads rows with a stride of 16 · count).

/// Writes V for channels c0 ..< c1 of the tiles t0 ..< t0 + count of an NCHW input x (channel c
/// of sample s at x[(s · channels + c) · h · w]) that the convolution pads by pad_top rows and
/// pad_left columns (zeros outside the input): V[ξ][c][t − t0] at v[(c · 16 + ξ) · count + t − t0].
/// Calls on disjoint channel ranges may run at once.
void visage_winograd_input_tiles(const float *x, int channels, int h, int w, int pad_top, int pad_left,
                                 int tiles_y, int tiles_x, long t0, long count, int c0, int c1, float *v);

/// Writes M for channels o0 ..< o1 of the same tiles of a channel-major output gradient (channel
/// o of sample s, output (y, x) at dy[o · ld + (s · ho + y) · wo + x]; outputs past ho × wo count
/// as zero): M[ξ][o][t − t0] at m[(o · 16 + ξ) · count + t − t0]. Calls on disjoint channel
/// ranges may run at once.
void visage_winograd_gradient_tiles(const float *dy, long ld, int channels, int ho, int wo, int tiles_y,
                                    int tiles_x, long t0, long count, int o0, int o1, float *m);

/// Adds Gᵀ dU G to the 3 × 3 filter gradients of outputs o0 ..< o1: du holds dU[ξ][o][c] at
/// du[(ξ · out_channels + o) · channels + c], gradient[o][c][3][3] is [O, C, 3, 3] row-major.
void visage_winograd_filter_gradient(const float *du, int out_channels, int channels, int o0, int o1,
                                     float *gradient);

#endif
