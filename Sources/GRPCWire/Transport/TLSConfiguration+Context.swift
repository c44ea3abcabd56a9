import NIOSSL

extension ClientTLSConfiguration {
    /// The swift-nio-ssl context of this configuration (ALPN `h2`), for code that builds its own pipelines
    /// (the recording proxy's upstream side). Host names are verified by swift-nio-ssl itself when
    /// verification is full: pass the name as `serverHostname` to `NIOSSLClientHandler`.
    public func makeSSLContext() throws -> NIOSSLContext {
        try TLSContexts.client(self, checksNameItself: false)
    }
}

extension ServerTLSConfiguration {
    /// The swift-nio-ssl context of this configuration (ALPN `h2`), for code that builds its own pipelines
    /// (the recording proxy's client side).
    public func makeSSLContext() throws -> NIOSSLContext {
        try TLSContexts.server(self)
    }
}
