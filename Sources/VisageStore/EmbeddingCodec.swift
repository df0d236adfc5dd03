import Foundation

/// Embeddings are stored as little-endian IEEE-754 Float32 values, 4 bytes each.
enum EmbeddingCodec {
    /// The blob for `vector`.
    static func encode(_ vector: [Float]) -> Data {
        var data = Data(count: vector.count * 4)
        data.withUnsafeMutableBytes { raw in
            for (i, value) in vector.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self)
            }
        }
        return data
    }

    /// Appends the values of `blob` (whose length the schema guarantees is 4·dimension) to `out`.
    static func append(_ blob: Data, dimension: Int, to out: inout [Float]) -> Bool {
        guard blob.count == dimension * 4 else { return false }
        blob.withUnsafeBytes { raw in
            for i in 0..<dimension {
                out.append(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))))
            }
        }
        return true
    }
}
