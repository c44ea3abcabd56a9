import GRPCWire

/// Server reflection failed: the server has no reflection service, answered with an error, or sent
/// descriptors that do not link. The message follows k6's wording (`can't list services: rpc error:
/// code = Unimplemented desc = unknown service grpc.reflection.v1alpha.ServerReflection`).
public struct ReflectionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The status of the reflection call, when the failure was an RPC error.
    public var status: GRPCStatus?

    /// An error with a message and, for RPC failures, the status.
    public init(_ message: String, status: GRPCStatus? = nil) {
        self.message = message
        self.status = status
    }

    public var description: String { message }
}
