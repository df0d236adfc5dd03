import ArgumentParser
import Foundation
import Visage
import VisageModels

/// `visage compare IMAGE_A IMAGE_B`: are the largest faces of two photos the same person?
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Are the largest faces in two photos the same person? (exit 0 = match, 1 = no match)",
        discussion: """
        The distance is Euclidean between embeddings (dlib-resnet: raw descriptors, as \
        face_recognition's face_distance); a match is distance ≤ threshold (face_recognition's \
        compare_faces rule). The default threshold is the model's (0.6 for dlib-resnet). \
        Exit code 2 when an image cannot be read or has no face.
        """)

    @Argument(help: "The first photo.")
    var imageA: String

    @Argument(help: "The second photo.")
    var imageB: String

    @Option(name: .long, help: "Decision threshold (default: the model's; 0.6 for dlib-resnet).")
    var threshold: Float?

    @OptionGroup var face: FaceOptions
    @OptionGroup var encoder: EncoderOptions

    func run() throws {
        let pipeline = try encoder.pipeline(try face.locator())
        func largest(_ path: String) throws -> Face {
            guard let first = try pipeline.faces(in: try loadImage(path)).first else {
                throw CLIError("no face found in \(path)")
            }
            return first
        }
        let a = try largest(imageA), b = try largest(imageB)
        let tau = threshold ?? pipeline.encoder.descriptor.defaultThreshold
        let distance = euclideanDistance(a.embedding, b.embedding)
        let match = distance <= tau
        if face.json {
            print(JSON.object([
                ("image_a", .string(imageA)), ("image_b", .string(imageB)), ("distance", .fixed(distance)),
                ("threshold", .fixed(tau, 4)), ("match", .bool(match)), ("model", .string(encoder.model.rawValue)),
            ]).text)
        } else {
            print(match ? "same person (distance \(format(distance)) ≤ \(tau))"
                        : "different people (distance \(format(distance)) > \(tau))")
        }
        if !match { throw ExitCode(1) }
    }
}
