import Foundation

/// nghttpx as a plaintext HTTP/2 front end (which accepts the h2c upgrade) to a gRPC back end.
public final class NGHTTPX: @unchecked Sendable {
    /// The front end's port.
    public let port: Int
    private let process = Process()
    private let log: String

    /// Starts nghttpx in front of `backendPort`, logging to `log`; `arguments` are added to its command line
    /// (such as `--frontend-http2-decoder-dynamic-table-size=0`).
    public init(backendPort: Int, log: String, arguments: [String] = []) throws {
        self.log = log
        port = try Self.freePort()
        let command = try UnmaskedSignals.command(
            [
                try Repository.systemTool("nghttpx"), "--frontend=127.0.0.1,\(port);no-tls",
                "--backend=127.0.0.1,\(backendPort);;proto=h2", "--workers=1", "--log-level=NOTICE",
                "--errorlog-file=\(log)", "--accesslog-file=/dev/null", "--conf=/dev/null",
            ] + arguments)
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        while !text.contains("Listening on"), process.isRunning, Date() < deadline { usleep(20_000) }
        guard text.contains("Listening on") else {
            stop()
            throw PeerStartFailed(command: process.arguments ?? [], output: text, stderr: "")
        }
    }

    /// What nghttpx logged.
    public var text: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Stops nghttpx (SIGKILL).
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    /// A port nothing listens on now (the kernel's pick for a socket bound and closed).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw PeerStartFailed(command: ["nghttpx"], output: "no free port", stderr: "") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Children of the test process inherit its blocked signals, which would leave them deaf to the SIGINT a
/// test sends (a user's Ctrl-C): a Python shim clears the mask and execs the command.
public enum UnmaskedSignals {
    /// `command` behind the shim.
    public static func command(_ command: [String]) throws -> [String] {
        [
            try Repository.python(), "-c",
            "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
        ] + command
    }
}
