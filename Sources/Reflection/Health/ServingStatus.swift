/// `grpc.health.v1.HealthCheckResponse.ServingStatus`, with the values k6 exposes as constants.
public struct ServingStatus: Hashable, Sendable, CustomStringConvertible {
    /// The enum's number.
    public let rawValue: Int32

    /// A status from its number.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `UNKNOWN` (k6's `HealthCheckUnknown`).
    public static let unknown = ServingStatus(rawValue: 0)
    /// `SERVING` (k6's `HealthCheckServing`).
    public static let serving = ServingStatus(rawValue: 1)
    /// `NOT_SERVING` (k6's `HealthCheckNotServing`).
    public static let notServing = ServingStatus(rawValue: 2)
    /// `SERVICE_UNKNOWN`, only sent by `Watch` (k6's misspelled `HealthCheckServiceUnkown`).
    public static let serviceUnknown = ServingStatus(rawValue: 3)

    /// The enum value's name in health.proto.
    public var name: String {
        switch rawValue {
        case 0: "UNKNOWN"
        case 1: "SERVING"
        case 2: "NOT_SERVING"
        case 3: "SERVICE_UNKNOWN"
        default: "\(rawValue)"
        }
    }

    public var description: String { name }
}
