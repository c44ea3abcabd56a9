/// What a metric's values measure: k6's `contains`, which decides units and humanising.
public enum ValueKind: String, Sendable, Hashable {
    /// Plain numbers.
    case `default`
    /// Durations in milliseconds (shown as µs, ms, s, m).
    case time
    /// Bytes (shown as B, kB, MB).
    case data
}
