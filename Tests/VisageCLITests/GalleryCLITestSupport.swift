import Foundation
import VisageTestSupport
import XCTest

/// Helpers for the gallery commands' end-to-end tests.
enum GalleryFixture {
    /// The LFW dev images folder.
    static func lfw() throws -> URL { try TestData.shared("lfw-dev/lfw-deepfunneled") }

    /// The `n`-th photo (1-based, in file-name order) of a person in the LFW folder. The dev
    /// subset skips the images of the held-out pairs, so file numbers are not contiguous.
    static func photo(_ name: String, _ n: Int) throws -> String {
        let folder = try lfw().appendingPathComponent(name)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".jpg") }.sorted()
        guard n >= 1, n <= files.count else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "\(folder.path): photo \(n) of \(files.count)"])
        }
        return folder.appendingPathComponent(files[n - 1]).path
    }

    /// `(name, image count)` from people_dev.txt, in file order.
    static func people() throws -> [(String, Int)] {
        let text = try String(contentsOf: try TestData.shared("lfw-dev/people_dev.txt"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t")
            guard parts.count == 2, let n = Int(parts[1]) else { return nil }
            return (String(parts[0]), n)
        }
    }

    /// A fresh temporary directory removed when the test ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-gallery-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// A digest of everything a gallery holds (people, photos, embeddings, version), from an export
    /// plus `gallery stats`, to show that a failed command changed nothing. `nil` when the file does not exist.
    static func dump(_ gallery: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: gallery) else { return nil }
        let export = gallery + ".dump.jsonl"
        defer { try? FileManager.default.removeItem(atPath: export) }
        let r = try CLI.run(["gallery", "export", export, "--gallery", gallery])
        guard r.status == 0 else { return "unreadable: \(r.stderr)" }
        let stats = try CLI.run(["gallery", "stats", "--json", "--gallery", gallery])
        // The file size is physical, not content: closing a writer moves the WAL into the file.
        let logical = stats.stdout.replacingOccurrences(of: #""file_bytes":\d+"#, with: "", options: .regularExpression)
        return try String(contentsOfFile: export, encoding: .utf8) + logical
    }

    /// The raw bytes of a file (for galleries that cannot be opened at all).
    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }
}
