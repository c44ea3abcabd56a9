import ArgumentParser
import Engine
import GRPCWire
import NIOCore

/// How the inspecting commands (`list`, `describe`, `health`) reach a server: `reprise call`'s TLS flags
/// and a connect timeout.
struct ServerConnectionOptions: ParsableArguments {
    @OptionGroup var tls: CallTLSOptions

    @Option(
        name: .customLong("connect-timeout"),
        help: ArgumentHelp("Seconds the connection may take.", valueName: "seconds"))
    var connectTimeout: Double = 10

    func validate() throws {
        if connectTimeout <= 0 { throw ValidationError("--connect-timeout must be positive.") }
    }

    /// The connect timeout, for the calls that follow the connection too (reflection).
    var timeout: TimeAmount { .milliseconds(Int64(connectTimeout * 1000)) }

    /// A client connected to `address` and its connection, or why not (exit 69).
    func connect(_ address: ServerAddress) async throws -> (Client, ClientConnection) {
        let client = Client()
        do {
            try await client.connect(
                address.target, params: try tls.connectParams(timeout: .milliseconds(Int64(connectTimeout * 1000))))
        } catch let error as EngineError {
            throw CommandError.cannotConnect(error, status: .unavailable)
        }
        guard let connection = client.connection else {
            throw CommandError(
                "cannot connect to \(address.target): the connection closed at once", status: .unavailable)
        }
        return (client, connection)
    }
}
