/// Structural limits of the unpickler, so a hostile stream cannot exhaust memory or the stack.
///
/// Byte lengths inside the pickle are always checked against the bytes that remain; these
/// limits bound what a small file could otherwise build (deep nesting, huge stacks).
public struct PickleLimits: Sendable, Equatable {
    /// The deepest nesting of tuples, lists, dicts and objects (a state dict needs about 5).
    public var maxDepth: Int
    /// The most values on the stack at once, marks included.
    public var maxStackCount: Int
    /// The most entries in the memo.
    public var maxMemoCount: Int

    /// Creates limits.
    /// - Parameters:
    ///   - maxDepth: nesting limit; values must stay well below what the thread stack survives.
    ///   - maxStackCount: stack size limit.
    ///   - maxMemoCount: memo size limit.
    public init(maxDepth: Int = 128, maxStackCount: Int = 1 << 22, maxMemoCount: Int = 1 << 22) {
        self.maxDepth = maxDepth
        self.maxStackCount = maxStackCount
        self.maxMemoCount = maxMemoCount
    }
}
