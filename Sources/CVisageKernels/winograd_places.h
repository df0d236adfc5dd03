// Where the tiles of a batched Winograd kernel lie: shared by F(2×2, 3×3) (winograd_batch.c) and
// F(4×4, 3×3) (winograd_batch4.c), which differ only in the tile's size m. Internal header.
#ifndef VISAGE_WINOGRAD_PLACES_H
#define VISAGE_WINOGRAD_PLACES_H

/// For tiles b0 ..< b1 of the batch (sample by sample, row by row, m × m outputs each), tile
/// t − b0's top-left output row y and column x, and the offsets of its patch in the padded input
/// (`in`, planes hp × wp) and of its first output in the output (`out`, planes ho × wo).
static inline void winograd_place_tiles(long b0, long b1, int m, int tiles_y, int tiles_x, int hp, int wp,
                                        int ho, int wo, long *in, long *out, int *y, int *x) {
    const long per_sample = (long)tiles_y * tiles_x;
    long s = b0 / per_sample, r = b0 - s * per_sample;
    int ty = (int)(r / tiles_x), tx = (int)(r - (long)ty * tiles_x);
    for (long t = b0; t < b1; t++) {
        const int i = (int)(t - b0);
        y[i] = m * ty;
        x[i] = m * tx;
        in[i] = s * hp * wp + (long)(m * ty) * wp + m * tx;
        out[i] = s * ho * wo + (long)(m * ty) * wo + m * tx;
        if (++tx == tiles_x) {
            tx = 0;
            if (++ty == tiles_y) {
                ty = 0;
                s++;
            }
        }
    }
}

/// A group's `count` tiles (from `in` and `y` of winograd_place_tiles) as two runs along tile
/// rows: lanes 0 ..< k continue each other (patches m apart in one tile row), and so do k ..< l.
/// Returns k; `*split` is k when the two runs hold all `count` tiles, else −1.
static inline int winograd_runs(const long *in, const int *y, int count, int m, int *split) {
    int k = 1;
    while (k < count && in[k] == in[k - 1] + m && y[k] == y[0]) k++;
    int l = k + 1;
    while (l < count && in[l] == in[l - 1] + m && y[l] == y[k]) l++;
    *split = l >= count ? k : -1;
    return k;
}

#endif
