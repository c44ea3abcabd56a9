/// The names RFC 9113 gives HTTP/2 error codes (RST_STREAM and GOAWAY), as people and logs read them.
public enum HTTP2ErrorCodeName {
    private static let names = [
        "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
        "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
    ]

    /// `REFUSED_STREAM` for 7; codes the RFC does not name read `unknown error code 0x…`.
    public static func name(of code: UInt32) -> String {
        Int(code) < names.count ? names[Int(code)] : "unknown error code 0x\(String(code, radix: 16))"
    }
}
