/// Finds the tensors in an unpickled checkpoint, in order, with dotted names.
///
/// The root must be a dict. A nested dict, list or tuple contributes its tensors under
/// `outer.inner` names (list items under their index), so `{"model": state_dict, "epoch": 3}`
/// yields `model.conv1.weight`, ...; plain scalars and text are skipped. Anything else is an
/// error that names the key.
///
/// The walk is bounded by the file size: each visited item costs one unit plus one per 16
/// bytes of its name, and a file of `n` bytes allows `4n + 4096` units. A pickle visits each
/// item once and stores its keys, so honest files stay far below; a hostile one that shares
/// one sub-dict everywhere (a DAG) cannot make the walk or the names grow without bound.
enum PyTorchStateDict {
    static func tensorSpecs(in root: PickleValue, fileSize: Int) throws -> [PyTorchTensorSpec] {
        guard case .dict = root else {
            throw PyTorchFormatError.unsupportedValue(key: "<root>", found: root.kindDescription)
        }
        var walk = Walk(budget: 4 * fileSize + 4096)
        try walk.visit(root, name: "")
        return walk.specs
    }

    private struct Walk {
        let budget: Int
        var specs: [PyTorchTensorSpec] = []
        var names: Set<String> = []
        var spent = 0

        init(budget: Int) {
            self.budget = budget
        }

        mutating func visit(_ value: PickleValue, name: String) throws {
            spent += 1 + name.utf8.count / 16
            guard spent <= budget else {
                throw PyTorchFormatError.unsupportedValue(key: name, found: "more nested items or longer names than a file of this size can hold")
            }
            switch value {
            case .none, .bool, .int, .bigInt, .float, .string, .bytes:
                return
            case .dict(let dict):
                for (key, item) in dict.entries {
                    let part: String
                    switch key {
                    case .string(let s): part = s
                    case .int(let i): part = String(i)
                    default: throw PyTorchFormatError.unsupportedValue(key: name, found: "a dict key that is \(key.kindDescription)")
                    }
                    try visit(item, name: name.isEmpty ? part : name + "." + part)
                }
            case .tuple, .list:
                for (i, item) in (value.sequenceElements ?? []).enumerated() {
                    try visit(item, name: name.isEmpty ? String(i) : name + "." + String(i))
                }
            case .object(let object) where PyTorchTensorSpec.isTensor(object):
                guard names.insert(name).inserted else {
                    throw PyTorchFormatError.malformedTensor(name: name, reason: "two tensors have this name")
                }
                specs.append(try PyTorchTensorSpec(name: name, object: object))
            case .object, .global, .persistentID:
                throw PyTorchFormatError.unsupportedValue(key: name, found: value.kindDescription)
            }
        }
    }
}
