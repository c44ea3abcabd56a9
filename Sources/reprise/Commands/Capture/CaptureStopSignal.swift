import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGINT and SIGTERM during `reprise capture`: the capture loop sees the signal within its read timeout
/// and ends the recording.
final class CaptureStopSignal: Sendable {
    /// 0 until a signal comes, then its index in ``names`` plus one (read once per packet: an atomic).
    private let signalled = Atomic<Int>(0)
    private static let names = ["interrupted", "terminated"]
    // Kept alive for the life of the command; dispatch sources are only touched here.
    private nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []

    /// The signal that arrived (`interrupted`, `terminated`), if any.
    var received: String? {
        let value = signalled.load(ordering: .relaxed)
        return value == 0 ? nil : Self.names[value - 1]
    }

    func install() {
        for (index, number) in [SIGINT, SIGTERM].enumerated() {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                _ = signalled.compareExchange(expected: 0, desired: index + 1, ordering: .relaxed)
            }
            source.resume()
            sources.append(source)
        }
    }
}
