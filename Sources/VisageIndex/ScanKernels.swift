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
    /// Whether the AVX2 kernels may run: the CPU has AVX2 and FMA and the options allow them.
    var allowsAVX2: Bool { self != .portable && visage_cpu_has_avx2() == 1 }

    /// Whether int8 tiles are scanned with the AVX-512 VNNI kernel (implies ``allowsAVX2``).
    var allowsVNNI: Bool { self == .automatic && allowsAVX2 && visage_cpu_has_avx512_vnni() == 1 }

    /// The kernels a scan of an index of this precision runs on this CPU with these options:
    /// `"avx512-vnni"` (int8 only), `"avx2"` or `"portable"` (float16 scans always decode and
    /// use the portable kernels or BLAS; float32 single queries use the portable products with
    /// the AVX2 selection).
    public func resolved(for precision: VectorPrecision) -> String {
        guard allowsAVX2, precision != .float16 else { return "portable" }
        return precision == .int8 && allowsVNNI ? "avx512-vnni" : "avx2"
    }
}
