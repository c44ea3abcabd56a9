import DemoServer
import Foundation
import NIOCore
import NIOPosix
import TestSupport
import Testing

/// `reprise health` against grpcio (with and without reflection or health) and the demo server: the status
/// on stdout, grpc_health_probe's exit statuses.
@Suite("reprise health")
struct HealthCommandTests {
    @Test func servingAndNotServingByExitStatusWithoutReflection() async throws {
        let grpcio = try grpcioDemo(["--no-reflection"])
        let address = "127.0.0.1:\(grpcio.port)"
        let server = try await reprise(["health", "--plaintext", address])
        #expect(server.status == 0, "\(server.stderrText)")
        #expect(server.stdoutText == "SERVING\n")
        let demo = try await reprise(["health", "--plaintext", address, "demo.v1.Demo"])
        #expect(demo.status == 0)
        #expect(demo.stdoutText == "SERVING\n")
        let hello = try await reprise(["health", "--plaintext", address, "hello.HelloService"])
        #expect(hello.status == 4)
        #expect(hello.stdoutText == "NOT_SERVING\n")
    }

    @Test func theDemoServerIsServing() async throws {
        try await withDemoServer { address in
            let result = try await reprise(["health", "--plaintext", address])
            #expect(result.status == 0, "\(result.stderrText)")
            #expect(result.stdoutText == "SERVING\n")
        }
    }

    @Test func anIPv6AddressInBrackets() async throws {
        let server = try await DemoServer.start(host: "::1", group: MultiThreadedEventLoopGroup.singleton)
        let result = try await reprise(["health", "--plaintext", "[::1]:\(server.port)", "demo.v1.Demo"])
        let listed = try await reprise(["list", "--plaintext", "[::1]:\(server.port)"])
        await server.shutdown(gracePeriod: .milliseconds(100))
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText == "SERVING\n")
        #expect(listed.status == 0, "\(listed.stderrText)")
        #expect(listed.stdoutText.contains("demo.v1.Demo\n"))
    }

    @Test func unknownServiceNoHealthServiceAndUnreachableServer() async throws {
        let grpcio = try grpcioDemo()
        let unknown = try await reprise(["health", "--plaintext", "127.0.0.1:\(grpcio.port)", "nope.Service"])
        #expect(unknown.status == 3)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderrText.contains("code = NotFound"), "\(unknown.stderrText)")
        #expect(unknown.stderrText.contains("the server does not know that service"))

        let noHealth = try grpcioDemo(["--no-health"])
        let unserved = try await reprise(["health", "--plaintext", "127.0.0.1:\(noHealth.port)"])
        #expect(unserved.status == 3)
        #expect(unserved.stderrText.contains("code = Unimplemented"), "\(unserved.stderrText)")
        #expect(unserved.stderrText.contains("the server does not serve grpc.health.v1.Health"))

        let port = try closedPort()
        let refused = try await reprise(["health", "--plaintext", "127.0.0.1:\(port)"])
        #expect(refused.status == 2)
        #expect(
            refused.stderrText.hasPrefix("Error: connection refused by 127.0.0.1:\(port)"), "\(refused.stderrText)")

        let bare = try await reprise(["health", "--plaintext", "\(port)"])
        #expect(bare.status == 64)
        #expect(bare.stderrText.contains("ADDRESS \(port): give the host too, e.g. 127.0.0.1:\(port)."))
    }

    @Test func watchPrintsEveryChangeUntilTheServerEnds() async throws {
        let peer = try grpcioHealth([
            "--status", "demo=SERVING", "--change", "demo=NOT_SERVING", "--change", "demo=SERVING", "--interval",
            "0.4",
        ])
        let result = try await reprise(["health", "--plaintext", "--watch", "127.0.0.1:\(peer.port)", "demo"])
        #expect(result.stdoutText == "SERVING\nNOT_SERVING\nSERVING\n")
        // The server stopped: the connection is lost, which is exit status 2.
        #expect(result.status == 2, "\(result.stderrText)")
        #expect(result.stderrText.contains("the health watch on 127.0.0.1:\(peer.port) ended"))
    }

    @Test func ctrlCEndsAWatchWithTheLastStatusCode() async throws {
        let peer = try grpcioHealth(["--status", "demo=NOT_SERVING"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try RepriseExecutable.path())
        process.arguments = ["health", "--plaintext", "--watch", "127.0.0.1:\(peer.port)", "demo"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = try await Subprocess.offThread { () -> String in
            var text = Data()
            while !text.contains(UInt8(ascii: "\n")) {
                let byte = output.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty { break }
                text.append(byte)
            }
            return String(decoding: text, as: UTF8.self)
        }
        #expect(line == "NOT_SERVING\n")
        kill(process.processIdentifier, SIGINT)
        try await Subprocess.offThread { process.waitUntilExit() }
        #expect(process.terminationStatus == 4)
    }
}
