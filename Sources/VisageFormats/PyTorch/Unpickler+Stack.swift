// The stack, memo and container operations of ``Unpickler``. Every push checks the stack and
// depth limits; every pop stays above the innermost mark, as CPython's unpickler does.

extension Unpickler {
    func checkStackRoom() throws {
        let count = stack.count + marks.count
        guard count < limits.maxStackCount else {
            throw PyTorchFormatError.pickleLimitExceeded(limit: "stack size", value: count + 1, offset: opcodeOffset)
        }
    }

    func checkDepth(_ depth: Int) throws {
        guard depth <= limits.maxDepth else {
            throw PyTorchFormatError.pickleLimitExceeded(limit: "nesting depth", value: depth, offset: opcodeOffset)
        }
    }

    /// The nesting depth of a stacked value.
    func depth(of slot: Slot) -> Int {
        switch slot.value {
        case .list(let l): return l.depth
        case .dict(let d): return d.depth
        case .object(let o): return o.depth
        default: return slot.depth
        }
    }

    /// Marks a list, dict or object as placed inside another value: it may no longer change.
    func seal(_ value: PickleValue) {
        switch value {
        case .list(let l): l.isSealed = true
        case .dict(let d): d.isSealed = true
        case .object(let o): o.isSealed = true
        default: break
        }
    }

    mutating func push(_ value: PickleValue, depth: Int = 0) throws {
        try push(Slot(value: value, depth: depth))
    }

    mutating func push(_ slot: Slot) throws {
        try checkStackRoom()
        try checkDepth(depth(of: slot))
        stack.append(slot)
    }

    mutating func pop() throws -> Slot {
        guard stack.count > (marks.last ?? 0) else { throw malformed("stack underflow") }
        return stack.removeLast()
    }

    mutating func pop(_ count: Int) throws -> [Slot] {
        guard stack.count - count >= (marks.last ?? 0) else { throw malformed("stack underflow") }
        defer { stack.removeLast(count) }
        return Array(stack.suffix(count))
    }

    func top() throws -> Slot {
        guard stack.count > (marks.last ?? 0), let last = stack.last else {
            throw malformed("stack underflow")
        }
        return last
    }

    /// The values above the innermost mark, removing them and the mark.
    mutating func popMark() throws -> [Slot] {
        guard let mark = marks.popLast() else { throw malformed("no MARK on the stack") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    func topList() throws -> PickleList {
        guard case .list(let list) = try top().value else { throw malformed("APPEND target is not a list") }
        return list
    }

    func topDict() throws -> PickleDict {
        guard case .dict(let dict) = try top().value else { throw malformed("SETITEM target is not a dict") }
        return dict
    }

    mutating func pushTuple(_ items: [Slot]) throws {
        var depth = 1
        for item in items {
            seal(item.value)
            depth = max(depth, self.depth(of: item) + 1)
        }
        try push(Slot(value: .tuple(items.map(\.value)), depth: depth))
    }

    /// Appends to a list that is not nested anywhere. The items are sealed first, so appending
    /// a list to itself (a cycle) fails too.
    func append(_ items: [Slot], to list: PickleList) throws {
        items.forEach { seal($0.value) }
        guard !list.isSealed else { throw malformed("list changed after being nested (self-referencing data)") }
        for item in items {
            let d = depth(of: item) + 1
            try checkDepth(d)
            list.depth = max(list.depth, d)
        }
        list.elements.append(contentsOf: items.map(\.value))
    }

    /// Sets items of a dict that is not nested anywhere; like ``append(_:to:)``, seals first.
    func setItems(_ items: [Slot], in dict: PickleDict) throws {
        guard items.count % 2 == 0 else { throw malformed("odd number of values for SETITEMS") }
        items.forEach { seal($0.value) }
        guard !dict.isSealed else { throw malformed("dict changed after being nested (self-referencing data)") }
        for i in stride(from: 0, to: items.count, by: 2) {
            for slot in items[i...(i + 1)] {
                let d = depth(of: slot) + 1
                try checkDepth(d)
                dict.depth = max(dict.depth, d)
            }
            dict.set(items[i].value, items[i + 1].value)
        }
    }

    mutating func pushGlobal(module: String, name: String) throws {
        let global = PickleGlobal(module: module, name: name)
        guard allowedGlobals.contains(global) else {
            throw PyTorchFormatError.forbiddenGlobal(module: module, name: name, offset: opcodeOffset)
        }
        try push(.global(global))
    }

    /// `REDUCE` / `NEWOBJ`: records the call, or builds the dict for `OrderedDict`.
    mutating func pushCall(_ callable: Slot, arguments: Slot) throws {
        guard case .global(let global) = callable.value else {
            throw malformed("call of \(callable.value.kindDescription), not of a global")
        }
        guard case .tuple(let args) = arguments.value else {
            throw malformed("call arguments are \(arguments.value.kindDescription), not a tuple")
        }
        seal(arguments.value)
        if global == .orderedDict {
            try push(.dict(try orderedDict(args, depth: depth(of: arguments))))
            return
        }
        let object = PickleObject(callable: global, arguments: args, depth: depth(of: arguments) + 1)
        try push(.object(object))
    }

    /// `OrderedDict()` or `OrderedDict([(key, value), ...])`; `depth` is the argument tuple's.
    private func orderedDict(_ args: [PickleValue], depth: Int) throws -> PickleDict {
        let dict = PickleDict()
        guard let first = args.first else { return dict }
        guard args.count == 1, let pairs = first.sequenceElements else {
            throw malformed("OrderedDict takes one sequence of pairs")
        }
        var slots: [Slot] = []
        for pair in pairs {
            guard let kv = pair.sequenceElements, kv.count == 2 else {
                throw malformed("OrderedDict item is not a pair")
            }
            // Each item lies below the argument tuple, so `depth - 1` bounds its depth.
            slots += kv.map { Slot(value: $0, depth: depth - 1) }
        }
        try setItems(slots, in: dict)
        return dict
    }

    /// `BUILD`: attaches the state to the object or dict on top of the stack.
    mutating func build(_ state: Slot) throws {
        seal(state.value)
        let d = depth(of: state) + 1
        try checkDepth(d)
        switch try top().value {
        case .object(let object) where !object.isSealed:
            object.state = state.value
            object.depth = max(object.depth, d)
        case .dict(let dict) where !dict.isSealed:
            dict.state = state.value
            dict.depth = max(dict.depth, d)
        default:
            throw malformed("BUILD target is not an unnested object or dict")
        }
    }

    mutating func put(_ index: Int) throws {
        let slot = try top()
        guard memo[index] != nil || memo.count < limits.maxMemoCount else {
            throw PyTorchFormatError.pickleLimitExceeded(limit: "memo size", value: memo.count + 1, offset: opcodeOffset)
        }
        memo[index] = slot
    }

    mutating func get(_ index: Int) throws {
        guard let slot = memo[index] else { throw malformed("memo entry \(index) is not defined") }
        try push(slot)
    }
}
