import ArgumentParser
import Foundation
import Visage

/// `visage embed IMAGE...`: faces with box, score, landmarks and embedding.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Find faces and compute their embeddings (dlib's ResNet by default), largest face first.",
        discussion: """
        With --json: one line per image, the objects of `visage detect` with an "embedding" array \
        added to each face (dlib-resnet: the raw 128-d descriptor, same person below distance 0.6). \
        Exit code 0 = faces in every image, 1 = some image has no face, 2 = error.
        """)

    @Argument(help: "The photos (JPEG, PNG, PGM/PPM).")
    var images: [String]

    @OptionGroup var face: FaceOptions
    @OptionGroup var encoder: EncoderOptions

    func run() throws {
        let pipeline = try encoder.pipeline(try face.locator())
        try forEachImage(images) { path, image in
            let faces = try pipeline.faces(in: image)
            let located = faces.map { LocatedFace(detection: $0.detection, landmarks: $0.landmarks) }
            if face.json {
                let objects = zip(located, faces).map { FaceOutput.json($0, embedding: $1.embedding) }
                print(FaceOutput.json(path: path, image: image, faces: objects).text)
            } else {
                print(FaceOutput.header(path: path, image: image, count: faces.count))
                for (i, f) in faces.enumerated() {
                    print(FaceOutput.text(located[i], index: i))
                    let head = f.embedding.prefix(4).map { String(format: "%.4f", Double($0)) }.joined(separator: ", ")
                    print("    embedding [\(head), …] (\(f.embedding.count)-d, \(encoder.model.rawValue))")
                }
            }
            return faces.count
        }
    }
}
