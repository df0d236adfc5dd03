// Engine benchmark: sgemm throughput, and ms per face for the course's two encoders at batch 1
// and 32, with each model's FLOPs and the fraction of the measured sgemm peak. TensorFlow-CPU runs
// the same architectures in the same run (Benchmarks/reference/tf_encoders.py) as the reference.
//
// Usage: swift run -c release --package-path Benchmarks bench-engine [--python PATH] [--shared DIR] [--compare]
//   --compare also times the layer-by-layer path (Sequential.forwardLayerByLayer, the engine
//   before inference plans) in the same run.
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

struct Row {
    let model: String
    let gflopPerFace: Double
    var msPerFace: [Int: Double] = [:]
    /// The same network run layer by layer (the engine before plans), for comparison.
    var layerByLayer: [Int: Double] = [:]
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let shared = URL(fileURLWithPath: argument("--shared") ?? root.deletingLastPathComponent().appendingPathComponent("shared/data").path)
let store = ModelStore()

// --profile MODEL:BATCH[:REPEATS] runs that one forward pass (REPEATS times, default once) and stops
// (for valgrind/perf).
let profile = argument("--profile").map { $0.split(separator: ":").map(String.init) }
print("back end: \(Backend.info)")
let peak = profile == nil ? sgemmGFLOPS(1024) : 1
print(String(format: "sgemm 1024³: %.1f GFLOP/s", peak))

var rows: [Row] = []
func bench(_ name: String, _ network: Sequential, size: Int, forward: (Tensor) -> Tensor) {
    let macs = network.multiplyAdds(for: [1, 3, size, size])
    var row = Row(model: name, gflopPerFace: 2 * Double(macs) / 1e9)
    if let profile {
        guard profile[0] == name, let batch = Int(profile[1]) else { return }
        let x = Tensor(shape: [batch, 3, size, size], repeating: 0.5)
        let repeats = profile.count > 2 ? Int(profile[2]) ?? 1 : 1
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = forward(x)
            print(name, batch, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6, "ms")
        }
        return
    }
    for batch in [1, 32] {
        var x = Tensor(shape: [batch, 3, size, size])
        for i in 0..<x.count { x.storage[i] = Float(i % 251) / 251 }
        let t = median(batch == 1 ? 20 : 5) { _ = forward(x) }
        row.msPerFace[batch] = 1000 * t / Double(batch)
        if CommandLine.arguments.contains("--compare") {
            let old = median(batch == 1 ? 10 : 3) { _ = network.forwardLayerByLayer(x) }
            row.layerByLayer[batch] = 1000 * old / Double(batch)
        }
    }
    rows.append(row)
}

do {
    let keras = try KerasWeights(contentsOf: store.url(for: .facenetKeras, verify: false))
    let facenet = try InceptionResNetV1(weights: WeightSource(keras: keras))
    bench("facenet-160", facenet.network, size: 160, forward: facenet.forward)
    let csv = try OpenFaceCSV.load(directory: shared.appendingPathComponent("openface-nn4.small2.v1-csv"),
                                   missing: .fillDeterministic)
    let nn4 = try OpenFaceNN4Small2(weights: WeightSource(csv.tensors))
    bench("openface-nn4", nn4.network, size: 96, forward: nn4.forward)
} catch {
    print("error: \(error)")
    exit(2)
}
if profile != nil { exit(0) }

// The reference: TensorFlow-CPU on the same architectures, in the same run.
var tf: [String: Any] = [:]
let python = argument("--python") ?? "/opt/bench-venv/bin/python"
if FileManager.default.isExecutableFile(atPath: python) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python)
    p.arguments = [root.appendingPathComponent("Benchmarks/reference/tf_encoders.py").path, "--repeats", "10"]
    let pipe = Pipe()
    p.standardOutput = pipe
    try? p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    if let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
       let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
        tf = obj
    }
} else {
    print("(no TensorFlow reference: \(python) not found)")
}

print("\n| model | GFLOP/face | batch | Visage ms/face | GFLOP/s | % of sgemm peak | TensorFlow ms/face | TF ÷ Visage | layer by layer ms/face |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for row in rows {
    for batch in [1, 32] {
        let ms = row.msPerFace[batch]!
        let rate = row.gflopPerFace / (ms / 1000)
        let tfms = (tf[row.model] as? [String: Any])?["ms_per_face_batch\(batch)"] as? Double
        print(String(format: "| %@ | %.3f | %d | %.2f | %.1f | %.0f%% | %@ | %@ | %@ |", row.model, row.gflopPerFace, batch, ms,
                     rate, 100 * rate / peak, tfms.map { String(format: "%.2f", $0) } ?? "–",
                     tfms.map { String(format: "%.2f×", $0 / ms) } ?? "–",
                     row.layerByLayer[batch].map { String(format: "%.2f", $0) } ?? "–"))
    }
}
