/// The element type of a PyTorch storage that the loader can convert to Float32.
///
/// Float32 is copied; Float16 and BFloat16 convert exactly; Float64 rounds to the nearest
/// Float32; integer and bool elements convert to the nearest Float32 (exact up to 2^24 in
/// magnitude, which covers counters such as BatchNorm's `num_batches_tracked`).
public enum PyTorchDataType: String, Sendable, CaseIterable {
    /// `torch.float32` (`FloatStorage`).
    case float32
    /// `torch.float64` (`DoubleStorage`).
    case float64
    /// `torch.float16` (`HalfStorage`).
    case float16
    /// `torch.bfloat16` (`BFloat16Storage`).
    case bfloat16
    /// `torch.int64` (`LongStorage`).
    case int64
    /// `torch.int32` (`IntStorage`).
    case int32
    /// `torch.int16` (`ShortStorage`).
    case int16
    /// `torch.int8` (`CharStorage`).
    case int8
    /// `torch.uint8` (`ByteStorage`).
    case uint8
    /// `torch.bool` (`BoolStorage`).
    case bool

    /// Bytes per element.
    public var elementSize: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    /// The class name PyTorch pickles for a storage of this type, e.g. `"FloatStorage"`.
    public var storageTypeName: String {
        switch self {
        case .float32: return "FloatStorage"
        case .float64: return "DoubleStorage"
        case .float16: return "HalfStorage"
        case .bfloat16: return "BFloat16Storage"
        case .int64: return "LongStorage"
        case .int32: return "IntStorage"
        case .int16: return "ShortStorage"
        case .int8: return "CharStorage"
        case .uint8: return "ByteStorage"
        case .bool: return "BoolStorage"
        }
    }

    /// The type whose storage class is named `storageTypeName`, or nil.
    /// - Parameter storageTypeName: a class name such as `"HalfStorage"`.
    public init?(storageTypeName: String) {
        guard let match = Self.allCases.first(where: { $0.storageTypeName == storageTypeName }) else {
            return nil
        }
        self = match
    }

    /// Storage class names that PyTorch pickles but this loader cannot convert; they are
    /// allow-listed only so that loading fails with ``PyTorchFormatError/unsupportedDataType(storageType:)``.
    static let unsupportedStorageTypeNames = [
        "ComplexFloatStorage", "ComplexDoubleStorage", "QUInt8Storage", "QInt8Storage",
        "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage", "UntypedStorage",
    ]

    /// Converts `count` little-endian elements starting at `source` into `destination`.
    func decode(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        switch self {
        case .float32:
            #if _endian(little)
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
            #else
            for i in 0..<count {
                destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
            #endif
        case .float64:
            for i in 0..<count {
                let bits = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                destination[i] = Float(Double(bitPattern: bits))
            }
        case .float16:
            for i in 0..<count {
                destination[i] = Self.halfToFloat(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .bfloat16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                destination[i] = Float(bitPattern: UInt32(bits) << 16)
            }
        case .int64:
            for i in 0..<count {
                destination[i] = Float(Int64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
            }
        case .int32:
            for i in 0..<count {
                destination[i] = Float(Int32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
            }
        case .int16:
            for i in 0..<count {
                destination[i] = Float(Int16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
            }
        case .int8:
            for i in 0..<count { destination[i] = Float(source.load(fromByteOffset: i, as: Int8.self)) }
        case .uint8:
            for i in 0..<count { destination[i] = Float(source.load(fromByteOffset: i, as: UInt8.self)) }
        case .bool:
            for i in 0..<count { destination[i] = source.load(fromByteOffset: i, as: UInt8.self) != 0 ? 1 : 0 }
        }
    }

    /// IEEE 754 binary16 to binary32, exactly (written out so it works where `Float16` is unavailable).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa × 2^-24.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | mantissa << 13)
        }
    }
}
