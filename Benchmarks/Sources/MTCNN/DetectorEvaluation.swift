// Detection recall of both detectors and the verification accuracy of each way of aligning
// MTCNN's faces for dlib's ResNet (bench-mtcnn --recall, --accuracy).
import Foundation
import Visage
import VisageEval
import VisageImage
import VisageModels

/// The LFW development images, in name order.
func lfwImages() throws -> [URL] {
    var urls: [URL] = []
    for person in try FileManager.default.contentsOfDirectory(atPath: lfw.path).sorted() {
        let folder = lfw.appendingPathComponent(person)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            urls.append(folder.appendingPathComponent(name))
        }
    }
    return urls
}

/// Recall of one detector: LFW development images with a detection containing the image centre,
/// and AT&T faces with at least one detection; with the CPU time per image.
func recall(_ label: String, _ detector: any FaceDetector, limit: Int?) throws {
    var urls = try lfwImages()
    if let limit { urls = Array(urls.prefix(limit)) }
    var found = 0
    var missed: [String] = []
    let cpu0 = processCPU()
    for url in urls {
        let image = try Image.load(path: url.path)
        let (cx, cy) = (Double(image.width) / 2, Double(image.height) / 2)
        if try detector.detect(image).contains(where: { $0.left <= cx && cx <= $0.right && $0.top <= cy && cy <= $0.bottom }) {
            found += 1
        } else {
            missed.append(url.lastPathComponent)
        }
    }
    let lfwCPU = (processCPU() - cpu0) / Double(urls.count)
    print(String(format: "%@ recall, LFW development set: %d of %d (%.2f%%) with a detection containing the centre (CPU %.1f ms/image)",
                 label, found, urls.count, 100 * Double(found) / Double(urls.count), lfwCPU))
    if !missed.isEmpty { print("  missed: \(missed.prefix(20).joined(separator: " "))") }
    var att = 0
    var attMissed: [String] = []
    let cpu1 = processCPU()
    for subject in 1...40 {
        for k in 1...10 {
            let url = data.appendingPathComponent("att-orl-faces/s\(subject)/\(k).pgm")
            if !(try detector.detect(try Image.load(path: url.path))).isEmpty { att += 1 } else { attMissed.append("s\(subject)/\(k)") }
        }
    }
    print(String(format: "%@ recall, AT&T faces: %d of 400 (%.2f%%) with at least one detection (CPU %.1f ms/image)",
                 label, att, Double(att) / 4, (processCPU() - cpu1) / 400))
    if !attMissed.isEmpty { print("  missed: \(attMissed.prefix(20).joined(separator: " "))") }
}

/// Cross-validated verification accuracy of dlib's ResNet on the first `folds` folds of
/// `pairs_dev_generated_10x30.txt` (60 pairs a fold) for MTCNN's faces aligned two ways — dlib's
/// 5-point shape predictor inside the MTCNN box, or MTCNN's own five points on the five-point
/// template — and, with `mmod`, for MMOD + shape predictor. MTCNN runs once per photo for both.
/// The face used is the largest one containing the image centre (else the largest); a photo
/// without a face counts as a wrong answer (distance 10 for same pairs, 0 for different ones).
func accuracy(folds foldCount: Int, mmod: Bool) throws {
    let store = ModelStore()
    let all = try PairsFile(contentsOf: data.appendingPathComponent("lfw-dev/pairs_dev_generated_10x30.txt"))
    let folds = Array(all.folds.prefix(max(2, foldCount)))
    let images = Array(Set(folds.flatMap { $0.flatMap { [$0.first, $0.second] } })).sorted { $0.relativePath < $1.relativePath }
    let sp5 = try ShapePredictor(contentsOf: store.url(for: .shapePredictor5))
    let encoder = try EncoderLoader(store: store).encoder(.dlibResNet, weights: nil, jitters: 0)
    var variants: [(label: String, locator: FaceLocator, source: LandmarkSource)] = []
    let mtcnn = FaceLocator(detector: try MTCNNDetector(store: store), landmarks: sp5, landmarkSource: .detector)
    variants.append(("mtcnn + dlib shape predictor in the MTCNN box", mtcnn, .shapePredictor))
    variants.append(("mtcnn + MTCNN's five points", mtcnn, .detector))
    if mmod {
        let detector = try DetectorKind.mmod.makeDetector(store: store, upsample: 1)
        variants.append(("mmod + dlib shape predictor", FaceLocator(detector: detector, landmarks: sp5), .shapePredictor))
    }
    var embeddings = [[LFWImage: [Float]]](repeating: [:], count: variants.count)
    for image in images {
        let photo = try Image.load(path: lfw.appendingPathComponent(image.relativePath).path)
        let (cx, cy) = (Double(photo.width) / 2, Double(photo.height) / 2)
        var previous: (FaceLocator, FaceDetection?)?
        for (v, variant) in variants.enumerated() {
            let detection: FaceDetection?
            if let previous, previous.0.detector is MTCNNDetector, variant.locator.detector is MTCNNDetector {
                detection = previous.1
            } else {
                let found = try variant.locator.detector.detect(photo).sorted { $0.width * $0.height > $1.width * $1.height }
                detection = found.first { $0.left <= cx && cx <= $0.right && $0.top <= cy && cy <= $0.bottom } ?? found.first
            }
            previous = (variant.locator, detection)
            guard let detection else { continue }
            let pipeline = FacePipeline(locator: FaceLocator(detector: variant.locator.detector, landmarks: sp5,
                                                             landmarkSource: variant.source), encoder: encoder)
            embeddings[v][image] = try pipeline.face(for: detection, in: photo).embedding
        }
    }
    for (v, variant) in variants.enumerated() {
        let scored = folds.map { fold in
            fold.map { pair -> ScoredPair in
                guard let a = embeddings[v][pair.first], let b = embeddings[v][pair.second] else {
                    return ScoredPair(distance: pair.isSame ? 10 : 0, isSame: pair.isSame)
                }
                let d = zip(a, b).reduce(0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }.squareRoot()
                return ScoredPair(distance: d, isSame: pair.isSame)
            }
        }
        let cv = try CrossValidation(folds: scored)
        let fixed = scored.flatMap { $0 }.accuracy(threshold: 0.6)
        print(String(format: "%@: %d-fold accuracy %.2f%% ± %.2f on %d pairs, at threshold 0.6 %.2f%%; %d of %d photos without a face",
                     variant.label, scored.count, 100 * cv.accuracyMean, 100 * cv.accuracyStd, scored.flatMap { $0 }.count,
                     100 * fixed, images.count - embeddings[v].count, images.count))
    }
}
