import Foundation
import VisageImage
import VisageTestSupport
import XCTest

/// The hostile-input catalogue (issue 10) through the real `visage` binary: each bad file gives a
/// specific message and exit code 2 (or 1 for "no face"), and odd but valid files are decoded.
final class HostileInputCatalogueTests: XCTestCase {
    /// Runs `visage detect --json --upsample 0 PATH` and returns the run and its faces (nil when no JSON line).
    private func detect(_ path: String, _ extra: [String] = [], environment: [String: String] = [:]) throws
        -> (result: CLI.Result, faces: [[String: Any]]?, size: [Int]) {
        let result = try CLI.run(["detect", "--json", "--upsample", "0"] + extra + [path], environment: environment)
        guard let line = try? result.jsonLines().first else { return (result, nil, []) }
        return (result, line["faces"] as? [[String: Any]], [line["width"] as? Int ?? -1, line["height"] as? Int ?? -1])
    }

    private func assertError(_ path: String, contains message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (result, faces, _) = try detect(path)
        XCTAssertEqual(result.status, 2, result.stderr, file: file, line: line)
        XCTAssertNil(faces, "no JSON line for an unreadable image", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(message), "expected \"\(message)\" in: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(path), "the message names the file: \(result.stderr)", file: file, line: line)
    }

    func testUnreadableImagesGiveSpecificErrors() throws {
        let files = try HostileFiles(folder: try temporaryFolder(self))
        try assertError(try files.write("empty.jpg", []), contains: "the image data is empty (0 bytes)")
        try assertError(try files.write("notes.jpg", Array("shopping list: eggs, milk\n".utf8)),
                        contains: "unsupported image format (starts with text \"shopping\")")
        let jpeg = try files.face.encoded(as: .jpeg(JPEGEncodeOptions(quality: 90)))
        try assertError(try files.write("truncated.jpg", Array(jpeg.prefix(jpeg.count / 2))), contains: "truncated")
        let png = try files.face.encoded(as: .png())
        try assertError(try files.write("truncated.png", Array(png.prefix(png.count / 3))), contains: "truncated")
    }

    func testHugeClaimedSizeIsRefusedBeforeAllocating() throws {
        let files = try HostileFiles(folder: try temporaryFolder(self))
        let path = try files.write("huge.png", TestPNG.claimingSize(width: 60000, height: 60000))
        // Decoding it would need 10.8 GB. Under a 1 GiB address-space limit any allocation of that
        // size fails and the process dies, so exit 2 with the message shows it never asked for it
        // (the run needs about 160 MB of address space: models, threads, OpenBLAS).
        let run = try CLI.run(["detect", "--upsample", "0", path], addressSpaceLimitKiB: 1 << 20)
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("the image is 60000x60000 = 3600000000 pixels, more than the limit"), run.stderr)
        // The limit reaches the child: a 10000 × 10000 header (within the pixel limit) has its 300 MB
        // allocated before the missing rows are found, which 256 MiB does not allow.
        let large = try files.write("large.png", TestPNG.claimingSize(width: 10000, height: 10000))
        let roomy = try CLI.run(["detect", "--upsample", "0", large], addressSpaceLimitKiB: 1 << 20)
        XCTAssertEqual(roomy.status, 2, roomy.stderr)
        XCTAssertTrue(roomy.stderr.contains("truncated"), roomy.stderr)
        let starved = try CLI.run(["detect", "--upsample", "0", large], addressSpaceLimitKiB: 256 << 10)
        XCTAssertNotEqual(starved.status, 2, starved.stderr)
        XCTAssertFalse(starved.stderr.contains("truncated"), starved.stderr)
    }

    func testUnusualEncodingsAreDecoded() throws {
        let files = try HostileFiles(folder: try temporaryFolder(self))
        let progressive = try files.face.encoded(as: .jpeg(JPEGEncodeOptions(quality: 90, progressive: true)))
        let cases: [(String, [UInt8])] = [
            ("progressive.jpg", progressive),
            ("rgb16.png", try TestPNG.encode(width: 250, height: 250, channels: 3, bitDepth: 16, interlaced: false, samples: files.face16)),
            ("interlaced.png", try TestPNG.encode(width: 250, height: 250, channels: 3, bitDepth: 8, interlaced: true,
                                                  samples: files.face.pixels.map(UInt16.init))),
            ("grey.png", try files.face.converted(to: .gray).encoded(as: .png())),
        ]
        for (name, bytes) in cases {
            let (result, faces, size) = try detect(try files.write(name, bytes))
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            XCTAssertEqual(faces?.count, 1, name)
            XCTAssertEqual(size, [250, 250], name)
        }
        // CMYK: a tiny Adobe JPEG is decoded (to 8×8 RGB) and simply has no face.
        let cmyk = try files.write("cmyk.jpg", [UInt8](Data(base64Encoded: HostileFiles.cmykJPEG)!))
        let (result, faces, size) = try detect(cmyk)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(faces?.count, 0)
        XCTAssertEqual(size, [8, 8])
        XCTAssertTrue(result.stderr.contains("no face found in \(cmyk)"), result.stderr)
    }

    func testNoFaceAndFiftyFaces() throws {
        let files = try HostileFiles(folder: try temporaryFolder(self))
        let empty = try files.write("gradient.png", try HostileFiles.gradient(width: 320, height: 240).encoded(as: .png()))
        let none = try detect(empty)
        XCTAssertEqual(none.result.status, 1, none.result.stderr)
        XCTAssertEqual(none.faces?.count, 0)
        XCTAssertTrue(none.result.stderr.contains("no face found in \(empty)"), none.result.stderr)

        let crowd = try files.write("crowd.png", try files.tiled(columns: 10, rows: 5).encoded(as: .png()))
        let many = try detect(crowd)
        XCTAssertEqual(many.result.status, 0, many.result.stderr)
        XCTAssertEqual(many.size, [1500, 750])
        XCTAssertEqual(many.faces?.count, 50)
        // One face per tile: the centres fall in 50 distinct tiles.
        let tiles = Set((many.faces ?? []).compactMap { face -> Int? in
            guard let box = face["box"] as? [String: Any], let l = box["left"] as? Int, let r = box["right"] as? Int,
                  let t = box["top"] as? Int, let b = box["bottom"] as? Int else { return nil }
            return ((t + b) / 2 / 150) * 10 + (l + r) / 2 / 150
        })
        XCTAssertEqual(tiles.count, 50)
    }

    func testModelWithOneFlippedByteIsRefused() throws {
        let folder = try temporaryFolder(self)
        let models = folder.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let detector = try TestData.model("mmod_human_face_detector.dat")
        for name in ["shape_predictor_5_face_landmarks.dat", "shape_predictor_68_face_landmarks.dat"] {
            try FileManager.default.createSymbolicLink(at: models.appendingPathComponent(name),
                                                       withDestinationURL: try TestData.model(name))
        }
        var bytes = [UInt8](try Data(contentsOf: detector))
        bytes[bytes.count / 2] ^= 0x10
        let copy = models.appendingPathComponent("mmod_human_face_detector.dat")
        try Data(bytes).write(to: copy)
        let files = try HostileFiles(folder: folder)
        let photo = try files.write("face.png", try files.face.encoded(as: .png()))

        let (result, faces, _) = try detect(photo, environment: ["VISAGE_MODELS": models.path])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertNil(faces)
        XCTAssertTrue(result.stderr.contains("model file \(copy.path) is corrupt: SHA-256"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: copy.path + ".sha256-verified"),
                       "a corrupt model must not be stamped as verified")
        XCTAssertEqual([UInt8](try Data(contentsOf: copy)), bytes, "the model file is left as it was")
    }
}
