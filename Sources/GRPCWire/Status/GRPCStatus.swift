import GRPCProtocol

/// The outcome of a gRPC call: a code, a message and, when the peer sent `grpc-status-details-bin`, the
/// decoded `google.rpc.Status`. Also thrown as an error by the conveniences that throw.
///
/// When the failure did not come from the peer but from the transport (a refused dial, a reset, a GOAWAY),
/// `transportFailure` says which kind, so the engine can tag metrics the way k6 does.
public struct GRPCStatus: Error, Hashable, Sendable, CustomStringConvertible {
    /// The status code.
    public var code: StatusCode
    /// The human-readable message (decoded from the percent-encoded `grpc-message`).
    public var message: String
    /// The rich error model from `grpc-status-details-bin`, when the peer sent one that decodes.
    public var details: RPCStatus?
    /// The transport failure behind this status, when the status was made locally from one.
    public var transportFailure: TransportFailure?

    /// A status with a code and an optional message.
    public init(
        code: StatusCode, message: String = "", details: RPCStatus? = nil, transportFailure: TransportFailure? = nil
    ) {
        self.code = code
        self.message = message
        self.details = details
        self.transportFailure = transportFailure
    }

    /// The successful status.
    public static let ok = GRPCStatus(code: .ok)

    /// Whether the code is `OK`.
    public var isOK: Bool { code == .ok }

    /// Whether the call never reached the server's application (refused before its stream was processed,
    /// e.g. a GOAWAY covering it), so sending it again on another connection is safe.
    public var isSafeToRetry: Bool { transportFailure?.isSafeToRetry ?? false }

    public var description: String {
        message.isEmpty ? "\(code)" : "\(code): \(message)"
    }
}
