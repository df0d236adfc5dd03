/// The file formats Visage reads, recognised by their first bytes (never by file name).
public enum ImageFileFormat: String, Sendable, Equatable, CaseIterable {
    /// JPEG / JFIF / Exif: starts with `FF D8 FF`.
    case jpeg
    /// PNG: starts with the 8-byte signature `89 50 4E 47 0D 0A 1A 0A`.
    case png
    /// Netpbm grey map or pixel map: `P2`, `P3`, `P5` or `P6` followed by white space.
    case pnm

    /// Recognises a file from its first bytes.
    /// - Parameter bytes: the start of the file (at least 3 bytes to recognise anything).
    /// - Returns: the format, or `nil` when the bytes match none of the supported signatures.
    public static func detect<C: Collection>(_ bytes: C) -> ImageFileFormat? where C.Element == UInt8 {
        let head = Array(bytes.prefix(8))
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF { return .jpeg }
        if head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if head.count >= 3, head[0] == UInt8(ascii: "P"),
           [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"), UInt8(ascii: "6")].contains(head[1]),
           PNMHeaderScanner.isSpace(head[2]) {
            return .pnm
        }
        return nil
    }

    /// A short, printable description of a file's first bytes, for error messages.
    static func describeHead(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let head = bytes.prefix(8)
        let hex = head.map { byte -> String in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
        let printable = head.allSatisfy { $0 >= 0x20 && $0 < 0x7F || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        return printable ? "starts with text \"\(String(decoding: head, as: UTF8.self))\"" : "starts with bytes \(hex)"
    }
}
