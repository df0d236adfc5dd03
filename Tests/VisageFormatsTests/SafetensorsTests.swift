import Foundation
import VisageFormats
import VisageNN
import XCTest

/// Round trips, dtype conversion and strict validation of the safetensors reader and writer.
final class SafetensorsTests: XCTestCase {
    private func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A file from a header JSON string and raw data bytes.
    static func file(_ header: String, _ data: [UInt8] = []) -> [UInt8] {
        let json = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data
    }

    private let sample: [(String, Tensor)] = [
        ("conv.weight", Tensor(shape: [2, 3, 1, 2], storage: (0..<12).map { Float($0) * 0.25 - 1 })),
        ("scalar", Tensor(shape: [], storage: [Float.pi])),
        ("empty", Tensor(shape: [0, 3], storage: [])),
        ("bias", Tensor(shape: [3], storage: [-0.0, .greatestFiniteMagnitude, .leastNonzeroMagnitude])),
    ]

    func testRoundTripWithMetadata() throws {
        let url = try directory().appendingPathComponent("model.safetensors")
        let metadata = ["format": "pt", "note": "quote \" backslash \\ newline \n tab \t bell \u{7} é 人脸"]
        try Safetensors.write(tensors: sample, metadata: metadata, to: url)
        let (tensors, readMetadata) = try Safetensors.read(url)
        XCTAssertEqual(readMetadata, metadata)
        XCTAssertEqual(tensors.count, sample.count)
        for (name, tensor) in sample {
            XCTAssertEqual(tensors[name]?.shape, tensor.shape, name)
            XCTAssertEqual(tensors[name]?.storage.map(\.bitPattern), tensor.storage.map(\.bitPattern), name)
        }
        let bytes = [UInt8](try Data(contentsOf: url))
        let headerLength = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        XCTAssertEqual((8 + headerLength) % 8, 0, "data section is 8-byte aligned")
        XCTAssertEqual(bytes[8], UInt8(ascii: "{"))
        XCTAssertEqual(bytes.count, 8 + headerLength + 4 * (12 + 1 + 0 + 3))
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{\"__metadata__\":{\"format\":\"pt\""), header)
        XCTAssertTrue(header.contains("\"conv.weight\":{\"dtype\":\"F32\",\"shape\":[2,3,1,2],\"data_offsets\":[0,48]}"), header)
    }

    func testDictionaryWriteIsSortedAndDeterministic() throws {
        let dir = try directory()
        let dictionary = Dictionary(uniqueKeysWithValues: sample)
        try Safetensors.write(tensors: dictionary, to: dir.appendingPathComponent("a.safetensors"))
        try Safetensors.write(tensors: dictionary, to: dir.appendingPathComponent("b.safetensors"))
        let a = try Data(contentsOf: dir.appendingPathComponent("a.safetensors"))
        XCTAssertEqual(a, try Data(contentsOf: dir.appendingPathComponent("b.safetensors")))
        XCTAssertEqual(a, try Safetensors.encode(tensors: sample.sorted { $0.0 < $1.0 }))
        XCTAssertFalse(String(decoding: a, as: UTF8.self).contains("__metadata__"))
        XCTAssertEqual(try Safetensors.read(dir.appendingPathComponent("a.safetensors")).tensors, dictionary)
    }

    func testAtomicWriteKeepsOldFileOnFailureAndLeavesNoTemporaries() throws {
        let dir = try directory()
        let url = dir.appendingPathComponent("w.safetensors")
        try Safetensors.write(tensors: [sample[0]], to: url)
        let before = try Data(contentsOf: url)
        XCTAssertThrowsError(try Safetensors.write(tensors: [sample[0], sample[0]], to: url)) { error in
            XCTAssertEqual(error as? SafetensorsError, .duplicateName(name: "conv.weight"))
        }
        XCTAssertThrowsError(try Safetensors.write(tensors: [("__metadata__", sample[1].1)], to: url)) { error in
            XCTAssertEqual(error as? SafetensorsError, .reservedName(name: "__metadata__"))
        }
        XCTAssertEqual(try Data(contentsOf: url), before)
        try Safetensors.write(tensors: [sample[3]], to: url)  // replaces the old file
        XCTAssertEqual(try Safetensors.read(url).tensors.keys.sorted(), ["bias"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["w.safetensors"])
        let nowhere = dir.appendingPathComponent("missing-dir/x.safetensors")
        XCTAssertThrowsError(try Safetensors.write(tensors: [sample[0]], to: nowhere)) { error in
            guard case let .writeFailed(file, _)? = error as? SafetensorsError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, nowhere.path)
        }
    }

    func testReadsF16BF16AndF64() throws {
        let half: [UInt16] = [0x3C00, 0xC000, 0x0001, 0x03FF, 0x7BFF, 0x7C00, 0x8000, 0x3555]
        let brain: [UInt16] = [0x3F80, 0xC049]
        let double: [Double] = [0.1, -1e300]
        var data: [UInt8] = []
        for h in half { data += [UInt8(h & 0xFF), UInt8(h >> 8)] }
        for b in brain { data += [UInt8(b & 0xFF), UInt8(b >> 8)] }
        for d in double { data += withUnsafeBytes(of: d.bitPattern.littleEndian, Array.init) }
        let header = """
        {"h":{"dtype":"F16","shape":[2,4],"data_offsets":[0,16]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[16,20]},\
        "d":{"dtype":"F64","shape":[2],"data_offsets":[20,36]}}
        """
        let (tensors, metadata) = try Safetensors.decode(Self.file(header, data))
        XCTAssertEqual(metadata, [:])
        XCTAssertEqual(tensors["h"]?.shape, [2, 4])
        let expectedHalf: [Float] = [1, -2, 0x1p-24, 1023 * 0x1p-24, 65504, .infinity, -0.0, 0.333251953125]
        XCTAssertEqual(tensors["h"]?.storage.map(\.bitPattern), expectedHalf.map(\.bitPattern))
        XCTAssertEqual(tensors["b"]?.storage, [1, -3.140625])
        XCTAssertEqual(tensors["d"]?.storage, [Float(0.1), -.infinity])
    }
}
