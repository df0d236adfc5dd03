// Training throughput of NN4.small2 at batch 60 (P×K = 6×10): forward in training mode, online
// semi-hard mining, triplet loss, backward and one Adam update per step — against TensorFlow-CPU
// running the same architecture, batch and step (Benchmarks/reference/tf_training.py) in the
// same run. Visage is measured before and after TensorFlow and the two runs are pooled, so a
// change in machine load during the run shows up in both.
//
// Usage: swift run -c release bench-training [--steps N] [--no-reference] [--profile]
import Foundation
import VisageFormats
import VisageModels
import VisageNN
import VisageTraining

let arguments = CommandLine.arguments
func option(_ name: String, default value: Int) -> Int {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else { return value }
    return v
}
let steps = option("--steps", default: 5)
// As `visage train` does: keep freed memory mapped between steps.
WorkingMemory.keepFreedMemory()
let (p, k) = (6, 10)
let batch = p * k

func seconds(_ body: () -> Void) -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

// The same input as the reference: uniform [0, 1) pixels, labels 0…5 repeated 10 times.
var generator = SplitMix64(seed: 0)
let images = Tensor(shape: [batch, 3, 96, 96], storage: (0..<(batch * 3 * 96 * 96)).map { _ in Float.random(in: 0..<1, using: &generator) })
let labels = (0..<batch).map { $0 / k }
let network = TrainableArchitecture.openFaceNN4.makeNetwork(seed: 1)
let trainer = try Trainer(
    network: network, architecture: "openface-nn4",
    dataset: FaceDataset(inputSize: 96, identities: (0..<p).map { FaceDataset.Identity(name: "\($0)", files: [], images: [[], []]) }),
    configuration: TrainingConfiguration(epochs: 1, batch: try BatchShape(identities: p, imagesPerIdentity: k),
                                         optimizer: .adam, schedule: .constant, weightDecay: 0))

/// Process CPU seconds (all threads).
func processCPU() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

var visageCPU: [Double] = []
func measureVisage(_ count: Int) -> [Double] {
    (0..<count).map { _ in
        let c0 = processCPU()
        let s = seconds { _ = trainer.train(images: images, labels: labels, using: &generator) }
        visageCPU.append(processCPU() - c0)
        return s
    }
}

if arguments.contains("--profile") {
    // CPU seconds per layer kind on one thread, or on `--profile-threads N` (forward, mining,
    // backward; no update).
    Backend.setThreads(option("--profile-threads", default: 1))
    let profiler = Profiler()
    profiler.detail = arguments.contains("--detail")
    profiler.wallClock = Backend.threads > 1
    var g = SplitMix64(seed: 1)
    let net = profiler.network(using: &g)
    let miner = TripletMiner()
    for round in 0..<4 {
        let y = net.forward(images, mode: .training)
        let gradient = miner.lossAndGradient(embeddings: y, triplets: miner.mine(embeddings: y, labels: labels, using: &g)).gradient
        _ = net.backward(gradient)
        profiler.endRound(keep: round > 0)
    }
    let measure = Backend.threads > 1 ? "wall-clock seconds on \(Backend.threads) threads" : "one-thread CPU seconds"
    print("\(measure) per training pass at batch \(batch), best of 3 (branches include their inner layers):")
    profiler.report()
    Backend.setThreads(0)
}

print("back end: \(Backend.info)")
_ = measureVisage(1)  // warm up
visageCPU = []
var visage = measureVisage(steps)

var reference: [String: Any]?
if !arguments.contains("--no-reference") {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("reference/tf_training.py")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/opt/bench-venv/bin/python")
    process.arguments = [script.path, "--steps", String(steps), "--batch", "\(p)x\(k)"]
    process.currentDirectoryURL = script.deletingLastPathComponent()
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    reference = String(data: data, encoding: .utf8)?.split(separator: "\n").last
        .flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    visage += measureVisage(steps)
}

let visageRate = Double(batch) / median(visage)
print(String(format: "Visage NN4.small2 training, batch %d: median step %.3f s, %.1f images/s, %.2f CPU s per step (%d steps: %@)",
             batch, median(visage), visageRate, median(visageCPU), visage.count,
             visage.map { String(format: "%.2f", $0) }.joined(separator: " ") as NSString))
if let reference, let rate = reference["images_per_s"] as? Double, let step = reference["median_step_s"] as? Double {
    print(String(format: "TensorFlow %@ same step: median %.3f s, %.1f images/s, %.2f CPU s per step (threads %@)",
                 "\(reference["tensorflow"] ?? "?")" as NSString, step, rate, reference["median_cpu_s"] as? Double ?? .nan,
                 "\(reference["threads"] ?? "?")" as NSString))
    print(String(format: "speed-up over TensorFlow-CPU: %.2fx (target ≥ 1.5x)", visageRate / rate))
} else if !arguments.contains("--no-reference") {
    print("TensorFlow reference failed (is /opt/bench-venv present?)")
}
