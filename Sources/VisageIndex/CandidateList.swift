/// The best candidates of one query seen so far, sorted by ascending score.
///
/// With `distinctLabels` a label occurs at most once, at its best score: the list then always
/// holds the `capacity` best labels by their closest row among the rows offered, because a
/// label that is not in the list can only enter with a score below the current worst.
struct CandidateList {
    let capacity: Int
    let distinctLabels: Bool
    private(set) var count = 0
    private(set) var scores: [Float]
    private(set) var rows: [Int]
    private(set) var labels: [Int64]
    /// Scores at or above this cannot enter (the worst kept score once the list is full).
    private(set) var threshold: Float = .infinity

    init(capacity: Int, distinctLabels: Bool) {
        self.capacity = capacity
        self.distinctLabels = distinctLabels
        scores = [Float](repeating: .infinity, count: capacity)
        rows = [Int](repeating: 0, count: capacity)
        labels = [Int64](repeating: 0, count: capacity)
    }

    /// Offers a row; call only when `score < threshold`.
    mutating func offer(score: Float, row: Int, label: Int64) {
        var slot = count  // where the worst entry leaves from
        if distinctLabels {
            for i in 0..<count where labels[i] == label {
                if scores[i] <= score { return }
                slot = i
                break
            }
        }
        if slot == count {
            if count < capacity { count += 1 } else { slot = count - 1 }
        }
        // Shift better-scored entries down from `slot` to open the sorted position.
        var i = slot
        while i > 0 && scores[i - 1] > score {
            scores[i] = scores[i - 1]
            rows[i] = rows[i - 1]
            labels[i] = labels[i - 1]
            i -= 1
        }
        scores[i] = score
        rows[i] = row
        labels[i] = label
        if count == capacity { threshold = scores[count - 1] }
    }

    /// Offers every entry of another list over other rows (the union's best are kept).
    mutating func merge(_ other: CandidateList) {
        for i in 0..<other.count where other.scores[i] < threshold {
            offer(score: other.scores[i], row: other.rows[i], label: other.labels[i])
        }
    }
}
