/// The client's HTTP/2 connection preface (RFC 9113 §3.4), which comes before its first frame when it
/// speaks HTTP/2 with prior knowledge, as every gRPC client does on h2c.
public enum HTTP2Preface {
    /// `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`, 24 bytes.
    public static let client: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// Whether `bytes` could be the start of the client preface: they agree with it as far as both go
    /// (empty bytes do).
    public static func mayStart(_ bytes: some Sequence<UInt8>) -> Bool {
        for (byte, expected) in zip(bytes, client) where byte != expected { return false }
        return true
    }
}
