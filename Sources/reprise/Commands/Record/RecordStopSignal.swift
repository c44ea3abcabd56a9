import Dispatch
import Foundation
import Proxy
import Recording
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why `reprise record` stops.
enum StopReason: Sendable {
    /// SIGINT or SIGTERM (named).
    case signal(String)
    /// Writing the recording failed.
    case failure(RecordingWriteError)
}

/// SIGINT and SIGTERM for `reprise record`: the first asks for a graceful stop, the second exits at once
/// after the writer has finished the line it is writing (so the file ends with a whole line).
final class RecordStopSignal: Sendable {
    private struct State {
        var signals = 0
        var reason: StopReason?
        var waiter: CheckedContinuation<StopReason, Never>?
        var recorder: ProxyRecorder?
        var console: RecordConsole?
    }

    private let state = Mutex(State())
    // Kept alive for the life of the command; dispatch sources are only touched here.
    private nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []

    /// Takes over SIGINT and SIGTERM.
    func install(recorder: ProxyRecorder, console: RecordConsole) {
        state.withLock {
            $0.recorder = recorder
            $0.console = console
        }
        for (number, name) in [(SIGINT, "interrupted"), (SIGTERM, "terminated")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in received(name) }
            source.resume()
            sources.append(source)
        }
    }

    private func received(_ name: String) {
        let (count, recorder, console) = state.withLock { state in
            state.signals += 1
            return (state.signals, state.recorder, state.console)
        }
        guard count > 1 else {
            trigger(.signal(name))
            return
        }
        recorder?.stopNow()
        console?.endLiveLine()
        console?.error("stopped at once; every line written so far is intact (the calls in flight have no end event)")
        exit(130)
    }

    /// Asks the command to stop (the first reason wins).
    func trigger(_ reason: StopReason) {
        let waiter = state.withLock { state -> CheckedContinuation<StopReason, Never>? in
            guard state.reason == nil else { return nil }
            state.reason = reason
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: reason)
    }

    /// Waits for a stop request.
    func wait() async -> StopReason {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> StopReason? in
                if let reason = state.reason { return reason }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
