/// Which headers of HTTP/2 header blocks are transport headers, left out of the recorded metadata.
enum WireHeaders {
    /// Headers of a request that the recording shows elsewhere or that the transport owns.
    static func isRequestTransportHeader(_ name: String) -> Bool {
        if name.utf8.first == UInt8(ascii: ":") { return true }
        switch name {
        case "content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding": return true
        default: return false
        }
    }

    /// Headers of a response header block the recording shows elsewhere.
    static func isResponseTransportHeader(_ name: String) -> Bool {
        if name.utf8.first == UInt8(ascii: ":") { return true }
        switch name {
        case "content-type", "grpc-encoding", "grpc-accept-encoding": return true
        default: return false
        }
    }

    /// Headers of a trailer block the recording shows elsewhere.
    static func isTrailerStatusHeader(_ name: String, trailersOnly: Bool) -> Bool {
        switch name {
        case "grpc-status", "grpc-message", "grpc-status-details-bin": return true
        default: return trailersOnly && isResponseTransportHeader(name)
        }
    }
}
