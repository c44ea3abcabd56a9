import DemoServer
import Foundation
import NIOCore
import ProtoCodec
import Proxy
import Recording
import TestSupport
import Testing

/// The proxy under load when something gives: ten thousand streams at once on one connection, and a
/// GOAWAY (the server's or the proxy's own) in the middle of h2load's run. Every call a client saw answered
/// is in the recording, whole; every other call the recording holds says how it ended.
@Suite(.timeLimit(.minutes(3))) struct LoadFaultTests {
    /// demo.v1.Demo/SayHello with HelloRequest{name: "h2load"}.
    static let hello: [UInt8] = [0x0A, 6] + Array("h2load".utf8)

    static func startHarness(upstreamPort: Int) async throws -> ProxyHarness {
        try await ProxyHarness.start(
            upstreamPort: upstreamPort, registry: DemoSchema.registry, schemaFiles: ["demo/v1/demo.proto"])
    }

    @Test func tenThousandConcurrentStreamsOnOneConnectionAreAllRelayedAndRecorded() async throws {
        let server = try await DemoServer.start(group: testGroup)
        let harness = try await Self.startHarness(upstreamPort: server.port)
        // The demo server allows 10,000 concurrent streams: h2load opens them all at once on one connection.
        let output = try await H2Load.unary(
            authority: harness.target, path: "/demo.v1.Demo/SayHello", message: Self.hello, calls: 10_000,
            connections: 1, streams: 10_000, directory: try TemporaryDirectory(prefix: "reprise-proxy-10k"))
        #expect(output.stdoutText.contains("10000 succeeded, 0 failed, 0 errored"), "\(output.stdoutText)")
        try await eventually {
            harness.recorder.statistics.calls == 10_000 && harness.recorder.statistics.openCalls == 0
        }
        let recording = try await harness.finish()
        await server.shutdown()
        #expect(recording.warnings.isEmpty, "\(recording.warnings)")
        #expect(recording.calls.count == 10_000)
        #expect(recording.calls.allSatisfy { $0.end?.outcome == .ok && $0.trailers?.code == 0 })
        #expect(recording.calls.allSatisfy { $0.requests.first?.json?["name"] == "h2load" })
        #expect(Set(recording.calls.map(\.start.connection)).count == 1)
        #expect(harness.logs.all.isEmpty, "\(harness.logs.all)")
    }

    /// Who sends the GOAWAY in the middle of the run: the server (stopping gracefully) or the proxy.
    enum Stopper: String, CaseIterable, Sendable { case server, proxy }

    @Test(arguments: Stopper.allCases)
    func aGoAwayUnderLoadEndsTheRunAndEveryAnsweredCallIsRecorded(stopper: Stopper) async throws {
        let server = try await DemoServer.start(group: testGroup)
        let harness = try await Self.startHarness(upstreamPort: server.port)
        let directory = try TemporaryDirectory(prefix: "reprise-proxy-goaway")
        async let load = H2Load.unary(
            authority: harness.target, path: "/demo.v1.Demo/SayHello", message: Self.hello, calls: 100_000,
            connections: 2, streams: 32, directory: directory)
        try await eventually { harness.recorder.statistics.calls >= 500 }
        let recording: Recording
        switch stopper {
        case .server:
            await server.shutdown(gracePeriod: .seconds(5))
            // The GOAWAY reached h2load through the proxy: it stops, with the calls after it not made.
            let output = try await load.stdoutText
            try await eventually { harness.recorder.statistics.openCalls == 0 }
            recording = try await harness.finish()
            try Self.check(recording, against: output)
        case .proxy:
            recording = try await harness.finish(grace: .seconds(5))
            let output = try await load.stdoutText
            await server.shutdown()
            try Self.check(recording, against: output)
        }
        #expect(!harness.logs.all.contains { $0.contains("Error(") || $0.contains("errno") }, "\(harness.logs.all)")
    }

    /// h2load's succeeded calls are the recording's OK calls; every recorded call has an end, and the run
    /// stopped well short of its 100,000 calls.
    static func check(_ recording: Recording, against output: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let succeeded = try #require(H2Load.count("succeeded", in: output), "\(output)", sourceLocation: sourceLocation)
        #expect(succeeded >= 500 && succeeded < 100_000, "\(output)", sourceLocation: sourceLocation)
        #expect(recording.warnings.isEmpty, "\(recording.warnings)", sourceLocation: sourceLocation)
        let ok = recording.calls.filter { $0.end?.outcome == .ok && $0.trailers?.code == 0 }
        #expect(ok.count == succeeded, "\(output)", sourceLocation: sourceLocation)
        #expect(
            recording.calls.allSatisfy { $0.end != nil }, "every recorded call ends", sourceLocation: sourceLocation)
        #expect(ok.allSatisfy { $0.responses.first?.json?["message"] != nil }, sourceLocation: sourceLocation)
    }
}
