import Foundation
import TestSupport

/// Whether tcpdump can capture here: it must be installed and the tests must run as root (CI does). Tests
/// that need a capture are disabled with this reason otherwise, never passed silently.
enum CaptureAvailability {
    static let problem: String? = {
        do {
            _ = try Repository.systemTool("tcpdump")
        } catch {
            return "\(error)"
        }
        return geteuid() == 0 ? nil : "capturing with tcpdump needs root or CAP_NET_RAW; these tests run as root in CI"
    }()

    static var available: Bool { problem == nil }
}

/// `tcpdump` writing a capture file while a test makes traffic: started before the traffic (it says when
/// it listens), stopped after it with SIGINT so the file is complete.
final class TCPDump: @unchecked Sendable {
    let path: String
    private let process = Process()
    /// tcpdump's stderr goes to a file: its final counts are written as it exits, and a file is whole then.
    private let log: String

    /// Starts capturing on `interface` what matches `filter` into `path`; `extra` adds tcpdump options
    /// (`-y LINUX_SLL2`, `-s 200`).
    init(interface: String, filter: String, path: String, extra: [String] = []) throws {
        if let problem = CaptureAvailability.problem { throw CaptureUnavailable(reason: problem) }
        self.path = path
        // Immediate mode gives every packet a ring frame of the snapshot length: a 64 MiB buffer and a
        // snapshot of a loopback packet's largest size (MTU 65536) keep about a thousand frames, so the
        // kernel drops nothing while tcpdump writes.
        let command = try UnmaskedSignals.command(
            [
                try Repository.systemTool("tcpdump"), "-i", interface, "-w", path, "-U", "--immediate-mode", "-s",
                "65600", "-B", "65536", "-n",
            ] + extra + [filter])
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        log = path + ".tcpdump.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        while !text.contains("listening on"), Date() < deadline, process.isRunning { usleep(20_000) }
        guard text.contains("listening on") else {
            if process.isRunning { process.terminate() }
            throw CaptureUnavailable(reason: "tcpdump did not start capturing on \(interface): \(text)")
        }
    }

    var text: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Stops capturing (after a moment for the last packets); throws if the kernel dropped packets, as
    /// a capture with holes cannot show that every call is recovered.
    func stop() async throws {
        let text = await end()
        guard text.contains("\n0 packets dropped by kernel") else {
            throw CaptureUnavailable(reason: "tcpdump's capture is incomplete (the machine was too busy): \(text)")
        }
    }

    private func end() async -> String {
        try? await Task.sleep(for: .milliseconds(300))
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        return text
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// tcpdump could not capture.
struct CaptureUnavailable: Error, CustomStringConvertible {
    var reason: String
    var description: String { "cannot capture packets: \(reason)" }
}
