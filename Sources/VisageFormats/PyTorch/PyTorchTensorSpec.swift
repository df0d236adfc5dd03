/// A storage as named by a PyTorch persistent id:
/// `('storage', torch.<Type>Storage, key, location, count[, view_metadata])`.
///
/// `count` is the root storage's element count; legacy checkpoints may add
/// `view_metadata = (view_key, offset, count)` to expose a slice of the root storage.
struct PyTorchStorageReference: Equatable {
    let key: String
    let dataType: PyTorchDataType
    /// Elements in the root storage.
    let count: Int
    /// The elements of the root storage this reference exposes (the whole storage unless a view).
    let window: Range<Int>

    init(persistentID: PickleValue) throws {
        guard case .persistentID(let pid) = persistentID, let parts = pid.sequenceElements,
              parts.count == 5 || parts.count == 6, parts[0].stringValue == "storage" else {
            throw PyTorchFormatError.malformedStorage(
                key: "?", reason: "expected ('storage', type, key, location, count), found \(persistentID.kindDescription)")
        }
        let key: String
        switch parts[2] {
        case .string(let s): key = s
        case .int(let i): key = String(i)
        default: throw PyTorchFormatError.malformedStorage(key: "?", reason: "storage key is \(parts[2].kindDescription)")
        }
        guard case .global(let type) = parts[1] else {
            throw PyTorchFormatError.malformedStorage(key: key, reason: "storage type is \(parts[1].kindDescription)")
        }
        guard let dataType = PyTorchDataType(storageTypeName: type.name) else {
            throw PyTorchFormatError.unsupportedDataType(storageType: type.description)
        }
        guard let count = parts[4].intValue.flatMap({ Int(exactly: $0) }), count >= 0 else {
            throw PyTorchFormatError.malformedStorage(key: key, reason: "element count is \(parts[4].kindDescription)")
        }
        var window = 0..<count
        if parts.count == 6 {
            switch parts[5] {
            case .none:
                break
            case .tuple(let view):
                guard view.count == 3, let start = view[1].intValue.flatMap({ Int(exactly: $0) }),
                      let length = view[2].intValue.flatMap({ Int(exactly: $0) }),
                      start >= 0, length >= 0, start <= count, length <= count - start else {
                    throw PyTorchFormatError.malformedStorage(key: key, reason: "view metadata lies outside the storage")
                }
                window = start..<(start + length)
            default:
                throw PyTorchFormatError.malformedStorage(key: key, reason: "view metadata is \(parts[5].kindDescription)")
            }
        }
        self.key = key
        self.dataType = dataType
        self.count = count
        self.window = window
    }
}

/// How to rebuild one tensor: its storage, first element, extents and strides (in elements).
struct PyTorchTensorSpec {
    let name: String
    let storage: PyTorchStorageReference
    let offset: Int
    let shape: [Int]
    let strides: [Int]

    static let rebuildTensorV2 = PickleGlobal(module: "torch._utils", name: "_rebuild_tensor_v2")
    static let rebuildTensor = PickleGlobal(module: "torch._utils", name: "_rebuild_tensor")
    static let rebuildParameter = PickleGlobal(module: "torch._utils", name: "_rebuild_parameter")
    static let rebuildParameterWithState = PickleGlobal(module: "torch._utils", name: "_rebuild_parameter_with_state")

    /// Whether `object` is a tensor or parameter rebuild this type understands.
    static func isTensor(_ object: PickleObject) -> Bool {
        [rebuildTensorV2, rebuildTensor, rebuildParameter, rebuildParameterWithState].contains(object.callable)
    }

    /// Interprets a recorded `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
    /// hooks[, metadata])`, `_rebuild_tensor(storage, offset, size, stride)` or
    /// `_rebuild_parameter(tensor, requires_grad, hooks[, state])`.
    init(name: String, object: PickleObject) throws {
        var object = object
        if object.callable == Self.rebuildParameter || object.callable == Self.rebuildParameterWithState {
            guard case .object(let inner)? = object.arguments.first, inner.callable == Self.rebuildTensorV2
                    || inner.callable == Self.rebuildTensor else {
                throw PyTorchFormatError.malformedTensor(name: name, reason: "parameter does not wrap a tensor")
            }
            object = inner
        }
        let args = object.arguments
        let expected = object.callable == Self.rebuildTensor ? 4...4 : 6...7
        guard expected.contains(args.count) else {
            throw PyTorchFormatError.malformedTensor(name: name, reason: "\(object.callable) got \(args.count) arguments")
        }
        func integers(_ value: PickleValue, _ what: String) throws -> [Int] {
            guard let items = value.sequenceElements, items.count <= 32 else {
                throw PyTorchFormatError.malformedTensor(name: name, reason: "\(what) is \(value.kindDescription)")
            }
            return try items.map {
                guard let v = $0.intValue.flatMap({ Int(exactly: $0) }), v >= 0 else {
                    throw PyTorchFormatError.malformedTensor(name: name, reason: "\(what) holds \($0.kindDescription) or a negative value")
                }
                return v
            }
        }
        self.name = name
        self.storage = try PyTorchStorageReference(persistentID: args[0])
        guard let offset = args[1].intValue.flatMap({ Int(exactly: $0) }), offset >= 0 else {
            throw PyTorchFormatError.malformedTensor(name: name, reason: "storage offset is \(args[1].kindDescription)")
        }
        self.offset = offset
        self.shape = try integers(args[2], "size")
        self.strides = try integers(args[3], "stride")
        guard shape.count == strides.count else {
            throw PyTorchFormatError.malformedTensor(name: name, reason: "size \(shape) and stride \(strides) differ in rank")
        }
    }
}
