import DemoServer
import Foundation
import NIOCore
import NIOPosix
import TestSupport

/// Runs the built `reprise` to completion.
func reprise(_ arguments: [String], input: Data = Data()) async throws -> ProcessOutput {
    let executable = try RepriseExecutable.path()
    return try await Subprocess.run([executable] + arguments, input: input)
}

/// Reprise's demo server, in process, for the body's duration.
func withDemoServer(_ body: (String) async throws -> Void) async throws {
    let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
    do {
        try await body("127.0.0.1:\(server.port)")
    } catch {
        await server.shutdown(gracePeriod: .milliseconds(100))
        throw error
    }
    await server.shutdown(gracePeriod: .milliseconds(100))
}

/// The grpcio demo server (demo.v1.Demo, hello.HelloService; health: "" and demo.v1.Demo SERVING,
/// hello.HelloService NOT_SERVING), with `arguments` (`--no-reflection`, `--no-health`).
func grpcioDemo(_ arguments: [String] = []) throws -> PeerProcess {
    let script = Repository.root.appendingPathComponent("Tests/EngineTests/Peers/grpcio_demo_server.py").path
    return try PeerProcess([try Repository.python(), script] + arguments)
}

/// The grpcio health peer (Tests/CLITests/Peers/health_server.py).
func grpcioHealth(_ arguments: [String]) throws -> PeerProcess {
    let script = Repository.root.appendingPathComponent("Tests/CLITests/Peers/health_server.py").path
    return try PeerProcess([try Repository.python(), script] + arguments)
}

/// A port nothing listens on (bound, then closed).
func closedPort() throws -> Int {
    let socket = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0)
        .wait()
    let port = socket.localAddress?.port ?? 1
    try socket.close().wait()
    return port
}
