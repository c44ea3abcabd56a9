import GRPCProtocol
import NIOCore

extension GRPCTimeout {
    /// The header value for `timeout` (see ``GRPCTimeout/encode(nanoseconds:)``).
    static func encode(_ timeout: TimeAmount) -> String { encode(nanoseconds: timeout.nanoseconds) }

    /// The timeout a header value gives, or `nil` when the value is malformed.
    static func decode(_ value: String) -> TimeAmount? { nanoseconds(value).map(TimeAmount.nanoseconds) }
}
