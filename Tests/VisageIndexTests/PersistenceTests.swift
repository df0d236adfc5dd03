import Foundation
import VisageIndex
import XCTest

/// Save / open round trips, mapped indexes that keep changing, and hostile files.
final class PersistenceTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("visage-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testRoundTripKeepsResultsIdsAndRemovalsForEveryPrecision() throws {
        var rng = RandomVectors(seed: 77)
        let d = 20
        let base = rng.unitVectors(3000, dimension: d)
        let queries = rng.unitVectors(10, dimension: d)
        for precision in VectorPrecision.allCases {
            let index = try VectorIndex(dimension: d, precision: precision)
            try index.add(base, labels: (0..<3000).map { Int64($0 / 3) })
            try index.remove(id: 17)
            let expected = try index.search(queries, k: 6)
            let url = folder.appendingPathComponent("\(precision).vsi")
            try index.save(to: url)

            let opened = try VectorIndex.open(contentsOf: url, verifyingChecksums: true)
            XCTAssertTrue(opened.isMapped)
            XCTAssertEqual(opened.precision, precision)
            XCTAssertEqual(opened.dimension, d)
            XCTAssertEqual(opened.count, 2999)
            XCTAssertEqual(opened.nextID, 3000)
            XCTAssertEqual(opened.quantizer, index.quantizer)
            XCTAssertFalse(opened.contains(id: 17))
            XCTAssertEqual(try opened.search(queries, k: 6), expected, "\(precision)")
            XCTAssertEqual(opened.entry(id: 2999)?.vector, Array(base[(2999 * d)...]))

            // Mapped rows can be removed, new rows are appended in memory, and saving over the
            // mapped file itself works (the old mapping stays valid).
            try opened.remove(id: 5)
            let added = try opened.add(Array(queries[0..<d]), label: -1)
            XCTAssertEqual(added, 3000)
            XCTAssertEqual(try opened.search(Array(queries[0..<d]), k: 1)[0][0].id, 3000)
            let changed = try opened.search(queries, k: 6)
            try opened.save(to: url)
            XCTAssertEqual(try opened.search(queries, k: 6), changed)
            let reopened = try VectorIndex.open(contentsOf: url)
            XCTAssertEqual(reopened.count, 2999)
            XCTAssertFalse(reopened.contains(id: 5))
            XCTAssertEqual(try reopened.search(queries, k: 6), changed, "\(precision) after the second save")
            XCTAssertGreaterThan(reopened.memoryUsage.mappedBytes, 0)
        }
    }

    func testOpeningIsFastBecauseRowsAreMapped() throws {
        var rng = RandomVectors(seed: 1)
        let d = 128, n = 100_000
        let row = rng.unitVectors(1, dimension: d)
        var base = [Float](repeating: 0, count: n * d)
        for r in 0..<n { for j in 0..<d { base[r * d + j] = row[(j + r) % d] } }
        let index = try VectorIndex(dimension: d, precision: .int8)
        try index.add(base, labels: (0..<n).map { Int64($0) })
        let url = folder.appendingPathComponent("big.vsi")
        try index.save(to: url)
        let start = Date()
        let opened = try VectorIndex.open(contentsOf: url)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(opened.count, n)
        XCTAssertLessThan(seconds, 1, "opening \(n) rows took \(seconds) s")
        XCTAssertEqual(try opened.search(Array(base[(4321 * d)..<(4322 * d)]), k: 1)[0][0].distance, 0)
    }

    /// Writes a valid small index and returns its bytes.
    private func validFile(_ precision: VectorPrecision = .int8) throws -> (URL, [UInt8]) {
        var rng = RandomVectors(seed: 3)
        let index = try VectorIndex(dimension: 8, precision: precision)
        try index.add(rng.unitVectors(50, dimension: 8), labels: (0..<50).map { Int64($0) })
        let url = folder.appendingPathComponent("valid-\(precision).vsi")
        try index.save(to: url)
        return (url, [UInt8](try Data(contentsOf: url)))
    }

    private func assertRejected(_ bytes: [UInt8], _ name: String, verifying: Bool = false,
                                file: StaticString = #filePath, line: UInt = #line) {
        let url = folder.appendingPathComponent(name)
        XCTAssertNoThrow(try Data(bytes).write(to: url), file: file, line: line)
        XCTAssertThrowsError(try VectorIndex.open(contentsOf: url, verifyingChecksums: verifying), name, file: file, line: line) {
            XCTAssertNotNil($0 as? VectorIndexError, "\(name): \($0)", file: file, line: line)
        }
    }

    private func patched(_ bytes: [UInt8], at offset: Int, _ value: UInt64) -> [UInt8] {
        var out = bytes
        withUnsafeBytes(of: value.littleEndian) { for (i, b) in $0.enumerated() { out[offset + i] = b } }
        return out
    }

    func testHostileFilesAreTypedErrors() throws {
        let (_, bytes) = try validFile()
        assertRejected([], "empty")
        assertRejected(Array(bytes[0..<100]), "short header")
        assertRejected(Array(bytes.dropLast(1)), "truncated")
        assertRejected(bytes + [0], "trailing byte")
        var magic = bytes
        magic[0] = UInt8(ascii: "X")
        assertRejected(magic, "bad magic")
        assertRejected(patched(bytes, at: 8, 2), "future version")
        assertRejected(patched(bytes, at: 12, 9), "unknown precision")
        assertRejected(patched(bytes, at: 16, 0), "zero dimension")
        assertRejected(patched(bytes, at: 16, UInt64.max), "huge dimension")
        assertRejected(patched(bytes, at: 24, 1 << 62), "huge count")
        assertRejected(patched(bytes, at: 24, 1 << 36), "count beyond the file")
        assertRejected(patched(bytes, at: 32, 3), "next id below the ids")  // header checksum catches it too
        var random = RandomVectors(seed: 99)
        assertRejected((0..<4096).map { _ in UInt8(truncatingIfNeeded: random.next()) }, "noise")

        let url = folder.appendingPathComponent("missing.vsi")
        XCTAssertThrowsError(try VectorIndex.open(contentsOf: url)) {
            guard case .io(_, "open", _)? = $0 as? VectorIndexError else { return XCTFail("\($0)") }
        }
    }

    func testChecksumVerificationFindsDamagedRows() throws {
        let (url, bytes) = try validFile(.float32)
        var damaged = bytes
        damaged[bytes.count - 1000] ^= 0x40
        assertRejected(damaged, "damaged", verifying: true)
        XCTAssertNoThrow(try VectorIndex.open(contentsOf: url, verifyingChecksums: true))
    }
}
