import ArgumentParser

/// A server's address given on the command line, checked before anything starts, the way `record
/// --upstream` checks it: `HOST:PORT` or `[IPv6]:PORT`. A bare port is refused, since it can't say which
/// host is meant.
struct ServerAddress: Hashable, Sendable {
    var host: String
    var port: Int

    /// Parses `text`; `what` names the argument in the error (`ADDRESS`, `--target`).
    init(_ text: String, what: String) throws {
        let (host, port) = try RecordCommand.address(text, defaultHost: nil, what: what)
        guard port > 0 else {
            throw ValidationError("\(what) needs a port from 1 to 65535 (e.g. 127.0.0.1:50051); got \"\(text)\".")
        }
        self.host = host
        self.port = port
    }

    /// `host:port`, brackets around an IPv6 host: what `Client.connect` and messages take.
    var target: String { RecordCommand.describe(host: host, port: port) }
}
