/// How a call ended: its status, the response headers and the trailers.
public struct CallResult: Sendable, CustomStringConvertible {
    /// The final status (from the trailers, or made locally for transport failures and deadlines).
    public var status: GRPCStatus
    /// The response headers (empty when the server sent a trailers-only response or none at all).
    public var headers: Metadata
    /// The trailing metadata, without `grpc-status`, `grpc-message` and `grpc-status-details-bin`.
    public var trailers: Metadata
    /// Whether the status came from the server (its trailers, or a trailers-only response); false when it
    /// was made on this side (a deadline, a cancel, a transport failure) or from the server's reset.
    public var fromServer = false

    /// A result from its parts.
    public init(status: GRPCStatus, headers: Metadata = [:], trailers: Metadata = [:]) {
        self.status = status
        self.headers = headers
        self.trailers = trailers
    }

    public var description: String { "\(status) headers=\(headers) trailers=\(trailers)" }
}
