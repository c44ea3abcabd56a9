import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ctrl-C (or SIGTERM) during `reprise health --watch`: exits at once with the code of the last status.
final class HealthInterrupt: Sendable {
    private let code: @Sendable () -> HealthExitCode
    // Kept alive for the life of the command; dispatch sources are only touched here.
    private nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []

    init(code: @escaping @Sendable () -> HealthExitCode) { self.code = code }

    func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in exit(code().rawValue) }
            source.resume()
            sources.append(source)
        }
    }
}
