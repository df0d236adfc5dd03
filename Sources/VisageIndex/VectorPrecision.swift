/// How an index stores the vectors its searches scan.
///
/// Compact precisions keep the float32 vectors too (memory-mapped when the index is opened from
/// a file), but only re-read the few top candidates of each query from them.
public enum VectorPrecision: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// 4 bytes per component; the scan is exact.
    case float32 = 1
    /// IEEE half precision, 2 bytes per component; candidates re-ranked in float32.
    case float16 = 2
    /// One byte per component, per-dimension scalar quantisation; candidates re-ranked in float32.
    case int8 = 3

    /// Bytes per component in the scanned representation.
    public var bytesPerComponent: Int {
        switch self {
        case .float32: return 4
        case .float16: return 2
        case .int8: return 1
        }
    }

    /// Whether searches re-rank candidates against float32 vectors.
    public var isCompact: Bool { self != .float32 }

    /// `"fp32"`, `"fp16"` or `"int8"`.
    public var description: String {
        switch self {
        case .float32: return "fp32"
        case .float16: return "fp16"
        case .int8: return "int8"
        }
    }
}
