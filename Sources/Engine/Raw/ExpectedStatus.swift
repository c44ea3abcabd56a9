/// How a replayed call is expected to end, as its recording says: a call that ends so is not counted in
/// `grpc_req_failed` (as k6's expected statuses do for HTTP).
public enum ExpectedStatus: Sendable, Equatable {
    /// The server's status with this code.
    case code(Int)
    /// The client's own end, with no status from the server: the recorded client cancelled the call
    /// before the server answered. `atDeadline`: it did when its deadline passed, so DEADLINE_EXCEEDED
    /// from the server (whose clock ran out at the same moment) is that end too.
    case clientEnd(atDeadline: Bool)

    /// Whether a call that ended with `code` (from the server when `fromServer`) ended as expected.
    public func isMet(by code: Int, fromServer: Bool) -> Bool {
        switch self {
        case .code(let expected): expected == code
        case .clientEnd(let atDeadline): !fromServer || (atDeadline && code == 4)
        }
    }
}
