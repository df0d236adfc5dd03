/// The set of removed rows, one bit per global row number.
struct Tombstones {
    private(set) var words: [UInt64] = []
    /// The number of removed rows.
    private(set) var count = 0

    /// Whether `row` is removed.
    @inline(__always)
    func contains(_ row: Int) -> Bool {
        let w = row >> 6
        return w < words.count && words[w] & (1 << UInt64(row & 63)) != 0
    }

    /// Marks `row` removed; returns `false` when it already was.
    mutating func insert(_ row: Int) -> Bool {
        let w = row >> 6
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: w + 1 - words.count)) }
        let bit: UInt64 = 1 << UInt64(row & 63)
        if words[w] & bit != 0 { return false }
        words[w] |= bit
        count += 1
        return true
    }

    /// Forgets every removal (after compaction renumbers the rows).
    mutating func removeAll() {
        words = []
        count = 0
    }

    /// Bytes allocated.
    var allocatedBytes: Int { words.count * 8 }
}
