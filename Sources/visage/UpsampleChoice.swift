import ArgumentParser
import Visage

/// The `--upsample` value: how many times MMOD doubles the image, or `auto`.
///
/// `auto` is one pass at 0 (faces from about 80 px, about a quarter of the cost of a pass at 1),
/// and the answer of a pass at 1 (faces from about 40 px) when the first finds no face or several.
/// A photo with one face of 80 px or more takes the fast path; every other photo gets upsample
/// 1's answer. Faces under 80 px beside a single larger one are not looked for (`--upsample 1`
/// looks for them).
enum UpsampleChoice: ExpressibleByArgument, Equatable, CustomStringConvertible {
    /// 0, then 1 when the first pass finds no face or several.
    case auto
    /// A fixed number of doublings (0…``MMODDetector/maxUpsample``).
    case times(Int)

    init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let n = Int(argument), (0...MMODDetector.maxUpsample).contains(n) {
            self = .times(n)
        } else {
            return nil
        }
    }

    /// Doublings of the first pass.
    var first: Int {
        switch self {
        case .auto: return 0
        case let .times(n): return n
        }
    }

    /// Doublings of the pass run when the first finds no face or several (`nil`: none).
    var fallback: Int? { self == .auto ? 1 : nil }

    var description: String {
        switch self {
        case .auto: return "auto"
        case let .times(n): return String(n)
        }
    }

    var defaultValueDescription: String { description }

    /// The help line shared by every command's `--upsample`.
    static let help = "mmod: times the image is doubled before detection: 0…\(MMODDetector.maxUpsample), or auto "
        + "(0, then 1 unless exactly one face is found). 1, as face_recognition, finds faces from about 40 px; 0 is about "
        + "4× faster and finds faces from about 80 px. mtcnn finds faces from 20 px and ignores it."
}

extension PipelineOptions {
    /// Sets the MMOD passes from a `--upsample` value.
    mutating func setUpsample(_ choice: UpsampleChoice) {
        upsample = choice.first
        fallbackUpsample = choice.fallback
    }
}
