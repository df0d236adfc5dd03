import Foundation

/// Faces found per image, keyed by the image's SHA-256 and the pipeline, in a JSON-lines file
/// (one ``CachedImage`` per line, appended as images are processed).
///
/// Entries of other pipelines are kept in the file but ignored; malformed lines (for example the
/// last line of a run that was killed) are skipped and counted. A later line for the same image
/// replaces an earlier one.
public final class FaceCache {
    /// The cache file.
    public let path: String
    /// The pipeline whose entries are used.
    public let pipeline: String
    /// Lines that could not be read.
    public private(set) var skippedLines = 0
    private var entries: [String: CachedImage] = [:]
    private var handle: FileHandle?
    private var needsNewline = false

    /// The largest cache file read (4 GiB).
    public static let maximumFileBytes = 4 << 30

    /// Opens a cache, reading the entries of `pipeline` from an existing file.
    /// - Parameters:
    ///   - path: the JSON-lines file; created on the first ``store(_:)``.
    ///   - pipeline: the pipeline signature whose entries count.
    /// - Throws: ``ClusterError/io(path:reason:)`` when the file exists but cannot be read or is too large.
    public init(path: String, pipeline: String) throws {
        self.path = path
        self.pipeline = pipeline
        guard FileManager.default.fileExists(atPath: path) else { return }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= Self.maximumFileBytes else {
            throw ClusterError.io(path: path, reason: "cache file of \(size) bytes is larger than \(Self.maximumFileBytes)")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ClusterError.io(path: path, reason: "cannot read the face cache: \(error.localizedDescription)")
        }
        needsNewline = data.last.map { $0 != UInt8(ascii: "\n") } ?? false
        let decoder = JSONDecoder()
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            guard let entry = try? decoder.decode(CachedImage.self, from: Data(line)) else { skippedLines += 1; continue }
            if entry.pipeline == pipeline { entries[entry.sha256] = entry }
        }
    }

    deinit { try? handle?.close() }

    /// The number of images known for this pipeline.
    public var count: Int { entries.count }

    /// The entry for an image, if any.
    public func lookup(sha256: String) -> CachedImage? { entries[sha256] }

    /// Remembers an image's faces and appends them to the file.
    /// - Throws: ``ClusterError/io(path:reason:)`` when the file cannot be written.
    public func store(_ image: CachedImage) throws {
        entries[image.sha256] = image
        do {
            if handle == nil {
                if !FileManager.default.fileExists(atPath: path) {
                    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    guard FileManager.default.createFile(atPath: path, contents: nil) else {
                        throw ClusterError.io(path: path, reason: "cannot create the face cache")
                    }
                }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                try handle?.seekToEnd()
            }
            var line = needsNewline ? Data([UInt8(ascii: "\n")]) : Data()
            needsNewline = false
            line.append(try JSONEncoder().encode(image))
            line.append(UInt8(ascii: "\n"))
            try handle?.write(contentsOf: line)
        } catch let error as ClusterError {
            throw error
        } catch {
            throw ClusterError.io(path: path, reason: "cannot write the face cache: \(error.localizedDescription)")
        }
    }
}
