/// A read-only view of contiguous rows, as the scan kernels see them.
///
/// Row `r` (local) holds `dimension` components starting at `r × dimension` in each vector
/// array; its global row number is `firstRow + r`.
struct SegmentView {
    /// The number of rows.
    var count: Int
    /// The global row number of local row 0.
    var firstRow: Int
    /// Float32 vectors (scanned by float32 indexes, re-ranking only otherwise).
    var vectors: UnsafePointer<Float>
    /// Half-precision codes (float16 indexes).
    var halves: UnsafePointer<UInt16>?
    /// One-byte codes (int8 indexes).
    var codes: UnsafePointer<UInt8>?
    /// Squared norms of the scanned representation (the decoded codes for compact precisions).
    var norms: UnsafePointer<Float>
    /// One label per row.
    var labels: UnsafePointer<Int64>
    /// One id per row, strictly increasing.
    var ids: UnsafePointer<Int64>

    /// The local row holding `id`, by binary search.
    func row(of id: Int64) -> Int? {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && ids[lo] == id ? lo : nil
    }
}
