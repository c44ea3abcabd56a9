/// A k6 `connect` address: `host:port`, `[ipv6]:port`, optionally behind grpc-go's `dns:///` or
/// `passthrough:///` scheme; the port may be a service name (`https`).
struct Address: Hashable, Sendable {
    var host: String
    var port: Int

    init(_ text: String) throws(EngineError) {
        var rest = Substring(text)
        for scheme in ["dns:///", "passthrough:///"] where rest.hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
        }
        if rest.hasPrefix("dns://"), let slash = rest.dropFirst(6).firstIndex(of: "/") {
            rest = rest[rest.index(after: slash)...]  // dns://resolver/host:port: the resolver is not used
        }
        let hostPart: Substring
        let portPart: Substring
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            portPart = rest[rest.index(after: close)...].dropFirst()
        } else if let colon = rest.lastIndex(of: ":"), rest.firstIndex(of: ":") == colon {
            hostPart = rest[..<colon]
            portPart = rest[rest.index(after: colon)...]
        } else {
            throw EngineError(
                .connect, "invalid address \(GoFormat.quoted(text)): use host:port, e.g. 127.0.0.1:50051 or [::1]:50051"
            )
        }
        guard let port = Int(portPart) ?? Self.services[String(portPart)], (1...65535).contains(port) else {
            throw EngineError(
                .connect, "invalid address \(GoFormat.quoted(text)): unknown port \(GoFormat.quoted(String(portPart)))")
        }
        host = hostPart.isEmpty ? "127.0.0.1" : String(hostPart)
        self.port = port
    }

    private static let services = ["http": 80, "https": 443, "grpc": 50051, "h2": 443, "h2c": 80]
}
