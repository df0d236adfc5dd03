import Foundation
import FuzzSupport
import VisageFormats

// dlib's serialisation: the first input byte picks what reads the rest.
//   0  a DNN file checked against the MMOD face detector's architecture
//   1  a DNN file checked against the face-recognition ResNet's architecture
//   2  a shape-predictor file
//   3  the deserializer's primitives, driven by opcodes interleaved with their operands

private func primitives(_ data: Data) {
    DlibDeserializer.withDeserializer(over: data) { d in
        var steps = 0
        while steps < 64, let op = try? d.readByte("op") {
            steps += 1
            do {
                switch op % 9 {
                case 0: _ = try d.readSignedInt("int")
                case 1: _ = try d.readUnsignedInt("uint")
                case 2: _ = try d.readFloat("float")
                case 3: _ = try d.readDouble("double")
                case 4: _ = try d.readString("string", maxLength: 4096)
                case 5: _ = try d.readTensor("tensor")
                case 6: _ = try d.readAliasTensor("alias")
                case 7:
                    let shape = try d.readMatrixShape("matrix")
                    guard shape.rows * shape.cols <= 1 << 16 else { return }
                    var out: [Float] = []
                    try d.readFloats(count: shape.rows * shape.cols, into: &out, "matrix")
                default: _ = try d.readCount("count", elementBytes: 4)
                }
            } catch {
                return
            }
        }
    }
}

private let callback: FuzzCallback = { start, count in
    let input = fuzzBytes(start, count)
    guard let mode = input.first else { return 0 }
    let rest = Data(input.dropFirst())
    switch mode % 4 {
    case 0: _ = try? DlibNetwork(data: rest, architecture: .mmodFaceDetector)
    case 1: _ = try? DlibNetwork(data: rest, architecture: .faceRecognitionResNet)
    case 2: _ = try? ShapePredictorModel(data: rest)
    default: primitives(rest)
    }
    return 0
}

@_cdecl("fuzz_dlib_main")
func fuzzDlibMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzzMain(argc, argv, seeds: {
        var seeds: [(String, [UInt8])] = [
            // op 0 int 5, op 2 float (mantissa 3, exponent -1), op 4 string "ab", op 8 count 0.
            ("primitives", [3, 0, 0x01, 5, 2, 0x01, 3, 0x81, 1, 4, 0x01, 2, 0x61, 0x62, 8, 0x00]),
        ]
        if let mmod = LocalModels.prefix("mmod_human_face_detector.dat", maxBytes: 1 << 20) {
            seeds.append(("mmod-whole", [0] + mmod))
            seeds.append(("mmod-head", [0] + mmod.prefix(4096)))
        }
        if let resnet = LocalModels.prefix("dlib_face_recognition_resnet_model_v1.dat", maxBytes: 64 << 10) {
            seeds.append(("resnet-head", [1] + resnet))
        }
        if let shape = LocalModels.prefix("shape_predictor_5_face_landmarks.dat", maxBytes: 64 << 10) {
            seeds.append(("shape5-head", [2] + shape))
        }
        return seeds
    }, callback: callback)
}
