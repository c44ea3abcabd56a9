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

    /// A packet capture: the `file` it was read from, or the live `interface`, and the BPF `filter` applied.
    public static func capture(file: String? = nil, interface: String? = nil, filter: String) -> RecordingSource {
        var members: [JSONObject.Member] = []
        if let file { members.append(JSONObject.Member(key: "file", value: .string(file))) }
        if let interface { members.append(JSONObject.Member(key: "interface", value: .string(interface))) }
        members.append(JSONObject.Member(key: "filter", value: .string(filter)))
        return RecordingSource(kind: "capture", details: JSONObject(members))
    }
}
