/// The best candidates of one query seen so far, sorted by ascending score.
///
/// With `distinctLabels` a label occurs at most once, at its best score: the list then always
/// holds the `capacity` best labels by their closest row among the rows offered, because a
/// label that is not in the list can only enter with a score below the current worst.
struct CandidateList {
    /// One kept row.
    struct Entry {
        var score: Float
        var row: Int
        var label: Int64
    }

    let capacity: Int
    let distinctLabels: Bool
    private(set) var count = 0
    /// The kept rows in `entries[0..<count]`, by ascending score.
    private(set) var entries: [Entry]
    /// Scores at or above this cannot enter (the worst kept score once the list is full).
    private(set) var threshold: Float = .infinity

    init(capacity: Int, distinctLabels: Bool) {
        self.capacity = capacity
        self.distinctLabels = distinctLabels
        entries = [Entry](repeating: Entry(score: .infinity, row: 0, label: 0), count: capacity)
    }

    /// Offers a row; call only when `score < threshold`.
    mutating func offer(score: Float, row: Int, label: Int64) {
        let n = count, capacity = capacity, distinct = distinctLabels
        // One uniqueness check for the whole insertion (the scan offers often at its start).
        let grown = entries.withUnsafeMutableBufferPointer { e -> Int in
            var slot = n  // where the worst entry leaves from
            if distinct {
                for i in 0..<n where e[i].label == label {
                    if e[i].score <= score { return -1 }
                    slot = i
                    break
                }
            }
            var newCount = n
            if slot == n {
                if n < capacity { newCount = n + 1 } else { slot = n - 1 }
            }
            // Shift worse-scored entries down from `slot` to open the sorted position.
            var i = slot
            while i > 0 && e[i - 1].score > score {
                e[i] = e[i - 1]
                i -= 1
            }
            e[i] = Entry(score: score, row: row, label: label)
            return newCount
        }
        guard grown >= 0 else { return }
        count = grown
        if grown == capacity { threshold = entries[grown - 1].score }
    }

    /// Offers every entry of another list over other rows (the union's best are kept).
    mutating func merge(_ other: CandidateList) {
        for i in 0..<other.count where other.entries[i].score < threshold {
            let e = other.entries[i]
            offer(score: e.score, row: e.row, label: e.label)
        }
    }
}
