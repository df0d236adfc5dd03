extension Image {
    /// The samples as floats in planar (CHW) order: all of channel 0, then channel 1, then 2.
    ///
    /// Each value is `(Float(sample) - mean[c]) / std[c]`, computed in Float32 with a true
    /// division (through a 256-entry table), so `mean: [0], std: [255]` gives exactly
    /// `Float(k) / 255`, the value Keras' `np.around(x / 255.0, 12)` yields.
    /// - Parameters:
    ///   - mean: one value per channel, or one value for all channels.
    ///   - std: one divisor per channel, or one for all channels.
    /// - Returns: `channels * height * width` floats.
    /// - Throws: ``ImageError/invalidArgument(_:)`` when `mean` or `std` has the wrong length
    ///   or `std` contains 0.
    public func planarFloats(mean: [Float] = [0], std: [Float] = [255]) throws -> [Float] {
        let tables = try Self.normalisationTables(mean: mean, std: std, channels: channels)
        let c = channels, n = width * height
        return [Float](unsafeUninitializedCapacity: n * c) { dst, initialized in
            pixels.withUnsafeBufferPointer { src in
                tables.withUnsafeBufferPointer { lut in
                    for ch in 0..<c {
                        let plane = ch * n, table = ch * 256
                        for i in 0..<n { dst[plane + i] = lut[table + Int(src[i * c + ch])] }
                    }
                }
            }
            initialized = n * c
        }
    }

    /// The samples as floats in interleaved (HWC) order, normalised like ``planarFloats(mean:std:)``.
    /// - Parameters:
    ///   - mean: one value per channel, or one value for all channels.
    ///   - std: one divisor per channel, or one for all channels.
    /// - Returns: `height * width * channels` floats.
    /// - Throws: ``ImageError/invalidArgument(_:)`` as ``planarFloats(mean:std:)``.
    public func interleavedFloats(mean: [Float] = [0], std: [Float] = [255]) throws -> [Float] {
        let tables = try Self.normalisationTables(mean: mean, std: std, channels: channels)
        let c = channels, total = pixels.count
        return [Float](unsafeUninitializedCapacity: total) { dst, initialized in
            pixels.withUnsafeBufferPointer { src in
                tables.withUnsafeBufferPointer { lut in
                    for i in 0..<total { dst[i] = lut[(i % c) * 256 + Int(src[i])] }
                }
            }
            initialized = total
        }
    }

    /// 256 values per channel: `(Float(k) - mean[c]) / std[c]`.
    private static func normalisationTables(mean: [Float], std: [Float], channels: Int) throws -> [Float] {
        guard mean.count == 1 || mean.count == channels, std.count == 1 || std.count == channels else {
            throw ImageError.invalidArgument("mean (\(mean.count)) and std (\(std.count)) need 1 or \(channels) values")
        }
        guard !std.contains(0) else { throw ImageError.invalidArgument("std contains 0") }
        var tables = [Float](repeating: 0, count: 256 * channels)
        for ch in 0..<channels {
            let m = mean.count == 1 ? mean[0] : mean[ch], s = std.count == 1 ? std[0] : std[ch]
            for k in 0..<256 { tables[ch * 256 + k] = (Float(k) - m) / s }
        }
        return tables
    }
}
