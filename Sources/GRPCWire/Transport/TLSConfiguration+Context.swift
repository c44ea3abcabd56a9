import NIOCore
import NIOSSL

/// Client TLS toward one host, for code that builds its own pipelines (the recording proxy's upstream
/// side), checked exactly as the engine's connections are: the context is made once, and each connection
/// adds `handlers(target:)`.
public struct ClientTLSSetup: Sendable {
    let context: NIOSSLContext
    /// The name sent in SNI: the configuration's `serverName`, else the authority's host, else `host`;
    /// nil when that is an IP address (SNI cannot carry one; the certificate's IP addresses are checked).
    public let serverName: String?
    /// The name the certificate must list (Go's check, not swift-nio-ssl's): the server name under full
    /// verification.
    let checkedName: String?

    /// TLS to `host` (the address connected to); `authority` is a `:authority` override, which names the
    /// server when the configuration gives no `serverName`.
    public init(_ configuration: ClientTLSConfiguration, host: String, authority: String? = nil) throws {
        var name = configuration.serverName ?? authority.map(Self.stripPort) ?? host
        if name.hasPrefix("[") { name = String(name.dropFirst().prefix { $0 != "]" }) }
        serverName = (try? SocketAddress(ipAddress: name, port: 0)) != nil ? nil : name
        checkedName = configuration.verification == .full ? serverName : nil
        context = try TLSContexts.client(configuration, checksNameItself: checkedName != nil)
    }

    /// The handlers one connection adds, in order: swift-nio-ssl's client handler, then the check of what
    /// the handshake settled (ALPN `h2`, and the certificate's name), which fails the channel with a
    /// `TransportFailure` naming `target`.
    public func handlers(target: String) throws -> [any ChannelHandler] {
        [
            try NIOSSLClientHandler(context: context, serverHostname: serverName),
            TLSHandshakeCheckHandler(target: target, expectedName: checkedName),
        ]
    }

    private static func stripPort(_ authority: String) -> String {
        if authority.hasPrefix("[") { return String(authority.prefix { $0 != "]" }) + "]" }
        guard let colon = authority.lastIndex(of: ":"), authority.firstIndex(of: ":") == colon else {
            return authority
        }
        return String(authority[..<colon])
    }
}

extension ServerTLSConfiguration {
    /// The swift-nio-ssl context of this configuration (ALPN `h2`), for code that builds its own pipelines
    /// (the recording proxy's client side).
    public func makeSSLContext() throws -> NIOSSLContext {
        try TLSContexts.server(self)
    }
}
