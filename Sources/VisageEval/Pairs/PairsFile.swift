import Foundation

/// A list of labelled image pairs in the LFW `pairs.txt` format, split into folds.
///
/// Three layouts are read (see ``PairsFileLayout``): View 2 with a `folds<TAB>n` header, View 1
/// with an `n` header, and header-less lists. Fields are separated by tabs or spaces:
/// a same-person line is `name n1 n2`, a different-person line `name1 n1 name2 n2`. Images are
/// `DIR/name/name_%04d.jpg`. Reading is strict: every violation is an ``EvalError`` naming the
/// line. Empty lines are accepted only at the end of the file; a final newline is optional and a
/// carriage return before each newline is ignored.
public struct PairsFile: Sendable, Equatable {
    /// The layout the header declared.
    public let layout: PairsFileLayout
    /// The cross-validation folds, in file order (one fold unless the layout is `.folds`).
    public let folds: [[LabeledPair]]

    /// The largest file ``init(contentsOf:maxBytes:)`` reads by default (64 MiB; LFW's is 70 kB).
    public static let defaultMaxBytes = 64 << 20

    /// All pairs in file order.
    public var pairs: [LabeledPair] { folds.flatMap { $0 } }

    /// Every image the pairs use, each once, in order of first appearance.
    public var images: [LFWImage] {
        var seen = Set<LFWImage>()
        var result: [LFWImage] = []
        for pair in pairs {
            for image in [pair.first, pair.second] where seen.insert(image).inserted { result.append(image) }
        }
        return result
    }

    /// Parses the text of a pairs file.
    /// - Parameter text: the whole file.
    /// - Throws: ``EvalError/badHeader(line:reason:)``, ``EvalError/malformedLine(line:reason:)``
    ///   or ``EvalError/layoutMismatch(reason:)``.
    public init(parsing text: String) throws {
        // "\r\n" is one Character in Swift, so both line ends are separators.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
        guard !lines.isEmpty else { throw EvalError.layoutMismatch(reason: "the file has no pairs") }

        let layout = try Self.header(lines[0])
        let firstPairLine = layout == .headerless ? 0 : 1
        var pairs: [LabeledPair] = []
        pairs.reserveCapacity(lines.count)
        for index in firstPairLine..<lines.count {
            pairs.append(try Self.pair(lines[index], line: index + 1))
        }
        self.layout = layout
        self.folds = try Self.split(pairs, layout: layout)
    }

    /// Reads and parses a pairs file.
    /// - Parameters:
    ///   - url: the file.
    ///   - maxBytes: larger files are refused before reading.
    /// - Throws: ``EvalError/io(path:reason:)``, ``EvalError/fileTooLarge(path:bytes:limit:)``,
    ///   or a parse error as ``init(parsing:)``.
    public init(contentsOf url: URL, maxBytes: Int = PairsFile.defaultMaxBytes) throws {
        let data = try BoundedFile.read(url, maxBytes: maxBytes)
        guard let text = String(data: data, encoding: .utf8) else {
            throw EvalError.io(path: url.path, reason: "not UTF-8 text")
        }
        try self.init(parsing: text)
    }

    /// Reads the header line, or `.headerless` when the first line is already a pair.
    private static func header(_ line: Substring) throws -> PairsFileLayout {
        let fields = Self.fields(line)
        guard fields.count <= 2 else { return .headerless }
        guard !fields.isEmpty else { throw EvalError.badHeader(line: 1, reason: "empty first line") }
        var values: [Int] = []
        for field in fields {
            guard let value = Int(field), value > 0 else {
                throw EvalError.badHeader(line: 1, reason: "`\(field)` is not a positive whole number")
            }
            values.append(value)
        }
        return values.count == 2 ? .folds(count: values[0], pairsPerClass: values[1]) : .singleSet(pairsPerClass: values[0])
    }

    /// Reads one `name n1 n2` or `name1 n1 name2 n2` line.
    private static func pair(_ text: Substring, line: Int) throws -> LabeledPair {
        let fields = Self.fields(text)
        switch fields.count {
        case 3:
            let name = try Self.name(fields[0], line: line)
            let a = try Self.number(fields[1], line: line), b = try Self.number(fields[2], line: line)
            guard a != b else { throw EvalError.malformedLine(line: line, reason: "a same-person pair uses image \(a) twice") }
            return LabeledPair(first: LFWImage(name: name, number: a), second: LFWImage(name: name, number: b),
                               isSame: true, line: line)
        case 4:
            let first = try Self.name(fields[0], line: line), second = try Self.name(fields[2], line: line)
            guard first != second else {
                throw EvalError.malformedLine(line: line, reason: "a different-person pair names \(first) twice")
            }
            return LabeledPair(first: LFWImage(name: first, number: try Self.number(fields[1], line: line)),
                               second: LFWImage(name: second, number: try Self.number(fields[3], line: line)),
                               isSame: false, line: line)
        case 0:
            throw EvalError.malformedLine(line: line, reason: "empty line")
        default:
            throw EvalError.malformedLine(
                line: line, reason: "expected 3 fields (name n1 n2) or 4 fields (name1 n1 name2 n2), found \(fields.count)")
        }
    }

    /// Tab- or space-separated fields.
    private static func fields(_ line: Substring) -> [Substring] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    }

    /// A person's folder name: non-empty, no path separators, not `.` or `..`.
    private static func name(_ field: Substring, line: Int) throws -> String {
        guard field != ".", field != "..", !field.contains("/"), !field.contains("\\"),
              !field.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw EvalError.malformedLine(line: line, reason: "`\(field)` is not a valid person name (no path separators)")
        }
        guard Int(field) == nil else {
            throw EvalError.malformedLine(line: line, reason: "expected a person name, found the number `\(field)`")
        }
        return String(field)
    }

    /// An image number: 1…999,999.
    private static func number(_ field: Substring, line: Int) throws -> Int {
        guard let value = Int(field), (1...999_999).contains(value) else {
            throw EvalError.malformedLine(line: line, reason: "`\(field)` is not an image number (1…999999)")
        }
        return value
    }

    /// Checks the pairs against the header and cuts them into folds.
    private static func split(_ pairs: [LabeledPair], layout: PairsFileLayout) throws -> [[LabeledPair]] {
        let count: Int, size: Int
        switch layout {
        case .headerless:
            return [pairs]
        case .singleSet(let n):
            (count, size) = (1, n)
        case .folds(let folds, let n):
            (count, size) = (folds, n)
        }
        let (perFold, o1) = size.multipliedReportingOverflow(by: 2)
        let (expected, o2) = perFold.multipliedReportingOverflow(by: count)
        guard !o1, !o2, expected == pairs.count else {
            throw EvalError.layoutMismatch(
                reason: "the header announces \(count) fold(s) of \(size) same + \(size) different pairs, the file has \(pairs.count) pair lines")
        }
        return try (0..<count).map { fold in
            let block = Array(pairs[(fold * perFold)..<((fold + 1) * perFold)])
            for (offset, pair) in block.enumerated() where pair.isSame != (offset < size) {
                throw EvalError.layoutMismatch(
                    reason: "line \(pair.line): fold \(fold + 1) must list \(size) same-person pairs, then \(size) different-person pairs; this is a \(pair.isSame ? "same" : "different")-person pair")
            }
            return block
        }
    }
}
