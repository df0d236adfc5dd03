import Foundation
import VisageFormats
import VisageNN
import XCTest

/// Corrupt and hostile safetensors headers: each must give its typed error.
final class SafetensorsValidationTests: XCTestCase {
    private func assertError(_ bytes: [UInt8], _ expected: SafetensorsError, line: UInt = #line) {
        XCTAssertThrowsError(try Safetensors.decode(bytes, label: "t"), line: line) { error in
            XCTAssertEqual(error as? SafetensorsError, expected, line: line)
        }
    }

    private func assertInvalidHeader(_ header: String, _ data: [UInt8] = [], line: UInt = #line) {
        XCTAssertThrowsError(try Safetensors.decode(SafetensorsTests.file(header, data), label: "t"), line: line) { error in
            guard case .invalidHeader(let file, _)? = error as? SafetensorsError else {
                return XCTFail("\(error)", line: line)
            }
            XCTAssertEqual(file, "t", line: line)
        }
    }

    private func item(_ name: String, _ shape: [Int], _ begin: Int, _ end: Int, dtype: String = "F32") -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"
    }

    func testLengthPrefixAndHeaderBounds() {
        assertError([1, 2, 3], .truncated(file: "t", fileSize: 3, needed: 8))
        var short = SafetensorsTests.file("{}")
        short.removeLast()
        assertError(short, .truncated(file: "t", fileSize: 9, needed: 10))
        let huge = withUnsafeBytes(of: UInt64(200_000_000).littleEndian, Array.init) + Array("{}".utf8)
        assertError(huge, .headerTooLarge(file: "t", length: 200_000_000, limit: 100_000_000))
        let maximal = withUnsafeBytes(of: UInt64.max.littleEndian, Array.init)
        assertError(maximal, .headerTooLarge(file: "t", length: .max, limit: 100_000_000))
    }

    func testMalformedJSON() {
        assertInvalidHeader(" {}")
        assertInvalidHeader("[]")
        assertInvalidHeader("{\"a\":")
        assertInvalidHeader("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", [0, 0, 0, 0])
        assertInvalidHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", [0, 0, 0, 0])
        assertInvalidHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", [0, 0, 0, 0])
        assertInvalidHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", [0, 0, 0, 0])
        assertInvalidHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", [0, 0, 0, 0])
        assertInvalidHeader("{\"__metadata__\":{\"k\":1}}")
        assertInvalidHeader("{\"a\":7}")
        assertInvalidHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}\u{0}", [0, 0, 0, 0])
    }

    func testEntryChecks() {
        let four = [UInt8](repeating: 0, count: 4)
        let eight = [UInt8](repeating: 0, count: 8)
        assertError(SafetensorsTests.file("{\(item("a", [1], 0, 8, dtype: "I64"))}", eight),
                    .unsupportedDType(file: "t", tensor: "a", dtype: "I64"))
        assertError(SafetensorsTests.file("{\(item("a", [2], 0, 8))}", four),
                    .offsetsOutOfBounds(file: "t", tensor: "a", begin: 0, end: 8, dataSize: 4))
        assertError(SafetensorsTests.file("{\(item("a", [0], 4, 0))}", four),
                    .offsetsOutOfBounds(file: "t", tensor: "a", begin: 4, end: 0, dataSize: 4))
        assertError(SafetensorsTests.file("{\(item("a", [3], 0, 8))}", eight),
                    .shapeMismatch(file: "t", tensor: "a", shape: [3], dtype: "F32", byteCount: 8))
        assertError(SafetensorsTests.file("{\(item("a", [3], 0, 8, dtype: "F16"))}", eight),
                    .shapeMismatch(file: "t", tensor: "a", shape: [3], dtype: "F16", byteCount: 8))
        let overflow = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}"
        assertError(SafetensorsTests.file(overflow),
                    .shapeMismatch(file: "t", tensor: "a", shape: [1 << 32, 1 << 32], dtype: "F32", byteCount: 0))
    }

    func testRangesMustTileTheDataSection() {
        let eight = [UInt8](repeating: 0, count: 8)
        assertError(SafetensorsTests.file("{\(item("a", [2], 0, 8)),\(item("b", [1], 4, 8))}", eight),
                    .overlappingTensors(file: "t", first: "a", second: "b"))
        assertError(SafetensorsTests.file("{\(item("a", [1], 4, 8))}", eight),
                    .uncoveredBytes(file: "t", offset: 0, count: 4))
        assertError(SafetensorsTests.file("{\(item("a", [1], 0, 4))}", eight),
                    .uncoveredBytes(file: "t", offset: 4, count: 4))
        assertError(SafetensorsTests.file("{}", eight), .uncoveredBytes(file: "t", offset: 0, count: 8))
        // Zero-length tensors may sit anywhere on a boundary.
        XCTAssertNoThrow(try Safetensors.decode(SafetensorsTests.file(
            "{\(item("a", [1], 0, 4)),\(item("z", [0], 4, 4)),\(item("b", [1], 4, 8))}", eight)))
    }

    func testTruncatedCopiesOfAValidFileThrow() throws {
        let full = [UInt8](try Safetensors.encode(tensors: [("w", Tensor(shape: [4, 4], repeating: 1)),
                                                           ("b", Tensor(shape: [4], repeating: 2))]))
        for length in [0, 7, 8, 20, full.count - 80, full.count - 1] {
            XCTAssertThrowsError(try Safetensors.decode(Array(full.prefix(length))), "length \(length)") { error in
                XCTAssertTrue(error is SafetensorsError, "\(error)")
            }
        }
        XCTAssertThrowsError(try Safetensors.read(URL(fileURLWithPath: "/nonexistent/x.safetensors"))) { error in
            guard case .unreadable(let file, _)? = error as? SafetensorsError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "/nonexistent/x.safetensors")
        }
    }
}
