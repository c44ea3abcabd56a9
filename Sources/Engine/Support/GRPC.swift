import GRPCProtocol
import GRPCWire
import Reflection

/// k6's `k6/net/grpc` constants under their k6 names, so ported scripts read the same:
/// `response.status == GRPC.StatusOK`, `health.status == GRPC.HealthCheckServing`.
public enum GRPC {
    /// 0.
    public static let StatusOK = StatusCode.ok
    /// 1.
    public static let StatusCanceled = StatusCode.cancelled
    /// 2.
    public static let StatusUnknown = StatusCode.unknown
    /// 3.
    public static let StatusInvalidArgument = StatusCode.invalidArgument
    /// 4.
    public static let StatusDeadlineExceeded = StatusCode.deadlineExceeded
    /// 5.
    public static let StatusNotFound = StatusCode.notFound
    /// 6.
    public static let StatusAlreadyExists = StatusCode.alreadyExists
    /// 7.
    public static let StatusPermissionDenied = StatusCode.permissionDenied
    /// 8.
    public static let StatusResourceExhausted = StatusCode.resourceExhausted
    /// 9.
    public static let StatusFailedPrecondition = StatusCode.failedPrecondition
    /// 10.
    public static let StatusAborted = StatusCode.aborted
    /// 11.
    public static let StatusOutOfRange = StatusCode.outOfRange
    /// 12.
    public static let StatusUnimplemented = StatusCode.unimplemented
    /// 13.
    public static let StatusInternal = StatusCode.internalError
    /// 14.
    public static let StatusUnavailable = StatusCode.unavailable
    /// 15.
    public static let StatusDataLoss = StatusCode.dataLoss
    /// 16.
    public static let StatusUnauthenticated = StatusCode.unauthenticated

    /// 0.
    public static let HealthCheckUnknown = ServingStatus.unknown
    /// 1.
    public static let HealthCheckServing = ServingStatus.serving
    /// 2.
    public static let HealthCheckNotServing = ServingStatus.notServing
    /// 3 (k6's spelling).
    public static let HealthCheckServiceUnkown = ServingStatus.serviceUnknown

    /// Every constant by its k6 name with its number, in k6's order: what a script layer exports.
    public static let all: [(name: String, value: Int)] =
        [
            "StatusOK", "StatusCanceled", "StatusUnknown", "StatusInvalidArgument", "StatusDeadlineExceeded",
            "StatusNotFound", "StatusAlreadyExists", "StatusPermissionDenied", "StatusResourceExhausted",
            "StatusFailedPrecondition", "StatusAborted", "StatusOutOfRange", "StatusUnimplemented", "StatusInternal",
            "StatusUnavailable", "StatusDataLoss", "StatusUnauthenticated",
        ].enumerated().map { ($1, $0) }
        + ["HealthCheckUnknown", "HealthCheckServing", "HealthCheckNotServing", "HealthCheckServiceUnkown"]
        .enumerated().map { ($1, $0) }
}

/// `Stream` under a name that does not collide with Foundation's `Stream` in files importing both.
public typealias GRPCStream = Stream
