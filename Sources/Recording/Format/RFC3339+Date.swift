import Foundation
import GRPCProtocol

/// A recording's `created` time: written in UTC with milliseconds (`2026-11-22T10:15:30.123Z`), read with
/// any fraction and offset.
extension RFC3339 {
    static func string(from date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let nanoseconds = Int32((milliseconds - seconds * 1000) * 1_000_000)
        return string(seconds: seconds, nanoseconds: nanoseconds, fraction: .milliseconds)
    }

    static func date(from text: String) -> Date? {
        guard let (seconds, nanoseconds) = try? parse(text, strictness: .lenient) else { return nil }
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1_000_000_000)
    }
}
