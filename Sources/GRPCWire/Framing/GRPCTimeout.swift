import NIOCore

/// The `grpc-timeout` header: at most eight digits and a unit (`H`, `M`, `S`, `m`, `u`, `n`).
enum GRPCTimeout {
    /// The header value for `timeout`, in the finest unit whose value fits in eight digits, rounded up so
    /// the server never sees a shorter deadline than the client's.
    static func encode(_ timeout: TimeAmount) -> String {
        let nanoseconds = max(timeout.nanoseconds, 0)
        let units: [(Int64, Character)] = [
            (1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"), (60_000_000_000, "M"),
            (3_600_000_000_000, "H"),
        ]
        for (size, unit) in units {
            let value = nanoseconds / size + (nanoseconds % size == 0 ? 0 : 1)
            if value <= 99_999_999 { return "\(value)\(unit)" }
        }
        return "99999999H"
    }

    /// The timeout a header value gives, or `nil` when the value is malformed.
    static func decode(_ value: String) -> TimeAmount? {
        let utf8 = value.utf8
        guard utf8.count >= 2, utf8.count <= 9, let unit = value.last else { return nil }
        guard let amount = Int64(value.dropLast()), amount >= 0 else { return nil }
        switch unit {
        case "H": return .hours(amount)
        case "M": return .minutes(amount)
        case "S": return .seconds(amount)
        case "m": return .milliseconds(amount)
        case "u": return .microseconds(amount)
        case "n": return .nanoseconds(amount)
        default: return nil
        }
    }
}
