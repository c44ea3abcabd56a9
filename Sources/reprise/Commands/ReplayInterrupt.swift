import Dispatch
import Foundation
import Replay
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGINT and SIGTERM during `reprise replay`: the first stops new calls (calls in flight finish, the
/// summary, report and outputs are still written, as k6 does on its first Ctrl-C); the second exits at once.
final class ReplayInterrupt: Sendable {
    private let count = Atomic<Int>(0)
    // Kept alive for the life of the command; dispatch sources are only touched here.
    private nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []

    /// Whether SIGINT or SIGTERM arrived: the run then exits with ``ReplayExitCode/interrupted``, never 0.
    var interrupted: Bool { count.load(ordering: .relaxed) > 0 }

    /// Takes over SIGINT and SIGTERM, raising `stop` on the first.
    func install(stop: Replayer.StopSignal) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                if count.wrappingAdd(1, ordering: .relaxed).newValue > 1 {
                    StandardStream.error.write("reprise replay: stopped at once\n")
                    exit(ReplayExitCode.interrupted.rawValue)
                }
                StandardStream.error.write(
                    "reprise replay: stopping: no new calls, waiting for those in flight (again to quit now)\n")
                stop.stop()
            }
            source.resume()
            sources.append(source)
        }
    }
}
