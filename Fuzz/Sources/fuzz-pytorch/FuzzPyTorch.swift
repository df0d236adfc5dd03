import Foundation
import FuzzSupport
import VisageFormats

// PyTorch checkpoints from memory: the zip container (torch >= 1.6), the legacy single-file
// layout, and the unpickler underneath both.

private let callback: FuzzCallback = { start, count in
    let input = Array(fuzzBytes(start, count))
    if let checkpoint = try? PyTorchCheckpoint(bytes: input) {
        for (_, tensor) in checkpoint.namedTensors {
            precondition(tensor.storage.count == tensor.shape.reduce(1, *), "a tensor's storage disagrees with its shape")
        }
    }
    return 0
}

@_cdecl("fuzz_pytorch_main")
func fuzzPyTorchMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    // Seeds: scripts/fuzz.sh adds tiny zip and legacy checkpoints made by
    // scripts/fixtures/make_pytorch_fixtures.py; here the local MTCNN P-Net (28 KB, zip layout).
    fuzzMain(argc, argv, seeds: {
        LocalModels.prefix("mtcnn_pnet.pt", maxBytes: 64 << 10).map { [("mtcnn-pnet.pt", $0)] } ?? []
    }, callback: callback)
}
