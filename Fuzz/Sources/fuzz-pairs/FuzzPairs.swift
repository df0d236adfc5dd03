import FuzzSupport
import VisageEval

// LFW-style pairs files (VisageEval.PairsFile), from text.

private let callback: FuzzCallback = { start, count in
    let text = String(decoding: fuzzBytes(start, count), as: UTF8.self)
    if let file = try? PairsFile(parsing: text) {
        precondition(file.folds.count == file.layout.foldCount, "fold count disagrees with the header")
        _ = file.images
    }
    return 0
}

@_cdecl("fuzz_pairs_main")
func fuzzPairsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzzMain(argc, argv, seeds: {
        [("view1", Array("2\nAda\t1\t2\nBob\t1\t3\nAda\t1\tBob\t2\nCy\t4\tAda\t1\n".utf8)),
         ("folds", Array("2\t1\nAda\t1\t2\nAda\t1\tBob\t2\nBob\t1\t2\nBob\t3\tAda\t1\n".utf8)),
         ("headerless", Array("Ada 1 2\r\nAda 1 Bob 2\r\n".utf8))]
    }, callback: callback)
}
