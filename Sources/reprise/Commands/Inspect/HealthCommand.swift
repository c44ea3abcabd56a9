import ArgumentParser
import Engine
import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import Reflection
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        _ = try ServerAddress(address, what: "ADDRESS")
        if maxTime <= 0 { throw ValidationError("--max-time must be positive.") }
        _ = try CallCommand.metadata(headers, option: "-H")
    }

    func run() async throws {
        let server = try ServerAddress(address, what: "ADDRESS")
        let target = server.target
        let client: Client
        let connection: ClientConnection
        do {
            (client, connection) = try await self.connection.connect(server)
        } catch let error as CommandError {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
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
        FileHandle.standardOutput.write(Data("\(status.name)\n".utf8))
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
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
        return status.code == .unavailable ? .unreachable : .rpcFailed
    }
}

/// The number of the last status `--watch` printed (-1: none yet), read by the signal handler.
private final class LastStatus: Sendable {
    let value = Atomic<Int32>(-1)
}

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

/// Ctrl-C (or SIGTERM) during `reprise health --watch`: exits at once with the code of the last status.
final class HealthInterrupt: Sendable {
    private let code: @Sendable () -> HealthExitCode
    // Kept alive for the life of the command; dispatch sources are only touched here.
    private nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []

    init(code: @escaping @Sendable () -> HealthExitCode) { self.code = code }

    func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in exit(code().rawValue) }
            source.resume()
            sources.append(source)
        }
    }
}
