import ProtoCodec

/// Where a recording's traffic came from: the proxy (with `listen`, `upstream`, `tls`) or a capture (with
/// `file` or `interface`).
public struct RecordingSource: Sendable, Hashable {
    /// `proxy` or `capture`.
    public var kind: String
    /// What describes the source, in the order written (`listen`, `upstream`, `tls` for the proxy).
    public var details: JSONObject

    /// A source from its kind and details.
    public init(kind: String, details: JSONObject = [:]) {
        self.kind = kind
        self.details = details
    }

    /// The proxy listening on `listen` and forwarding to `upstream`; `tls` says which sides use TLS
    /// (`none`, `upstream`, `downstream` or `both`).
    public static func proxy(listen: String, upstream: String, tls: String) -> RecordingSource {
        RecordingSource(
            kind: "proxy", details: ["listen": .string(listen), "upstream": .string(upstream), "tls": .string(tls)])
    }
}
