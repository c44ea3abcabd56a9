import Foundation
import ProtoCodec
import Recording
import TestSupport
import Testing

/// A grpcio client through the proxy to a grpcio server, every RPC kind: the client sees exactly what it
/// sees without the proxy, and the recording holds exactly what went through.
@Suite(.timeLimit(.minutes(3))) struct GRPCIOParityTests {
    static let scenarios = ["unary", "gzip", "server_stream", "client_stream", "bidi", "fail", "trailers_only", "big"]

    /// One run shared by the suite: the scenarios directly, then through the proxy.
    final class Run: Sendable {
        let direct: [String: JSONValue]
        let proxied: [String: JSONValue]
        let calls: [String: RecordedCall]
        let recording: Recording
        let harness: ProxyHarness

        init() async throws {
            let server = try RecordPeer.startServer()
            defer { server.stop() }
            let directResults = try RecordPeer.runClient(target: "127.0.0.1:\(server.port)", scenarios: scenarios)
            harness = try await ProxyHarness.start(upstreamPort: server.port)
            let proxiedResults = try RecordPeer.runClient(target: harness.target, scenarios: scenarios)
            recording = try await harness.finish()
            func keyed(_ results: [JSONValue]) -> [String: JSONValue] {
                Dictionary(uniqueKeysWithValues: results.map { ($0["scenario"]!.stringValue!, $0) })
            }
            direct = keyed(directResults)
            proxied = keyed(proxiedResults)
            let recorded = recording.calls
            precondition(recorded.count == scenarios.count, "recorded \(recorded.count) calls")
            calls = Dictionary(uniqueKeysWithValues: zip(scenarios, recorded).map { ($0, $1) })
        }
    }

    static let run = Task { try await Run() }

    static let methods: [String: (String, RPCKind)] = [
        "unary": ("Unary", .unary), "gzip": ("Unary", .unary), "server_stream": ("ServerStream", .serverStreaming),
        "client_stream": ("ClientStream", .clientStreaming), "bidi": ("Bidi", .bidi), "fail": ("Fail", .unary),
        "trailers_only": ("TrailersOnly", .unary), "big": ("Big", .unary),
    ]

    @Test func theProxyWarnsAboutNothing() async throws {
        let run = try await Self.run.value
        #expect(run.harness.logs.all.isEmpty, "\(run.harness.logs.all)")
    }

    @Test(arguments: scenarios) func theClientSeesWhatItSeesWithoutTheProxy(_ scenario: String) async throws {
        let run = try await Self.run.value
        let direct = try #require(run.direct[scenario])
        let proxied = try #require(run.proxied[scenario])
        #expect(proxied == direct)
    }

    @Test(arguments: scenarios) func theRecordingHoldsTheMessagesSentAndReceived(_ scenario: String) async throws {
        let run = try await Self.run.value
        let client = try #require(run.proxied[scenario])
        let call = try #require(run.calls[scenario])
        let (method, kind) = try #require(Self.methods[scenario])
        #expect(call.start.method == RecordPeer.path(method))
        #expect(call.start.kind == kind)
        #expect(
            call.requests.map { RecordingBase64.encode($0.raw) } == client["requests"]?.arrayValue?.map(\.stringValue))
        #expect(
            call.responses.map { RecordingBase64.encode($0.raw) } == client["responses"]?.arrayValue?.map(\.stringValue)
        )
        for message in call.messages {
            // The decoded view is the schema's proto3 JSON of exactly those bytes (k6's mapping).
            let decoded = try DynamicMessage(type: RecordPeer.note, serializedBytes: message.raw)
            #expect(message.json == (try decoded.jsonValue()))
            #expect(message.decodeError == nil)
        }
        #expect(call.end?.outcome == .ok)
        #expect(call.trailers?.code == client["code"]?.int64Value.map(Int.init))
        #expect(call.trailers?.message == client["details"]?.stringValue)
    }

    @Test(arguments: scenarios) func theRecordingHoldsTheMetadataBothWays(_ scenario: String) async throws {
        let run = try await Self.run.value
        let client = try #require(run.proxied[scenario])
        let call = try #require(run.calls[scenario])
        func decoded(_ entries: [MetadataEntry]) -> [[String]] {
            entries.map { [$0.key, $0.isBinary ? RecordingBase64.encode($0.binaryValue ?? []) : $0.value] }
        }
        func clientPairs(_ key: String) -> [[String]] {
            (client[key]?.arrayValue ?? []).map { $0.arrayValue!.map { $0.stringValue! } }
                .filter { $0[0] != "grpc-status-details-bin" }
        }
        let recordedInitial = call.headers.map { decoded($0.metadata) } ?? []
        let recordedTrailing = decoded(call.trailers?.metadata ?? [])
        if call.trailers?.trailersOnly == true {
            // grpcio shows a trailers-only response's metadata as trailing metadata.
            #expect(recordedTrailing == clientPairs("trailing_metadata") + clientPairs("initial_metadata"))
        } else {
            #expect(recordedInitial == clientPairs("initial_metadata"))
            #expect(recordedTrailing == clientPairs("trailing_metadata"))
        }
    }

    @Test(arguments: scenarios) func theClientsHalfCloseIsRecordedAfterItsLastRequest(_ scenario: String)
        async throws
    {
        let run = try await Self.run.value
        let call = try #require(run.calls[scenario])
        let halfClose = try #require(call.halfClose)
        #expect(halfClose.time >= (call.requests.last?.time ?? call.start.time))
        let events = run.recording.events.filter { $0.call == call.start.call }
        let index = try #require(events.firstIndex { $0.typeName == "half_close" })
        #expect(events[index...].allSatisfy { if case .message(let m) = $0 { m.direction == .response } else { true } })
        #expect(call.cancel == nil)
    }

    @Test func secretsInRequestMetadataAreRedactedAndTheRestKept() async throws {
        let call = try #require(try await Self.run.value.calls["unary"])
        let metadata = call.start.metadata.filter { $0.key != "user-agent" }
        #expect(
            metadata == [
                MetadataEntry("x-team", "blue"), MetadataEntry("authorization", "[redacted]"),
                MetadataEntry("x-trace-bin", "AQID"),
            ])
        #expect(call.start.metadata.first?.value.hasPrefix("grpc-python/") == true)
        #expect(call.start.timeoutNanoseconds.map { $0 > 29_000_000_000 && $0 <= 30_000_000_000 } == true)
    }

    @Test func compressedMessagesAreRecordedDecompressedAndMarkedCompressed() async throws {
        let call = try #require(try await Self.run.value.calls["gzip"])
        #expect(call.start.encoding == "gzip")
        #expect(call.headers?.encoding == "gzip")
        for message in call.messages {
            #expect(message.compressed)
            #expect(message.size < message.raw.count)
            #expect(message.json?["text"]?.stringValue?.hasPrefix("squeeze squeeze") == true)
        }
    }

    @Test func largeMessagesAreRecordedWhole() async throws {
        let call = try #require(try await Self.run.value.calls["big"])
        #expect(call.requests.first?.raw.count ?? 0 > 10_000_000)
        #expect(call.responses.first?.raw.count ?? 0 > 10 * 1024 * 1024)
        #expect(call.responses.first?.size == call.responses.first?.raw.count)
    }

    @Test func aTrailersOnlyResponseIsRecordedAsSuch() async throws {
        let call = try #require(try await Self.run.value.calls["trailers_only"])
        #expect(call.headers == nil)
        #expect(call.trailers?.trailersOnly == true)
        #expect(call.trailers?.httpStatus == 200)
        #expect(call.trailers?.code == 7)
        #expect(call.trailers?.message == "no notes for you")
    }

    @Test func statusDetailsAreDecodedWithTheSchema() async throws {
        let trailers = try #require(try await Self.run.value.calls["fail"]?.trailers)
        #expect(trailers.code == 5)
        #expect(trailers.message == "no such note: é")
        #expect(
            trailers.details == [
                [
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "NOTE_REJECTED",
                    "domain": "recordtest.v1", "metadata": [:],
                ],
                ["@type": "type.googleapis.com/vendor.Unknown", "raw": "CAc="],
            ])
        #expect(trailers.metadata == [MetadataEntry("x-fail", "yes")])
    }

    @Test func theRecordingValidatesAgainstTheJSONSchema() async throws {
        let run = try await Self.run.value
        #expect(try JSONSchemaCheck.problems([run.harness.path]) == "")
    }

    @Test func eventTimesNeverGoBackWithinACallAndCallsHaveConnectionAndStream() async throws {
        let run = try await Self.run.value
        for call in run.recording.calls {
            #expect(call.start.connection == 1)
            #expect(call.start.stream % 2 == 1)
            let times = [call.start.time] + call.messages.map(\.time) + [call.end?.time ?? .max]
            #expect(times == times.sorted())
        }
        #expect(run.recording.header.source.details["tls"] == "none")
    }
}

/// Validates recordings with `scripts/validate-recording.py` (Python's `jsonschema` against
/// `docs/recording-format.schema.json`); returns the problems, empty when valid.
enum JSONSchemaCheck {
    static func problems(_ paths: [String]) throws -> String {
        let script = Repository.root.appendingPathComponent("scripts/validate-recording.py").path
        let output = try Subprocess.run([try Repository.python(), script] + paths)
        return output.status == 0 ? "" : output.stdoutText + output.stderrText
    }
}
