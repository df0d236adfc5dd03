// bench-mtcnn: milliseconds per photo of Visage's MTCNN (release build), and facenet-pytorch's
// MTCNN on CPU measured in the same run (Benchmarks/reference/mtcnn_reference.py bench).
//
//   swift run -c release bench-mtcnn [--runs N] [--threads N] [--python PATH | --no-reference]
//       [--recall [--recall-limit N] [--recall-mtcnn-only]] [--accuracy [--folds N] [--with-mmod]] [--no-speed] [--profile small|1mp|mosaic]
//       [--only small|1mp|mosaic|pnet|rnet|onet [--crops N]] [--all-times]
//
// Photos (from ../shared/data or $VISAGE_SHARED_DATA): LFW AJ_Cook_0001 (250×250, one face);
// the same photo enlarged 4× by pixel replication (1000×1000 = 1 MP, one large face); a 4×4
// mosaic of LFW photos (1 MP, 16 faces). `--recall` first runs both detectors (MTCNN, MMOD at
// upsample 1) on every LFW development image (a detection must contain the centre) and every AT&T
// face; `--accuracy` compares the alignments of MTCNN's faces for dlib's ResNet on the 600 LFW
// development pairs (DetectorEvaluation.swift); `--no-speed` stops after those. `--only` times
// one photo or one network (`--crops N` crops for R-Net or O-Net); `--all-times` prints every
// detection's time. Models come from the model cache.
import Foundation
import Visage
import VisageImage
import VisageNN

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
let runs = max(1, Int(option("--runs") ?? "") ?? 20)
let python = option("--python") ?? "/opt/mtcnn-venv/bin/python"
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let data = ProcessInfo.processInfo.environment["VISAGE_SHARED_DATA"].map { URL(fileURLWithPath: $0) }
    ?? repository.deletingLastPathComponent().appendingPathComponent("shared/data")
let lfw = data.appendingPathComponent("lfw-dev/lfw-deepfunneled")
let mosaicPeople = [
    "AJ_Cook", "Aaron_Peirsol", "Aaron_Pena", "Abba_Eban", "Abdul_Majeed_Shobokshi", "Abdulaziz_Kamilov",
    "Abdullah_Ahmad_Badawi", "Abdullah_Gul", "Abdullah_al-Attiyah", "Abdullatif_Sener", "Abel_Aguilar",
    "Abel_Pacheco", "Aby_Har-Even", "Adam_Herbert", "Adel_Al-Jubeir", "Adelina_Avila",
]

func firstImage(_ person: String) throws -> Image {
    let folder = lfw.appendingPathComponent(person)
    let name = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()[0]
    return try Image.load(path: folder.appendingPathComponent(name).path).converted(to: .rgb)
}

func mosaic() throws -> Image {
    let tiles = try mosaicPeople.map(firstImage)
    let side = 250
    var pixels = [UInt8](repeating: 0, count: 16 * side * side * 3)
    for (t, tile) in tiles.enumerated() {
        for y in 0..<side {
            let dst = (((t / 4) * side + y) * 4 * side + (t % 4) * side) * 3
            pixels.replaceSubrange(dst..<(dst + side * 3), with: tile.pixels[(y * side * 3)..<((y + 1) * side * 3)])
        }
    }
    return Image(width: 4 * side, height: 4 * side, format: .rgb, pixels: pixels)
}

/// Each pixel repeated `k` × `k` times.
func enlarged(_ image: Image, by k: Int) -> Image {
    var pixels = [UInt8](repeating: 0, count: image.pixels.count * k * k)
    let (w, c) = (image.width * k, image.channels)
    for y in 0..<(image.height * k) {
        for x in 0..<w {
            for ch in 0..<c { pixels[(y * w + x) * c + ch] = image.pixels[((y / k) * image.width + x / k) * c + ch] }
        }
    }
    return Image(width: w, height: image.height * k, format: image.format, pixels: pixels)
}

func processCPU() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000
}

func report(_ label: String, _ detector: MTCNNDetector, _ image: Image) {
    var trace = MTCNNTrace()
    let faces = detector.detect(in: image, trace: &trace)  // warm-up
    var times: [Double] = []
    var stages: [[Double]] = [[], [], []]
    let cpu0 = processCPU()
    for _ in 0..<runs {
        var runTrace = MTCNNTrace()
        let start = DispatchTime.now().uptimeNanoseconds
        _ = detector.detect(in: image, trace: &runTrace)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        for s in 0..<3 { stages[s].append(runTrace.stageSeconds[s] * 1000) }
    }
    let cpu = (processCPU() - cpu0) / Double(runs)
    times.sort()
    let stageMedians = stages.map { $0.sorted()[runs / 2] }
    print(String(format: "Visage %@: median %.1f ms, min %.1f ms over %d runs (CPU %.1f ms/photo); %d face(s), %d P-Net boxes, %d R-Net boxes",
                 label, times[runs / 2], times[0], runs, cpu, faces.count, trace.proposals, trace.refined))
    print(String(format: "  stage medians: pyramid + P-Net %.1f ms, R-Net %.1f ms, O-Net %.1f ms",
                 stageMedians[0], stageMedians[1], stageMedians[2]))
    if arguments.contains("--all-times") {
        print("  all (ms): " + times.map { String(format: "%.1f", $0) }.joined(separator: " "))
    }
}

setvbuf(stdout, nil, _IOLBF, 0)
if let threads = option("--threads").flatMap(Int.init) { Backend.setThreads(threads) }
do {
    print("Visage MTCNN, \(Backend.info)")
    let detector = try MTCNNDetector(store: ModelStore())
    if arguments.contains("--recall") {
        let limit = option("--recall-limit").flatMap(Int.init)
        try recall("mtcnn", detector, limit: limit)
        if !arguments.contains("--recall-mtcnn-only") {
            try recall("mmod (upsample 1)", try DetectorKind.mmod.makeDetector(store: ModelStore(), upsample: 1), limit: limit)
        }
    }
    if arguments.contains("--accuracy") {
        try accuracy(folds: option("--folds").flatMap(Int.init) ?? 10, mmod: arguments.contains("--with-mmod"))
    }
    if arguments.contains("--no-speed") { exit(0) }
    let small = try firstImage("AJ_Cook")
    if let which = option("--profile") {
        // One detection and nothing else, for valgrind --tool=callgrind.
        let image = which == "mosaic" ? try mosaic() : which == "small" ? small : enlarged(small, by: 4)
        var trace = MTCNNTrace()
        let faces = detector.detect(in: image, trace: &trace)
        print("\(faces.count) face(s), \(trace.proposals) P-Net boxes, \(trace.refined) R-Net boxes")
        exit(0)
    }
    // `--only small|1mp|mosaic` times one photo (e.g. under perf); `--only rnet|onet|pnet` one network
    // (`--crops N` for R-Net and O-Net; P-Net on the pyramid levels of 1 MP).
    let only = option("--only")
    if only == "rnet" || only == "onet" {
        let (count, side) = only == "rnet" ? (Int(option("--crops") ?? "") ?? 44, 24) : (Int(option("--crops") ?? "") ?? 7, 48)
        let crops = Tensor(shape: [count, 3, side, side], repeating: 0.1)
        let times = (0..<(runs * 10)).map { _ -> Double in
            let start = DispatchTime.now().uptimeNanoseconds
            if only == "rnet" { _ = detector.networks.rnet(crops) } else { _ = detector.networks.onet(crops) }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }.sorted()
        print(String(format: "%@ on %d crops: median %.2f ms", only!, count, times[times.count / 2]))
        exit(0)
    }
    if only == nil || only == "small" { report("250x250", detector, small) }
    if only == nil || only == "1mp" { report("1000x1000 (1 MP, one face)", detector, enlarged(small, by: 4)) }
    if only == nil || only == "mosaic" { report("1000x1000 (1 MP, 16-face mosaic)", detector, try mosaic()) }
    if only != nil && only != "pnet" { exit(0) }

    // Stage 1 alone at 1 MP: the pyramid levels through P-Net.
    let scales = MTCNNPyramid.scales(width: 1000, height: 1000, options: detector.options)
    let levels = scales.map { scale -> Tensor in
        let (w, h) = MTCNNPyramid.levelSize(width: 1000, height: 1000, scale: scale)
        return Tensor(shape: [1, 3, h, w], repeating: 0.1)
    }
    if only == "pnet" {
        let times = (0..<(runs * 2)).map { _ -> Double in
            let start = DispatchTime.now().uptimeNanoseconds
            _ = detector.networks.pnet(levels: levels)
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }.sorted()
        print(String(format: "pnet on the %d levels of 1 MP: median %.2f ms", levels.count, times[times.count / 2]))
        exit(0)
    }
    let cpuStart = processCPU()
    let pnet = (0..<5).map { _ -> Double in
        let start = DispatchTime.now().uptimeNanoseconds
        _ = detector.networks.pnet(levels: levels)
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }.sorted()
    print(String(format: "  P-Net alone on the %d pyramid levels of 1 MP: %.1f ms (median of 5; CPU %.1f ms)", scales.count, pnet[2],
                 (processCPU() - cpuStart) / 5))

    // Stages 2 and 3 alone on the batch sizes of the 1 MP photo (44 and 7 crops).
    for (name, count, side, net) in [("R-Net", 44, 24, { (x: Tensor) in _ = detector.networks.rnet(x) }),
                                     ("O-Net", 7, 48, { (x: Tensor) in _ = detector.networks.onet(x) })] {
        let crops = Tensor(shape: [count, 3, side, side], repeating: 0.1)
        net(crops)
        let times = (0..<21).map { _ -> Double in
            let start = DispatchTime.now().uptimeNanoseconds
            net(crops)
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }.sorted()
        print(String(format: "  %@ alone on %d crops: %.2f ms (median of 21)", name, count, times[10]))
    }

    if !arguments.contains("--no-reference") {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repository.appendingPathComponent("Benchmarks/reference/mtcnn_reference.py").path,
                             "bench", "--runs", String(runs)]
        try process.run()
        process.waitUntilExit()
    }
} catch {
    print("bench-mtcnn: \(error)")
    exit(1)
}
