/// Reading the gRPC parts of HTTP/2 header blocks: which headers are transport headers (left out of the
/// recorded metadata), `grpc-timeout`, and the percent-encoding of `grpc-message`.
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

    /// The `grpc-timeout` value in nanoseconds (`100m`, `5S`), or nil when malformed.
    static func timeoutNanoseconds(_ value: String) -> Int64? {
        let utf8 = value.utf8
        guard utf8.count >= 2, utf8.count <= 9, let unit = value.last, let amount = Int64(value.dropLast()),
            amount >= 0
        else { return nil }
        let scale: Int64
        switch unit {
        case "H": scale = 3_600_000_000_000
        case "M": scale = 60_000_000_000
        case "S": scale = 1_000_000_000
        case "m": scale = 1_000_000
        case "u": scale = 1000
        case "n": scale = 1
        default: return nil
        }
        let (product, overflow) = amount.multipliedReportingOverflow(by: scale)
        return overflow ? Int64.max : product
    }

    /// `grpc-message` decoded: `%XX` sequences become bytes; malformed sequences stay as they are.
    static func percentDecoded(_ value: String) -> String {
        let utf8 = Array(value.utf8)
        guard utf8.contains(UInt8(ascii: "%")) else { return value }
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count, let high = hex(utf8[index + 1]),
                let low = hex(utf8[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The gRPC status code the HTTP status of a response without `grpc-status` stands for (the gRPC
    /// spec's HTTP-to-gRPC mapping).
    static func statusCode(forHTTPStatus status: Int) -> Int {
        switch status {
        case 400: 13
        case 401: 16
        case 403: 7
        case 404: 12
        case 429, 502, 503, 504: 14
        default: 2
        }
    }
}
