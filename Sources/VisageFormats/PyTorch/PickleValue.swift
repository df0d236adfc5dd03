/// A value decoded from a Python pickle, with nothing executed.
///
/// Scalars, text and tuples are values; lists, dicts and reconstructed objects are shared
/// references (``PickleList``, ``PickleDict``, ``PickleObject``) so that a value fetched twice
/// from the pickle memo is one object, as in Python, and costs no copy.
public enum PickleValue {
    /// Python `None`.
    case none
    /// A Python `bool`.
    case bool(Bool)
    /// A Python `int` that fits in 64 bits.
    case int(Int64)
    /// A Python `int` that does not fit in 64 bits: little-endian two's complement bytes.
    case bigInt([UInt8])
    /// A Python `float`.
    case float(Double)
    /// A Python `str`.
    case string(String)
    /// A Python `bytes` or `bytearray`.
    case bytes([UInt8])
    /// A Python `tuple`.
    case tuple([PickleValue])
    /// A Python `list`.
    case list(PickleList)
    /// A Python `dict` or `collections.OrderedDict` (insertion order kept).
    case dict(PickleDict)
    /// A reference to an allow-listed global (a class or function), never resolved or called.
    case global(PickleGlobal)
    /// The recorded call of an allow-listed global (`REDUCE` / `NEWOBJ`), never performed.
    case object(PickleObject)
    /// A persistent id (`BINPERSID`): a reference to data outside the pickle, such as a storage.
    indirect case persistentID(PickleValue)

    /// A short description of the kind of value, for error messages.
    public var kindDescription: String {
        switch self {
        case .none: return "None"
        case .bool: return "a bool"
        case .int, .bigInt: return "an int"
        case .float: return "a float"
        case .string: return "a str"
        case .bytes: return "bytes"
        case .tuple(let t): return "a tuple of \(t.count)"
        case .list(let l): return "a list of \(l.elements.count)"
        case .dict(let d): return "a dict of \(d.count)"
        case .global(let g): return "the global \(g)"
        case .object(let o): return "an object built by \(o.callable)"
        case .persistentID: return "a persistent id"
        }
    }
}

/// A module-qualified global name, such as `collections.OrderedDict`.
public struct PickleGlobal: Hashable, Sendable, CustomStringConvertible {
    /// The module, e.g. `"torch._utils"`.
    public let module: String
    /// The name inside the module, e.g. `"_rebuild_tensor_v2"`.
    public let name: String

    /// Creates a global name.
    /// - Parameters:
    ///   - module: the dotted module path.
    ///   - name: the attribute name inside the module.
    public init(module: String, name: String) {
        self.module = module
        self.name = name
    }

    /// `module.name`.
    public var description: String { "\(module).\(name)" }

    /// `collections.OrderedDict`, which the unpickler turns into a ``PickleDict``.
    public static let orderedDict = PickleGlobal(module: "collections", name: "OrderedDict")
}

/// A Python list decoded from a pickle.
public final class PickleList {
    /// The elements, in order.
    public internal(set) var elements: [PickleValue]
    /// The nesting depth of this list and everything in it (an empty list has depth 1).
    public internal(set) var depth: Int = 1
    /// Set once the list is placed inside another value; it may not change after that.
    var isSealed = false

    init(elements: [PickleValue] = []) {
        self.elements = elements
    }
}

/// A Python dict (or `OrderedDict`) decoded from a pickle, keeping insertion order.
public final class PickleDict {
    /// The items in insertion order; setting an existing str or int key replaces its value.
    public private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    /// The state given by a `BUILD` opcode (an `OrderedDict`'s attributes, such as
    /// `_metadata` of a PyTorch state dict), if any.
    public internal(set) var state: PickleValue?
    /// The nesting depth of this dict and everything in it (an empty dict has depth 1).
    public internal(set) var depth: Int = 1
    /// Set once the dict is placed inside another value; it may not change after that.
    var isSealed = false
    private var index: [PickleHashKey: Int] = [:]

    init() {}

    /// The number of items.
    public var count: Int { entries.count }

    /// The value stored under a string key, if any.
    public subscript(key: String) -> PickleValue? {
        guard let i = index[.string(key)] else { return nil }
        return entries[i].value
    }

    func set(_ key: PickleValue, _ value: PickleValue) {
        let hashKey: PickleHashKey?
        switch key {
        case .string(let s): hashKey = .string(s)
        case .int(let i): hashKey = .int(i)
        default: hashKey = nil
        }
        if let hashKey, let i = index[hashKey] {
            entries[i].value = value
            return
        }
        if let hashKey { index[hashKey] = entries.count }
        entries.append((key, value))
    }
}

/// The recorded call of an allow-listed global: `callable(*arguments)` then `__setstate__(state)`.
///
/// Nothing is called: the reader that asked for the global interprets the arguments itself.
public final class PickleObject {
    /// The class or function the pickle would call.
    public let callable: PickleGlobal
    /// The positional arguments.
    public let arguments: [PickleValue]
    /// The state given by a `BUILD` opcode, if any.
    public internal(set) var state: PickleValue?
    /// The nesting depth of this object and everything in it.
    public internal(set) var depth: Int
    /// Set once the object is placed inside another value; it may not change after that.
    var isSealed = false

    init(callable: PickleGlobal, arguments: [PickleValue], depth: Int) {
        self.callable = callable
        self.arguments = arguments
        self.depth = depth
    }
}

/// Keys a ``PickleDict`` can look up in constant time.
enum PickleHashKey: Hashable {
    case string(String)
    case int(Int64)
}

extension PickleValue {
    /// The integer, if this is an `int` that fits in 64 bits.
    public var intValue: Int64? {
        if case .int(let v) = self { return v }
        return nil
    }

    /// The text, if this is a `str`.
    public var stringValue: String? {
        if case .string(let v) = self { return v }
        return nil
    }

    /// The elements, if this is a `tuple` or a `list`.
    public var sequenceElements: [PickleValue]? {
        switch self {
        case .tuple(let t): return t
        case .list(let l): return l.elements
        default: return nil
        }
    }
}
