import Foundation

// Tensors, alias tensors and matrices: dlib containers built from the primitives.
extension DlibDeserializer {
    /// Reads the four signed dimensions `n, k, nr, nc` of a tensor or alias tensor.
    private mutating func readDims(_ what: String) throws -> [Int] {
        var dims = [Int]()
        dims.reserveCapacity(4)
        for _ in 0..<4 {
            dims.append(try readInt(what + " dimension", in: 0...Int64(Int32.max)))
        }
        return dims
    }

    /// The number of elements of `dims`, or an error when it cannot fit in the rest of the file.
    private func elementCount(_ dims: [Int], bytesEach: Int, at start: Int, _ what: String) throws -> Int {
        var count = 1
        var overflow = false
        for d in dims {
            (count, overflow) = count.multipliedReportingOverflow(by: d)
            if overflow { break }
        }
        let limit = remaining / bytesEach
        guard !overflow, count <= limit else {
            throw overrunError(at: start, what, count: overflow ? Int64.max : Int64(count), bytesEach: bytesEach)
        }
        return count
    }

    /// Reads a `resizable_tensor`: version 2, dims `n, k, nr, nc`, then raw little-endian f32 data.
    /// - Parameter what: the tensor's name, for error messages.
    /// - Returns: the four dims and the elements in NCHW order.
    public mutating func readTensor(_ what: String) throws -> (shape: [Int], values: [Float]) {
        _ = try expectVersion(what + " tensor", [2])
        let dims = try readDims(what)
        let count = try elementCount(dims, bytesEach: 4, at: offset, what)
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: p[offset..<(offset + count * 4)])))
        }
        #if _endian(big)
        for i in values.indices { values[i] = Float(bitPattern: UInt32(littleEndian: values[i].bitPattern)) }
        #endif
        offset += count * 4
        return (dims, values)
    }

    /// Reads a `resizable_tensor` and discards its data (for training-only bookkeeping tensors).
    /// - Returns: the four dims.
    @discardableResult
    public mutating func skipTensor(_ what: String) throws -> [Int] {
        _ = try expectVersion(what + " tensor", [2])
        let dims = try readDims(what)
        offset += try elementCount(dims, bytesEach: 4, at: offset, what) * 4
        return dims
    }

    /// Reads an `alias_tensor` (version 1 and dims only, no data).
    /// - Returns: the four dims.
    public mutating func readAliasTensor(_ what: String) throws -> [Int] {
        _ = try expectVersion(what + " alias tensor", [1])
        return try readDims(what)
    }

    /// Reads a `dlib::matrix<float>` whose shape must be `rows × cols`, appending its elements.
    /// - Parameters:
    ///   - rows: the required row count.
    ///   - cols: the required column count.
    ///   - out: the array the row-major elements are appended to.
    ///   - what: the matrix's name, for error messages.
    public mutating func readFloatMatrix(rows: Int, cols: Int, into out: inout [Float], _ what: String) throws {
        let start = offset
        let shape = try readMatrixShape(what)
        guard shape.rows == rows, shape.cols == cols else {
            throw DlibFormatError.shapeMismatch(offset: start, what: what, expected: [rows, cols],
                                                found: [shape.rows, shape.cols])
        }
        try readFloats(count: rows * cols, into: &out, what)
    }

    /// Reads a matrix header: `nr`, `nc` (stored negated by current dlib; either sign is accepted).
    /// - Parameter what: the matrix's name, for error messages.
    public mutating func readMatrixShape(_ what: String) throws -> (rows: Int, cols: Int) {
        let bound = Int64(Int32.max)
        let rows = try readInt(what, in: -bound...bound)
        let cols = try readInt(what, in: -bound...bound)
        return (abs(rows), abs(cols))
    }
}
