import Synchronization

/// Bytes sent and received on the TCP connections that share it (TLS records and HTTP/2 framing included),
/// the numbers behind k6's `data_sent` and `data_received`. Safe to read from any thread.
public final class ByteCounter: Sendable {
    private let sentBytes = Atomic<Int>(0)
    private let receivedBytes = Atomic<Int>(0)

    /// A counter at zero.
    public init() {}

    /// Bytes written to sockets so far.
    public var sent: Int { sentBytes.load(ordering: .relaxed) }
    /// Bytes read from sockets so far.
    public var received: Int { receivedBytes.load(ordering: .relaxed) }

    /// Returns the counts and sets both to zero, as k6 does at the end of each iteration.
    public func take() -> (sent: Int, received: Int) {
        (sentBytes.exchange(0, ordering: .relaxed), receivedBytes.exchange(0, ordering: .relaxed))
    }

    func addSent(_ count: Int) { sentBytes.add(count, ordering: .relaxed) }
    func addReceived(_ count: Int) { receivedBytes.add(count, ordering: .relaxed) }
}
