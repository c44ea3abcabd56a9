import Foundation
import TestSupport

/// `reprise capture` run as a subprocess, as a user runs it: started, waited for until it says it
/// captures, stopped by its own limits or a signal.
final class CaptureProcess: @unchecked Sendable {
    private let process = Process()
    /// stderr goes to a file, read whole whenever asked.
    private let log: String

    /// Starts `reprise capture` with `arguments`; `log` is where its stderr goes.
    init(_ arguments: [String], log: String) throws {
        self.log = log
        let command = try UnmaskedSignals.command([try RepriseExecutable.path(), "capture"] + arguments)
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    var stderrText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Waits until stderr says it captures (or the process ended); false if it never did.
    func waitUntilCapturing(timeout: Duration = .seconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !stderrText.contains("capturing on"), process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return stderrText.contains("capturing on")
    }

    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits (up to `timeout`) for the process to exit and returns its status; nil if it did not.
    func exitStatus(timeout: Duration = .seconds(30)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
