import XCTest
import VisageFormats
import VisageNN

/// Tiny checkpoints in both formats (see scripts/fixtures/make_pytorch_fixtures.py) and
/// hand-made hostile ones.
final class PyTorchCheckpointTests: XCTestCase {
    typealias P = PyTorchPickleBytes

    private func assertMatches(_ checkpoint: PyTorchCheckpoint, _ expected: [PyTorchFixtures.Expected],
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(checkpoint.entries.map(\.name), expected.map(\.name), file: file, line: line)
        for (entry, want) in zip(checkpoint.entries, expected) {
            XCTAssertEqual(entry.dataType, want.dataType, entry.name, file: file, line: line)
            XCTAssertEqual(entry.tensor.shape, want.shape, entry.name, file: file, line: line)
            XCTAssertEqual(entry.tensor.storage, want.values, entry.name, file: file, line: line)
        }
    }

    private func assertError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line,
                             _ check: (PyTorchFormatError) -> Bool) {
        XCTAssertThrowsError(try PyTorchCheckpoint(bytes: bytes), file: file, line: line) { error in
            guard let e = error as? PyTorchFormatError else {
                return XCTFail("untyped error \(error)", file: file, line: line)
            }
            XCTAssertTrue(check(e), "unexpected error: \(e)", file: file, line: line)
        }
    }

    func testZipFixturesInBothPickleProtocols() throws {
        for data in [PyTorchFixtures.zipProtocol2, PyTorchFixtures.zipProtocol4] {
            let checkpoint = try PyTorchCheckpoint(bytes: [UInt8](data))
            XCTAssertEqual(checkpoint.format, .zip)
            assertMatches(checkpoint, PyTorchFixtures.zipExpected)
        }
        let pairs = try PyTorchCheckpoint.load(bytes: [UInt8](PyTorchFixtures.zipProtocol2))
        XCTAssertEqual(pairs.first?.name, "fc.weight")
        XCTAssertEqual(pairs.first?.tensor, Tensor(shape: [2, 3], storage: [-1, -0.5, 0, 0.5, 1, 1.5]))
    }

    func testLegacyFixtureIncludingAStorageView() throws {
        let checkpoint = try PyTorchCheckpoint(bytes: [UInt8](PyTorchFixtures.legacy))
        XCTAssertEqual(checkpoint.format, .legacy)
        assertMatches(checkpoint, PyTorchFixtures.legacyExpected)
        XCTAssertEqual(checkpoint["viewed"]?.storage, [11])
        XCTAssertNil(checkpoint["absent"])
    }

    func testEveryTruncationIsATypedError() {
        for data in [PyTorchFixtures.zipProtocol2, PyTorchFixtures.zipProtocol4, PyTorchFixtures.legacy] {
            let bytes = [UInt8](data)
            for length in 0..<bytes.count {
                XCTAssertThrowsError(try PyTorchCheckpoint(bytes: Array(bytes.prefix(length)))) { error in
                    XCTAssertTrue(error is PyTorchFormatError, "prefix \(length): \(error)")
                }
            }
        }
    }

    func testByteFlipsNeverCrash() {
        // Every single-byte corruption either loads or throws a typed error. In the zip format
        // the CRC-32 and header cross-checks make any corruption that still loads harmless:
        // the tensors are exactly the original ones.
        for (data, checksummed) in [(PyTorchFixtures.zipProtocol2, true), (PyTorchFixtures.legacy, false)] {
            let bytes = [UInt8](data)
            for i in 0..<bytes.count {
                var corrupt = bytes
                corrupt[i] ^= 0x5A
                do {
                    let checkpoint = try PyTorchCheckpoint(bytes: corrupt)
                    if checksummed { assertMatches(checkpoint, PyTorchFixtures.zipExpected) }
                } catch {
                    XCTAssertTrue(error is PyTorchFormatError, "byte \(i): \(error)")
                }
            }
        }
    }

    func testLegacyHugeStorageCountFailsBeforeAllocating() throws {
        var bytes = [UInt8](PyTorchFixtures.legacy)
        // Storage "0" holds 8 floats starting with -1.0: its count is the 8 bytes before.
        let pattern: [UInt8] = [8, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x80, 0xBF]
        let at = try XCTUnwrap((0...(bytes.count - pattern.count)).first { Array(bytes[$0..<($0 + 12)]) == pattern })
        bytes.replaceSubrange(at..<(at + 8), with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        assertError(bytes) {
            guard case .storageSizeExceedsFile("0", let declared, let available) = $0 else { return false }
            return declared == 0x0FFF_FFFF_FFFF_FFFF * 4 && available < 1000
        }
        bytes.replaceSubrange(at..<(at + 8), with: [9, 0, 0, 0, 0, 0, 0, 0])
        assertError(bytes) {
            guard case .malformedStorage("0", _) = $0 else { return false }
            return true
        }
    }

    func testZipHostileStorages() {
        let data: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]  // 1.0, 2.0
        func zip(_ tensor: [UInt8], storage: [UInt8] = data, method: UInt16 = 0) -> [UInt8] {
            PyTorchZipBytes.archive([("archive/data.pkl", P.stateDict([("w", tensor)])),
                                     ("archive/data/0", storage)], method: method)
        }
        let good = P.tensor(key: "0", count: 2, shape: [2], strides: [1])
        XCTAssertEqual(try PyTorchCheckpoint.load(bytes: zip(good)).first?.tensor.storage, [1, 2])
        // A pid declaring 2^31-1 elements for an 8-byte entry.
        assertError(zip(P.tensor(key: "0", count: Int32.max, shape: [2], strides: [1]))) {
            $0 == .storageSizeExceedsFile(key: "0", declaredBytes: Int(Int32.max) * 4, availableBytes: 8)
        }
        // A view reaching past its storage, and a broadcast view exceeding the element budget.
        assertError(zip(P.tensor(key: "0", count: 2, offset: 1, shape: [2], strides: [1]))) {
            $0 == .tensorOutOfBounds(name: "w", lastIndex: 2, storageCount: 2)
        }
        assertError(zip(P.tensor(key: "0", count: 2, shape: [100_000, 100_000], strides: [0, 0]))) {
            guard case .elementBudgetExceeded("w", _) = $0 else { return false }
            return true
        }
        assertError(zip(P.tensor(storageType: "ComplexFloatStorage", key: "0", count: 1, shape: [1], strides: [1]))) {
            $0 == .unsupportedDataType(storageType: "torch.ComplexFloatStorage")
        }
        assertError(zip(P.tensor(key: "1", count: 2, shape: [2], strides: [1]))) {
            $0 == .missingZipEntry(name: "archive/data/1")
        }
        assertError(zip(good, method: 8)) {
            $0 == .compressedZipEntry(name: "archive/data.pkl", method: 8)
        }
    }

    func testHalfPrecisionEdgeCasesAndEmptyTensors() throws {
        // Half bit patterns: 1.0, smallest subnormal 2^-24, -0, +inf, largest subnormal.
        let half: [UInt8] = [0x00, 0x3C, 0x01, 0x00, 0x00, 0x80, 0x00, 0x7C, 0xFF, 0x03]
        let pickle = P.stateDict([
            ("h", P.tensor(storageType: "HalfStorage", key: "0", count: 5, shape: [5], strides: [1])),
            ("empty", P.tensor(key: "1", count: 0, shape: [0, 3], strides: [3, 1])),
        ])
        let bytes = PyTorchZipBytes.archive([("archive/data.pkl", pickle), ("archive/data/0", half), ("archive/data/1", [])])
        let checkpoint = try PyTorchCheckpoint(bytes: bytes)
        let h = try XCTUnwrap(checkpoint["h"]).storage
        XCTAssertEqual(h[0], 1)
        XCTAssertEqual(h[1], 0x1p-24)
        XCTAssertEqual(h[2].sign, .minus)
        XCTAssertEqual(h[2], 0)
        XCTAssertEqual(h[3], .infinity)
        XCTAssertEqual(h[4], 1023 * 0x1p-24)
        XCTAssertEqual(checkpoint["empty"]?.shape, [0, 3])
        XCTAssertEqual(checkpoint.entries.map(\.dataType), [.float16, .float32])
    }

    func testZipPickleWithForbiddenGlobal() {
        let pickle = P.proto2 + P.global("posix", "system") + P.string("rm -rf /") + P.tuple1 + P.reduce + P.stop
        assertError(PyTorchZipBytes.archive([("archive/data.pkl", pickle)])) {
            guard case .forbiddenGlobal("posix", "system", _) = $0 else { return false }
            return true
        }
    }

    func testNonTensorValuesAndNestedDicts() throws {
        // {"model": {"w": tensor}, "epoch": 3} → "model.w"; a pickled storage class as a value is refused.
        let tensor = P.tensor(key: "0", count: 1, shape: [1], strides: [1])
        let nested = P.proto2 + P.emptyDict + P.mark + P.string("model") + P.emptyDict + P.string("w") + tensor
            + P.setItem + P.string("epoch") + P.int(3) + P.setItems + P.stop
        let bytes = PyTorchZipBytes.archive([("archive/data.pkl", nested), ("archive/data/0", [0, 0, 0x80, 0x3F])])
        XCTAssertEqual(try PyTorchCheckpoint.load(bytes: bytes).map(\.name), ["model.w"])

        let odd = P.stateDict([("w", P.global("torch", "FloatStorage"))])
        assertError(PyTorchZipBytes.archive([("archive/data.pkl", odd)])) {
            guard case .unsupportedValue("w", _) = $0 else { return false }
            return true
        }
    }

    func testSharedSubDictsCannotMultiplyTheWalk() {
        // D0 = {"a": tensor}; Dk = {"x": Dk-1, "y": Dk-1}: D40 names 2^40 tensors in ~700 bytes.
        var pickle = P.proto2 + P.emptyDict + P.string("a") + P.tensor(key: "0", count: 1, shape: [], strides: [])
            + P.setItem + P.put(0)
        for k in UInt8(1)...40 {
            pickle += P.emptyDict + P.mark + P.string("x") + P.get(k - 1) + P.string("y") + P.get(k - 1)
                + P.setItems + P.put(k)
        }
        pickle += P.stop
        let bytes = PyTorchZipBytes.archive([("archive/data.pkl", pickle), ("archive/data/0", [0, 0, 0x80, 0x3F])])
        assertError(bytes) {
            guard case .unsupportedValue(_, let found) = $0 else { return false }
            return found.contains("nested items")
        }
    }

    func testUnrecognizedFormat() {
        assertError(Array("hello world".utf8)) {
            guard case .unrecognizedCheckpointFormat = $0 else { return false }
            return true
        }
        assertError([]) {
            guard case .unrecognizedCheckpointFormat = $0 else { return false }
            return true
        }
    }
}
