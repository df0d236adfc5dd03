import Foundation
import FuzzSupport
import VisageFormats

// KerasWeights reads through libhdf5, which takes a path: each input is written to a per-process
// file in /dev/shm first. Crashes inside libhdf5 itself are reported by the run like any other;
// scripts/fuzz.sh's summary says which frames they are in.

private let scratch = ScratchFile(suffix: ".h5")
private let limits = KerasReadLimits(maxTensorBytes: 16 << 20, maxRank: 8, maxAttributeBytes: 1 << 20)

private let callback: FuzzCallback = { start, count in
    guard scratch.write(fuzzBytes(start, count)) else { return 0 }
    _ = try? KerasWeights(contentsOf: URL(fileURLWithPath: scratch.path), limits: limits)
    return 0
}

@_cdecl("fuzz_keras_main")
func fuzzKerasMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    // Seeds: scripts/fuzz.sh writes small Keras files with h5py when it is available; here only a
    // slice of the local FaceNet file (its superblock and root group).
    fuzzMain(argc, argv, seeds: {
        LocalModels.prefix("facenet_keras.h5", maxBytes: 16 << 10).map { [("facenet-head.h5", $0)] } ?? []
    }, callback: callback)
}
