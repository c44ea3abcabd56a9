import Reflection

/// `reprise health`'s exit statuses: grpc_health_probe's (0 to 4), plus the usage and interrupt ones every
/// reprise command uses.
enum HealthExitCode: Int32 {
    /// The service is SERVING.
    case serving = 0
    /// The command could not run (an unreadable certificate file...).
    case failed = 1
    /// The server could not be reached, or the connection was lost.
    case unreachable = 2
    /// The health call failed: no health service (UNIMPLEMENTED), an unknown service (NOT_FOUND), a deadline.
    case rpcFailed = 3
    /// The server answered with another status: NOT_SERVING, UNKNOWN or SERVICE_UNKNOWN.
    case notServing = 4
    /// Ctrl-C ended `--watch` before any status arrived.
    case interrupted = 130

    init(_ status: ServingStatus) { self = status == .serving ? .serving : .notServing }

    static let help = """
        Exit status (as grpc_health_probe): 0 SERVING; 1 the command could not run; 2 the server is \
        unreachable (or the connection was lost); 3 the health call failed (UNIMPLEMENTED: no health service, \
        NOT_FOUND: unknown service, a deadline); 4 another status (NOT_SERVING, UNKNOWN, SERVICE_UNKNOWN); \
        64 usage error. With --watch, Ctrl-C (or the server ending the watch with OK) exits with the last \
        status's code (130 if none arrived yet); a lost connection, as when the server stops, exits with 2.
        """
}
