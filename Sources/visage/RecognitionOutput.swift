import Foundation
import VisageRecognition
import VisageStore

/// JSON and text renderings shared by `identify`, `verify`, `enroll` and `recognize`.
enum RecognitionOutput {
    /// A box as `{"left","top","right","bottom"}` with whole pixels.
    static func box(_ b: FaceBox) -> JSON {
        .object([("left", .int(Int(b.left.rounded()))), ("top", .int(Int(b.top.rounded()))),
                 ("right", .int(Int(b.right.rounded()))), ("bottom", .int(Int(b.bottom.rounded())))])
    }

    static func optional(_ v: Float?) -> JSON { v.map { JSON.fixed($0) } ?? .null }
    static func optional(_ v: Double?, _ decimals: Int = 6) -> JSON { v.map { JSON.number($0, decimals: decimals) } ?? .null }

    /// One face of `identify`.
    static func face(_ f: FaceIdentification) -> JSON {
        .object([
            ("box", box(f.box)), ("identity", f.identity.map(JSON.string) ?? .null), ("distance", optional(f.distance)),
            ("threshold", .fixed(f.threshold, 4)),
            ("candidates", .array(f.candidates.map { c in
                .object([("name", .string(c.name)), ("distance", .fixed(c.distance))]
                        + (c.probability.map { [("probability", JSON.number($0, decimals: 6))] } ?? []))
            })),
            ("margin", optional(f.margin)), ("probability", optional(f.probability)),
            ("false_accept_rate", optional(f.falseAcceptRate, 8)),
        ])
    }

    /// A text line for one face of `identify`.
    static func faceText(_ f: FaceIdentification) -> String {
        let place = "[\(Int(f.box.left)),\(Int(f.box.top)),\(Int(f.box.right)),\(Int(f.box.bottom))]"
        guard let best = f.candidates.first, let distance = f.distance else { return "\(place) unknown (empty gallery)" }
        var line = f.identity.map { "\(place) \($0)" } ?? "\(place) unknown (closest: \(best.name))"
        line += String(format: "  distance %.4f (threshold %.2f)", Double(distance), Double(f.threshold))
        if let margin = f.margin { line += String(format: ", margin %.4f", Double(margin)) }
        if let p = f.probability { line += String(format: ", probability %.3f", p) }
        if let far = f.falseAcceptRate { line += ", FAR at threshold \(String(format: "%.2g", far))" }
        if f.candidates.count > 1 {
            line += "\n    candidates: " + f.candidates.map { String(format: "%@ %.4f", $0.name, Double($0.distance)) }.joined(separator: ", ")
        }
        return line
    }

    /// One image outcome of `enroll`.
    static func outcome(_ o: EnrolmentOutcome, name: String) -> JSON {
        var pairs: [(String, JSON)] = [("image", .string(o.source)), ("name", .string(name))]
        switch o.status {
        case .accepted(let id):
            pairs += [("status", .string("accepted")), ("face_id", .int(Int(id.rawValue)))]
        case .rejected(let reason, let message):
            pairs += [("status", .string("rejected")), ("reason", .string(reason.rawValue)), ("message", .string(message))]
        }
        pairs.append(("box", o.box.map(box) ?? .null))
        pairs.append(("quality", o.quality.map { q in
            .object([("sharpness", .number(q.sharpness, decimals: 1)), ("brightness", .number(q.brightness, decimals: 1)),
                     ("clipped", .number(q.clippedFraction, decimals: 4))])
        } ?? .null))
        pairs.append(("sha256", .string(o.imageSHA256)))
        return .object(pairs)
    }
}
