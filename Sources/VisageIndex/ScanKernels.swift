import CVisageKernels

/// The dot-product kernels a search scans with.
///
/// All give the same results up to float rounding for float32 indexes; for int8 indexes the
/// AVX2 and VNNI kernels round the query to the same 6-bit weights (and compute the same
/// integers), the portable one to 16-bit, which changes only which near-tied candidates reach
/// re-ranking, not the float32 distances returned.
public enum ScanKernels: Sendable, Equatable {
    /// The fastest kernels the CPU has: for int8 indexes the AVX-512 VNNI kernel when the CPU
    /// has it, else the AVX2 kernels (C, `CVisageKernels`) when it has AVX2 and FMA, else
    /// portable.
    case automatic
    /// The AVX2 kernels even on a CPU with AVX-512 VNNI (to compare the two); portable without
    /// AVX2.
    case avx2
    /// Swift `SIMD` kernels and BLAS products only (any CPU).
    case portable
}

extension ScanKernels {
    /// The kernels a scan of an index of this precision runs on this CPU with these options:
    /// `"avx512-vnni"` (int8 only), `"avx2"` or `"portable"` (float16 scans always decode and
    /// use the portable kernels or BLAS; float32 single queries use the portable products with
    /// the AVX2 selection).
    public func resolved(for precision: VectorPrecision) -> String {
        guard self != .portable, precision != .float16, visage_cpu_has_avx2() == 1 else { return "portable" }
        if self == .automatic, precision == .int8, visage_cpu_has_avx512_vnni() == 1 { return "avx512-vnni" }
        return "avx2"
    }
}
