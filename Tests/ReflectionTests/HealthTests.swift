import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import Reflection
import TestSupport
import Testing

@Suite("Health checking")
struct HealthTests {
    @Test func checksGrpciosHealthService() async throws {
        let peer = try GRPCIODemo.start()
        let connection = try await connect(peer.port)
        defer { _ = connection.close() }
        let overall = await HealthClient.check(on: connection)
        #expect(overall.callResult.status.isOK)
        #expect(overall.servingStatus == .serving)
        #expect(await HealthClient.check(on: connection, service: "hello.HelloService").servingStatus == .notServing)
        let unknown = await HealthClient.check(on: connection, service: "no.such.Service")
        #expect(unknown.callResult.status.code == .notFound)
    }

    @Test func serverWithoutHealthAnswersUnimplemented() async throws {
        let peer = try GRPCIODemo.start(["--no-health"])
        let connection = try await connect(peer.port)
        defer { _ = connection.close() }
        let result = await HealthClient.check(on: connection)
        #expect(result.callResult.status.code == .unimplemented)
    }

    @Test func reprisesHealthServiceAnswersChecksAndWatches() async throws {
        let health = HealthService(statuses: ["": .serving, "demo.v1.Demo": .notServing])
        var router = ServerRouter()
        health.register(on: &router)
        let server = try await GRPCServer.start(router: router, group: group)
        let connection = try await connect(server.port)
        #expect(await HealthClient.check(on: connection).servingStatus == .serving)
        #expect(await HealthClient.check(on: connection, service: "demo.v1.Demo").servingStatus == .notServing)
        #expect(await HealthClient.check(on: connection, service: "x").callResult.status.code == .notFound)

        // Watch: the current status at once, then every change.
        let watch = await WatchRecorder.start(on: connection, service: "demo.v1.Demo")
        #expect(await watch.next() == .notServing)
        health.set("demo.v1.Demo", .serving)
        #expect(await watch.next() == .serving)
        watch.cancel()
        await connection.close()
        await server.shutdown()
    }

    @Test func grpciosClientsReadReprisesReflectionAndHealth() async throws {
        let pool = try DemoProtos.pool()
        let health = HealthService(statuses: ["": .serving, "demo.v1.Demo": .serving])
        var router = ServerRouter()
        health.register(on: &router)
        ReflectionService(
            pool: pool,
            services: ["demo.v1.Demo", "hello.HelloService", "grpc.health.v1.Health"]
                + ReflectionVersion.allCases.map(\.serviceName)
        ).register(on: &router)
        let server = try await GRPCServer.start(router: router, group: group)
        let script = Repository.root.appendingPathComponent("Tests/ReflectionTests/Peers/grpcio_reflection_client.py")
        let output = try await Subprocess.check(
            [try Repository.python(), script.path, String(server.port), "demo.v1.Demo", "demo.v1.Demo"])
        let json = try #require(try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any])
        #expect((json["services"] as? [String])?.contains("demo.v1.Demo") == true)
        #expect(json["file"] as? String == "demo/v1/demo.proto")
        #expect(
            json["dependencies"] as? [String] == [
                "google/protobuf/duration.proto", "google/protobuf/timestamp.proto", "google/rpc/error_details.proto",
            ])
        #expect(
            json["methods"] as? [String] == ["SayHello", "Echo", "Countdown", "Sum", "Chat", "Sleep", "Fail", "Blob"])
        #expect(json["check"] as? String == "SERVING")
        #expect(json["watch"] as? String == "SERVING")
        #expect(json["unknown"] as? String == "NOT_FOUND")
        await server.shutdown()
    }
}

/// Collects the statuses a `Watch` stream delivers.
final class WatchRecorder: ClientCallDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [ServingStatus] = []
    private var call: ClientCall?

    static func start(on connection: ClientConnection, service: String) async -> WatchRecorder {
        let recorder = WatchRecorder()
        let call = connection.makeCall(path: "/grpc.health.v1.Health/Watch", delegate: recorder)
        call.send(HealthClient.encodeRequest(service), endStream: true)
        recorder.call = call
        return recorder
    }

    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) {
        guard let status = try? HealthClient.decodeResponse(message) else { return }
        lock.withLock { statuses.append(status) }
    }

    func callFinished(_ call: ClientCall, result: CallResult) {}

    /// Waits (up to 30 s: the test machine may be busy) for the next status.
    func next() async -> ServingStatus? {
        for _ in 0..<3000 {
            let first = lock.withLock { statuses.isEmpty ? nil : statuses.removeFirst() }
            if let first { return first }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    func cancel() { call?.cancel() }
}
