import ArgumentParser
import DemoServer
import Foundation
import GRPCWire
import NIOCore
import NIOPosix

/// `reprise demo-server`: serves the demo gRPC service until SIGINT or SIGTERM.
struct DemoServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-server",
        abstract: "Serve Reprise's demo gRPC service (all four RPC kinds, health, reflection) until interrupted.",
        discussion: """
            Services: demo.v1.Demo (SayHello, Echo, Countdown, Sum, Chat, Sleep, Fail, Blob), k6's example \
            hello.HelloService, grpc.health.v1.Health, and server reflection v1 and v1alpha, so clients need no \
            .proto files. Request metadata with keys starting with x- comes back in the response headers and \
            trailers. Answers are deterministic. --write-protos writes the schema's .proto files to a folder.

            Example: reprise demo-server --listen 127.0.0.1:50051
            """
    )

    @Option(help: ArgumentHelp("The address to listen on (port 0 picks a free port).", valueName: "host:port"))
    var listen = "127.0.0.1:50051"

    @Option(
        name: .customLong("tls-cert"),
        help: ArgumentHelp("Serve TLS with this PEM certificate chain.", valueName: "file"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(
        name: .customLong("write-protos"),
        help: ArgumentHelp("Write the demo's .proto files into this folder and exit.", valueName: "dir"))
    var writeProtos: String?

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("Give --tls-cert and --tls-key together.") }
        _ = try ListenAddress(listen)
    }

    func run() async throws {
        if let writeProtos { return try write(to: writeProtos) }
        let address = try ListenAddress(listen)
        var tls: ServerTLSConfiguration?
        if let tlsCert, let tlsKey {
            tls = ServerTLSConfiguration(
                certificateChainPEM: try readTextFile(tlsCert, what: "--tls-cert"),
                privateKeyPEM: try readTextFile(tlsKey, what: "--tls-key"))
        }
        let stop = StopSignal()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let server: DemoServer
        do {
            server = try await DemoServer.start(host: address.host, port: address.port, tls: tls, group: group)
        } catch {
            throw CommandError.cannotListen(on: address, error)
        }
        let shown = address.host.contains(":") ? "[\(address.host)]" : address.host
        print("demo server listening on \(shown):\(server.port) (\(tls == nil ? "plaintext" : "TLS"))")
        fflush(nil)
        let signal = await stop.wait()
        StandardStream.error.write("reprise demo-server: \(signal), shutting down\n")
        await server.shutdown(gracePeriod: .seconds(2))
        try await group.shutdownGracefully()
    }

    private func write(to folder: String) throws {
        for (name, text) in DemoSchema.sources.sorted(by: { $0.key < $1.key }) {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(name)
            do {
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            } catch {
                throw CommandError("cannot write \(url.path): \(error.localizedDescription)")
            }
            print(url.path)
        }
    }
}

/// SIGINT and SIGTERM, caught from the moment this is created (so a signal sent while the server starts
/// is not lost) and delivered to `wait()`; the first one wins.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var received: String?
    private var continuation: CheckedContinuation<String, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init() {
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.fire(name) }
            source.resume()
            sources.append(source)
        }
    }

    /// The name of the first signal received, once one is.
    func wait() async -> String {
        await withCheckedContinuation { continuation in
            let name: String? = lock.withLock {
                if received == nil { self.continuation = continuation }
                return received
            }
            if let name { continuation.resume(returning: name) }
        }
    }

    private func fire(_ name: String) {
        let continuation: CheckedContinuation<String, Never>? = lock.withLock {
            guard received == nil else { return nil }
            received = name
            defer { self.continuation = nil }
            return self.continuation
        }
        continuation?.resume(returning: name)
    }
}
