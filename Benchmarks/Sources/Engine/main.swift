// Engine benchmark: sgemm throughput, and ms per face for the course's two encoders at batch 1
// and 32, with each model's FLOPs and the fraction of the measured sgemm peak. TensorFlow-CPU runs
// the same architectures in the same run (Benchmarks/reference/tf_encoders.py) as the reference.
//
// Usage: swift run -c release --package-path Benchmarks bench-engine [--python PATH] [--shared DIR] [--compare]
//        [--rounds N]
//   --compare also times the layer-by-layer path (Sequential.forwardLayerByLayer, the engine
//   before inference plans) in the same run.
//   --rounds N (default 5): each model and batch is timed N times, Visage then TensorFlow right
//   after it (a TensorFlow process started once answers each request), and the table reports the
//   medians of the N times and of the N ratios. This machine's speed drifts by up to 1.7× between
//   minutes; measured back to back, the two sides see the same state, but one round's ratio still
//   moves by ±25 % (a batch of 32 faces of NN4.small2 is timed for under half a second), so the
//   default took five rounds from session 26 on (three before).
import Foundation
import Visage
import VisageFormats
import VisageModels
import VisageNN

/// Median wall time of `body` over `repeats` runs after one warm-up, in seconds.
func median(_ repeats: Int, _ body: () -> Void) -> Double {
    body()
    var times: [Double] = []
    for _ in 0..<repeats {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    return times.sorted()[times.count / 2]
}

func argument(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func sgemmGFLOPS(_ n: Int) -> Double {
    let a = [Float](repeating: 0.5, count: n * n), b = a
    var c = [Float](repeating: 0, count: n * n)
    let t = median(5) {
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
            Gemm.sgemm(m: n, n: n, k: n, a: ap.baseAddress!, lda: n, b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
        } } }
    }
    return 2 * Double(n * n * n) / t / 1e9
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let shared = URL(fileURLWithPath: argument("--shared") ?? root.deletingLastPathComponent().appendingPathComponent("shared/data").path)
let store = ModelStore()

// --profile MODEL:BATCH[:REPEATS] runs that one forward pass (REPEATS times, default once) and stops
// (for valgrind/perf).
let profile = argument("--profile").map { $0.split(separator: ":").map(String.init) }
// --stacking MODEL:BATCH[:PAIRS] times plans without and with the stacked 1 × 1 convolutions
// (InferencePlan's stacksPointwise) pass by pass, alternating, so that both see the same machine;
// --avx512 MODEL:BATCH[:PAIRS] the same for the Winograd, packed and direct kernels in AVX2 or
// AVX-512 (InferencePlan's allowsAVX512); --large-tiles MODEL:BATCH[:PAIRS] the same for Winograd's
// F(2×2, 3×3) everywhere or F(4×4, 3×3) on the large planes (InferencePlan's largeTiles);
// --line-winograd MODEL:BATCH[:PAIRS] the same for 1 × 7 and 7 × 1 convolutions by im2col or by
// F(2, 7) (InferencePlan's lineWinograd).
let comparison: (feature: String, spec: [String])? = ["--stacking", "--avx512", "--large-tiles", "--line-winograd"].lazy.compactMap { flag in
    argument(flag).map { (String(flag.dropFirst(2)), $0.split(separator: ":").map(String.init)) }
}.first
print("back end: \(Backend.info)")
let peak = profile == nil && comparison == nil ? sgemmGFLOPS(1024) : 1
print(String(format: "sgemm 1024³: %.1f GFLOP/s", peak))

/// One model's timings: Visage's and TensorFlow's ms per face per batch, one value per round.
struct Row {
    let model: String
    let gflopPerFace: Double
    var visage: [Int: [Double]] = [:]
    var tensorflow: [Int: [Double]] = [:]
    /// The same network run layer by layer (the engine before plans), for comparison.
    var layerByLayer: [Int: Double] = [:]
}

/// TensorFlow-CPU running `tf_encoders.py --serve`: the models are built once, then each request
/// times one model and batch.
final class TensorFlowReference {
    private let process = Process()
    private let input = Pipe(), output = Pipe()
    private var buffer = Data()

    /// Starts the server and waits for its "ready"; `nil` when it does not start.
    init?(python: String, script: String) {
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--serve"]
        process.standardInput = input
        process.standardOutput = output
        do { try process.run() } catch { return nil }
        guard readLine() == "ready" else { return nil }
    }

    /// TensorFlow's median ms per face over `repeats` passes of `batch` images.
    func msPerFace(_ model: String, batch: Int, repeats: Int) -> Double? {
        input.fileHandleForWriting.write(Data("\(model) \(batch) \(repeats)\n".utf8))
        guard let line = readLine(),
              let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return obj["ms_per_face"] as? Double
    }

    private func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// A model to time: its network (for FLOPs and --compare), input size and forward pass.
struct Model {
    let name: String
    let network: Sequential
    let size: Int
    let forward: (Tensor) -> Tensor
}

var models: [Model] = []
do {
    let keras = try KerasWeights(contentsOf: store.url(for: .facenetKeras, verify: false))
    let facenet = try InceptionResNetV1(weights: WeightSource(keras: keras))
    models.append(Model(name: "facenet-160", network: facenet.network, size: 160, forward: facenet.forward))
    let csv = try OpenFaceCSV.load(directory: shared.appendingPathComponent("openface-nn4.small2.v1-csv"),
                                   missing: .fillDeterministic)
    let nn4 = try OpenFaceNN4Small2(weights: WeightSource(csv.tensors))
    models.append(Model(name: "openface-nn4", network: nn4.network, size: 96, forward: nn4.forward))
} catch {
    print("error: \(error)")
    exit(2)
}

if let profile {
    for model in models where model.name == profile[0] {
        guard let batch = Int(profile[1]) else { break }
        let x = Tensor(shape: [batch, 3, model.size, model.size], repeating: 0.5)
        let repeats = profile.count > 2 ? Int(profile[2]) ?? 1 : 1
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = model.forward(x)
            print(model.name, batch, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6, "ms")
        }
    }
    exit(0)
}

if let (feature, spec) = comparison {
    let labels = feature == "avx512" ? ("AVX2", "AVX-512")
        : feature == "large-tiles" ? ("2 × 2 tiles", "4 × 4 tiles")
        : feature == "line-winograd" ? ("im2col", "F(2, 7)") : ("separate", "stacked")
    for model in models where model.name == spec[0] {
        guard spec.count > 1, let batch = Int(spec[1]),
              let without = InferencePlan(model.network, winograd: true, packed: true,
                                          largeTiles: feature != "large-tiles", stacksPointwise: feature != "stacking",
                                          allowsAVX512: feature != "avx512", lineWinograd: feature != "line-winograd"),
              let with = InferencePlan(model.network, winograd: true, packed: true) else { break }
        let x = Tensor(shape: [batch, 3, model.size, model.size], repeating: 0.5)
        let pairs = spec.count > 2 ? Int(spec[2]) ?? 50 : 50
        var times: [[Double]] = [[], []]
        for pair in 0..<(pairs + 2) {
            for (index, plan) in [without, with].enumerated() {
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = plan.forward(x)
                if pair >= 2 { times[index].append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6) }
            }
        }
        let ratios = zip(times[0], times[1]).map { $0 / $1 }.sorted()
        let mid = { (v: [Double]) in v.sorted()[v.count / 2] }
        print(String(format: "%@ batch %d: %@ %.2f ms, %@ %.2f ms (medians of %d); %@ ÷ %@ per pair: median %.3f, quartiles %.3f–%.3f",
                     model.name, batch, labels.0, mid(times[0]), labels.1, mid(times[1]), pairs, labels.0, labels.1,
                     mid(ratios), ratios[ratios.count / 4], ratios[3 * ratios.count / 4]))
    }
    exit(0)
}

// The reference: TensorFlow-CPU on the same architectures, in the same run, interleaved.
let python = argument("--python") ?? "/opt/bench-venv/bin/python"
let script = root.appendingPathComponent("Benchmarks/reference/tf_encoders.py").path
var reference: TensorFlowReference?
if FileManager.default.isExecutableFile(atPath: python) {
    reference = TensorFlowReference(python: python, script: script)
    if reference == nil { print("(no TensorFlow reference: \(python) \(script) --serve did not start)") }
} else {
    print("(no TensorFlow reference: \(python) not found)")
}

let rounds = max(1, Int(argument("--rounds") ?? "5") ?? 5)
var rows = models.map { model in
    Row(model: model.name, gflopPerFace: 2 * Double(model.network.multiplyAdds(for: [1, 3, model.size, model.size])) / 1e9)
}
for round in 0..<rounds {
    for (index, model) in models.enumerated() {
        for batch in [1, 32] {
            var x = Tensor(shape: [batch, 3, model.size, model.size])
            for i in 0..<x.count { x.storage[i] = Float(i % 251) / 251 }
            let t = median(batch == 1 ? 20 : 5) { _ = model.forward(x) }
            rows[index].visage[batch, default: []].append(1000 * t / Double(batch))
            if let ms = reference?.msPerFace(model.name, batch: batch, repeats: batch == 1 ? 20 : 5) {
                rows[index].tensorflow[batch, default: []].append(ms)
            }
            if round == 0 && CommandLine.arguments.contains("--compare") {
                let old = median(batch == 1 ? 10 : 3) { _ = model.network.forwardLayerByLayer(x) }
                rows[index].layerByLayer[batch] = 1000 * old / Double(batch)
            }
        }
    }
}
reference = nil

func middle(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

print("\n\(rounds) round(s), each Visage then TensorFlow back to back; medians over the rounds, ratios per round")
print("\n| model | GFLOP/face | batch | Visage ms/face | GFLOP/s | % of sgemm peak | TensorFlow ms/face | TF ÷ Visage (median) | per round | layer by layer ms/face |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
for row in rows {
    for batch in [1, 32] {
        let visage = row.visage[batch]!, ms = middle(visage)
        let rate = row.gflopPerFace / (ms / 1000)
        let tf = row.tensorflow[batch] ?? []
        let ratios = zip(tf, visage).map { $0 / $1 }
        print(String(format: "| %@ | %.3f | %d | %.2f | %.1f | %.0f%% | %@ | %@ | %@ | %@ |", row.model, row.gflopPerFace, batch,
                     ms, rate, 100 * rate / peak, tf.isEmpty ? "–" : String(format: "%.2f", middle(tf)),
                     ratios.isEmpty ? "–" : String(format: "%.2f×", middle(ratios)),
                     ratios.map { String(format: "%.2f", $0) }.joined(separator: " "),
                     row.layerByLayer[batch].map { String(format: "%.2f", $0) } ?? "–"))
    }
}
