/// A pickle reader that executes nothing.
///
/// It decodes the opcodes of the binary pickle protocols 2–5 that PyTorch checkpoints use into
/// ``PickleValue``s. A global (`GLOBAL` / `STACK_GLOBAL`) must be on the caller's allow-list,
/// or reading stops with ``PyTorchFormatError/forbiddenGlobal(module:name:offset:)`` before the
/// global is used. `REDUCE` and `NEWOBJ` never call anything: they record the call as a
/// ``PickleObject`` (or, for `collections.OrderedDict`, build a ``PickleDict``) for the caller
/// to interpret. Every length is checked against the bytes that remain, and
/// ``PickleLimits`` bound nesting, stack and memo.
///
/// Lists, dicts and objects may not change once they are placed inside another value; Python's
/// pickler only does that for self-referencing structures, which a state dict never contains.
public struct Unpickler {
    struct Slot {
        var value: PickleValue
        /// The nesting depth of `value` (kept here for tuples and scalars; lists, dicts and
        /// objects carry their own, since they can grow).
        var depth: Int
    }

    var reader: PyTorchByteReader
    let allowedGlobals: Set<PickleGlobal>
    let limits: PickleLimits
    var stack: [Slot] = []
    var marks: [Int] = []
    var memo: [Int: Slot] = [:]
    /// The offset of the opcode being executed, for error messages.
    var opcodeOffset = 0

    /// Creates a reader of the pickle that starts at `offset` in `bytes`.
    /// - Parameters:
    ///   - bytes: the buffer holding the pickle (possibly among other data).
    ///   - offset: where the pickle starts.
    ///   - end: one past the last byte the pickle may use; the buffer's end when nil.
    ///   - allowedGlobals: the only globals the pickle may name.
    ///   - limits: structural limits.
    public init(bytes: [UInt8], offset: Int = 0, end: Int? = nil,
                allowedGlobals: Set<PickleGlobal> = [], limits: PickleLimits = PickleLimits()) {
        self.reader = PyTorchByteReader(bytes: bytes, offset: offset, end: end)
        self.allowedGlobals = allowedGlobals
        self.limits = limits
    }

    /// The offset of the next unread byte: after ``load()``, the byte after the `STOP` opcode.
    public var offset: Int { reader.offset }

    /// Reads one pickle, up to and including its `STOP` opcode.
    /// - Returns: the pickled value.
    /// - Throws: ``PyTorchFormatError`` when the data is truncated, malformed, names a global
    ///   that is not allowed, or exceeds the limits.
    public mutating func load() throws -> PickleValue {
        stack.removeAll()
        marks.removeAll()
        memo.removeAll()
        while true {
            opcodeOffset = reader.offset
            let byte = try reader.u8()
            guard let op = PickleOpcode(rawValue: byte) else {
                throw PyTorchFormatError.unsupportedOpcode(byte, offset: opcodeOffset)
            }
            if op == .stop { return try pop().value }
            try execute(op)
        }
    }

    private mutating func execute(_ op: PickleOpcode) throws {
        switch op {
        case .stop: break
        case .proto:
            let version = try reader.u8()
            guard version <= 5 else {
                throw PyTorchFormatError.unsupportedPickleProtocol(Int(version), offset: opcodeOffset)
            }
        case .frame:
            let frameLength = try reader.uintLE(8)
            _ = try reader.length(frameLength)
        case .mark:
            try checkStackRoom()
            marks.append(stack.count)
        case .pop:
            if stack.count > (marks.last ?? 0) {
                stack.removeLast()
            } else {
                _ = try popMark()
            }
        case .popMark: _ = try popMark()
        case .dup: try push(try top())
        case .none: try push(.none)
        case .newTrue: try push(.bool(true))
        case .newFalse: try push(.bool(false))
        case .binInt: try push(.int(Int64(try reader.int32LE())))
        case .binInt1: try push(.int(Int64(try reader.uintLE(1))))
        case .binInt2: try push(.int(Int64(try reader.uintLE(2))))
        case .long1: try push(try readLong(count: Int(try reader.u8())))
        case .long4: try push(try readLong(count: try signedLength(try reader.int32LE())))
        case .binFloat: try push(.float(try reader.float64BE()))
        case .binUnicode, .binString: try push(.string(try readText(lengthBytes: 4)))
        case .shortBinUnicode, .shortBinString: try push(.string(try readText(lengthBytes: 1)))
        case .binUnicode8: try push(.string(try readText(lengthBytes: 8)))
        case .binBytes: try push(.bytes(try readBytes(lengthBytes: 4)))
        case .shortBinBytes: try push(.bytes(try readBytes(lengthBytes: 1)))
        case .binBytes8, .byteArray8: try push(.bytes(try readBytes(lengthBytes: 8)))
        case .emptyTuple: try push(.tuple([]), depth: 1)
        case .tuple: try pushTuple(try popMark())
        case .tuple1: try pushTuple(try pop(1))
        case .tuple2: try pushTuple(try pop(2))
        case .tuple3: try pushTuple(try pop(3))
        case .emptyList: try push(.list(PickleList()))
        case .list:
            let list = PickleList()
            try append(try popMark(), to: list)
            try push(.list(list))
        case .append:
            let item = try pop()
            try append([item], to: try topList())
        case .appends:
            let items = try popMark()
            try append(items, to: try topList())
        case .emptyDict: try push(.dict(PickleDict()))
        case .dict:
            let dict = PickleDict()
            try setItems(try popMark(), in: dict)
            try push(.dict(dict))
        case .setItem:
            let value = try pop()
            let key = try pop()
            try setItems([key, value], in: try topDict())
        case .setItems:
            let items = try popMark()
            try setItems(items, in: try topDict())
        case .global:
            let module = try readText(line: 256)
            let name = try readText(line: 256)
            try pushGlobal(module: module, name: name)
        case .stackGlobal:
            let name = try pop().value
            let module = try pop().value
            guard case .string(let n) = name, case .string(let m) = module else {
                throw malformed("STACK_GLOBAL needs two str operands")
            }
            try pushGlobal(module: m, name: n)
        case .reduce, .newObj:
            let arguments = try pop()
            let callable = try pop()
            try pushCall(callable, arguments: arguments)
        case .newObjEx:
            let keywords = try pop()
            guard case .dict(let kw) = keywords.value, kw.count == 0 else {
                throw malformed("NEWOBJ_EX with keyword arguments is not supported")
            }
            let arguments = try pop()
            let callable = try pop()
            try pushCall(callable, arguments: arguments)
        case .build:
            let state = try pop()
            try build(state)
        case .binPersID:
            let pid = try pop()
            seal(pid.value)
            try push(.persistentID(pid.value), depth: depth(of: pid) + 1)
        case .binPut: try put(Int(try reader.u8()))
        case .longBinPut: try put(Int(try reader.uintLE(4)))
        case .memoize: try put(memo.count)
        case .binGet: try get(Int(try reader.u8()))
        case .longBinGet: try get(Int(try reader.uintLE(4)))
        }
    }

    func malformed(_ reason: String) -> PyTorchFormatError {
        .malformedPickle(reason: reason, offset: opcodeOffset)
    }

    private func signedLength(_ n: Int32) throws -> Int {
        guard n >= 0 else { throw malformed("negative length \(n)") }
        return Int(n)
    }

    /// A two's complement little-endian integer of `count` bytes (`LONG1` / `LONG4`).
    private mutating func readLong(count: Int) throws -> PickleValue {
        let raw = try reader.slice(count)
        guard let last = raw.last else { return .int(0) }
        let fill: UInt8 = last & 0x80 != 0 ? 0xFF : 0x00
        if raw.count > 8 {
            let byte7 = raw[raw.startIndex + 7]
            guard raw.dropFirst(8).allSatisfy({ $0 == fill }), byte7 & 0x80 == fill & 0x80 else {
                return .bigInt(Array(raw))
            }
        }
        var bits: UInt64 = fill == 0xFF ? ~0 : 0
        for (i, b) in raw.prefix(8).enumerated() {
            let shift = UInt64(8 * i)
            bits = (bits & ~(0xFF << shift)) | UInt64(b) << shift
        }
        return .int(Int64(bitPattern: bits))
    }

    private mutating func readBytes(lengthBytes: Int) throws -> [UInt8] {
        let declared = try reader.uintLE(lengthBytes)
        let count = try reader.length(declared)
        return Array(try reader.slice(count))
    }

    private mutating func readText(lengthBytes: Int) throws -> String {
        let start = reader.offset
        let declared = try reader.uintLE(lengthBytes)
        let count = try reader.length(declared)
        return try utf8(try reader.slice(count), at: start)
    }

    private mutating func readText(line maxLength: Int) throws -> String {
        let start = reader.offset
        return try utf8(try reader.line(maxLength: maxLength), at: start)
    }

    private func utf8(_ raw: ArraySlice<UInt8>, at offset: Int) throws -> String {
        var decoded = ""
        decoded.reserveCapacity(raw.count)
        var iterator = raw.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): decoded.unicodeScalars.append(scalar)
            case .emptyInput: return decoded
            case .error: throw PyTorchFormatError.invalidUTF8(offset: offset)
            }
        }
    }
}
