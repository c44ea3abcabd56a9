import Foundation

/// `reprise record` run as a subprocess, as a user runs it: started with `--listen 127.0.0.1:0`, its port
/// read from the "listening on" line it prints on stderr, stopped with real signals.
public final class RecordProcess: @unchecked Sendable {
    public let process: Process
    public let port: Int
    public let out: String
    private let collector: StderrCollector

    public var target: String { "127.0.0.1:\(port)" }
    /// What it printed on stderr so far.
    public var stderrText: String { collector.text }

    /// Starts recording to `out`, forwarding to `127.0.0.1:upstreamPort`, with `arguments` added.
    public init(upstreamPort: Int, out: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        self.out = out
        process = Process()
        process.executableURL = URL(fileURLWithPath: try RepriseExecutable.path())
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.arguments =
            ["record", "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:\(upstreamPort)", "--out", out]
            + arguments
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        collector = StderrCollector()
        let collector = self.collector
        collector.collect(from: stderr.fileHandleForReading)
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        while found == nil, Date() < deadline, process.isRunning {
            found = Self.port(in: collector.text)
            if found == nil { usleep(20_000) }
        }
        guard let found else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw RecordProcessFailed(stderr: collector.text)
        }
        port = found
    }

    private static func port(in text: String) -> Int? {
        guard let range = text.range(of: "listening on 127.0.0.1:") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// Sends `signal` (SIGINT, SIGTERM).
    public func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits (up to `timeout`) for the process to exit and returns its status; nil if it did not.
    public func exitStatus(timeout: Duration = .seconds(20)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }

    /// The recording's text so far.
    public var recordingText: String { (try? String(contentsOfFile: out, encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

/// `reprise record` did not say where it listens.
public struct RecordProcessFailed: Error, CustomStringConvertible {
    public var stderr: String
    public var description: String { "reprise record did not print its listen address; stderr:\n\(stderr)" }
}
