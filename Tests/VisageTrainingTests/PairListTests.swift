import XCTest
import VisageTraining

final class PairListTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("visage-pairs-\(UUID().uuidString)")
        for (person, files) in [("Ann_Lee", ["Ann_Lee_0001.jpg", "Ann_Lee_0002.jpg"]), ("Bo", ["Bo_0003.png"]), ("s31", ["1.pgm", "2.pgm"])] {
            let dir = root.appendingPathComponent(person)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for f in files { _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(f).path, contents: Data([0])) }
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func testLFWFormatWithHeader() throws {
        let list = try PairList.parse("10\t300\nAnn_Lee\t1\t2\nAnn_Lee\t1\tBo\t3\n", label: "p", images: root)
        XCTAssertEqual(list.entries.map(\.same), [true, false])
        XCTAssertEqual(list.entries[1].second.lastPathComponent, "Bo_0003.png")
    }

    func testPathFormatAndATTNumbering() throws {
        let list = try PairList.parse("# comment\ns31/1.pgm s31/2.pgm 1\ns31/1.pgm Bo/Bo_0003.png different\ns31 1 2\n",
                                      label: "p", images: root)
        XCTAssertEqual(list.entries.map(\.same), [true, false, true])
        XCTAssertEqual(list.entries[2].second.lastPathComponent, "2.pgm")
    }

    func testErrorsNameTheLine() {
        XCTAssertThrowsError(try PairList.parse("Ann_Lee 1 2\nBo 1 2 3 4 5\n", label: "p", images: root)) { error in
            XCTAssertEqual(error as? TrainingError, .invalidPairLine(file: "p", line: 2, text: "Bo 1 2 3 4 5"))
        }
        XCTAssertThrowsError(try PairList.parse("Ann_Lee 1 9\n", label: "p", images: root)) { error in
            guard case TrainingError.missingPairImage(_, 1, _) = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try PairList.parse("Ann_Lee 1 2\n", label: "p", images: root)) { error in
            XCTAssertEqual(error as? TrainingError, .degeneratePairs(file: "p", same: 1, different: 0))
        }
    }
}
