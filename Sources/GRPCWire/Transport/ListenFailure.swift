import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a server could not listen on an address, in words: "127.0.0.1:7000 is already in use by another
/// program". Commands add what to do (another `--listen`); servers (the mock, the demo, the proxy) throw
/// the underlying error unchanged and callers classify it here.
public struct ListenFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Hashable, Sendable {
        /// Another socket holds the port (`EADDRINUSE`).
        case portInUse
        /// Ports below 1024 need root or `CAP_NET_BIND_SERVICE` (`EACCES`).
        case permissionDenied
        /// The host is not one of this machine's addresses (`EADDRNOTAVAIL`).
        case notLocalAddress
        /// The host name did not resolve.
        case unknownHost
        /// Anything else, with the system's words.
        case other(String)
    }

    public var reason: Reason
    /// `host:port` as the user gave it.
    public var address: String

    public init(reason: Reason, address: String) {
        self.reason = reason
        self.address = address
    }

    /// The failure of binding `address`.
    public static func classify(_ error: any Error, address: String) -> ListenFailure {
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE: return ListenFailure(reason: .portInUse, address: address)
            case EACCES, EPERM: return ListenFailure(reason: .permissionDenied, address: address)
            case EADDRNOTAVAIL: return ListenFailure(reason: .notLocalAddress, address: address)
            default: return ListenFailure(reason: .other(String(cString: strerror(io.errnoCode))), address: address)
            }
        }
        if error is SocketAddressError { return ListenFailure(reason: .unknownHost, address: address) }
        return ListenFailure(reason: .other("\(error)"), address: address)
    }

    public var description: String {
        switch reason {
        case .portInUse: return "\(address) is already in use by another program"
        case .permissionDenied: return "\(address): ports below 1024 need root (or CAP_NET_BIND_SERVICE)"
        case .notLocalAddress: return "\(address): the host is not an address of this machine"
        case .unknownHost: return "\(address): the host name does not resolve"
        case .other(let words): return "cannot listen on \(address): \(words)"
        }
    }
}
