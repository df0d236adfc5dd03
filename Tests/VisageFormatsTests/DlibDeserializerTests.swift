import VisageFormats
import XCTest

/// Byte vectors from the dlib formats spec (section 1), written by dlib's serializer.
final class DlibDeserializerTests: XCTestCase {
    /// Runs `body` on a cursor over `bytes` and checks it consumed everything.
    private func read<R>(_ bytes: [UInt8], _ body: (inout DlibDeserializer) throws -> R) throws -> R {
        try DlibDeserializer.withDeserializer(over: bytes) { d in
            let value = try body(&d)
            XCTAssertTrue(d.isAtEnd, "\(bytes): \(d.remaining) bytes left")
            return value
        }
    }

    /// Asserts that reading `bytes` with `body` throws `expected`.
    private func assertThrows<R>(_ bytes: [UInt8], _ expected: DlibFormatError,
                                 _ body: (inout DlibDeserializer) throws -> R, line: UInt = #line) {
        XCTAssertThrowsError(try DlibDeserializer.withDeserializer(over: bytes, body), line: line) {
            XCTAssertEqual($0 as? DlibFormatError, expected, line: line)
        }
    }

    /// Asserts that reading `bytes` throws a `sizeTooLarge` or `valueOutOfRange` error.
    private func assertRejectsSize<R>(_ bytes: [UInt8], _ body: (inout DlibDeserializer) throws -> R,
                                      line: UInt = #line) {
        XCTAssertThrowsError(try DlibDeserializer.withDeserializer(over: bytes, body), line: line) {
            switch $0 as? DlibFormatError {
            case .sizeTooLarge?, .valueOutOfRange?: break
            default: XCTFail("\($0)", line: line)
            }
        }
    }

    func testIntegers() throws {
        let cases: [([UInt8], Int64)] = [
            ([0x01, 0x00], 0), ([0x01, 0x01], 1), ([0x01, 0x02], 2), ([0x01, 0x96], 150),
            ([0x02, 0xE8, 0x03], 1000), ([0x81, 0x01], -1), ([0x81, 0x0A], -10), ([0x82, 0x1D, 0x0C], -3101),
            ([0x88, 0, 0, 0, 0, 0, 0, 0, 0x80], Int64.min),
        ]
        for (bytes, value) in cases {
            XCTAssertEqual(try read(bytes) { try $0.readSignedInt("x") }, value, "\(bytes)")
        }
        XCTAssertEqual(try read([0x02, 0xE8, 0x03]) { try $0.readUnsignedInt("x") }, 1000)
    }

    func testFloats() throws {
        let cases: [([UInt8], Float)] = [
            ([0x01, 0x10, 0x81, 0x04], 1.0), ([0x01, 0x10, 0x81, 0x05], 0.5),
            ([0x03, 0x0A, 0xD7, 0xA3, 0x81, 0x1C], 0.04), ([0x03, 0x62, 0x90, 0xF5, 0x81, 0x11], 122.782),
            ([0x01, 0x00, 0x02, 0x00, 0x7D], .infinity), ([0x01, 0x00, 0x02, 0x01, 0x7D], -.infinity),
            // 2^-149, the smallest f32 subnormal (exponent written with a non-minimal 2 bytes).
            ([0x01, 0x01, 0x82, 0x95, 0x00], .leastNonzeroMagnitude),
        ]
        for (bytes, value) in cases {
            XCTAssertEqual(try read(bytes) { try $0.readFloat("x") }, value, "\(bytes)")
            XCTAssertEqual(try read(bytes) { try $0.readDouble("x") }, Double(value), "\(bytes)")
        }
        XCTAssertTrue(try read([0x01, 0x00, 0x02, 0x02, 0x7D]) { try $0.readFloat("x") }.isNaN)
        // The bulk reader (fast path and its checked tail) agrees with the single reader.
        let stream = cases.flatMap { $0.0 }
        let bulk = try read(stream) { d -> [Float] in
            var out = [Float]()
            try d.readFloats(count: cases.count, into: &out, "floats")
            return out
        }
        XCTAssertEqual(bulk, cases.map { $0.1 })
    }

    func testBoolStringAndVersionTag() throws {
        let bytes = [0x31, 0x30, 0x01, 0x05] + Array("con_4".utf8) + [0x01, 0x03] + Array("abc".utf8)
        XCTAssertThrowsError(try DlibDeserializer.withDeserializer(over: bytes) { d in
            XCTAssertTrue(try d.readBool("b"))
            XCTAssertFalse(try d.readBool("b"))
            XCTAssertEqual(try d.expectTag(["con_4", "con_5"]), "con_4")
            try d.expectTag(["con_4"])
        }) { error in
            XCTAssertEqual(error as? DlibFormatError, .unexpectedVersionTag(offset: 9, expected: ["con_4"], found: "abc"))
            XCTAssertTrue("\(error)".contains("expected con_4 got \"abc\""), "\(error)")
        }
    }

    func testTensorsAndMatrices() throws {
        let empty = try read([0x01, 0x02, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00]) { try $0.readTensor("t") }
        XCTAssertEqual(empty.shape, [0, 0, 0, 0])
        XCTAssertEqual(empty.values, [])

        let data = [Float(1.5), -2].flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
        let small = try read([0x01, 0x02, 0x01, 0x01, 0x01, 0x02, 0x01, 0x01, 0x01, 0x01] + data) { try $0.readTensor("t") }
        XCTAssertEqual(small.shape, [1, 2, 1, 1])
        XCTAssertEqual(small.values, [1.5, -2])

        let alias = try read([0x01, 0x01, 0x01, 0x01, 0x01, 0x20, 0x01, 0x01, 0x01, 0x01]) { try $0.readAliasTensor("a") }
        XCTAssertEqual(alias, [1, 32, 1, 1])

        let matrix = try read([0x81, 0x02, 0x81, 0x01, 0x01, 0x10, 0x81, 0x04, 0x01, 0x10, 0x81, 0x05]) { d -> [Float] in
            var out = [Float]()
            try d.readFloatMatrix(rows: 2, cols: 1, into: &out, "m")
            return out
        }
        XCTAssertEqual(matrix, [1.0, 0.5])
    }

    func testMalformedPrimitivesThrowTypedErrors() {
        let readInt: (inout DlibDeserializer) throws -> Int64 = { try $0.readSignedInt("x") }
        assertThrows([0x00], .badControlByte(offset: 0, byte: 0x00, what: "x"), readInt)
        assertThrows([0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9], .badControlByte(offset: 0, byte: 0x09, what: "x"), readInt)
        assertThrows([0x31], .badControlByte(offset: 0, byte: 0x31, what: "x"), readInt)  // legacy text format
        assertThrows([0x02, 0xE8], .truncated(offset: 0, what: "x", needed: 3, available: 2), readInt)
        assertThrows([], .truncated(offset: 0, what: "x", needed: 1, available: 0), readInt)
        assertThrows([0x81, 0x01], .badControlByte(offset: 0, byte: 0x81, what: "u")) { try $0.readUnsignedInt("u") }
        assertThrows([0x01, 0x01, 0x03, 0x01, 0x02, 0x03], .badControlByte(offset: 2, byte: 0x03, what: "f")) {
            try $0.readFloat("f")
        }
        assertThrows([0x32], .badBool(offset: 0, byte: 0x32, what: "b")) { try $0.readBool("b") }
        assertThrows([0x01, 0x03], .unexpectedVersion(offset: 0, what: "v", expected: [1, 2], found: 3)) {
            try $0.expectVersion("v", [1, 2])
        }
    }

    func testHostileSizesAreRejectedBeforeAllocating() {
        // A string claiming 2^40 bytes.
        assertRejectsSize([0x06, 0, 0, 0, 0, 0, 0x01]) { try $0.readString("s") }
        // A tensor of 65535^4 elements, one whose element count overflows Int, a negative dimension.
        assertRejectsSize([0x01, 0x02] + Array(repeating: [0x02, 0xFF, 0xFF], count: 4).flatMap { $0 }) {
            try $0.readTensor("t")
        }
        assertRejectsSize([0x01, 0x02] + Array(repeating: [0x04, 0xFF, 0xFF, 0xFF, 0x7F], count: 4).flatMap { $0 }) {
            try $0.skipTensor("t")
        }
        assertRejectsSize([0x01, 0x02, 0x81, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01]) { try $0.readTensor("t") }
        // A plausible size that the file is too short for is a truncation.
        assertThrows([0x01, 0x02, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00],
                     .truncated(offset: 10, what: "t", needed: 4, available: 2)) { try $0.readTensor("t") }
        // A matrix of 2^31 − 1 squared floats.
        assertRejectsSize([0x84, 0xFF, 0xFF, 0xFF, 0x7F, 0x84, 0xFF, 0xFF, 0xFF, 0x7F]) { d -> Void in
            var out = [Float]()
            try d.readFloatMatrix(rows: Int(Int32.max), cols: Int(Int32.max), into: &out, "m")
        }
    }
}
