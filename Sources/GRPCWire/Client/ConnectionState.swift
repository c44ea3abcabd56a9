import Synchronization

/// What other threads may read about a connection (for the pool and for callers): whether it takes new
/// calls and how many streams it has open. Written only by the connection's event loop.
final class ConnectionState: Sendable {
    private let acceptingCalls = Atomic<Bool>(true)
    private let streams = Atomic<Int>(0)

    var isAcceptingCalls: Bool { acceptingCalls.load(ordering: .relaxed) }
    var openStreams: Int { streams.load(ordering: .relaxed) }

    func stopAcceptingCalls() { acceptingCalls.store(false, ordering: .relaxed) }
    func streamOpened() { streams.add(1, ordering: .relaxed) }
    func streamClosed() { streams.subtract(1, ordering: .relaxed) }
}
