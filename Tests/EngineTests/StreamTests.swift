import Engine
import Foundation
import GRPCWire
import ProtoCodec
import TestSupport
import Testing

/// k6's stream semantics: event order, `end` exactly once, writes after close, errors as events.
@Suite("Engine streams")
struct StreamTests {
    /// Records every event of a stream in order, as `kind:payload` strings.
    final class EventLog: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String] = []

        func attach(to stream: GRPCStream) {
            stream.on(.data) { value, _ in
                if case .data(let json, _) = value { self.add("data:\(json.jsonString())") }
            }
            stream.on(.error) { value, metadata in
                if case .error(let error) = value { self.add("error:\(error.code):\(error.message)") }
                precondition(metadata.ts > 1_700_000_000)
            }
            stream.on(.end) { _, _ in self.add("end") }
        }

        func add(_ entry: String) { lock.withLock { entries.append(entry) } }
        var all: [String] { lock.withLock { entries } }
    }

    @Test(arguments: DemoPeer.allCases)
    func serverStreamingDeliversEveryMessageThenEnd(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let client = try await demoClient(peer)
        let stream = try GRPCStream(client, "demo.v1.Demo/Countdown")
        let log = EventLog()
        log.attach(to: stream)
        stream.write(.json(#"{"from":3}"#))
        stream.write(.json(#"{"from":9}"#))  // the only request already went out with END_STREAM: ignored
        await stream.ended()
        #expect(log.all == [#"data:{"number":3}"#, #"data:{"number":2}"#, #"data:{"number":1}"#, "end"])
        await client.close()
        await peer.stop()
    }

    @Test(arguments: DemoPeer.allCases)
    func clientStreamingAnswersOnceAfterEnd(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let client = try await demoClient(peer)
        let stream = try GRPCStream(client, "/demo.v1.Demo/Sum")
        let log = EventLog()
        log.attach(to: stream)
        for value in [1, 2, 39] { stream.write(.value(["value": .string(String(value))])) }
        stream.end()
        stream.end()  // idempotent
        stream.write(.json(#"{"value":"100"}"#))  // after end: nothing
        await stream.ended()
        #expect(log.all == [#"data:{"total":"42","count":3}"#, "end"])
        await client.close()
        await peer.stop()
    }

    @Test(arguments: DemoPeer.allCases)
    func bidirectionalStreamingAnswersEachMessage(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let client = try await demoClient(peer)
        let stream = try GRPCStream(client, "demo.v1.Demo/Chat", params: .with { $0.metadata = ["x-id": "7"] })
        let log = EventLog()
        log.attach(to: stream)
        stream.write(.json(#"{"text":"a"}"#))
        stream.write(.json(#"{"text":"b"}"#))
        stream.end()
        await stream.ended()
        #expect(log.all == [#"data:{"text":"echo: a","sequence":1}"#, #"data:{"text":"echo: b","sequence":2}"#, "end"])
        await client.close()
        await peer.stop()
    }

    @Test(arguments: DemoPeer.allCases)
    func failureIsAnErrorEventBeforeEnd(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let client = try await demoClient(peer)
        let stream = try GRPCStream(client, "demo.v1.Demo/Fail")
        let log = EventLog()
        log.attach(to: stream)
        let details = Collected<JSONValue>()
        stream.onError { error in for detail in error.details { details.append(detail) } }
        stream.write(.json(#"{"code":5,"message":"gone"}"#))
        await stream.ended()
        #expect(log.all == ["error:5:gone", "end"])
        // Stream errors show the detail messages as k6 does there: proto field names, no @type.
        #expect(details.values.first?["reason"] == "DEMO_FAILURE")
        #expect(details.values.last?["field_violations"]?[0]?["field"] == "code")
        await client.close()
        await peer.stop()
    }

    @Test func deadlineOnAStreamIsAnErrorThenEnd() async throws {
        let peer = try await DemoPeer.reprise.start()
        let client = try await demoClient(peer)
        let stream = try GRPCStream(
            client, "demo.v1.Demo/Countdown", params: .with { $0.timeout = .milliseconds(150) })
        let log = EventLog()
        log.attach(to: stream)
        stream.write(.json(#"{"from":100,"intervalMs":50}"#))
        await stream.ended()
        let entries = log.all
        #expect(entries.suffix(2).first?.hasPrefix("error:4:") == true)
        #expect(entries.last == "end")
        #expect(entries.filter { $0 == "end" }.count == 1)
        await client.close()
        await peer.stop()
    }

    @Test func requestThatDoesNotEncodeIsAnErrorEventNotAThrow() async throws {
        let peer = try await DemoPeer.reprise.start()
        let client = try await demoClient(peer)
        let stream = try GRPCStream(client, "demo.v1.Demo/Chat")
        let log = EventLog()
        log.attach(to: stream)
        stream.write(.json(#"{"txt":"typo"}"#))
        stream.write(.json(#"{"text":"after the failure"}"#))
        await stream.ended()
        #expect(log.all.count == 2)
        #expect(log.all.first?.hasPrefix("error:2:can't serialise request object to protocol buffer: ") == true)
        #expect(log.all.last == "end")
        await client.close()
        await peer.stop()
    }

    @Test func throwingDataHandlerClosesTheStream() async throws {
        struct Refused: Error, CustomStringConvertible { var description: String { "handler refused" } }
        let peer = try await DemoPeer.reprise.start()
        let client = try await demoClient(peer)
        let stream = try GRPCStream(client, "demo.v1.Demo/Countdown")
        stream.onData { _ in throw Refused() }
        let log = EventLog()
        log.attach(to: stream)
        stream.write(.json(#"{"from":5,"intervalMs":20}"#))
        await stream.ended()
        #expect(log.all == ["error:2:handler refused", "end"])
        await client.close()
        await peer.stop()
    }

    @Test func closingTheClientCancelsOpenStreams() async throws {
        let peer = try await DemoPeer.reprise.start()
        let client = try await demoClient(peer)
        let stream = try GRPCStream(client, "demo.v1.Demo/Chat")
        let log = EventLog()
        log.attach(to: stream)
        stream.write(.json(#"{"text":"a"}"#))
        #expect(await eventually { log.all.count == 1 })
        await client.close()
        await stream.ended()
        #expect(log.all == [#"data:{"text":"echo: a","sequence":1}"#, "error:2:canceled by client (k6)", "end"])
        stream.write(.json(#"{"text":"b"}"#))  // after close: nothing happens
        #expect {
            try GRPCStream(client, "demo.v1.Demo/Chat")
        } throws: { error in
            (error as? EngineError)?.message
                == "invalid GRPC Stream's client: no gRPC connection, you must call connect first"
        }
        await peer.stop()
    }

    @Test func constructorValidatesLikeK6() async throws {
        let peer = try await DemoPeer.reprise.start()
        let client = try await demoClient(peer)
        #expect {
            try GRPCStream(client, "demo.v1.Demo/Nope")
        } throws: { error in
            (error as? EngineError)?.message
                == #"invalid GRPC Stream's method: method "/demo.v1.Demo/Nope" not found in file descriptors"#
        }
        #expect {
            try GRPCStream(client, "demo.v1.Demo/Chat", params: ["headers": ["a": "b"]])
        } throws: { error in
            (error as? EngineError)?.message == #"invalid GRPC Stream's parameters: unknown param: "headers""#
        }
        let warnings = Collected<String>()
        let warned = Client(schema: client.schema, configuration: .with { $0.warn = { warnings.append($0) } })
        try await warned.connect(peer.address, params: .with { $0.plaintext = true })
        let stream = try GRPCStream(warned, "demo.v1.Demo/Chat")
        stream.on("status") { _, _ in }
        stream.on("finish") { _, _ in }
        stream.end()
        await stream.ended()
        #expect(warnings.values == ["can't register finish event handler: unknown GRPC stream's event type: finish"])
        await warned.close()
        await client.close()
        await peer.stop()
    }
}

@Suite("Engine streams from async code")
struct StreamAsyncTests {
    @Test(arguments: DemoPeer.allCases)
    func eventsArriveAsAnAsyncSequence(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let client = try await demoClient(peer)
        let countdown = try GRPCStream(client, "demo.v1.Demo/Countdown")
        let events = countdown.events()
        countdown.write(.json(#"{"from":3}"#))
        var seen: [String] = []
        for await event in events {
            switch event {
            case .data(let message, _): seen.append("data \(message["number"]?.jsonString() ?? "?")")
            case .error(let error): seen.append("error \(error.code)")
            case .end: seen.append("end")
            }
        }
        #expect(seen == ["data 3", "data 2", "data 1", "end"])

        let chat = try GRPCStream(client, "demo.v1.Demo/Chat")
        let (messages, error) = await chat.exchange([.json(#"{"text":"a"}"#), .json(#"{"text":"b"}"#)])
        #expect(error == nil)
        #expect(messages.map { $0["text"] } == ["echo: a", "echo: b"])

        await client.close()
        await peer.stop()
    }
}
