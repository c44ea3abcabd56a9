/// The `grpc-timeout` header: at most eight digits and a unit (`H`, `M`, `S`, `m`, `u`, `n`).
public enum GRPCTimeout {
    /// The units from coarsest to finest, with their size in nanoseconds.
    static let units: [(nanoseconds: Int64, unit: Character)] = [
        (3_600_000_000_000, "H"), (60_000_000_000, "M"), (1_000_000_000, "S"), (1_000_000, "m"), (1_000, "u"),
        (1, "n"),
    ]

    /// The largest amount the header's eight digits can carry.
    public static let maxAmount: Int64 = 99_999_999

    /// The header value for a timeout of `nanoseconds`, rounded up (the server must never see a shorter
    /// deadline than the client's) in the coarsest unit that still gives at least 1000 of it (0.1%
    /// precision) and fits the eight digits. Coarse units keep the value identical from call to call, so
    /// HPACK sends it as one indexed byte instead of a new literal per call; the client enforces the exact
    /// deadline itself. A negative timeout is sent as zero.
    public static func encode(nanoseconds: Int64) -> String {
        let nanoseconds = max(nanoseconds, 0)
        for (size, unit) in units {
            let value = nanoseconds / size + (nanoseconds % size == 0 ? 0 : 1)
            if value >= 1000 && value <= maxAmount { return "\(value)\(unit)" }
        }
        // Below 1 µs (or absurdly long): nanoseconds, or the largest value the header can carry.
        return nanoseconds <= maxAmount ? "\(nanoseconds)n" : "\(maxAmount)H"
    }

    /// The timeout a header value gives in nanoseconds (capped at `Int64.max`), or `nil` when the value
    /// is malformed.
    public static func nanoseconds(_ value: some StringProtocol) -> Int64? {
        let utf8 = value.utf8
        guard utf8.count >= 2, utf8.count <= 9, let unit = value.last, let amount = Int64(value.dropLast()),
            amount >= 0
        else { return nil }
        guard let scale = units.first(where: { $0.unit == unit })?.nanoseconds else { return nil }
        let (product, overflow) = amount.multipliedReportingOverflow(by: scale)
        return overflow ? Int64.max : product
    }
}
