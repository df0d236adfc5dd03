import Foundation
import VisageNN

/// Reading and writing the safetensors format (Hugging Face): an 8-byte little-endian header
/// length N, N bytes of JSON header, then the raw tensor data.
///
/// The header maps tensor names to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets
/// relative to the data section) plus an optional `"__metadata__"` map of strings to strings.
/// Reading is strict: every byte range must lie inside the data section, ranges may not overlap
/// and must cover the data section exactly, and shape × dtype size must equal the range length.
public enum Safetensors {
    /// The largest header accepted, in bytes (the reference implementation's limit).
    public static let maxHeaderBytes = 100_000_000

    /// The header key reserved for the string metadata map.
    public static let metadataKey = "__metadata__"

    /// One header entry as stored.
    struct Entry {
        let name: String
        let dtype: String
        let shape: [UInt64]
        let begin: UInt64
        let end: UInt64
    }

    /// Reads the header JSON into entries and metadata (no range checks yet).
    static func parseHeader(_ json: UnsafeRawBufferPointer, label: String) throws -> ([Entry], [String: String]) {
        guard json.first == UInt8(ascii: "{") else {
            throw SafetensorsError.invalidHeader(file: label, reason: "the header does not start with '{'")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(json))
        } catch let error as SafetensorsError {
            throw error
        } catch {
            throw SafetensorsError.invalidHeader(file: label, reason: Self.describe(error))
        }
        return (header.entries, header.metadata)
    }

    private static func describe(_ error: Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case let .typeMismatch(_, context), let .valueNotFound(_, context),
             let .keyNotFound(_, context), let .dataCorrupted(context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default:
            return "\(decoding)"
        }
    }

    /// The top-level JSON object.
    private struct Header: Decodable {
        var entries: [Entry] = []
        var metadata: [String: String] = [:]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        struct Body: Decodable {
            let dtype: String
            let shape: [UInt64]
            let dataOffsets: [UInt64]

            enum CodingKeys: String, CodingKey {
                case dtype, shape
                case dataOffsets = "data_offsets"
            }
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            for key in container.allKeys {
                if key.stringValue == Safetensors.metadataKey {
                    metadata = try container.decode([String: String].self, forKey: key)
                    continue
                }
                let body = try container.decode(Body.self, forKey: key)
                guard body.dataOffsets.count == 2 else {
                    throw DecodingError.dataCorruptedError(
                        forKey: key, in: container, debugDescription: "data_offsets must hold exactly [begin, end]")
                }
                entries.append(Entry(name: key.stringValue, dtype: body.dtype, shape: body.shape,
                                     begin: body.dataOffsets[0], end: body.dataOffsets[1]))
            }
        }
    }
}
