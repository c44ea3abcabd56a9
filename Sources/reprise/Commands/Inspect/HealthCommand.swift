import ArgumentParser
import Engine
import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import Reflection
import Synchronization

/// `reprise health`: the standard health check (`grpc.health.v1.Health`), compiled in, so no reflection
/// or `.proto` file is needed. Exit statuses follow grpc_health_probe's, which probes already act on.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check a server's health (grpc.health.v1), once or watching for changes.",
        discussion: """
            Asks grpc.health.v1.Health/Check for SERVICE (left out: the server as a whole) and prints the \
            serving status on standard output. With --watch it calls Health/Watch instead and prints every \
            status the server sends, one per line, until Ctrl-C or the server ends the watch.

            \(HealthExitCode.help)

              reprise health --plaintext 127.0.0.1:50051
              reprise health --plaintext 127.0.0.1:50051 demo.v1.Demo
              reprise health --plaintext --watch 127.0.0.1:50051 demo.v1.Demo
            """)

    @Argument(help: ArgumentHelp("The server: HOST:PORT or [IPv6]:PORT.", valueName: "address"))
    var address: String

    @Argument(help: ArgumentHelp("The service to check (default: the whole server).", valueName: "service"))
    var service = ""

    @Flag(help: "Watch the status (Health/Watch): print each change until Ctrl-C or the server ends the watch.")
    var watch = false

    @OptionGroup var connection: ServerConnectionOptions

    @Option(
        name: .customLong("max-time"),
        help: ArgumentHelp("Seconds the check may take (without --watch).", valueName: "seconds"))
    var maxTime: Double = 10

    @Option(
        name: [.customShort("H"), .customLong("header")],
        help: ArgumentHelp("Request metadata 'key: value' (repeatable; -bin keys take base64).", valueName: "header"))
    var headers: [String] = []

    func validate() throws {
        _ = try ServerAddress(address, option: "ADDRESS")
        if maxTime <= 0 { throw ValidationError("--max-time must be positive.") }
        _ = try CallCommand.metadata(headers, option: "-H")
    }

    func run() async throws {
        let server = try ServerAddress(address, option: "ADDRESS")
        let target = server.target
        let client: Client
        let connection: ClientConnection
        do {
            (client, connection) = try await self.connection.connect(server)
        } catch let error as CommandError {
            StandardStream.error.write("Error: \(error)\n")
            throw ExitCode(HealthExitCode.unreachable.rawValue)
        }
        var options = CallOptions()
        options.metadata = try CallCommand.metadata(headers, option: "-H")
        let code: HealthExitCode
        if watch {
            code = await watch(on: connection, options: options, target: target)
        } else {
            options.timeout = .milliseconds(Int64(maxTime * 1000))
            let result = await HealthClient.check(on: connection, service: service, options: options)
            if result.callResult.status.isOK {
                Self.print(result.servingStatus)
                code = HealthExitCode(result.servingStatus)
            } else {
                code = Self.report(result.callResult.status, target: target)
            }
        }
        await client.close()
        if code != .serving { throw ExitCode(code.rawValue) }
    }

    private func watch(on connection: ClientConnection, options: CallOptions, target: String) async -> HealthExitCode {
        let last = LastStatus()
        let interrupt = HealthInterrupt {
            let seen = last.value.load(ordering: .relaxed)
            return seen < 0 ? HealthExitCode.interrupted : HealthExitCode(ServingStatus(rawValue: seen))
        }
        interrupt.install()
        let result = await HealthClient.watch(on: connection, service: service, options: options) { status in
            last.value.store(status.rawValue, ordering: .relaxed)
            Self.print(status)
        }
        let seen = last.value.load(ordering: .relaxed)
        if result.status.isOK {
            return seen < 0 ? .rpcFailed : HealthExitCode(ServingStatus(rawValue: seen))
        }
        return Self.report(result.status, target: target, watching: true)
    }

    private static func print(_ status: ServingStatus) {
        StandardStream.output.write("\(status.name)\n")
    }

    /// Says why the health call failed and picks the exit status.
    private static func report(_ status: GRPCStatus, target: String, watching: Bool = false) -> HealthExitCode {
        let what = watching ? "the health watch on \(target) ended" : "the health check of \(target) failed"
        var message = "\(what): \(status.goErrorDescription)"
        switch status.code {
        case .unimplemented: message += "; the server does not serve grpc.health.v1.Health"
        case .notFound: message += "; the server does not know that service (reprise list shows those it has)"
        default: break
        }
        StandardStream.error.write("Error: \(message)\n")
        return status.code == .unavailable ? .unreachable : .rpcFailed
    }
}

/// The number of the last status `--watch` printed (-1: none yet), read by the signal handler.
private final class LastStatus: Sendable {
    let value = Atomic<Int32>(-1)
}
