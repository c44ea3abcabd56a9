/// The header names the wire layer owns, so user metadata never sets them and received metadata never
/// shows them (the same lists grpc-go uses, plus HTTP/1 connection headers that HTTP/2 forbids).
enum ReservedHeaders {
    static func isReservedForSending(_ key: String) -> Bool {
        if key.hasPrefix(":") { return true }
        switch key {
        case "content-type", "user-agent", "te", "grpc-encoding", "grpc-accept-encoding", "grpc-message",
            "grpc-status", "grpc-timeout", "grpc-status-details-bin", "grpc-message-type",
            "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host":
            return true
        default:
            return false
        }
    }

    static func isHiddenOnReceipt(_ key: String) -> Bool {
        // Every hidden name starts with ':', 'g', 'u' or 't': most application keys leave at once.
        switch key.utf8.first {
        case UInt8(ascii: ":"): return true
        case UInt8(ascii: "g"), UInt8(ascii: "u"), UInt8(ascii: "t"): break
        default: return false
        }
        switch key {
        case "user-agent", "te", "grpc-encoding", "grpc-message", "grpc-status", "grpc-timeout",
            "grpc-status-details-bin", "grpc-message-type":
            return true
        default:
            return false
        }
    }
}
