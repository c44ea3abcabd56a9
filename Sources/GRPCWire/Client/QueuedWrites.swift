import NIOCore

/// Writes made before a call has its stream. Most calls queue exactly one (the request of a unary or
/// server-streaming call), so one is held inline and only more spill into an array.
struct QueuedWrites {
    struct Write {
        var message: ByteBuffer?
        var endStream: Bool
        var promise: EventLoopPromise<Void>?
    }

    private var first: Write?
    private var rest: [Write] = []

    var isEmpty: Bool { first == nil }

    mutating func append(_ write: Write) {
        if first == nil {
            first = write
        } else {
            rest.append(write)
        }
    }

    /// Removes and returns every write, in order.
    mutating func removeAll() -> (first: Write?, rest: [Write]) {
        defer {
            first = nil
            rest = []
        }
        return (first, rest)
    }
}
