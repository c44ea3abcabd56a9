import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec

/// What `invoke` returns: k6's response object (`status`, `message`, `headers`, `trailers`, `error`) plus
/// the raw response bytes.
public struct Response: Sendable {
    /// The gRPC status code (`.ok` on success).
    public var status: StatusCode
    /// The response message as JSON with k6's mapping; on a failed call, the empty message's rendering
    /// (all defaults), as k6 does. Nil with `discardResponseMessage` or `responseFormat: .protobuf`.
    public var message: JSONValue?
    /// The response message's protobuf bytes, when one arrived (nil with `discardResponseMessage`).
    public var rawMessage: ByteBuffer?
    /// The response headers (`content-type` included, as grpc-go shows them).
    public var headers: Metadata
    /// The trailers, without `grpc-status`, `grpc-message` and `grpc-status-details-bin`.
    public var trailers: Metadata
    /// Nil on success; otherwise the status as `google.rpc.Status` (code, message, details).
    public var error: ResponseError?

    /// A response from its parts.
    public init(
        status: StatusCode, message: JSONValue? = nil, rawMessage: ByteBuffer? = nil, headers: Metadata = [:],
        trailers: Metadata = [:], error: ResponseError? = nil
    ) {
        self.status = status
        self.message = message
        self.rawMessage = rawMessage
        self.headers = headers
        self.trailers = trailers
        self.error = error
    }
}

/// A failed call's status, shaped like k6's `response.error` (protojson of `google.rpc.Status`).
public struct ResponseError: Sendable, Hashable {
    /// The status code's number.
    public var code: Int
    /// The status message.
    public var message: String
    /// The `grpc-status-details-bin` details as JSON: each an `Any` with `@type`, rendered through the
    /// client's schema or, for google.rpc's standard details, Reprise's copy of them. A type neither
    /// knows is `{"@type": ..., "value": "<base64>"}`.
    public var details: [JSONValue]
    /// The details as received.
    public var rawDetails: [RPCStatus.Detail]
    /// k6's `error_code` when the failure was below gRPC (1212: connection refused, 1610+: GOAWAY...).
    public var k6ErrorCode: Int?

    /// An error from its parts.
    public init(
        code: Int, message: String, details: [JSONValue] = [], rawDetails: [RPCStatus.Detail] = [],
        k6ErrorCode: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.details = details
        self.rawDetails = rawDetails
        self.k6ErrorCode = k6ErrorCode
    }
}
