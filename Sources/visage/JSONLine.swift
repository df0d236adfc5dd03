import Foundation

/// A JSON value with ordered keys and controlled number formatting, for `--json` output.
enum JSON {
    case string(String)
    case number(Double, decimals: Int?)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    /// A distance-like number printed with `decimals` digits after the point.
    static func fixed(_ value: Float, _ decimals: Int = 7) -> JSON { .number(Double(value), decimals: decimals) }

    /// The compact serialisation (one line).
    var text: String {
        switch self {
        case .string(let s): return JSON.quote(s)
        case .number(let v, let decimals):
            guard v.isFinite else { return "null" }
            if let d = decimals { return String(format: "%.\(d)f", v) }
            return "\(v)"
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let pairs):
            return "{" + pairs.map { JSON.quote($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }

    private static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
