// bench-dlib: Visage's dlib pipeline timings, printed as `key value` lines (milliseconds unless
// the key says otherwise). scripts/bench-dlib.sh runs this and Benchmarks/reference/
// dlib_reference_bench.py on the same images and prints the ratios.
//
// Usage: bench-dlib <work folder with obama_455x568.png and chips/*.png> [--repeat N]
import Foundation
import Visage
import VisageImage
import VisageModels
import VisageNN

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

/// The best of `repeats` runs of `body`, in milliseconds (the least disturbed by other load).
func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var result = Double.infinity
    for _ in 0..<repeats {
        let t0 = now()
        try body()
        result = min(result, now() - t0)
    }
    return result
}

func report(_ key: String, _ value: Double) {
    print("\(key) \(String(format: "%.3f", value))")
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: bench-dlib <work folder> [--repeat N]\n".utf8))
    exit(2)
}
let work = URL(fileURLWithPath: arguments[1])
let repeats = arguments.firstIndex(of: "--repeat").flatMap { Int(arguments[$0 + 1]) } ?? 5
/// `--only resnet|mmod` runs one part (for profiling).
let only = arguments.firstIndex(of: "--only").map { arguments[$0 + 1] }
func wanted(_ part: String) -> Bool { only == nil || only == part }
let store = ModelStore()
print("backend \(Backend.info.description.replacingOccurrences(of: " ", with: "_"))")

// sgemm peak: large square products.
if wanted("sgemm") {
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
        report("sgemm_\(n)_gflops", 2 * Double(n * n * n) / ms / 1e6)
    }
}

// Model loading (files already verified: the SHA-256 stamp makes url(for:) cheap).
for file in [ModelFile.dlibResNet, .mmodDetector, .shapePredictor5, .shapePredictor68] { _ = try store.url(for: file) }
var resnet: DlibResNetEncoder!
var mmod: MMODDetector!
var sp5: ShapePredictor!
var sp68: ShapePredictor!
let loadResNet = try best(repeats) { resnet = try DlibResNetEncoder(contentsOf: store.url(for: .dlibResNet)) }
let loadMMOD = try best(repeats) { mmod = try MMODDetector(contentsOf: store.url(for: .mmodDetector), upsample: 0) }
let loadSP5 = try best(repeats) { sp5 = try ShapePredictor(contentsOf: store.url(for: .shapePredictor5)) }
let loadSP68 = try best(repeats) { sp68 = try ShapePredictor(contentsOf: store.url(for: .shapePredictor68)) }
report("load_resnet", loadResNet)
report("load_mmod", loadMMOD)
report("load_sp5", loadSP5)
report("load_sp68", loadSP68)
report("load_all", loadResNet + loadMMOD + loadSP5 + loadSP68)

// ResNet: the reference chips, batch 1 and batched.
let chipFolder = work.appendingPathComponent("chips")
let chipFiles = try FileManager.default.contentsOfDirectory(atPath: chipFolder.path).filter { $0.hasSuffix(".png") }.sorted()
let chips = try chipFiles.map { try Image.load(path: chipFolder.appendingPathComponent($0).path) }
guard !chips.isEmpty else {
    FileHandle.standardError.write(Data("no chips in \(chipFolder.path)\n".utf8))
    exit(2)
}
if wanted("resnet") {
_ = try resnet.encode([chips[0]])
let single = try best(repeats) { for chip in chips { _ = try resnet.encode([chip]) } } / Double(chips.count)
report("resnet_batch1_per_face", single)
var batch: [Image] = []
while batch.count < 32 { batch.append(chips[batch.count % chips.count]) }
let batched = try best(repeats) { _ = try resnet.encode(batch) } / Double(batch.count)
report("resnet_batch32_per_face", batched)
let gflop = 2 * Double(resnet.model.multiplyAdds) / 1e9
report("resnet_gflop_per_face", gflop)
report("resnet_batch32_gflops", gflop / batched * 1e3)
}

// MMOD on a 455×568 photo, upsample 0 and 1.
let photo = try Image.load(path: work.appendingPathComponent("obama_455x568.png").path)
if wanted("mmod") {
_ = try mmod.detections(in: photo)
report("mmod_455x568_up0", try best(repeats) { _ = try mmod.detections(in: photo) })
var mmod1 = mmod!
mmod1.upsample = 1
report("mmod_455x568_up1", try best(max(1, repeats / 2)) { _ = try mmod1.detections(in: photo) })
let faces = try mmod.detections(in: photo)
print("mmod_455x568_faces \(faces.count) \(faces.map { "\($0.rect)" }.joined(separator: " "))")
}

// Shape predictors, per face (the detected box, many times).
if wanted("landmarks") {
let box = PixelRect(left: 173, top: 61, right: 310, bottom: 197)  // the MMOD box
let reps = 200
report("sp5_per_face", best(repeats) { for _ in 0..<reps { _ = sp5.predict(image: photo, box: box) } } / Double(reps))
report("sp68_per_face", best(repeats) { for _ in 0..<reps { _ = sp68.predict(image: photo, box: box) } } / Double(reps))
}
