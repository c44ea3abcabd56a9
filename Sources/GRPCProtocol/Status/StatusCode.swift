/// A gRPC status code: the 17 codes of the gRPC spec, and any other value a peer sends.
///
/// A struct rather than an enum so an unknown code from a peer (grpc-go maps those to `UNKNOWN` only when
/// asked) survives a round trip and the type can grow without breaking callers.
public struct StatusCode: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The numeric value carried in `grpc-status`.
    public let rawValue: Int

    /// A code from its numeric value.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The call completed successfully.
    public static let ok = StatusCode(rawValue: 0)
    /// The call was cancelled, typically by the caller.
    public static let cancelled = StatusCode(rawValue: 1)
    /// An error with no better code.
    public static let unknown = StatusCode(rawValue: 2)
    /// The client sent an invalid argument.
    public static let invalidArgument = StatusCode(rawValue: 3)
    /// The deadline expired before the call completed.
    public static let deadlineExceeded = StatusCode(rawValue: 4)
    /// A requested entity was not found.
    public static let notFound = StatusCode(rawValue: 5)
    /// An entity the client tried to create already exists.
    public static let alreadyExists = StatusCode(rawValue: 6)
    /// The caller may not execute the operation.
    public static let permissionDenied = StatusCode(rawValue: 7)
    /// A resource (quota, message size, memory) has been exhausted.
    public static let resourceExhausted = StatusCode(rawValue: 8)
    /// The system is not in a state required for the operation.
    public static let failedPrecondition = StatusCode(rawValue: 9)
    /// The operation was aborted, typically because of a concurrency issue.
    public static let aborted = StatusCode(rawValue: 10)
    /// The operation was attempted past the valid range.
    public static let outOfRange = StatusCode(rawValue: 11)
    /// The operation is not implemented or supported.
    public static let unimplemented = StatusCode(rawValue: 12)
    /// An invariant of the underlying system is broken.
    public static let internalError = StatusCode(rawValue: 13)
    /// The service is currently unavailable; retrying may help.
    public static let unavailable = StatusCode(rawValue: 14)
    /// Unrecoverable data loss or corruption.
    public static let dataLoss = StatusCode(rawValue: 15)
    /// The request lacks valid authentication credentials.
    public static let unauthenticated = StatusCode(rawValue: 16)

    /// The 17 codes the gRPC spec defines, in numeric order.
    public static let allDefined: [StatusCode] = (0...16).map { StatusCode(rawValue: $0) }

    private static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    /// The spec's name (`DEADLINE_EXCEEDED`), or `CODE(n)` for a value outside the spec.
    public var name: String {
        (0..<Self.names.count).contains(rawValue) ? Self.names[rawValue] : "CODE(\(rawValue))"
    }

    public var description: String { name }

    public static func < (lhs: StatusCode, rhs: StatusCode) -> Bool { lhs.rawValue < rhs.rawValue }
}
