import NIOCore
import NIOPosix

extension ClientBootstrap {
    /// Connects to `host:port`, resolving `host` only when it is a name: an IPv4 or IPv6 literal (brackets
    /// allowed) is dialled directly. swift-nio's `connect(host:port:)` sends even a literal through
    /// getaddrinfo on a resolver thread and Happy Eyeballs, a thread hand-off and several wake-ups per
    /// connection: most of the CPU of a connection to 127.0.0.1 when a replay or a proxy opens many.
    /// The connect timeout applies either way.
    public func dial(host: String, port: Int) -> EventLoopFuture<any Channel> {
        var literal = Substring(host)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        if let address = try? SocketAddress(ipAddress: String(literal), port: port) {
            return connect(to: address)
        }
        return connect(host: host, port: port)
    }
}
