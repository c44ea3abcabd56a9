import ArgumentParser
import GRPCWire
import NIOCore

/// Where a command listens: `HOST:PORT`, `[IPV6]:PORT`, `PORT` alone (on 127.0.0.1, so nothing is
/// exposed by accident) or `:PORT` (every interface). Port 0 picks a free port. Checked in `validate()`,
/// before anything starts, with the same wording in every subcommand.
struct ListenAddress: CustomStringConvertible {
    var host: String
    var port: Int

    init(_ text: String, option: String = "--listen") throws {
        let (host, portText) = splitHostPort(text)
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ValidationError(
                "\(option) \(text): give HOST:PORT or PORT, e.g. 127.0.0.1:7000 or 7000 (port 0 picks a free one)."
            )
        }
        switch host {
        case nil: self.host = "127.0.0.1"
        case "": self.host = "0.0.0.0"
        case let host?: self.host = host
        }
        self.port = port
    }

    var description: String { hostPort(host, port) }
}

/// A server a command connects to: `HOST:PORT` or `[IPV6]:PORT`, port 1 to 65535. A port alone is
/// refused with the address it probably meant, the same way in every subcommand.
struct ServerAddress: CustomStringConvertible {
    var host: String
    var port: Int

    init(_ text: String, option: String) throws {
        let (host, portText) = splitHostPort(text)
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw ValidationError(
                "\(option) \(text): give HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:50051.")
        }
        guard let host, !host.isEmpty else {
            throw ValidationError("\(option) \(text): give the host too, e.g. 127.0.0.1:\(port).")
        }
        self.host = host
        self.port = port
    }

    /// `host:port`, brackets around an IPv6 host: what `Client.connect` and messages take.
    var target: String { hostPort(host, port) }

    /// Refuses a server that is the command's own listening address (`listen`, given with `listenOption`):
    /// every connection would be forwarded to the command itself, which would forward it again.
    func checkNotSelf(_ listen: ListenAddress, option: String, listenOption: String = "--listen") throws {
        guard port == listen.port, listen.port != 0 else { return }
        let loopback: Set<String> = ["127.0.0.1", "localhost", "::1"]
        let wildcard: Set<String> = ["0.0.0.0", "::"]
        let same =
            host == listen.host
            || (loopback.contains(host) && (loopback.contains(listen.host) || wildcard.contains(listen.host)))
        guard same else { return }
        throw ValidationError(
            "\(option) \(target) is this command's own \(listenOption) address: it would forward every connection to "
                + "itself. Give the real server's address.")
    }

    var description: String { target }
}

/// `[v6]:port` → ("v6", "port"); `host:port` → ("host", "port"); `port` → (nil, "port").
private func splitHostPort(_ text: String) -> (host: String?, port: Substring) {
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
        let rest = text[text.index(after: close)...]
        return (String(text[text.index(after: text.startIndex)..<close]), rest.hasPrefix(":") ? rest.dropFirst() : "")
    }
    if let colon = text.lastIndex(of: ":") {
        return (String(text[..<colon]), text[text.index(after: colon)...])
    }
    return (nil, Substring(text))
}

/// `host:port`, with brackets around an IPv6 host.
func hostPort(_ host: String, _ port: Int) -> String {
    host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
}

extension CommandError {
    /// A server could not start listening on `address` (given with `option`): the port taken, a privileged
    /// port, a host that is not local (exit 69), with what to do; other start-up failures keep their own words.
    static func cannotListen(on address: ListenAddress, _ error: any Error, option: String = "--listen") -> CommandError
    {
        guard error is IOError || error is SocketAddressError else {
            return CommandError("cannot serve on \(address): \(error)")
        }
        let failure = ListenFailure.classify(error, address: address.description)
        let hint =
            switch failure.reason {
            case .portInUse: "; pick another port with \(option) (port 0 picks a free one)"
            case .permissionDenied: "; pick a port above 1023 with \(option)"
            case .notLocalAddress, .unknownHost: "; listen on 127.0.0.1, ::1 or one of this machine's addresses"
            case .other: ""
            }
        return CommandError("\(failure)\(hint).", status: .unavailable)
    }
}
