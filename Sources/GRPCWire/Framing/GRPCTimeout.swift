import NIOCore

/// The `grpc-timeout` header: at most eight digits and a unit (`H`, `M`, `S`, `m`, `u`, `n`).
enum GRPCTimeout {
    /// The header value for `timeout`, rounded up (the server must never see a shorter deadline than the
    /// client's) in the coarsest unit that still gives at least 1000 of it (0.1% precision) and fits the
    /// eight digits. Coarse units keep the value identical from call to call, so HPACK sends it as one
    /// indexed byte instead of a new literal per call; the client enforces the exact deadline itself.
    static func encode(_ timeout: TimeAmount) -> String {
        let nanoseconds = max(timeout.nanoseconds, 0)
        let units: [(Int64, Character)] = [
            (3_600_000_000_000, "H"), (60_000_000_000, "M"), (1_000_000_000, "S"), (1_000_000, "m"), (1_000, "u"),
            (1, "n"),
        ]
        for (size, unit) in units {
            let value = nanoseconds / size + (nanoseconds % size == 0 ? 0 : 1)
            if value >= 1000 && value <= 99_999_999 { return "\(value)\(unit)" }
        }
        // Below 1 µs (or absurdly long): nanoseconds, or the largest value the header can carry.
        return nanoseconds <= 99_999_999 ? "\(nanoseconds)n" : "99999999H"
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
