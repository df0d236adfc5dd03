import Foundation
import VisageFormats

/// The API keys a server accepts, held only as SHA-256 digests.
///
/// The key file has one key per line as `sha256:<64 hex digits>` (what ``hashLine(for:)`` and
/// `visage serve --hash-key KEY` print), optionally followed by a space and a label; blank lines
/// and lines starting with `#` are ignored. Plain keys are never written to disk by Visage.
public struct APIKeySet: Sendable, Equatable {
    /// The accepted digests (32 bytes each).
    public let digests: [[UInt8]]

    /// Creates a set from plain keys (hashed at once; the plain text is not kept).
    /// - Parameter keys: the accepted keys.
    public init(keys: [String]) {
        digests = keys.map { SHA256.hash(Array($0.utf8)) }
    }

    /// Creates a set from digests.
    /// - Parameter digests: 32-byte SHA-256 digests.
    public init(digests: [[UInt8]]) {
        self.digests = digests
    }

    /// Reads a key file.
    /// - Parameter path: the file.
    /// - Throws: ``ServerSetupError/invalidKeyFile(path:reason:)`` when it cannot be read, has a
    ///   malformed line, or has no key.
    public init(contentsOf path: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int else {
            throw ServerSetupError.invalidKeyFile(path: path, reason: "the file does not exist or cannot be read")
        }
        guard size <= 1 << 20, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ServerSetupError.invalidKeyFile(path: path, reason: "not a UTF-8 text file under 1 MiB")
        }
        var digests: [[UInt8]] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let token = line.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
            guard token.hasPrefix("sha256:"), let digest = Self.bytes(hex: String(token.dropFirst(7))) else {
                throw ServerSetupError.invalidKeyFile(path: path, reason: "line \(number + 1) is not `sha256:<64 hex digits>`")
            }
            digests.append(digest)
        }
        guard !digests.isEmpty else { throw ServerSetupError.invalidKeyFile(path: path, reason: "it holds no key") }
        self.digests = digests
    }

    /// The key-file line for a plain key: `sha256:` and the key's digest in hex.
    /// - Parameter key: the plain key.
    public static func hashLine(for key: String) -> String {
        "sha256:" + SHA256.hexString(Array(key.utf8))
    }

    /// Whether a presented key is one of the accepted keys (compared in constant time per digest).
    /// - Parameter key: the key the client sent.
    public func accepts(_ key: String) -> Bool {
        let presented = SHA256.hash(Array(key.utf8))
        var match = false
        for digest in digests where digest.count == presented.count {
            var difference: UInt8 = 0
            for i in 0..<digest.count { difference |= digest[i] ^ presented[i] }
            match = match || difference == 0
        }
        return match
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var i = 0
        while i < 64 {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
