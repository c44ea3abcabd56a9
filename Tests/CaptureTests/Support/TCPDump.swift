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
    private let stderr = Pipe()
    private let lock = NSLock()
    private var errorText = ""

    /// Starts capturing on `interface` what matches `filter` into `path`; `extra` adds tcpdump options
    /// (`-y LINUX_SLL2`, `-s 200`).
    init(interface: String, filter: String, path: String, extra: [String] = []) throws {
        if let problem = CaptureAvailability.problem { throw CaptureUnavailable(reason: problem) }
        self.path = path
        process.executableURL = URL(fileURLWithPath: try Repository.systemTool("tcpdump"))
        process.arguments = ["-i", interface, "-w", path, "-U", "--immediate-mode", "-s", "0", "-n"] + extra + [filter]
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        stderr.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.errorText += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        while !text.contains("listening on"), Date() < deadline, process.isRunning { usleep(20_000) }
        guard text.contains("listening on") else {
            if process.isRunning { process.terminate() }
            throw CaptureUnavailable(reason: "tcpdump did not start capturing on \(interface): \(text)")
        }
    }

    var text: String { lock.withLock { errorText } }

    /// Stops capturing (after a moment for the last packets) and returns what tcpdump said.
    @discardableResult func stop() async -> String {
        try? await Task.sleep(for: .milliseconds(300))
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { process.terminate() }
        return text
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

/// tcpdump could not capture.
struct CaptureUnavailable: Error, CustomStringConvertible {
    var reason: String
    var description: String { "cannot capture packets: \(reason)" }
}
