import GRPCProtocol
import GRPCWire

extension StatusCode {
    /// grpc-go's name of the code (`codes.Code.String()`): `Unimplemented`, `DeadlineExceeded`, ... and
    /// `Code(n)` outside the 17 defined codes. k6's error texts use these names.
    public var goName: String {
        let names = [
            "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
            "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented",
            "Internal", "Unavailable", "DataLoss", "Unauthenticated",
        ]
        return names.indices.contains(rawValue) ? names[rawValue] : "Code(\(rawValue))"
    }
}

extension GRPCStatus {
    /// The status as grpc-go prints an RPC error, which k6 passes on to scripts:
    /// `rpc error: code = Unimplemented desc = unknown service grpc.health.v1.Health`.
    public var goErrorDescription: String {
        "rpc error: code = \(code.goName) desc = \(message)"
    }
}
