import ArgumentParser
import Foundation
import VisageNN
import VisageTraining

/// `visage eval folder DIR --arch openface-nn4 --weights FILE`: every pair of a
/// folder-per-identity dataset, measured as `visage train --val-dir` measures it.
struct EvalFolderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folder",
        abstract: "Verification accuracy, VAL@FAR and AUC on every pair of a folder-per-identity dataset.",
        discussion: """
        For trained checkpoints: the images are read and resized as `visage train` reads them, and \
        the figures are those of its --val-dir validation (accuracy at the best threshold, balanced \
        over same and different pairs). Use it to test a checkpoint chosen on a validation split \
        (train --best-out) on people neither training nor choosing saw.
        """)

    @Argument(help: "Folder with one sub-folder of face images per identity.")
    var dataset: String

    @Option(name: .long, help: "Architecture of the weights.")
    var arch: TrainableArchitecture = .openFaceNN4

    @Option(name: .long, help: "Weights: a .safetensors checkpoint or an OpenFace CSV folder.")
    var weights: String

    @Option(name: .long, help: "The false-accept rate of the VAL@FAR figure.")
    var far: Double = 1e-3

    @Flag(name: .long, help: "Embed each image as the mean of it and its mirror image (test-time flip averaging).")
    var flipAverage = false

    @Option(name: .long, help: "Also embed each image shifted by this many pixels left, right, up and down, and average all the views (test-time shift averaging; 0 = off).")
    var shiftAverage = 0

    @Option(name: .long, help: "Threads (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "Print the results as one JSON object.")
    var json = false

    func validate() throws {
        guard far > 0, far < 1 else { throw ValidationError("--far must be in (0, 1)") }
        guard shiftAverage >= 0 else { throw ValidationError("--shift-average must be ≥ 0") }
    }

    func run() throws {
        if let threads { Backend.setThreads(threads) }
        let data = try FaceDataset.load(directory: URL(fileURLWithPath: dataset), inputSize: arch.inputSize)
        let network = arch.makeNetwork(seed: 1)
        try arch.load(URL(fileURLWithPath: weights), into: network)
        var set = ValidationSet(allPairsOf: data)
        set.averagesFlips = flipAverage
        set.shiftAverage = shiftAverage
        guard let metrics = set.evaluate(network.inferenceLayer(), farTarget: far) else {
            throw CLIError("\(dataset) needs at least two identities and one identity with two images")
        }
        if json {
            print(JSON.object([
                ("dataset", .string(dataset)), ("weights", .string(weights)),
                ("identities", .int(data.identities.count)), ("images", .int(data.imageCount)),
                ("same_pairs", .int(metrics.samePairs)), ("different_pairs", .int(metrics.differentPairs)),
                ("accuracy", .number(metrics.accuracy, decimals: 6)), ("threshold", .fixed(metrics.threshold, 6)),
                ("val", .number(metrics.validationRate, decimals: 6)), ("far", .number(metrics.farTarget, decimals: nil)),
                ("auc", .number(metrics.auc, decimals: 6)),
            ]).text)
        } else {
            print("\(dataset): \(metrics)")
        }
    }
}
