import Foundation
import VisageEval
import VisageTestSupport
import XCTest

final class PairsFileTests: XCTestCase {
    private let view2 = "2\t2\nAnn\t1\t2\nBob\t3\t4\nAnn\t1\tCy\t2\nBob\t1\tDee\t5\n"
        + "Eve 1 3\nFay 2 4\nEve 2 Gus 1\nFay 1 Hal 12\n"

    func testReadsView2Folds() throws {
        let file = try PairsFile(parsing: view2)
        XCTAssertEqual(file.layout, .folds(count: 2, pairsPerClass: 2))
        XCTAssertEqual(file.folds.count, 2)
        XCTAssertEqual(file.folds.map { $0.map(\.isSame) }, [[true, true, false, false], [true, true, false, false]])
        XCTAssertEqual(file.folds[1][3], LabeledPair(first: LFWImage(name: "Fay", number: 1),
                                                     second: LFWImage(name: "Hal", number: 12), isSame: false, line: 9))
        XCTAssertEqual(file.pairs.count, 8)
        XCTAssertEqual(file.images.count, 15)  // "Ann 1" appears twice
        XCTAssertEqual(LFWImage(name: "Hal", number: 12).relativePath, "Hal/Hal_0012.jpg")
        XCTAssertEqual(LFWImage(name: "X", number: 12345).relativePath, "X/X_12345.jpg")
    }

    func testCarriageReturnsAndMissingFinalNewline() throws {
        let file = try PairsFile(parsing: "1\t1\r\nAnn\t1\t2\r\nAnn\t1\tBob\t1")
        XCTAssertEqual(file.pairs.count, 2)
        XCTAssertEqual(try PairsFile(parsing: view2 + "\n\n").pairs.count, 8)
    }

    func testView1AndHeaderlessLayouts() throws {
        let view1 = try PairsFile(parsing: "2\nAnn 1 2\nBob 1 2\nAnn 1 Bob 1\nCy 1 Dee 1\n")
        XCTAssertEqual(view1.layout, .singleSet(pairsPerClass: 2))
        XCTAssertEqual(view1.folds.count, 1)
        let loose = try PairsFile(parsing: "Ann 1 Bob 1\nAnn 1 2\nCy 1 Dee 1\n")
        XCTAssertEqual(loose.layout, .headerless)
        XCTAssertEqual(loose.pairs.map(\.isSame), [false, true, false])
    }

    func testMalformedLinesNameTheLine() {
        let cases: [(String, EvalError)] = [
            ("1\t1\nAnn\t1\t2\nAnn\t1\tBob\n", .malformedLine(line: 3, reason: "`Bob` is not an image number (1…999999)")),
            ("1\t1\nAnn\tone\t2\nAnn\t1\tBob\t1\n", .malformedLine(line: 2, reason: "`one` is not an image number (1…999999)")),
            ("1\t1\nAnn\t0\t2\nAnn\t1\tBob\t1\n", .malformedLine(line: 2, reason: "`0` is not an image number (1…999999)")),
            ("1\t1\nAnn\t2\t2\nAnn\t1\tBob\t1\n", .malformedLine(line: 2, reason: "a same-person pair uses image 2 twice")),
            ("1\t1\nAnn\t1\t2\nAnn\t1\tAnn\t3\n", .malformedLine(line: 3, reason: "a different-person pair names Ann twice")),
            ("1\t1\n../etc\t1\t2\nAnn\t1\tBob\t1\n", .malformedLine(line: 2, reason: "`../etc` is not a valid person name (no path separators)")),
            ("1\t1\nAnn\t1\t2\n\nAnn\t1\tBob\t1\n", .malformedLine(line: 3, reason: "empty line")),
            ("1\t1\nAnn 1 2 3 4\nAnn\t1\tBob\t1\n", .malformedLine(line: 2, reason: "expected 3 fields (name n1 n2) or 4 fields (name1 n1 name2 n2), found 5")),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try PairsFile(parsing: text), text) { XCTAssertEqual($0 as? EvalError, expected, text) }
        }
    }

    func testHeaderAndLayoutViolations() {
        XCTAssertThrowsError(try PairsFile(parsing: "ten\t3\nAnn 1 2\n")) {
            XCTAssertEqual($0 as? EvalError, .badHeader(line: 1, reason: "`ten` is not a positive whole number"))
        }
        XCTAssertThrowsError(try PairsFile(parsing: "0\nAnn 1 2\n")) {
            XCTAssertEqual($0 as? EvalError, .badHeader(line: 1, reason: "`0` is not a positive whole number"))
        }
        XCTAssertThrowsError(try PairsFile(parsing: "")) { XCTAssertEqual($0 as? EvalError, .layoutMismatch(reason: "the file has no pairs")) }
        // Too few lines for the header, and a header too large to multiply.
        XCTAssertThrowsError(try PairsFile(parsing: "2\t2\nAnn 1 2\n")) {
            guard case .layoutMismatch(let reason)? = $0 as? EvalError else { return XCTFail("\($0)") }
            XCTAssertTrue(reason.contains("2 fold(s) of 2 same + 2 different pairs, the file has 1 pair lines"), reason)
        }
        XCTAssertThrowsError(try PairsFile(parsing: "\(Int.max)\t\(Int.max)\nAnn 1 2\n")) {
            guard case .layoutMismatch? = $0 as? EvalError else { return XCTFail("\($0)") }
        }
        // A different-person pair where a same-person pair belongs.
        XCTAssertThrowsError(try PairsFile(parsing: "1\t2\nAnn 1 2\nAnn 1 Bob 1\nBob 1 2\nCy 1 Dee 1\n")) {
            XCTAssertEqual($0 as? EvalError, .layoutMismatch(
                reason: "line 3: fold 1 must list 2 same-person pairs, then 2 different-person pairs; this is a different-person pair"))
        }
    }

    func testRefusesLargeAndMissingFiles() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-pairs-\(UUID()).txt")
        try Data(view2.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertEqual(try PairsFile(contentsOf: url).pairs.count, 8)
        XCTAssertThrowsError(try PairsFile(contentsOf: url, maxBytes: 10)) {
            XCTAssertEqual($0 as? EvalError, .fileTooLarge(path: url.path, bytes: view2.utf8.count, limit: 10))
        }
        XCTAssertThrowsError(try PairsFile(contentsOf: url.appendingPathExtension("missing"))) {
            guard case .io? = $0 as? EvalError else { return XCTFail("\($0)") }
        }
    }

    func testReadsTheLFWDevelopmentFiles() throws {
        let generated = try PairsFile(contentsOf: TestData.shared("lfw-dev/pairs_dev_generated_10x30.txt"))
        XCTAssertEqual(generated.layout, .folds(count: 10, pairsPerClass: 30))
        XCTAssertEqual(generated.folds.map(\.count), Array(repeating: 60, count: 10))
        XCTAssertEqual(generated.folds[0][0].first, LFWImage(name: "Ben_Glisan", number: 1))
        let root = try TestData.shared("lfw-dev/lfw-deepfunneled")
        for image in generated.images {
            XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent(image.relativePath).path), "\(image)")
        }
        let view1 = try PairsFile(contentsOf: TestData.shared("lfw-dev/pairsDevTest.txt"))  // no final newline
        XCTAssertEqual(view1.layout, .singleSet(pairsPerClass: 500))
        XCTAssertEqual(view1.pairs.filter(\.isSame).count, 500)
        let covered = try PairsFile(contentsOf: TestData.shared("lfw-dev/pairsDevTest_covered.txt"))
        XCTAssertEqual(covered.layout, .headerless)
        XCTAssertEqual(covered.pairs.filter(\.isSame).count, 56)
        XCTAssertEqual(covered.pairs.filter { !$0.isSame }.count, 38)
    }
}
