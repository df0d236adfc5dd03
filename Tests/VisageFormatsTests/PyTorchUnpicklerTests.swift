import XCTest
import VisageFormats

/// Hand-built pickles: values decode as Python would, hostile streams fail with typed errors.
final class PyTorchUnpicklerTests: XCTestCase {
    typealias P = PyTorchPickleBytes

    private func load(_ bytes: [UInt8], allowed: Set<PickleGlobal> = [], limits: PickleLimits = PickleLimits()) throws -> PickleValue {
        var unpickler = Unpickler(bytes: bytes, allowedGlobals: allowed, limits: limits)
        return try unpickler.load()
    }

    private func assertError(_ bytes: [UInt8], allowed: Set<PickleGlobal> = [], limits: PickleLimits = PickleLimits(),
                             file: StaticString = #filePath, line: UInt = #line,
                             _ check: (PyTorchFormatError) -> Bool) {
        XCTAssertThrowsError(try load(bytes, allowed: allowed, limits: limits), file: file, line: line) { error in
            guard let e = error as? PyTorchFormatError else {
                return XCTFail("untyped error \(error)", file: file, line: line)
            }
            XCTAssertTrue(check(e), "unexpected error: \(e)", file: file, line: line)
        }
    }

    func testScalarsTuplesAndStrings() throws {
        let bytes = P.proto2 + P.mark + P.int(7) + P.int(-70000) + P.float(1.5) + P.string("héllo")
            + P.none + P.newTrue + [0x43, 2, 0xAB, 0xCD] + P.tuple + P.stop
        guard case .tuple(let items) = try load(bytes), items.count == 7 else { return XCTFail("not a 7-tuple") }
        XCTAssertEqual(items[0].intValue, 7)
        XCTAssertEqual(items[1].intValue, -70000)
        guard case .float(let f) = items[2] else { return XCTFail("not a float") }
        XCTAssertEqual(f, 1.5)
        XCTAssertEqual(items[3].stringValue, "héllo")
        guard case .none = items[4], case .bool(true) = items[5], case .bytes(let b) = items[6] else {
            return XCTFail("wrong None/True/bytes: \(items.map(\.kindDescription))")
        }
        XCTAssertEqual(b, [0xAB, 0xCD])
    }

    func testLong1FitsOrStaysBig() throws {
        // 2^63 needs 9 bytes; -1 in 9 bytes still fits; PyTorch's magic number is 10 bytes.
        let big: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0x80, 0]
        let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
        let bytes = P.proto2 + P.mark + P.long1(big) + P.long1([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
            + P.long1([0x00, 0x01]) + P.long1([]) + P.long1(magic) + P.tuple + P.stop
        guard case .tuple(let items) = try load(bytes) else { return XCTFail("not a tuple") }
        guard case .bigInt(let b) = items[0] else { return XCTFail("2^63 should stay big") }
        XCTAssertEqual(b, big)
        XCTAssertEqual(items[1].intValue, -1)
        XCTAssertEqual(items[2].intValue, 256)
        XCTAssertEqual(items[3].intValue, 0)
        guard case .bigInt(let m) = items[4] else { return XCTFail("magic should be big") }
        XCTAssertEqual(m, magic)
    }

    func testMemoSharesListsAndOrderedDictKeepsOrder() throws {
        // d = OrderedDict(); d["b"] = l; d["a"] = l, where l = [1, 2] is memoized once.
        let bytes = P.proto2 + P.global("collections", "OrderedDict") + P.emptyTuple + P.reduce
            + P.mark + P.string("b") + P.emptyList + P.put(0) + P.mark + P.int(1) + P.int(2) + P.appends
            + P.string("a") + P.get(0) + P.setItems + P.stop
        guard case .dict(let d) = try load(bytes, allowed: [.orderedDict]) else { return XCTFail("not a dict") }
        XCTAssertEqual(d.entries.map { $0.key.stringValue }, ["b", "a"])
        guard case .list(let b)? = d["b"], case .list(let a)? = d["a"] else { return XCTFail("values not lists") }
        XCTAssertTrue(a === b, "a memo reference must be the same list")
        XCTAssertEqual(a.elements.compactMap(\.intValue), [1, 2])
    }

    func testReduceOfAllowedGlobalIsRecordedNotCalled() throws {
        let g = PickleGlobal(module: "torch._utils", name: "_rebuild_tensor_v2")
        let bytes = P.proto2 + P.global(g.module, g.name) + P.mark + P.int(3) + P.string("x") + P.tuple + P.reduce
            + P.emptyDict + P.build + P.stop
        guard case .object(let o) = try load(bytes, allowed: [g]) else { return XCTFail("not an object") }
        XCTAssertEqual(o.callable, g)
        XCTAssertEqual(o.arguments.first?.intValue, 3)
        XCTAssertEqual(o.arguments.last?.stringValue, "x")
        guard case .dict? = o.state else { return XCTFail("BUILD state missing") }
    }

    func testForbiddenGlobalsAreRejectedByName() {
        // os.system('echo pwned') via GLOBAL + REDUCE: must fail at the GLOBAL, before REDUCE.
        let system = P.proto2 + P.global("os", "system") + P.string("echo pwned") + P.tuple1 + P.reduce + P.stop
        assertError(system, allowed: PyTorchCheckpoint.allowedGlobals) {
            $0 == .forbiddenGlobal(module: "os", name: "system", offset: 2)
        }
        // builtins.eval via STACK_GLOBAL (protocol 4 style).
        let eval = [0x80, 0x04] + P.string("builtins") + P.string("eval") + P.stackGlobal
            + P.string("1+1") + P.tuple1 + P.reduce + P.stop
        assertError(eval, allowed: PyTorchCheckpoint.allowedGlobals) {
            guard case .forbiddenGlobal("builtins", "eval", _) = $0 else { return false }
            return true
        }
        XCTAssertTrue(PyTorchFormatError.forbiddenGlobal(module: "os", name: "system", offset: 2)
            .description.contains("os.system"))
    }

    func testLengthsBeyondTheDataAreTruncationNotAllocation() {
        // BINUNICODE claiming 4 GiB, BINBYTES8 claiming 2^63, LONG4 claiming 2 GiB.
        assertError(P.proto2 + [0x58, 0xFF, 0xFF, 0xFF, 0xFF] + Array("abc".utf8)) {
            guard case .truncated(_, 0xFFFF_FFFF, 3) = $0 else { return false }
            return true
        }
        assertError(P.proto2 + [0x8E] + [0, 0, 0, 0, 0, 0, 0, 0x80]) {
            guard case .truncated = $0 else { return false }
            return true
        }
        assertError(P.proto2 + [0x8B, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2]) {
            guard case .truncated = $0 else { return false }
            return true
        }
        assertError(P.proto2 + P.int(1)) {
            guard case .truncated = $0 else { return false }
            return true
        }
    }

    func testMalformedStreams() {
        let cases: [[UInt8]] = [
            P.proto2 + P.tuple + P.stop,                          // TUPLE without MARK
            P.proto2 + P.int(1) + P.append + P.stop,             // APPEND without a list
            P.proto2 + P.get(9) + P.stop,                         // memo entry never stored
            P.proto2 + P.int(1) + P.emptyTuple + P.reduce + P.stop, // REDUCE of an int
            P.proto2 + P.stop,                                    // STOP on an empty stack
            P.proto2 + P.emptyDict + P.mark + P.int(1) + P.setItems + P.stop, // odd SETITEMS
            P.proto2 + P.mark + P.int(1) + P.append + P.stop,    // pop across a MARK
        ]
        for bytes in cases {
            assertError(bytes) {
                guard case .malformedPickle = $0 else { return false }
                return true
            }
        }
        assertError([0x80, 0x09, 0x2E]) { $0 == .unsupportedPickleProtocol(9, offset: 0) }
        assertError(P.proto2 + [0x69] + P.stop) { $0 == .unsupportedOpcode(0x69, offset: 2) }
        assertError(P.proto2 + [0x58, 2, 0, 0, 0, 0xC3, 0x28] + P.stop) { $0 == .invalidUTF8(offset: 3) }
    }

    func testSelfReferenceIsRejected() {
        // l = []; l.append(l): Python's pickler writes this for a self-referencing list.
        let bytes = P.proto2 + P.emptyList + P.put(0) + P.get(0) + P.append + P.stop
        assertError(bytes) {
            guard case .malformedPickle(let reason, _) = $0 else { return false }
            return reason.contains("nested")
        }
    }

    func testDeepNestingHitsTheDepthLimit() {
        // 100 000 nested 1-tuples in 100 kB: must stop at the limit, not overflow the stack.
        let bytes = P.proto2 + P.emptyTuple + [UInt8](repeating: P.tuple1[0], count: 100_000) + P.stop
        assertError(bytes) {
            guard case .pickleLimitExceeded("nesting depth", 129, _) = $0 else { return false }
            return true
        }
        XCTAssertNoThrow(try load(P.proto2 + P.emptyTuple + [UInt8](repeating: P.tuple1[0], count: 127) + P.stop))
    }

    func testStackLimit() {
        let bytes = P.proto2 + [UInt8](repeating: P.none[0], count: 1000) + P.stop
        assertError(bytes, limits: PickleLimits(maxStackCount: 100)) {
            guard case .pickleLimitExceeded("stack size", _, _) = $0 else { return false }
            return true
        }
    }

    func testConsecutivePicklesShareOneBuffer() throws {
        let bytes = P.proto2 + P.int(1) + P.stop + P.proto2 + P.string("two") + P.stop
        var unpickler = Unpickler(bytes: bytes)
        XCTAssertEqual(try unpickler.load().intValue, 1)
        XCTAssertEqual(unpickler.offset, 5)
        XCTAssertEqual(try unpickler.load().stringValue, "two")
        XCTAssertEqual(unpickler.offset, bytes.count)
    }
}
