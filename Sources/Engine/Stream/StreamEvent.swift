import NIOCore
import ProtoCodec

/// The events of a `Stream` (k6: `'data'`, `'error'`, `'end'`; `'status'` is accepted and never emitted).
public enum StreamEvent: String, Sendable, Hashable, CaseIterable {
    /// A message from the server.
    case data
    /// The stream failed: a status other than OK, a deadline, a request that does not encode, a `data`
    /// handler that threw. Always followed by `end`.
    case error
    /// The stream is over; exactly once.
    case end
    /// Accepted for k6 compatibility; never emitted.
    case status
}

/// What an event carries.
public enum StreamEventValue: Sendable {
    /// A response message: JSON with k6's mapping (`{}` with `discardResponseMessage`, `null` with
    /// `responseFormat: .protobuf`) and its protobuf bytes.
    case data(JSONValue, raw: ByteBuffer)
    /// Why the stream failed.
    case error(StreamError)
    /// The end (k6 passes `{}`).
    case end
}

/// The second argument of every handler: `{ts}`, the Unix time in seconds when the event was made.
public struct StreamEventMetadata: Sendable, Hashable {
    /// Seconds since 1970 (k6 passes seconds, not milliseconds).
    public var ts: Int64
}

/// A stream's failure as k6's `error` event shows it: `{code, details, message}`.
public struct StreamError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The gRPC status code (2, UNKNOWN, for failures that are not statuses).
    public var code: Int
    /// The status message, or the failure's text.
    public var message: String
    /// The status details, as k6 shows them on streams (the detail messages' fields, proto names).
    public var details: [JSONValue]
    /// k6's `error_code` when the failure was below gRPC.
    public var k6ErrorCode: Int?

    /// A failure from its parts.
    public init(code: Int, message: String, details: [JSONValue] = [], k6ErrorCode: Int? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.k6ErrorCode = k6ErrorCode
    }

    /// `{"code":…,"details":[…],"message":…}`, k6's `JSON.stringify` of the event value.
    public var k6JSON: JSONValue {
        .object(["code": .number(JSONNumber(code)), "details": .array(details), "message": .string(message)])
    }

    public var description: String { "code: \(code), message: \(message)" }
}

/// A stream event handler: the value and `{ts}`. A `data` handler that throws fails the stream.
public typealias StreamHandler = @Sendable (StreamEventValue, StreamEventMetadata) throws -> Void
