import Foundation

/// nghttp2's h2load as a gRPC load client: the same unary call again and again, over plaintext HTTP/2.
public enum H2Load {
    /// Makes `calls` calls of `path` on `authority` (`host:port`, IPv6 bracketed) over `connections`
    /// connections with `streams` in flight on each, every call sending `message` (a serialized protobuf,
    /// framed here); returns what h2load printed. The request file goes in `directory`. With `tls`, over
    /// TLS (h2load offers h2 by ALPN and does not check the server's certificate).
    public static func unary(
        authority: String, path: String, message: [UInt8], calls: Int, connections: Int = 4, streams: Int = 16,
        tls: Bool = false, directory: TemporaryDirectory
    ) async throws -> ProcessOutput {
        var body = Data([0])
        body.append(contentsOf: withUnsafeBytes(of: UInt32(message.count).bigEndian, Array.init))
        body.append(contentsOf: message)
        let request = directory.path("h2load-request.bin")
        try body.write(to: request)
        let tool = try Repository.systemTool("h2load")
        // The limit is for a hang, not for a loaded CI machine: 10,000 streams in flight on one connection
        // take a debug build's NIO server about 50 s here (its per-stream scans; 1.8 s in release).
        return try await Subprocess.offThread {
            try Subprocess.check(
                [
                    tool, "-n", "\(calls)", "-c", "\(connections)", "-m", "\(streams)", "-d", request.path,
                    "-H", "content-type: application/grpc", "-H", "te: trailers",
                    "\(tls ? "https" : "http")://\(authority)\(path)",
                ], timeout: .seconds(180))
        }
    }

    /// The number before `word` on h2load's `requests:` line (`total`, `started`, `done`, `succeeded`,
    /// `failed`, `errored`, `timeout`); nil when the line is not there.
    public static func count(_ word: String, in output: String) -> Int? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("requests:") }) else { return nil }
        let fields = line.dropFirst("requests:".count).split(separator: ",")
        for field in fields {
            let parts = field.split(separator: " ")
            if parts.count == 2, parts[1] == word { return Int(parts[0]) }
        }
        return nil
    }
}
