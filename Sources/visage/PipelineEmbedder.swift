import Foundation
import Visage
import VisageImage
import VisageModels

/// Embeds one face of each photo with a full pipeline (detector, landmarks, aligned chip,
/// encoder): the face nearest the centre for benchmarks (the LFW convention: the person of a
/// photo is the face at its centre, other faces may be bystanders), or the largest face, as the
/// gallery commands do, for calibration.
///
/// A photo without a detected face falls back to a centred box of `fallbackFraction` × the
/// shorter side: the landmark model still runs inside it and the chip is aligned from those
/// landmarks, so the fallback is as close to the real pipeline as it can be. Such photos are
/// reported as `faceFound = false`.
struct PipelineEmbedder: FaceEmbedder {
    /// Which face of a photo with several is embedded.
    enum FacePick {
        /// The face whose box centre is nearest the photo's centre (benchmarks).
        case nearestCentre
        /// The largest face (what `enroll` and `identify` pick).
        case largest
    }

    /// The detection, landmark and encoding pipeline.
    let pipeline: FacePipeline
    /// The detector's name, for the label.
    let detectorName: String
    /// Side of the fallback box as a fraction of the photo's shorter side.
    var fallbackFraction = 0.5
    /// Test-time augmentation.
    var augmentation: TestTimeAugmentation = .none
    /// Which face is embedded.
    var pick: FacePick = .nearestCentre

    var label: String {
        "\(pipeline.encoder.descriptor.id.rawValue) \(detectorName)" + (augmentation == .flip ? " tta-flip" : "")
    }

    func embed(_ photos: [Image]) throws -> [EmbeddedImage] {
        var chips: [Image] = []
        var found: [Bool] = []
        for photo in photos {
            let located = try pipeline.locate(in: photo)
            let face: LocatedFace
            let chosen = pick == .largest ? located.first : Self.nearestToCentre(located, width: photo.width, height: photo.height)
            if let central = chosen {
                face = central
                found.append(true)
            } else {
                face = Self.fallback(in: photo, fraction: fallbackFraction, landmarks: pipeline.locator.landmarks)
                found.append(false)
            }
            chips.append(try pipeline.chip(of: face, in: photo))
        }
        var vectors = try pipeline.encoder.encode(chips)
        if augmentation == .flip {
            let mirrored = try pipeline.encoder.encode(chips.map { $0.flippedHorizontally() })
            vectors = zip(vectors, mirrored).map { a, b in zip(a, b).map { ($0 + $1) / 2 } }
        }
        return zip(vectors, found).map { EmbeddedImage(vector: $0, faceFound: $1) }
    }

    /// The face whose box centre is closest to the photo's centre.
    static func nearestToCentre(_ faces: [LocatedFace], width: Int, height: Int) -> LocatedFace? {
        let centre = SIMD2(Double(width) / 2, Double(height) / 2)
        return faces.min { a, b in
            let da = a.detection.center - centre, db = b.detection.center - centre
            return (da * da).sum() < (db * db).sum()
        }
    }

    /// A centred square box with landmarks predicted inside it.
    static func fallback(in photo: Image, fraction: Double, landmarks: ShapePredictor) -> LocatedFace {
        let side = max(1.0, (Double(min(photo.width, photo.height)) * fraction).rounded())
        let left = ((Double(photo.width) - side) / 2).rounded(.down), top = ((Double(photo.height) - side) / 2).rounded(.down)
        let detection = FaceDetection(left: left, top: top, right: left + side - 1, bottom: top + side - 1, score: 0)
        return LocatedFace(detection: detection, landmarks: landmarks.predict(image: photo, box: detection.pixelRect))
    }
}
