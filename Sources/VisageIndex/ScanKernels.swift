/// The dot-product kernels a search scans with.
///
/// Both give the same results up to float rounding for float32 indexes; for int8 indexes the
/// AVX2 kernel rounds the query to 6-bit weights (the portable one to 16-bit), which changes
/// only which near-tied candidates reach re-ranking, not the float32 distances returned.
public enum ScanKernels: Sendable, Equatable {
    /// The AVX2 kernels (C, `CVisageKernels`) when the CPU has AVX2 and FMA, else portable.
    case automatic
    /// Swift `SIMD` kernels and BLAS products only (any CPU).
    case portable
}
