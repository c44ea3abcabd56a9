import Foundation
import Proxy
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `reprise record` prints on stderr: start-up lines, warnings (at most 20 a minute), and progress:
/// a live line on a terminal, otherwise a line every 10 seconds while calls are being recorded.
final class RecordConsole: Sendable {
    private struct State {
        var liveLine = false
        var warningsThisMinute = 0
        var minuteStart = ContinuousClock.now
        var suppressed = 0
    }

    let quiet: Bool
    let isTerminal = isatty(STDERR_FILENO) != 0
    private let state = Mutex(State())

    init(quiet: Bool) { self.quiet = quiet }

    private func emit(_ text: String) {
        state.withLock { state in
            var line = state.liveLine ? "\r\u{1B}[K" : ""
            state.liveLine = false
            line += text + "\n"
            StandardStream.error.write(line)
        }
    }

    func info(_ text: String) {
        guard !quiet else { return }
        emit("reprise record: \(text)")
    }

    func error(_ text: String) { emit("reprise record: \(text)") }

    func warn(_ text: String) {
        let (show, suppressed) = state.withLock { state -> (Bool, Int) in
            if ContinuousClock.now - state.minuteStart > .seconds(60) {
                state.minuteStart = .now
                state.warningsThisMinute = 0
            }
            state.warningsThisMinute += 1
            guard state.warningsThisMinute <= 20 else {
                state.suppressed += 1
                return (false, 0)
            }
            defer { state.suppressed = 0 }
            return (true, state.suppressed)
        }
        guard show else { return }
        if suppressed > 0 { emit("reprise record: (\(suppressed) more warnings were not shown)") }
        emit("reprise record: warning: \(text)")
    }

    func explainTrust(_ ca: LocalCertificateAuthority, address: String) {
        guard !quiet else { return }
        let pem = ca.certificatePath
        if ca.wasCreated {
            info("made a local CA in \(ca.directory) (its key, ca.key, is readable only by you)")
        }
        emit(
            """
            reprise record: clients must trust the local CA certificate \(pem), e.g.:
              grpcurl -cacert \(pem) \(address) list
              python:  grpc.secure_channel("\(address)", grpc.ssl_channel_credentials(open("\(pem)", "rb").read()))
              k6:      client.connect("\(address)", { tls: { cacerts: [open("\(pem)")] } })
              go:      credentials.NewClientTLSFromFile("\(pem)", "")
            """)
    }

    func endLiveLine() {
        state.withLock { state in
            if state.liveLine { StandardStream.error.write("\n") }
            state.liveLine = false
        }
    }

    /// Prints progress until cancelled.
    func progress(recorder: ProxyRecorder, proxy: ProxyServer) async {
        guard !quiet else { return }
        var lastCalls = -1
        var lastPrinted = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: isTerminal ? .milliseconds(500) : .seconds(1))
            if Task.isCancelled { return }
            let statistics = recorder.statistics
            let text =
                "\(statistics.calls) call(s) recorded, \(statistics.openCalls) in flight, \(statistics.messages) "
                + "message(s), \(Self.bytes(statistics.bytesWritten)) written, \(proxy.connectionCount) connection(s)"
            if isTerminal {
                state.withLock { state in
                    StandardStream.error.write("\r\u{1B}[K\(text)")
                    state.liveLine = true
                }
            } else if statistics.calls != lastCalls, ContinuousClock.now - lastPrinted >= .seconds(10) {
                lastCalls = statistics.calls
                lastPrinted = .now
                emit("reprise record: \(text)")
            }
        }
    }

    static func bytes(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        if count < 1024 * 1024 { return String(format: "%.1f KiB", Double(count) / 1024) }
        return String(format: "%.1f MiB", Double(count) / 1024 / 1024)
    }
}
