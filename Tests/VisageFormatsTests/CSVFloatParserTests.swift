import Foundation
import VisageFormats
import XCTest

/// Hand-made cases for `OpenFaceCSV.parseValues` and `readValues`.
final class CSVFloatParserTests: XCTestCase {
    private func parse(_ text: String, count: Int) throws -> [Float] {
        try OpenFaceCSV.parseValues(Data(text.utf8), file: "t.csv", expectedCount: count)
    }

    func testAcceptedSyntax() throws {
        XCTAssertEqual(try parse("1,-2.5,+3,.5,4.,-2.9516158974729e-06,1E2\n", count: 7),
                       [1, -2.5, 3, 0.5, 4, Float(-2.9516158974729e-06), 100])
        XCTAssertEqual(try parse(" 1 , 2\r\n3\n\n4\r\n", count: 4), [1, 2, 3, 4])
        XCTAssertEqual(try parse("-0", count: 1)[0].sign, .minus)
        XCTAssertEqual(try parse("0.0000000000000000000000000000001", count: 1), [1e-31])
    }

    /// Values off the fast path (many digits, large exponents) still round like Double(String) then Float.
    func testSlowPathRoundsCorrectly() throws {
        let cases = ["0.1000000000000000055511151231257827", "123456789012345678901234", "1e-30", "3.4028234e38",
                     "9007199254740993", "2.2250738585072014e-308", "0.000000000000000000000000000000000000000000001",
                     "1.00000005960464477539062", "1.00000005960464477539063"]
        for text in cases {
            XCTAssertEqual(try parse(text, count: 1)[0].bitPattern, Float(Double(text)!).bitPattern, text)
        }
    }

    func testMalformedNumbersAreNamed() {
        let cases: [(String, Int, Int, String)] = [
            ("1,abc,3", 1, 2, "abc"), ("1.2.3", 0, 0, "1.2.3"), ("1,,2", 1, 2, ""), ("1,2,", 2, 4, ""),
            ("1e,2", 0, 0, "1e"), ("nan", 0, 0, "nan"), ("inf,1", 0, 0, "inf"), ("0x1p3", 0, 0, "0x1p3"),
            ("1,\n2", 1, 2, ""), ("-", 0, 0, "-"), ("1;2", 0, 0, "1;2"),
        ]
        for (text, index, offset, token) in cases {
            XCTAssertThrowsError(try parse(text, count: 3), text) { error in
                XCTAssertEqual(error as? OpenFaceFormatError,
                               .malformedNumber(file: "t.csv", index: index, byteOffset: offset, text: token), text)
            }
        }
    }

    func testNonFiniteAndWrongCounts() {
        XCTAssertThrowsError(try parse("1,1e39", count: 2)) { error in
            XCTAssertEqual(error as? OpenFaceFormatError, .nonFiniteValue(file: "t.csv", index: 1, text: "1e39"))
        }
        XCTAssertThrowsError(try parse("1,2,3\n", count: 4)) { error in
            XCTAssertEqual(error as? OpenFaceFormatError, .wrongCount(file: "t.csv", expected: 4, found: 3))
            XCTAssertTrue("\(error)".contains("expected 4 values, found 3"))
        }
        XCTAssertThrowsError(try parse("1,2,3,4,5", count: 2)) { error in
            XCTAssertEqual(error as? OpenFaceFormatError, .wrongCount(file: "t.csv", expected: 2, found: 5))
        }
        XCTAssertThrowsError(try parse("", count: 1)) { error in
            XCTAssertEqual(error as? OpenFaceFormatError, .wrongCount(file: "t.csv", expected: 1, found: 0))
        }
    }

    func testReadValuesChecksFileSize() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("visage-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let big = directory.appendingPathComponent("big.csv")
        try Data(repeating: 0x31, count: 10_000).write(to: big)
        XCTAssertThrowsError(try OpenFaceCSV.readValues(contentsOf: big, expectedCount: 1)) { error in
            XCTAssertEqual(error as? OpenFaceFormatError, .fileTooLarge(file: big.path, bytes: 10_000, limit: 4136))
        }
        let ok = directory.appendingPathComponent("ok.csv")
        try Data("0.5,0.25\n".utf8).write(to: ok)
        XCTAssertEqual(try OpenFaceCSV.readValues(contentsOf: ok, expectedCount: 2), [0.5, 0.25])
        let missing = directory.appendingPathComponent("missing.csv")
        XCTAssertThrowsError(try OpenFaceCSV.readValues(contentsOf: missing, expectedCount: 2)) { error in
            guard case .unreadable(let file, _)? = error as? OpenFaceFormatError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, missing.path)
        }
    }

    func testTruncatedTensorFileInFolderIsNamed() throws {
        let source = FileManager.default.temporaryDirectory.appendingPathComponent("visage-of-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: source) }
        // Files are parsed in table order and loading stops at the first bad one, so only the files
        // up to the truncated `bn1_b` (64 values, 63 written) need contents; the rest just exist.
        let filled = ["conv1_w", "conv1_b", "bn1_w", "bn1_b"]
        for (name, shape) in OpenFaceNN4Small2.layers.flatMap(\.tensors) {
            let count = !filled.contains(name) ? 0 : name == "bn1_b" ? shape.reduce(1, *) - 1 : shape.reduce(1, *)
            let text = [String](repeating: "0", count: count).joined(separator: ",") + "\n"
            try Data(text.utf8).write(to: source.appendingPathComponent(name + ".csv"))
        }
        XCTAssertThrowsError(try OpenFaceCSV.load(directory: source)) { error in
            XCTAssertEqual(error as? OpenFaceFormatError,
                           .wrongCount(file: source.appendingPathComponent("bn1_b.csv").path, expected: 64, found: 63))
        }
    }
}
