import FuzzSupport
import VisageFormats

// OpenFace's CSV weights: the first input byte is the expected value count, the rest the text.

private let callback: FuzzCallback = { start, count in
    let input = fuzzBytes(start, count)
    guard let first = input.first else { return 0 }
    let text = Array(input.dropFirst())
    if let values = try? OpenFaceCSV.parseValues(text, file: "fuzz.csv", expectedCount: Int(first)) {
        precondition(values.count == Int(first) && values.allSatisfy(\.isFinite))
    }
    return 0
}

@_cdecl("fuzz_openface_main")
func fuzzOpenFaceMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzzMain(argc, argv, seeds: {
        [("row", [4] + Array("0.5,-1.25,3e-05,  7\n".utf8)),
         ("column", [3] + Array("1\r\n2.0\r\n-.5\r\n\r\n".utf8)),
         ("long", [2] + Array("0.123456789012345678901234,1.7976931348623157e308\n".utf8))]
    }, callback: callback)
}
