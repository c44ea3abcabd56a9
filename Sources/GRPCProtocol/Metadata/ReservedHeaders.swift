/// The header names gRPC and HTTP/2 own, and which of them each side leaves out of user metadata.
///
/// The lists differ on purpose: a sender refuses every name the transport sets (grpc-go's list, plus
/// HTTP/1 connection headers that HTTP/2 forbids); a receiver hides the ones it interprets; a recording
/// leaves out what it shows elsewhere; a replay drops what every call sets anew.
public enum ReservedHeaders {
    /// Names user metadata may not set on an outgoing call or response.
    public static func isReservedForSending(_ name: String) -> Bool {
        if name.hasPrefix(":") { return true }
        switch name {
        case "content-type", "user-agent", "te", "grpc-encoding", "grpc-accept-encoding", "grpc-message",
            "grpc-status", "grpc-timeout", "grpc-status-details-bin", "grpc-message-type",
            "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host":
            return true
        default:
            return false
        }
    }

    /// Names a receiver interprets and so never shows as metadata.
    public static func isHiddenOnReceipt(_ name: String) -> Bool {
        // Every hidden name starts with ':', 'g', 'u' or 't': most application keys leave at once.
        switch name.utf8.first {
        case UInt8(ascii: ":"): return true
        case UInt8(ascii: "g"), UInt8(ascii: "u"), UInt8(ascii: "t"): break
        default: return false
        }
        switch name {
        case "user-agent", "te", "grpc-encoding", "grpc-message", "grpc-status", "grpc-timeout",
            "grpc-status-details-bin", "grpc-message-type":
            return true
        default:
            return false
        }
    }

    /// Headers of a request that a recording shows elsewhere or that the transport owns.
    /// (The recorder asks this of every header of every call: names are told apart by their length first,
    /// so most are compared with one name of the list at most.)
    public static func isRequestTransportHeader(_ name: String) -> Bool {
        let utf8 = name.utf8
        if utf8.first == UInt8(ascii: ":") { return true }
        switch utf8.count {
        case 2: return name == "te"
        case 12: return name == "content-type" || name == "grpc-timeout"
        case 13: return name == "grpc-encoding"
        case 20: return name == "grpc-accept-encoding"
        default: return false
        }
    }

    /// Headers of a response header block that a recording shows elsewhere (told apart by length first,
    /// as above).
    public static func isResponseTransportHeader(_ name: String) -> Bool {
        let utf8 = name.utf8
        if utf8.first == UInt8(ascii: ":") { return true }
        switch utf8.count {
        case 12: return name == "content-type"
        case 13: return name == "grpc-encoding"
        case 20: return name == "grpc-accept-encoding"
        default: return false
        }
    }

    /// Headers of a trailer block that a recording shows elsewhere (the status, and in a trailers-only
    /// response the response headers too).
    public static func isTrailerStatusHeader(_ name: String, trailersOnly: Bool) -> Bool {
        switch name {
        case "grpc-status", "grpc-message", "grpc-status-details-bin": return true
        default: return trailersOnly && isResponseTransportHeader(name)
        }
    }

    /// Request headers that gRPC and HTTP/2 set on every call (pseudo-headers aside), so a replay of a
    /// recorded call sends its own instead of the recorded ones.
    public static func isSetByEveryCall(_ name: String) -> Bool {
        switch name {
        case "content-type", "te", "user-agent", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding",
            "content-length", "host", "connection":
            return true
        default:
            return false
        }
    }
}
