import Foundation

/// A list of verification pairs read from a text file.
///
/// Two line forms are accepted (blank lines and `#` comments are skipped):
/// - `pathA pathB label`, label `1`/`same` or `0`/`different`; relative paths are resolved
///   against the image folder;
/// - LFW's `pairs.txt`: `name i j` (same person) and `name1 i name2 j` (different people),
///   with a header line of one or two numbers. Image `i` of `name` is
///   `<folder>/<name>/<name>_<i as 4 digits>.<ext>` (LFW) or `<folder>/<name>/<i>.<ext>`
///   (AT&T), for the extensions ``FaceDataset/imageExtensions``.
public struct PairList: Sendable, Equatable {
    /// One pair of image files.
    public struct Entry: Sendable, Equatable {
        /// The first image.
        public var first: URL
        /// The second image.
        public var second: URL
        /// Whether both show one person.
        public var same: Bool
    }

    /// The pairs, in file order.
    public var entries: [Entry]

    /// Reads a pairs file.
    /// - Parameters:
    ///   - url: the file.
    ///   - images: the folder image names are resolved in (default: the file's folder).
    /// - Throws: ``TrainingError/invalidPairLine(file:line:text:)``,
    ///   ``TrainingError/missingPairImage(file:line:path:)``, ``TrainingError/degeneratePairs(file:same:different:)``
    ///   or ``TrainingError/unreadableDirectory(path:reason:)`` when the file cannot be read.
    public static func read(_ url: URL, images: URL? = nil) throws -> PairList {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw TrainingError.unreadableDirectory(path: url.path, reason: error.localizedDescription)
        }
        return try parse(text, label: url.path, images: images ?? url.deletingLastPathComponent())
    }

    /// Parses pairs text; see ``read(_:images:)``.
    public static func parse(_ text: String, label: String, images folder: URL) throws -> PairList {
        var entries: [Entry] = []
        for (number, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if fields.isEmpty { continue }
            let lineNumber = number + 1
            let invalid = TrainingError.invalidPairLine(file: label, line: lineNumber, text: line)
            func image(_ name: String, _ index: String) throws -> URL {
                guard let i = Int(index), i >= 0 else { throw invalid }
                let dir = folder.appendingPathComponent(name)
                let stems = [name + "_" + String(format: "%04d", i), String(i)]
                for stem in stems {
                    for ext in FaceDataset.imageExtensions.sorted() {
                        let candidate = dir.appendingPathComponent(stem + "." + ext)
                        if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
                    }
                }
                throw TrainingError.missingPairImage(file: label, line: lineNumber, path: dir.appendingPathComponent(stems[0]).path + ".*")
            }
            func path(_ p: String) throws -> URL {
                let url = p.hasPrefix("/") ? URL(fileURLWithPath: p) : folder.appendingPathComponent(p)
                guard FileManager.default.fileExists(atPath: url.path) else {
                    throw TrainingError.missingPairImage(file: label, line: lineNumber, path: url.path)
                }
                return url
            }
            let numbers = fields.map { Int($0) != nil }
            switch fields.count {
            case 1 where numbers[0], 2 where numbers[0] && numbers[1]:
                continue  // LFW header
            case 3 where numbers[1] && numbers[2]:
                entries.append(Entry(first: try image(fields[0], fields[1]), second: try image(fields[0], fields[2]), same: true))
            case 3:
                let same: Bool
                switch fields[2].lowercased() {
                case "1", "same", "true": same = true
                case "0", "different", "false": same = false
                default: throw invalid
                }
                entries.append(Entry(first: try path(fields[0]), second: try path(fields[1]), same: same))
            case 4 where numbers[1] && numbers[3]:
                entries.append(Entry(first: try image(fields[0], fields[1]), second: try image(fields[2], fields[3]), same: false))
            default:
                throw invalid
            }
        }
        let same = entries.filter(\.same).count
        guard same > 0, same < entries.count else {
            throw TrainingError.degeneratePairs(file: label, same: same, different: entries.count - same)
        }
        return PairList(entries: entries)
    }

    /// Loads the images once each and makes a ``ValidationSet``.
    /// - Parameter inputSize: the side length images are resized to.
    /// - Throws: ``TrainingError/unreadableImage(path:reason:)``.
    public func validationSet(inputSize: Int) throws -> ValidationSet {
        var index: [URL: Int] = [:], images: [[UInt8]] = []
        func slot(_ url: URL) throws -> Int {
            if let i = index[url] { return i }
            images.append(try FaceDataset.preprocess(url: url, size: inputSize))
            index[url] = images.count - 1
            return images.count - 1
        }
        let pairs = try entries.map { ValidationSet.Pair(first: try slot($0.first), second: try slot($0.second), same: $0.same) }
        return ValidationSet(inputSize: inputSize, images: images, pairs: pairs)
    }
}
