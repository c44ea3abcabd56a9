/// The header names gRPC and HTTP/2 own, and which of them each side leaves out of user metadata.
///
/// The lists differ on purpose: a sender refuses every name the transport sets (grpc-go's list, plus
/// HTTP/1 connection headers that HTTP/2 forbids); a receiver hides the ones it interprets; a recording
/// leaves out what it shows elsewhere; a replay drops what every call sets anew.
public enum ReservedHeaders {
    /// Names user metadata may not set on an outgoing call or response.
    public static func isReservedForSending(_ name: String) -> Bool {
        // Every call's metadata asks this of each key, and a switch over strings compares them one by one:
        // most application keys (`authorization`, `x-...`) leave on their first byte.
        switch name.utf8.first {
        case UInt8(ascii: ":"): return true
        case UInt8(ascii: "c"), UInt8(ascii: "u"), UInt8(ascii: "t"), UInt8(ascii: "g"), UInt8(ascii: "k"),
            UInt8(ascii: "p"), UInt8(ascii: "h"):
            break
        default: return false
        }
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
    public static func isRequestTransportHeader(_ name: String) -> Bool {
        isRequestTransportHeader(KnownHeader(name))
    }

    /// Headers of a request that a recording shows elsewhere or that the transport owns, by kind (the
    /// recorder asks this of every header of every call).
    public static func isRequestTransportHeader(_ name: KnownHeader) -> Bool {
        switch name {
        case .contentType, .te, .grpcTimeout, .grpcEncoding, .grpcAcceptEncoding: true
        default: name.isPseudo
        }
    }

    /// Headers of a response header block that a recording shows elsewhere.
    public static func isResponseTransportHeader(_ name: String) -> Bool {
        isResponseTransportHeader(KnownHeader(name))
    }

    /// Headers of a response header block that a recording shows elsewhere, by kind.
    public static func isResponseTransportHeader(_ name: KnownHeader) -> Bool {
        name.isPseudo || name == .contentType || name == .grpcEncoding || name == .grpcAcceptEncoding
    }

    /// Headers of a trailer block that a recording shows elsewhere (the status, and in a trailers-only
    /// response the response headers too).
    public static func isTrailerStatusHeader(_ name: String, trailersOnly: Bool) -> Bool {
        isTrailerStatusHeader(KnownHeader(name), trailersOnly: trailersOnly)
    }

    /// Headers of a trailer block that a recording shows elsewhere, by kind.
    public static func isTrailerStatusHeader(_ name: KnownHeader, trailersOnly: Bool) -> Bool {
        switch name {
        case .grpcStatus, .grpcMessage, .grpcStatusDetailsBin: true
        default: trailersOnly && isResponseTransportHeader(name)
        }
    }

    /// Request headers that gRPC and HTTP/2 set on every call (pseudo-headers aside), so a replay of a
    /// recorded call sends its own instead of the recorded ones (a replay takes the recorded `user-agent`
    /// out first, to send it as the call's user agent).
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
