import Foundation
import Visage
import VisageModels
import VisageTestSupport
import XCTest

final class ModelStoreTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("visage-modelstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Copies the real P-Net weights (28 KB) from the model cache into the temporary store.
    private func copyPNet(modified: Date = Date(timeIntervalSince1970: 1_577_836_800)) throws -> URL {
        let source = try TestData.model(ModelFile.mtcnnPNet.fileName)
        let target = folder.appendingPathComponent(ModelFile.mtcnnPNet.fileName)
        try FileManager.default.copyItem(at: source, to: target)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: target.path)
        return target
    }

    private func flipByte(at offset: UInt64, in url: URL) throws {
        let handle = try FileHandle(forUpdating: url)
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        let byte = try XCTUnwrap(handle.read(upToCount: 1)).first ?? 0
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: [byte ^ 0xff])
    }

    func testMissingFileErrorNamesTheFileAndSetup() {
        let store = ModelStore(directory: folder)
        XCTAssertThrowsError(try store.url(for: .dlibResNet, verify: true)) { error in
            guard case let .missing(file, path, _)? = error as? ModelStoreError else {
                return XCTFail("expected .missing, got \(error)")
            }
            XCTAssertEqual(file, .dlibResNet)
            XCTAssertEqual(path, folder.appendingPathComponent("dlib_face_recognition_resnet_model_v1.dat").path)
            let message = "\(error)"
            XCTAssertTrue(message.contains("scripts/setup.sh"), message)
            XCTAssertTrue(message.contains("dlib_face_recognition_resnet_model_v1.dat"), message)
        }
    }

    func testGoodFileVerifiesAndLeavesAStamp() throws {
        let target = try copyPNet()
        let store = ModelStore(directory: folder)
        XCTAssertEqual(try store.url(for: .mtcnnPNet, verify: true).path, target.path)
        let stamp = folder.appendingPathComponent("mtcnn_pnet.pt.sha256-verified")
        let text = try String(contentsOf: stamp, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("v1 \(ModelFile.mtcnnPNet.sha256) 28570 "), text)
    }

    func testFlippedByteIsAChecksumMismatch() throws {
        let target = try copyPNet()
        try flipByte(at: 1000, in: target)
        XCTAssertThrowsError(try ModelStore(directory: folder).url(for: .mtcnnPNet, verify: true)) { error in
            guard case let .checksumMismatch(file, _, expected, actual)? = error as? ModelStoreError else {
                return XCTFail("expected .checksumMismatch, got \(error)")
            }
            XCTAssertEqual(file, .mtcnnPNet)
            XCTAssertEqual(expected, ModelFile.mtcnnPNet.sha256)
            XCTAssertNotEqual(actual, expected)
            XCTAssertEqual(actual.count, 64)
            XCTAssertTrue("\(error)".contains("scripts/setup.sh"))
        }
    }

    func testWithoutVerifyOnlyPresenceAndSizeAreChecked() throws {
        let target = try copyPNet()
        try flipByte(at: 1000, in: target)
        let store = ModelStore(directory: folder)
        XCTAssertEqual(try store.url(for: .mtcnnPNet, verify: false).path, target.path)
        let handle = try FileHandle(forUpdating: target)
        try handle.truncate(atOffset: 100)
        try handle.close()
        XCTAssertThrowsError(try store.url(for: .mtcnnPNet, verify: false)) { error in
            XCTAssertEqual(error as? ModelStoreError,
                           .sizeMismatch(.mtcnnPNet, path: target.path, expected: 28_570, actual: 100))
        }
    }

    func testStampIsInvalidatedWhenTheFileChanges() throws {
        let target = try copyPNet()
        let store = ModelStore(directory: folder)
        _ = try store.url(for: .mtcnnPNet, verify: true)
        try flipByte(at: 5, in: target)  // the write moves the modification time away from 2020
        XCTAssertThrowsError(try store.url(for: .mtcnnPNet, verify: true))
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path + ".sha256-verified"))
    }

    func testStampSkipsHashingWhileSizeTimeAndInodeAreUnchanged() throws {
        let stamped = Date(timeIntervalSince1970: 1_577_836_800)
        let target = try copyPNet(modified: stamped)
        let store = ModelStore(directory: folder)
        _ = try store.url(for: .mtcnnPNet, verify: true)
        // Corrupt the file behind the stamp's back, keeping size, time and inode: the stamp is
        // trusted (this is the documented trade-off that makes repeated runs cheap).
        try flipByte(at: 5, in: target)
        try FileManager.default.setAttributes([.modificationDate: stamped], ofItemAtPath: target.path)
        XCTAssertNoThrow(try store.url(for: .mtcnnPNet, verify: true))
        try FileManager.default.removeItem(atPath: target.path + ".sha256-verified")
        XCTAssertThrowsError(try store.url(for: .mtcnnPNet, verify: true))
    }

    func testProblemsListsEveryMissingFile() throws {
        _ = try copyPNet()
        let problems = ModelStore(directory: folder).problems(verify: true)
        XCTAssertEqual(problems.count, ModelFile.allCases.count - 1)
        XCTAssertFalse(problems.contains { "\($0)".contains("mtcnn_pnet.pt") })
    }

    func testDefaultDirectoryRule() {
        let home = URL(fileURLWithPath: "/home/someone")
        XCTAssertEqual(ModelStore.defaultDirectory(environment: [:], homeDirectory: home).path,
                       "/home/someone/.cache/visage/models")
        XCTAssertEqual(ModelStore.defaultDirectory(environment: ["XDG_CACHE_HOME": "/xdg"], homeDirectory: home).path,
                       "/xdg/visage/models")
        XCTAssertEqual(ModelStore.defaultDirectory(environment: ["XDG_CACHE_HOME": "/xdg", "VISAGE_MODELS": "/m"],
                                                   homeDirectory: home).path, "/m")
        XCTAssertEqual(ModelStore.defaultDirectory(environment: ["VISAGE_MODELS": ""], homeDirectory: home).path,
                       "/home/someone/.cache/visage/models")
        XCTAssertEqual(ModelStore().directory.standardizedFileURL.path,
                       TestData.modelDirectory.standardizedFileURL.path)
    }
}
