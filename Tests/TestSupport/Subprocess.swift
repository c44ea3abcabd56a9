import Foundation

/// The result of a finished child process.
public struct ProcessOutput: Sendable {
    /// The exit status, or the signal that ended the process when `signalled`.
    public var status: Int32
    public var stdout: Data
    public var stderr: Data
    public var signalled = false
    /// "exited with N" or "was killed by signal N".
    public var ending: String { signalled ? "was killed by signal \(status)" : "exited with \(status)" }
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// A child process that exited with an unexpected status.
public struct ProcessFailed: Error, CustomStringConvertible {
    public var command: [String]
    public var output: ProcessOutput

    public init(command: [String], output: ProcessOutput) {
        self.command = command
        self.output = output
    }

    public var description: String {
        "`\(command.joined(separator: " "))` \(output.ending)\nstderr:\n\(output.stderrText)\nstdout:\n\(output.stdoutText.prefix(4000))"
    }
}

/// Runs child processes for tests: peers (protoc, python, k6) and the `reprise` binary itself.
public enum Subprocess {
    /// Runs `command` to completion, feeding `input` on stdin, and returns its status and output.
    /// Output is read concurrently so large outputs never deadlock on a full pipe.
    @discardableResult
    public static func run(
        _ command: [String],
        input: Data? = nil,
        environment: [String: String] = [:],
        currentDirectory: URL? = nil,
        timeout: Duration = .seconds(120)
    ) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let outPipe = Pipe()
        let errPipe = Pipe()
        let inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        try process.run()

        let collected = OutputCollector()
        let group = DispatchGroup()
        for (pipe, isOut) in [(outPipe, true), (errPipe, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(data, isOut: isOut)
                group.leave()
            }
        }
        DispatchQueue.global().async {
            if let input { try? inPipe.fileHandleForWriting.write(contentsOf: input) }
            try? inPipe.fileHandleForWriting.close()
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        if group.wait(timeout: .now() + seconds) == .timedOut {
            process.terminate()
            group.wait()
            process.waitUntilExit()
            throw ProcessFailed(command: command, output: collected.output(status: -1))
        }
        process.waitUntilExit()
        var output = collected.output(status: process.terminationStatus)
        output.signalled = process.terminationReason == .uncaughtSignal
        return output
    }

    /// Runs `command` to completion like the synchronous `run`, on a thread of its own: waiting for a
    /// child process (k6, protoc, `reprise` itself) then never holds one of the few threads Swift
    /// concurrency has, which on a 2-core machine would stall every other test in the process.
    @discardableResult
    public static func run(
        _ command: [String],
        input: Data? = nil,
        environment: [String: String] = [:],
        currentDirectory: URL? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> ProcessOutput {
        try await offThread {
            try run(
                command, input: input, environment: environment, currentDirectory: currentDirectory, timeout: timeout)
        }
    }

    /// `check`, on a thread of its own (see the async `run`).
    @discardableResult
    public static func check(
        _ command: [String],
        input: Data? = nil,
        environment: [String: String] = [:],
        currentDirectory: URL? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> ProcessOutput {
        try await offThread {
            try check(
                command, input: input, environment: environment, currentDirectory: currentDirectory, timeout: timeout)
        }
    }

    /// Runs blocking `work` on a new thread and resumes with its result.
    public static func offThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.start()
        }
    }

    /// Runs `command` and throws `ProcessFailed` unless it exits with status 0.
    @discardableResult
    public static func check(
        _ command: [String],
        input: Data? = nil,
        environment: [String: String] = [:],
        currentDirectory: URL? = nil,
        timeout: Duration = .seconds(120)
    ) throws -> ProcessOutput {
        let output = try run(
            command, input: input, environment: environment, currentDirectory: currentDirectory, timeout: timeout)
        guard output.status == 0 else { throw ProcessFailed(command: command, output: output) }
        return output
    }
}

private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    func set(_ data: Data, isOut: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isOut { out = data } else { err = data }
    }

    func output(status: Int32) -> ProcessOutput {
        lock.lock()
        defer { lock.unlock() }
        return ProcessOutput(status: status, stdout: out, stderr: err)
    }
}

extension Subprocess {
    /// How a process whose standard output had no reader ended.
    public struct WithoutAReader: Sendable, CustomStringConvertible {
        /// The exit status, or the signal that ended it.
        public var status: Int32
        /// Whether a signal ended it.
        public var signalled: Bool
        /// What it wrote on standard error.
        public var stderr: String

        /// Ended as a Unix tool ends when its reader has gone: SIGPIPE, or exit status 141 (128 + SIGPIPE)
        /// where SIGPIPE is ignored.
        public var brokenPipe: Bool { signalled ? status == SIGPIPE : status == 128 + SIGPIPE }

        public var description: String { "\(signalled ? "signal" : "status") \(status), stderr: \(stderr)" }
    }

    /// Runs `command` with a standard output whose reading end is closed before it starts (as after
    /// `| head` has exited): every write it makes there fails with EPIPE.
    public static func runWithoutAReader(_ command: [String], currentDirectory: URL = Repository.root) throws
        -> WithoutAReader
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = currentDirectory
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try output.fileHandleForReading.close()
        try process.run()
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return WithoutAReader(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            stderr: String(decoding: said, as: UTF8.self))
    }
}
