import Foundation

/// A long-running peer (a grpcio server, a C++ server...) started for a test: it prints `PORT <n>` on its
/// first stdout line once it listens; it stops when the value is released (stdin closed, then SIGTERM).
public final class PeerProcess: @unchecked Sendable {
    /// The port the peer printed.
    public let port: Int
    private let process: Process
    private let stdin: Pipe
    private let stderrCollector: StderrCollector

    /// Starts `command` and waits (up to `timeout`) for its `PORT <n>` line.
    public init(_ command: [String], environment: [String: String] = [:], timeout: Duration = .seconds(30)) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let stdout = Pipe()
        let stderr = Pipe()
        stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        stderrCollector = StderrCollector()
        let collector = stderrCollector
        collector.collect(from: stderr.fileHandleForReading)
        try process.run()

        let found = DispatchSemaphore(value: 0)
        let portBox = StderrCollector()
        DispatchQueue.global().async {
            var line = Data()
            while true {
                let byte = stdout.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { break }
                line.append(byte)
            }
            portBox.append(line)
            found.signal()
        }
        let seconds = Double(timeout.components.seconds)
        let line = found.wait(timeout: .now() + seconds) == .success ? portBox.text : ""
        guard let port = Self.port(in: line) else {
            process.terminate()
            process.waitUntilExit()
            throw PeerStartFailed(command: command, output: line, stderr: collector.text)
        }
        self.port = port
    }

    /// The port a peer's first line names: `PORT <n>`, or `... listening on HOST:PORT ...` (as `reprise
    /// demo-server` says it).
    static func port(in line: String) -> Int? {
        if line.hasPrefix("PORT ") { return Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) }
        guard let range = line.range(of: "listening on ") else { return nil }
        let address = line[range.upperBound...].prefix { $0 != " " }
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...])
    }

    /// The peer's process id (to signal it: SIGSTOP makes a server that stops reading and never closes).
    public var processIdentifier: Int32 { process.processIdentifier }

    /// What the peer wrote on stderr so far.
    public var stderrText: String { stderrCollector.text }

    /// Stops the peer now (closing stdin first so it can exit cleanly).
    public func stop() {
        guard process.isRunning else { return }
        try? stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// Kills the peer with SIGKILL, as a crash would: no GOAWAY, no trailers, just a closed socket.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// The peer did not print its port.
public struct PeerStartFailed: Error, CustomStringConvertible {
    public var command: [String]
    public var output: String
    public var stderr: String
    public var description: String {
        "`\(command.joined(separator: " "))` did not print `PORT <n>` (got \"\(output)\")\nstderr:\n\(stderr)"
    }
}

/// Bytes a child process wrote, gathered from its pipe's handler thread.
final class StderrCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ more: Data) {
        lock.lock()
        data.append(more)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }

    /// Appends what `handle` (a child's stderr pipe) delivers until its end, read by a thread of its own
    /// with blocking reads. Not `readabilityHandler`: on Linux the dispatch read source behind it can
    /// outlive the pipe's descriptor when the pipe is torn down, and libdispatch then crashes the whole test
    /// process draining it (`_dispatch_event_loop_drain`, a bad pointer; seen in this suite's CI, and
    /// swift-corelibs-foundation PR #5507 reproduces it).
    func collect(from handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                append(data)
            }
        }
        thread.name = "stderr-reader"
        thread.start()
    }
}
