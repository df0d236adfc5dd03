// bench-dlib: Visage's dlib pipeline timings, printed as `key value` lines (milliseconds unless
// the key says otherwise). scripts/bench-dlib.sh runs this and Benchmarks/reference/
// dlib_reference_bench.py on the same images and prints the ratios.
//
// Usage: bench-dlib <work folder with obama_455x568.png and chips/*.png> [--repeat N] [--only PART]
//   PART: sgemm, load, resnet, mmod, landmarks (for profiling one part).
import Foundation
import Visage
import VisageImage
import VisageModels
import VisageNN

/// Wall-clock milliseconds.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

/// The best of `repeats` runs of `body`, in milliseconds (the least disturbed by other load).
func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var result = Double.infinity
    for _ in 0..<max(repeats, 1) {
        let t0 = now()
        try body()
        result = min(result, now() - t0)
    }
    return result
}

/// Process CPU time (user + system, all threads) in milliseconds: steadier than wall time when
/// other jobs share the machine.
func cpuTime() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000
}

/// The mean process CPU time of `repeats` runs of `body`, in milliseconds.
func meanCPU(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    let c0 = cpuTime()
    for _ in 0..<max(repeats, 1) { try body() }
    return (cpuTime() - c0) / Double(max(repeats, 1))
}

func report(_ key: String, _ value: Double) {
    print("\(key) \(String(format: "%.3f", value))")
    fflush(stdout)
}

/// sgemm throughput on large square products (the peak the networks are compared with).
func benchSgemm(repeats: Int) {
    var peak = 0.0
    for n in [512, 1024, 2048] {
        let a = [Float](repeating: 0.5, count: n * n), b = a
        var c = [Float](repeating: 0, count: n * n)
        let ms = best(repeats) {
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        Gemm.sgemm(m: n, n: n, k: n, a: ap.baseAddress!, lda: n, b: bp.baseAddress!, ldb: n,
                                   c: cp.baseAddress!, ldc: n)
                    }
                }
            }
        }
        let gflops = 2 * Double(n * n * n) / ms / 1e6
        report("sgemm_\(n)_gflops", gflops)
        peak = max(peak, gflops)
    }
    report("sgemm_peak_gflops", peak)
}

/// The four models, loaded `repeats` times each (files already verified, so no hashing).
struct Models {
    var resnet: DlibResNetEncoder
    var mmod: MMODDetector
    var sp5: ShapePredictor
    var sp68: ShapePredictor

    static func load(_ store: ModelStore, repeats: Int, report shouldReport: Bool) throws -> Models {
        let urls = try [ModelFile.dlibResNet, .mmodDetector, .shapePredictor5, .shapePredictor68].map { try store.url(for: $0) }
        var resnet: DlibResNetEncoder?, mmod: MMODDetector?, sp5: ShapePredictor?, sp68: ShapePredictor?
        let times = try [
            best(repeats) { resnet = try DlibResNetEncoder(contentsOf: urls[0]) },
            best(repeats) { mmod = try MMODDetector(contentsOf: urls[1], upsample: 0) },
            best(repeats) { sp5 = try ShapePredictor(contentsOf: urls[2]) },
            best(repeats) { sp68 = try ShapePredictor(contentsOf: urls[3]) },
        ]
        if shouldReport {
            for (key, t) in zip(["load_resnet", "load_mmod", "load_sp5", "load_sp68"], times) { report(key, t) }
            report("load_all", times.reduce(0, +))
        }
        return Models(resnet: resnet!, mmod: mmod!, sp5: sp5!, sp68: sp68!)
    }
}

/// The ResNet on the reference chips: one at a time, then a batch of 32.
func benchResNet(_ encoder: DlibResNetEncoder, chips: [Image], repeats: Int) throws {
    _ = try encoder.encode([chips[0]])
    let single = try best(repeats) { for chip in chips { _ = try encoder.encode([chip]) } } / Double(chips.count)
    report("resnet_batch1_per_face", single)
    let batch = (0..<32).map { chips[$0 % chips.count] }
    for size in [4, 8, 16] {
        var sized = encoder
        sized.batchSize = size
        report("resnet_batch\(size)_per_face", try best(repeats) { _ = try sized.encode(batch) } / Double(batch.count))
    }
    var whole = encoder
    whole.batchSize = 32
    let batched = try best(repeats) { _ = try whole.encode(batch) } / Double(batch.count)
    report("resnet_batch32_per_face", batched)
    let gflop = 2 * Double(encoder.model.multiplyAdds) / 1e9
    report("resnet_gflop_per_face", gflop)
    report("resnet_batch32_gflops", gflop / batched * 1e3)
}

/// MMOD on the photo at upsample 0 and 1.
func benchMMOD(_ detector: MMODDetector, photo: Image, repeats: Int) throws {
    _ = try detector.detections(in: photo)
    report("mmod_455x568_up0", try best(repeats) { _ = try detector.detections(in: photo) })
    var up = detector
    up.upsample = 1
    report("mmod_455x568_up1", try best(max(1, repeats / 2)) { _ = try up.detections(in: photo) })
    report("mmod_455x568_up0_cpu", try meanCPU(repeats) { _ = try detector.detections(in: photo) })
    let faces = try detector.detections(in: photo)
    print("mmod_455x568_faces \(faces.count) \(faces.map { "\($0.rect)" }.joined(separator: " "))")
}

/// The shape predictors on the detected box, 200 times per run.
func benchLandmarks(_ models: Models, photo: Image, repeats: Int) {
    let box = PixelRect(left: 173, top: 61, right: 310, bottom: 197)  // MMOD's box on the photo
    let reps = 200
    report("sp5_per_face", best(repeats) { for _ in 0..<reps { _ = models.sp5.predict(image: photo, box: box) } } / Double(reps))
    report("sp68_per_face", best(repeats) { for _ in 0..<reps { _ = models.sp68.predict(image: photo, box: box) } } / Double(reps))
    report("sp5_per_face_cpu", meanCPU(repeats) { for _ in 0..<reps { _ = models.sp5.predict(image: photo, box: box) } } / Double(reps))
}

func main() throws {
    let arguments = CommandLine.arguments
    guard arguments.count >= 2 else {
        FileHandle.standardError.write(Data("usage: bench-dlib <work folder> [--repeat N] [--only PART]\n".utf8))
        exit(2)
    }
    let work = URL(fileURLWithPath: arguments[1])
    let repeats = arguments.firstIndex(of: "--repeat").flatMap { Int(arguments[$0 + 1]) } ?? 5
    let only = arguments.firstIndex(of: "--only").map { arguments[$0 + 1] }
    func wanted(_ part: String) -> Bool { only == nil || only == part }

    print("backend \(Backend.info.description.replacingOccurrences(of: " ", with: "_"))")
    if wanted("sgemm") { benchSgemm(repeats: repeats) }
    let models = try Models.load(ModelStore(), repeats: wanted("load") ? repeats : 1, report: wanted("load"))
    if wanted("resnet") {
        let folder = work.appendingPathComponent("chips")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }.sorted()
        let chips = try names.map { try Image.load(path: folder.appendingPathComponent($0).path) }
        guard !chips.isEmpty else {
            FileHandle.standardError.write(Data("no chips in \(folder.path)\n".utf8))
            exit(2)
        }
        try benchResNet(models.resnet, chips: chips, repeats: repeats)
    }
    let photo = try Image.load(path: work.appendingPathComponent("obama_455x568.png").path)
    if wanted("mmod") { try benchMMOD(models.mmod, photo: photo, repeats: repeats) }
    if wanted("landmarks") { benchLandmarks(models, photo: photo, repeats: repeats) }
}

try main()
