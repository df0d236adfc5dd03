import VisageFormats
import XCTest

/// Byte vectors from the dlib formats spec (section 1), written by dlib's serializer.
final class DlibDeserializerTests: XCTestCase {
    private func reader(_ bytes: [UInt8]) -> DlibDeserializer { DlibDeserializer(bytes: bytes) }

    func testIntegers() throws {
        let cases: [([UInt8], Int64)] = [
            ([0x01, 0x00], 0), ([0x01, 0x01], 1), ([0x01, 0x02], 2), ([0x01, 0x96], 150),
            ([0x02, 0xE8, 0x03], 1000), ([0x81, 0x01], -1), ([0x81, 0x0A], -10), ([0x82, 0x1D, 0x0C], -3101),
            ([0x88, 0, 0, 0, 0, 0, 0, 0, 0x80], Int64.min),
        ]
        for (bytes, value) in cases {
            var d = reader(bytes)
            XCTAssertEqual(try d.readSignedInt("x"), value, "\(bytes)")
            XCTAssertTrue(d.isAtEnd)
        }
        var d = reader([0x02, 0xE8, 0x03])
        XCTAssertEqual(try d.readUnsignedInt("x"), 1000)
    }

    func testFloats() throws {
        let cases: [([UInt8], Float)] = [
            ([0x01, 0x10, 0x81, 0x04], 1.0), ([0x01, 0x10, 0x81, 0x05], 0.5),
            ([0x03, 0x0A, 0xD7, 0xA3, 0x81, 0x1C], 0.04), ([0x03, 0x62, 0x90, 0xF5, 0x81, 0x11], 122.782),
            ([0x01, 0x00, 0x02, 0x00, 0x7D], .infinity), ([0x01, 0x00, 0x02, 0x01, 0x7D], -.infinity),
        ]
        for (bytes, value) in cases {
            var d = reader(bytes)
            XCTAssertEqual(try d.readFloat("x"), value, "\(bytes)")
            XCTAssertTrue(d.isAtEnd)
            var e = reader(bytes)
            XCTAssertEqual(try e.readDouble("x"), Double(value), "\(bytes)")
        }
        var nan = reader([0x01, 0x00, 0x02, 0x02, 0x7D])
        XCTAssertTrue(try nan.readFloat("x").isNaN)
        // 2^-149 (the smallest f32 subnormal) and a double: 0.3382761351109955 survives exactly.
        var tiny = reader([0x01, 0x01, 0x82, 0x95, 0x00])
        XCTAssertEqual(try tiny.readFloat("x"), Float.leastNonzeroMagnitude)
    }

    func testBoolStringAndVersionTag() throws {
        var d = reader([0x31, 0x30, 0x01, 0x05] + Array("con_4".utf8) + [0x01, 0x03] + Array("abc".utf8))
        XCTAssertTrue(try d.readBool("b"))
        XCTAssertFalse(try d.readBool("b"))
        XCTAssertEqual(try d.expectTag(["con_4", "con_5"]), "con_4")
        XCTAssertThrowsError(try d.expectTag(["con_4"])) { error in
            XCTAssertEqual(error as? DlibFormatError,
                           .unexpectedVersionTag(offset: 9, expected: ["con_4"], found: "abc"))
            XCTAssertTrue("\(error)".contains("expected con_4 got \"abc\""), "\(error)")
        }
    }

    func testTensors() throws {
        var empty = reader([0x01, 0x02, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00])
        let t = try empty.readTensor("t")
        XCTAssertEqual(t.shape, [0, 0, 0, 0])
        XCTAssertEqual(t.values, [])
        XCTAssertTrue(empty.isAtEnd)

        let one = Float(1.5).bitPattern, two = Float(-2).bitPattern
        let data = [one, two].flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        var small = reader([0x01, 0x02, 0x01, 0x01, 0x01, 0x02, 0x01, 0x01, 0x01, 0x01] + data)
        let s = try small.readTensor("t")
        XCTAssertEqual(s.shape, [1, 2, 1, 1])
        XCTAssertEqual(s.values, [1.5, -2])

        var alias = reader([0x01, 0x01, 0x01, 0x01, 0x01, 0x20, 0x01, 0x01, 0x01, 0x01])
        XCTAssertEqual(try alias.readAliasTensor("a"), [1, 32, 1, 1])

        var matrix = reader([0x81, 0x02, 0x81, 0x01, 0x01, 0x10, 0x81, 0x04, 0x01, 0x10, 0x81, 0x05])
        var out = [Float]()
        try matrix.readFloatMatrix(rows: 2, cols: 1, into: &out, "m")
        XCTAssertEqual(out, [1.0, 0.5])
    }

    func testMalformedIntegersThrowTypedErrors() {
        let bad: [([UInt8], DlibFormatError)] = [
            ([0x00], .badControlByte(offset: 0, byte: 0x00, what: "x")),
            ([0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9], .badControlByte(offset: 0, byte: 0x09, what: "x")),
            ([0x31], .badControlByte(offset: 0, byte: 0x31, what: "x")),
            ([0x02, 0xE8], .truncated(offset: 0, what: "x", needed: 3, available: 2)),
            ([], .truncated(offset: 0, what: "x", needed: 1, available: 0)),
        ]
        for (bytes, expected) in bad {
            var d = reader(bytes)
            XCTAssertThrowsError(try d.readSignedInt("x")) { XCTAssertEqual($0 as? DlibFormatError, expected) }
        }
        var negativeUnsigned = reader([0x81, 0x01])
        XCTAssertThrowsError(try negativeUnsigned.readUnsignedInt("u")) {
            XCTAssertEqual($0 as? DlibFormatError, .badControlByte(offset: 0, byte: 0x81, what: "u"))
        }
        var wideExponent = reader([0x01, 0x01, 0x03, 0x01, 0x02, 0x03])
        XCTAssertThrowsError(try wideExponent.readFloat("f")) {
            XCTAssertEqual($0 as? DlibFormatError, .badControlByte(offset: 2, byte: 0x03, what: "f"))
        }
        var badBool = reader([0x32])
        XCTAssertThrowsError(try badBool.readBool("b")) {
            XCTAssertEqual($0 as? DlibFormatError, .badBool(offset: 0, byte: 0x32, what: "b"))
        }
    }

    func testHostileSizesAreRejectedBeforeAllocating() {
        // A string claiming 2^40 bytes.
        var string = reader([0x06, 0, 0, 0, 0, 0, 0x01])
        XCTAssertThrowsError(try string.readString("s")) {
            guard case .sizeTooLarge? = $0 as? DlibFormatError else { return XCTFail("\($0)") }
        }
        // A tensor of 65535^4 elements, and one whose element count overflows Int.
        var huge = reader([0x01, 0x02, 0x02, 0xFF, 0xFF, 0x02, 0xFF, 0xFF, 0x02, 0xFF, 0xFF, 0x02, 0xFF, 0xFF])
        XCTAssertThrowsError(try huge.readTensor("t")) {
            guard case .sizeTooLarge? = $0 as? DlibFormatError else { return XCTFail("\($0)") }
        }
        var overflow = reader([0x01, 0x02] + Array(repeating: [0x04, 0xFF, 0xFF, 0xFF, 0x7F], count: 4).flatMap { $0 })
        XCTAssertThrowsError(try overflow.skipTensor("t")) {
            guard case .sizeTooLarge? = $0 as? DlibFormatError else { return XCTFail("\($0)") }
        }
        var negative = reader([0x01, 0x02, 0x81, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01])
        XCTAssertThrowsError(try negative.readTensor("t")) {
            guard case .valueOutOfRange? = $0 as? DlibFormatError else { return XCTFail("\($0)") }
        }
        var truncatedData = reader([0x01, 0x02, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00])
        XCTAssertThrowsError(try truncatedData.readTensor("t")) {
            XCTAssertEqual($0 as? DlibFormatError, .truncated(offset: 10, what: "t", needed: 4, available: 2))
        }
    }
}
