/// Which replay connection each recorded connection's calls go on when the replay keeps the recording's
/// connections: connections that were in use at the same time in the recording get connections of their
/// own; one that began after another's last call ended takes that one's turn. So a replay holds as many
/// connections open as the recording had in use at once: a recording of 20,000 clients that each made
/// one call, one after another, replays on one connection, not 20,000 opened at the start (which would
/// also pass the process's limit of open files long before).
///
/// A recorded connection is in use from its first call's start to its last call's end. Lanes are numbered
/// in the order they are first used; the assignment depends only on the plan, so every segment of a
/// distributed run agrees on it.
public struct ConnectionLanes: Sendable, Equatable {
    /// The lane of each recorded connection.
    public let lane: [Int: Int]
    /// How many lanes: the most recorded connections in use at once.
    public let count: Int

    /// The lanes of the calls' recorded connections.
    public init(_ calls: [PlannedCall]) {
        // Each connection's span: first start to last end, in recording order of first use.
        var spans: [(connection: Int, start: Duration, end: Duration)] = []
        var index: [Int: Int] = [:]
        for call in calls {
            let end = max(call.endOffset, call.offset)
            if let at = index[call.recordedConnection] {
                spans[at].start = min(spans[at].start, call.offset)
                spans[at].end = max(spans[at].end, end)
            } else {
                index[call.recordedConnection] = spans.count
                spans.append((call.recordedConnection, call.offset, end))
            }
        }
        // Greedy by start: a connection takes the lane free longest ago, or a new one. That uses as few lanes
        // as the most spans that overlap (an interval graph colours with its largest clique).
        let order = spans.indices.sorted { (spans[$0].start, $0) < (spans[$1].start, $1) }
        var free = LaneHeap()
        var lane: [Int: Int] = [:]
        var count = 0
        for position in order {
            let span = spans[position]
            let chosen: Int
            if let earliest = free.peek, earliest.end < span.start {
                chosen = free.pop().lane
            } else {
                chosen = count
                count += 1
            }
            lane[span.connection] = chosen
            free.push((span.end, chosen))
        }
        self.lane = lane
        self.count = max(count, 1)
    }
}

/// A min-heap of lanes by the time they come free (ties by lane number, so the result is deterministic).
private struct LaneHeap {
    private var items: [(end: Duration, lane: Int)] = []

    var peek: (end: Duration, lane: Int)? { items.first }

    private static func less(_ a: (end: Duration, lane: Int), _ b: (end: Duration, lane: Int)) -> Bool {
        (a.end, a.lane) < (b.end, b.lane)
    }

    mutating func push(_ item: (end: Duration, lane: Int)) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (end: Duration, lane: Int) {
        let top = items[0]
        let last = items.removeLast()
        guard !items.isEmpty else { return top }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, Self.less(items[left], items[smallest]) { smallest = left }
            if right < items.count, Self.less(items[right], items[smallest]) { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
