import DemoServer
import Foundation
import GRPCProtocol
import GRPCWire
import Mock
import NIOCore
import ProtoCodec
import Recording
import Reflection
import Replay
import TestSupport
import Testing

/// What the mock does beyond answering as recorded: misses that explain themselves, stateful sequences,
/// matching rules, pacing, health, and passthrough that grows the recording.
@Suite(.timeLimit(.minutes(3))) struct MockBehaviourTests {
    static let sayHello = "/demo.v1.Demo/SayHello"

    /// Demo traffic recorded through the proxy: SayHello for each name, and a Countdown of 3 at 80 ms.
    static func recordDemo(names: [String], countdownInterval: Int = 0) async throws -> (
        directory: TemporaryDirectory, path: String, recording: Recording
    ) {
        let server = try await DemoServer.start(group: testGroup)
        let directory = try TemporaryDirectory(prefix: "reprise-mock")
        let (path, recording) = try await MockFixtures.record(
            upstreamPort: server.port, registry: DemoSchema.registry, files: DemoSchema.fileNames, in: directory
        ) { port in
            let connection = try await MockFixtures.connect(port)
            for name in names { _ = await connection.unary(path: sayHello, request: hello(name)) }
            if countdownInterval > 0 {
                _ = await connection.collect(
                    path: "/demo.v1.Demo/Countdown",
                    requests: [
                        MockFixtures.demo("demo.v1.CountdownRequest", #"{"from":3,"intervalMs":\#(countdownInterval)}"#)
                    ])
            }
            await connection.close()
        }
        await server.shutdown()
        return (directory, path, recording)
    }

    static func hello(_ name: String) -> ByteBuffer {
        MockFixtures.demo("demo.v1.HelloRequest", #"{"name":"\#(name)"}"#)
    }

    static func greeting(_ response: UnaryResponse) -> String? {
        guard case .string(let text)? = MockFixtures.json("demo.v1.HelloReply", response.message)?["message"] else {
            return nil
        }
        return text
    }

    /// The recording with every SayHello answer replaced, in order, by `greetings` (the same request
    /// answered differently over time).
    static func withGreetings(_ recording: Recording, _ greetings: [String]) -> Recording {
        var remaining = greetings[...]
        let reply = DemoSchema.registry.type(named: "demo.v1.HelloReply")!
        let events = recording.events.map { event -> RecordingEvent in
            guard case .message(var message) = event, message.direction == .response, let next = remaining.first
            else { return event }
            remaining = remaining.dropFirst()
            let json: JSONValue = ["message": .string(next)]
            message.json = json
            message.raw = try! BinaryEncoding(DynamicMessage(type: reply, json: json)).bytes
            message.size = message.raw.count
            return .message(message)
        }
        return Recording(header: recording.header, events: events)
    }

    @Test func aMissAnswersNotFoundNamingTheNearestCallAndTheFieldsThatDiffer() async throws {
        let demo = try await Self.recordDemo(names: ["Ada"])
        let log = MockLog()
        let mock = try await MockFixtures.mock([(demo.path, demo.recording)], log: log)
        let connection = try await MockFixtures.connect(mock.port)
        let missed = await connection.unary(path: Self.sayHello, request: Self.hello("Bob"))
        let unknown = await connection.unary(path: "/demo.v1.Demo/Echo", request: ByteBuffer())
        await connection.close()
        await mock.shutdown()

        #expect(missed.result.status.code == .notFound)
        #expect(missed.result.status.message.contains("nearest is \(demo.path) call 1"), "\(missed.result.status)")
        #expect(
            missed.result.status.message.hasSuffix(
                #"which differs at requests[0].name (recorded "Ada", received "Bob")"#),
            "\(missed.result.status)")
        #expect(unknown.result.status.code == .notFound)
        #expect(unknown.result.status.message.contains("/demo.v1.Demo/Echo was never recorded"))
        #expect(log.all.count == 2)
        #expect(log.all.first?.contains("requests[0].name") == true)
        #expect(mock.statistics.snapshot[Self.sayHello]?.missed == 1)
    }

    /// A recording made without a schema is served by bytes; reflection, which it holds nothing of, is
    /// refused with UNIMPLEMENTED at the client's first message (it waits for an answer without half-closing; the
    /// mock used to wait for its end and the client ran into its deadline).
    @Test func aRecordingWithoutASchemaRefusesReflectionAtOnceAndServesByBytes() async throws {
        let demo = try await Self.recordDemo(names: ["Ada"])
        var header = demo.recording.header
        header.schema = nil
        let raw = Recording(header: header, events: demo.recording.events)
        let log = MockLog()
        let mock = try await MockFixtures.mock([(demo.path, raw)], log: log)
        let connection = try await MockFixtures.connect(mock.port)
        let started = ContinuousClock.now
        let refused = await #expect(throws: ReflectionError.self) {
            try await ReflectionClient.fetch(on: connection, timeout: .seconds(10))
        }
        let waited = ContinuousClock.now - started
        let answered = await connection.unary(path: Self.sayHello, request: Self.hello("Ada"))
        await connection.close()
        await mock.shutdown()

        #expect(refused?.status?.code == .unimplemented, "\(String(describing: refused))")
        #expect(refused?.status?.message.contains("the recording has no schema to serve by reflection") == true)
        #expect(waited < .seconds(5), "\(waited)")
        #expect(answered.result.status.code == .ok)
        #expect(Self.greeting(answered) == "Hello, Ada!")
    }

    /// Reflection calls a recording made without a schema holds (a tool such as grpcurl or `reprise call`
    /// found the method that way) are served from the recording, as a bidirectional stream matched at its
    /// first message: a reflection client gets the recorded server's services and files without
    /// half-closing, where the mock used to refuse every reflection call of such a recording.
    @Test func recordedReflectionIsServedWhenTheRecordingHasNoSchema() async throws {
        let server = try await DemoServer.start(group: testGroup)
        let directory = try TemporaryDirectory(prefix: "reprise-mock-reflection")
        var throughProxy: ReflectionClient.Result?
        let (path, recording) = try await MockFixtures.record(
            upstreamPort: server.port, registry: DemoSchema.registry, files: DemoSchema.fileNames, in: directory
        ) { port in
            let connection = try await MockFixtures.connect(port)
            throughProxy = try await ReflectionClient.fetch(on: connection, timeout: .seconds(10))
            _ = await connection.unary(path: Self.sayHello, request: Self.hello("Ada"))
            await connection.close()
        }
        await server.shutdown()
        let recorded = try #require(throughProxy)
        let reflectionCall = try #require(recording.calls.first { $0.start.method == recorded.version.path })
        #expect(reflectionCall.start.kind == .unknown)
        var header = recording.header
        header.schema = nil
        let mock = try await MockFixtures.mock([(path, Recording(header: header, events: recording.events))])
        let connection = try await MockFixtures.connect(mock.port)
        let started = ContinuousClock.now
        let served = try await ReflectionClient.fetch(on: connection, timeout: .seconds(10))
        let waited = ContinuousClock.now - started
        await connection.close()
        await mock.shutdown()

        #expect(served.services == recorded.services)
        #expect(served.files == recorded.files)
        #expect(served.version == recorded.version)
        #expect(waited < .seconds(5), "\(waited)")
    }

    /// A request over gRPC's default 4 MiB (5 MiB of a field the server does not know, so the answer stays
    /// small) recorded through the proxy is served by the mock, whose limit grows to the largest recorded
    /// request; a larger one is still refused.
    @Test func aRecordedRequestOverFourMiBIsServedAndALargerOneRefused() async throws {
        func hello(padding: Int) -> ByteBuffer {
            var buffer = ByteBuffer(bytes: [0x0A, 0x01, UInt8(ascii: "x"), 0x9A, 0x06])  // name "x"; field 99
            var length = UInt64(padding)
            while length >= 0x80 {
                buffer.writeInteger(UInt8(truncatingIfNeeded: length) | 0x80)
                length >>= 7
            }
            buffer.writeInteger(UInt8(length))
            buffer.writeRepeatingByte(0x2A, count: padding)
            return buffer
        }
        let large = hello(padding: 5 << 20)
        let server = try await DemoServer.start(group: testGroup)
        let directory = try TemporaryDirectory(prefix: "reprise-mock-large")
        let (path, recording) = try await MockFixtures.record(
            upstreamPort: server.port, registry: DemoSchema.registry, files: DemoSchema.fileNames, in: directory
        ) { port in
            let connection = try await MockFixtures.connect(port)
            let recorded = await connection.unary(path: Self.sayHello, request: large)
            #expect(recorded.result.status.code == .ok, "\(recorded.result.status)")
            await connection.close()
        }
        await server.shutdown()
        let mock = try await MockFixtures.mock([(path, recording)])
        let connection = try await MockFixtures.connect(mock.port)
        let served = await connection.unary(path: Self.sayHello, request: large)
        let larger = await connection.unary(path: Self.sayHello, request: hello(padding: 6 << 20))
        await connection.close()
        await mock.shutdown()
        #expect(served.result.status.code == .ok, "\(served.result.status)")
        #expect(Self.greeting(served) == "Hello, x!")
        #expect(larger.result.status.code == .resourceExhausted, "\(larger.result.status)")
    }

    /// Calls with no status to serve. One the client cancelled (in the demo recording, made before `cancel`
    /// events, its end reset by the client) is served as recorded: its headers, then nothing until the
    /// client gives up. A method recorded only in calls cut off by a failure is a miss that says so.
    @Test func aCancelledCallIsServedAsRecordedAndAMethodWithoutAnAnswerSaysWhy() async throws {
        let path = Repository.root.appendingPathComponent("recordings/demo.jsonl").path
        let golden = try Recording.load(path: path)
        let echo = try #require(golden.calls.first { $0.start.method == "/demo.v1.Demo/Echo" }?.start.call)
        let cutOff = "the server connection closed before the call ended"
        let events = golden.events.compactMap { event -> RecordingEvent? in
            switch event {
            case .trailers(let trailers) where trailers.call == echo: return nil
            case .end(let end) where end.call == echo:
                return .end(CallEndEvent(time: end.time, call: echo, outcome: .error(cutOff)))
            default: return event
            }
        }
        let mock = try await MockFixtures.mock([(path, Recording(header: golden.header, events: events))])
        let connection = try await MockFixtures.connect(mock.port)
        let started = ContinuousClock.now
        let sleep = await connection.unary(
            path: "/demo.v1.Demo/Sleep",
            request: MockFixtures.demo("demo.v1.SleepRequest", #"{"duration":"5s"}"#),
            options: .defaults { $0.timeout = .milliseconds(300) })
        let waited = ContinuousClock.now - started
        let echoed = await connection.unary(
            path: "/demo.v1.Demo/Echo", request: MockFixtures.demo("demo.v1.EchoRequest", #"{"text":"hi"}"#))
        await connection.close()
        await mock.shutdown()

        #expect(sleep.result.status.code == .deadlineExceeded, "\(sleep.result.status)")
        #expect(waited >= .milliseconds(250), "answered after \(waited)")
        #expect(echoed.result.status.code == .notFound)
        #expect(
            echoed.result.status.message.contains(
                "/demo.v1.Demo/Echo was recorded, but none of its calls has an answer to serve: \(path) call \(echo) "
                    + "ended without one: \(cutOff)"), "\(echoed.result.status.message)")
    }

    /// A mock that could only miss (an empty capture, the wrong file) refuses to start, saying why; with
    /// --passthrough it starts, every call going to the real server.
    @Test func aRecordingWithNothingToServeIsRefusedUnlessMissesPassThrough() async throws {
        let golden = try Recording.load(path: Repository.root.appendingPathComponent("recordings/demo.jsonl").path)
        let empty = Recording(header: golden.header, events: [])
        await #expect {
            _ = try await MockFixtures.mock([("empty.jsonl", empty)])
        } throws: { error in
            (error as? MockError)?.message == "nothing to serve: empty.jsonl holds no calls"
        }
        let first = try #require(golden.calls.first)
        let unanswered = golden.events.filter { event in
            switch event {
            case .call(let start): start.call == first.start.call
            case .message(let message): message.call == first.start.call
            default: false
            }
        }
        await #expect {
            _ = try await MockFixtures.mock([
                ("a.jsonl", empty), ("b.jsonl", Recording(header: golden.header, events: unanswered)),
            ])
        } throws: { error in
            let message = (error as? MockError)?.message ?? ""
            return message.hasPrefix(
                "nothing to serve: a.jsonl, b.jsonl hold no call with an answer to serve (b.jsonl call ")
        }
        let server = try await DemoServer.start(group: testGroup)
        let forwarding = try await MockFixtures.mock([("empty.jsonl", empty)]) {
            $0.passthrough = MockConfiguration.Passthrough(host: "127.0.0.1", port: server.port, appendPath: nil)
        }
        let connection = try await MockFixtures.connect(forwarding.port)
        let passed = await connection.unary(path: Self.sayHello, request: Self.hello("Eve"))
        await connection.close()
        await forwarding.shutdown()
        await server.shutdown()
        #expect(Self.greeting(passed) == "Hello, Eve!")
    }

    @Test func missCodeCanBeUnimplementedAndIgnoreRulesLetOtherValuesMatch() async throws {
        let demo = try await Self.recordDemo(names: ["Ada"])
        let strict = try await MockFixtures.mock([(demo.path, demo.recording)]) { $0.missCode = .unimplemented }
        let rule = try IgnoreRule(parsing: "demo.v1.Demo/SayHello:name")
        let relaxed = try await MockFixtures.mock([(demo.path, demo.recording)]) { $0.rules.ignore = [rule] }
        let toStrict = try await MockFixtures.connect(strict.port)
        let toRelaxed = try await MockFixtures.connect(relaxed.port)
        let refused = await toStrict.unary(path: Self.sayHello, request: Self.hello("Bob"))
        let matched = await toRelaxed.unary(path: Self.sayHello, request: Self.hello("Bob"))
        await toStrict.close()
        await toRelaxed.close()
        await strict.shutdown()
        await relaxed.shutdown()

        #expect(refused.result.status.code == .unimplemented)
        #expect(matched.result.status.code == .ok)
        #expect(Self.greeting(matched) == "Hello, Ada!")
    }

    @Test func theSameRequestIsAnsweredInRecordedOrderThenTheLastRepeatsOrCycles() async throws {
        let demo = try await Self.recordDemo(names: ["Ada", "Ada", "Ada"])
        let stateful = Self.withGreetings(demo.recording, ["one", "two", "three"])
        let repeating = try await MockFixtures.mock([(demo.path, stateful)])
        let cycling = try await MockFixtures.mock([(demo.path, stateful)]) { $0.cycle = true }
        var seen: [[String?]] = []
        for mock in [repeating, cycling] {
            let connection = try await MockFixtures.connect(mock.port)
            var greetings: [String?] = []
            for _ in 0..<5 {
                greetings.append(Self.greeting(await connection.unary(path: Self.sayHello, request: Self.hello("Ada"))))
            }
            seen.append(greetings)
            await connection.close()
            await mock.shutdown()
        }
        #expect(seen[0] == ["one", "two", "three", "three", "three"])
        #expect(seen[1] == ["one", "two", "three", "one", "two"])
    }

    @Test func matchHeaderMakesMetadataPartOfTheMatch() async throws {
        let demo = try await Self.recordDemo(names: ["Ada"])
        let mock = try await MockFixtures.mock([(demo.path, demo.recording)]) { $0.matchHeaders = ["x-tenant"] }
        let connection = try await MockFixtures.connect(mock.port)
        let plain = await connection.unary(path: Self.sayHello, request: Self.hello("Ada"))
        let tenant = await connection.unary(
            path: Self.sayHello, request: Self.hello("Ada"), options: .defaults { $0.metadata.add("x-tenant", "t1") })
        await connection.close()
        await mock.shutdown()
        #expect(plain.result.status.code == .ok)
        #expect(tenant.result.status.code == .notFound)
        #expect(tenant.result.status.message.contains("metadata x-tenant"), "\(tenant.result.status)")
    }

    @Test func streamsKeepTheRecordedPaceUnlessToldNotTo() async throws {
        let demo = try await Self.recordDemo(names: [], countdownInterval: 150)
        var elapsed: [Duration] = []
        for pace in [true, false] {
            let mock = try await MockFixtures.mock([(demo.path, demo.recording)]) { $0.pace = pace }
            let connection = try await MockFixtures.connect(mock.port)
            let start = ContinuousClock.now
            let response = await connection.collect(
                path: "/demo.v1.Demo/Countdown",
                requests: [MockFixtures.demo("demo.v1.CountdownRequest", #"{"from":3,"intervalMs":150}"#)])
            elapsed.append(ContinuousClock.now - start)
            #expect(response.messages.count == 3)
            #expect(response.result.status.isOK)
            await connection.close()
            await mock.shutdown()
        }
        #expect(elapsed[0] >= .milliseconds(280), "paced: \(elapsed[0])")
        #expect(elapsed[1] < .milliseconds(250), "no delay: \(elapsed[1])")
    }

    @Test func healthAnswersServingForTheServerAndEveryRecordedService() async throws {
        let demo = try await Self.recordDemo(names: ["Ada"])
        let mock = try await MockFixtures.mock([(demo.path, demo.recording)])
        let connection = try await MockFixtures.connect(mock.port)
        let server = await HealthClient.check(on: connection)
        let service = await HealthClient.check(on: connection, service: "demo.v1.Demo")
        await connection.close()
        await mock.shutdown()
        #expect(server.servingStatus == .serving)
        #expect(service.servingStatus == .serving)
    }

    @Test func passthroughAnswersMissesAppendsThemAndTheNextRunServesThem() async throws {
        let demo = try await Self.recordDemo(names: ["Ada"])
        let server = try await DemoServer.start(group: testGroup)
        let grown = demo.directory.path("grown.jsonl").path
        let log = MockLog()
        let first = try await MockFixtures.mock([(demo.path, demo.recording)], log: log) {
            $0.passthrough = MockConfiguration.Passthrough(host: "127.0.0.1", port: server.port, appendPath: grown)
        }
        let connection = try await MockFixtures.connect(first.port)
        let passed = await connection.unary(
            path: Self.sayHello, request: Self.hello("Bob"), options: .defaults { $0.metadata.add("x-token", "t") })
        let streamed = await connection.collect(
            path: "/demo.v1.Demo/Countdown",
            requests: [MockFixtures.demo("demo.v1.CountdownRequest", #"{"from":2,"intervalMs":0}"#)])
        await connection.close()
        await first.shutdown()
        await server.shutdown()

        #expect(Self.greeting(passed) == "Hello, Bob!")
        #expect(passed.result.headers.first("x-token") == "t")
        #expect(streamed.messages.count == 2)
        #expect(first.statistics.snapshot[Self.sayHello]?.passedThrough == 1)
        #expect(log.all.contains { $0.contains("passing it through") })

        // The server is gone: the next run answers both from the recordings alone.
        let appended = try Recording.load(path: grown)
        #expect(appended.calls.map(\.start.method) == [Self.sayHello, "/demo.v1.Demo/Countdown"])
        let second = try await MockFixtures.mock([(demo.path, demo.recording), (grown, appended)])
        let again = try await MockFixtures.connect(second.port)
        let served = await again.unary(path: Self.sayHello, request: Self.hello("Bob"))
        let streamedAgain = await again.collect(
            path: "/demo.v1.Demo/Countdown",
            requests: [MockFixtures.demo("demo.v1.CountdownRequest", #"{"from":2,"intervalMs":0}"#)])
        await again.close()
        await second.shutdown()
        #expect(Self.greeting(served) == "Hello, Bob!")
        #expect(served.result.headers.first("x-token") == "t")
        #expect(
            streamedAgain.messages.map { MockFixtures.json("demo.v1.CountdownReply", $0) }
                == streamed.messages.map { MockFixtures.json("demo.v1.CountdownReply", $0) })
        #expect(second.statistics.snapshot[Self.sayHello]?.missed == 0)
    }

    /// The real server behind passthrough sees the client's user agent, not the mock's.
    @Test func passthroughForwardsTheClientsUserAgent() async throws {
        let demo = try await Self.recordDemo(names: ["Ada"])
        var router = ServerRouter()
        router.fallback { _ in AgentEcho() }
        let upstream = try await GRPCServer.start(port: 0, router: router, group: testGroup)
        let mock = try await MockFixtures.mock([(demo.path, demo.recording)]) {
            $0.passthrough = MockConfiguration.Passthrough(host: "127.0.0.1", port: upstream.port, appendPath: nil)
        }
        let connection = try await MockFixtures.connect(mock.port)
        let agent = "mobile-app/3.1 grpc-java-okhttp/1.68.0"
        let answer = await connection.unary(
            path: Self.sayHello, request: Self.hello("Bob"), options: .defaults { $0.userAgent = agent })
        await connection.close()
        await mock.shutdown()
        await upstream.close()
        #expect(answer.message.map { String(buffer: $0) } == agent, "\(answer.result.status)")
    }

    /// Two recorded conversations of a bidirectional stream that start alike and part at their second
    /// message: a client that goes on as the second is answered from it (it used to be answered from the
    /// first, matched on its first message alone); one that goes on as neither is answered as the first
    /// goes on, and the mock says where it left the recording.
    @Test func aBidirectionalStreamFollowsTheConversationItsMessagesAreIn() async throws {
        let server = try await DemoServer.start(group: testGroup)
        let directory = try TemporaryDirectory(prefix: "reprise-mock-chat")
        let chat = "/demo.v1.Demo/Chat"
        func messages(_ texts: [String]) -> [ByteBuffer] {
            texts.map { MockFixtures.demo("demo.v1.ChatMessage", #"{"text":"\#($0)"}"#) }
        }
        let (path, recording) = try await MockFixtures.record(
            upstreamPort: server.port, registry: DemoSchema.registry, files: DemoSchema.fileNames, in: directory
        ) { port in
            let connection = try await MockFixtures.connect(port)
            _ = await connection.collect(path: chat, requests: messages(["hi", "weather?", "bye"]))
            _ = await connection.collect(path: chat, requests: messages(["hi", "news?"]))
            await connection.close()
        }
        await server.shutdown()
        // The recorded answers are marked, so the test sees which conversation answered.
        let marked = Recording(
            header: recording.header,
            events: recording.events.map { event in
                guard case .message(var message) = event, message.direction == .response,
                    var json = MockFixtures.json("demo.v1.ChatMessage", ByteBuffer(bytes: message.raw))
                else { return event }
                json["text"] = .string("call \(message.call): " + (json["text"]?.stringValue ?? ""))
                let type = DemoSchema.registry.type(named: "demo.v1.ChatMessage")!
                message.raw = try! BinaryEncoding(DynamicMessage(type: type, json: json)).bytes
                message.json = json
                message.size = message.raw.count
                return .message(message)
            })
        let log = MockLog()
        let mock = try await MockFixtures.mock([(path, marked)], log: log)
        let connection = try await MockFixtures.connect(mock.port)
        let second = await connection.collect(path: chat, requests: messages(["hi", "news?"]))
        let first = await connection.collect(path: chat, requests: messages(["hi", "weather?", "bye"]))
        let neither = await connection.collect(path: chat, requests: messages(["hi", "sports?", "bye"]))
        let longer = await connection.collect(path: chat, requests: messages(["hi", "weather?", "bye", "again"]))
        await connection.close()
        await mock.shutdown()

        func texts(_ response: CollectedResponse) -> [String] {
            response.messages.compactMap { MockFixtures.json("demo.v1.ChatMessage", $0)?["text"]?.stringValue }
        }
        let (one, two) = (recording.calls[0].start.call, recording.calls[1].start.call)
        #expect(second.result.status.isOK, "\(second.result.status)")
        // The recorded clients sent every message before the first answer, so every answer waits for the
        // messages before it, and the second conversation answers all of it.
        #expect(texts(second) == ["call \(two): echo: hi", "call \(two): echo: news?"])
        #expect(texts(first) == ["call \(one): echo: hi", "call \(one): echo: weather?", "call \(one): echo: bye"])
        #expect(texts(neither) == ["call \(one): echo: hi", "call \(one): echo: weather?", "call \(one): echo: bye"])
        #expect(
            log.all.contains {
                $0.contains("drift: a stream of \(chat) left every recorded conversation at its message 1")
                    && $0.contains(#"which differs at requests[1].text (recorded "weather?", received "sports?")"#)
            }, "\(log.all)")
        #expect(texts(longer) == texts(first))
        #expect(
            log.all.contains {
                $0.contains("drift: a stream of \(chat) went on past the longest recorded conversation (3 messages)")
            }, "\(log.all)")
        #expect(mock.statistics.snapshot[chat]?.matched == 4)

        // Recorded as a conversation (each answer right after its message): the first answer goes out from
        // the first conversation as soon as "hi" comes, and once "news?" shows which conversation this is,
        // the rest comes from the second, without answering "hi" again.
        let interleaved = try await MockFixtures.mock([(path, Self.interleaved(marked))], log: MockLog())
        let talk = try await MockFixtures.connect(interleaved.port)
        let switched = await talk.collect(path: chat, requests: messages(["hi", "news?"]))
        await talk.close()
        await interleaved.shutdown()
        #expect(texts(switched) == ["call \(one): echo: hi", "call \(two): echo: news?"])
    }

    /// The recording with each call's messages put in turn, a request then a response, in the places its
    /// messages had (as a client that waits for each answer would have recorded them).
    static func interleaved(_ recording: Recording) -> Recording {
        var events = recording.events
        var places: [Int: [Int]] = [:]
        for (index, event) in events.enumerated() {
            if case .message(let message) = event { places[message.call, default: []].append(index) }
        }
        for indices in places.values {
            let messages = indices.compactMap { index -> MessageEvent? in
                if case .message(let message) = events[index] { return message } else { return nil }
            }
            let requests = messages.filter { $0.direction == .request }
            let responses = messages.filter { $0.direction == .response }
            var turns: [MessageEvent] = []
            for turn in 0..<max(requests.count, responses.count) {
                if turn < requests.count { turns.append(requests[turn]) }
                if turn < responses.count { turns.append(responses[turn]) }
            }
            for (index, message) in zip(indices, turns) { events[index] = .message(message) }
        }
        return Recording(header: recording.header, events: events)
    }

    /// The real server behind passthrough restarts on the same port: misses while it is down get UNAVAILABLE
    /// with the reason, and once it is back they reach it again on a new connection (it used to keep the
    /// first connection, dead, for good).
    @Test func passthroughReconnectsWhenTheServerComesBack() async throws {
        let demo = try await Self.recordDemo(names: ["Ada"])
        let server = try await DemoServer.start(group: testGroup)
        let port = server.port
        let log = MockLog()
        let mock = try await MockFixtures.mock([(demo.path, demo.recording)], log: log) {
            $0.passthrough = MockConfiguration.Passthrough(host: "127.0.0.1", port: port, appendPath: nil)
        }
        let connection = try await MockFixtures.connect(mock.port)
        let before = await connection.unary(path: Self.sayHello, request: Self.hello("Bob"))
        await server.shutdown(gracePeriod: .milliseconds(100))
        let down = await connection.unary(path: Self.sayHello, request: Self.hello("Cy"))
        let back = try await DemoServer.start(port: port, group: testGroup)
        // The first call after the restart is a bidirectional stream: the messages that arrive while the new
        // connection is made are held, and go out in order.
        let texts = (1...6).map { "m\($0)" }
        let chat = await connection.collect(
            path: "/demo.v1.Demo/Chat",
            requests: texts.map { MockFixtures.demo("demo.v1.ChatMessage", #"{"text":"\#($0)"}"#) })
        let after = await connection.unary(path: Self.sayHello, request: Self.hello("Di"))
        let streamed = await connection.collect(
            path: "/demo.v1.Demo/Countdown",
            requests: [MockFixtures.demo("demo.v1.CountdownRequest", #"{"from":3,"intervalMs":0}"#)])
        await connection.close()
        await mock.shutdown()
        await back.shutdown()

        #expect(Self.greeting(before) == "Hello, Bob!")
        #expect(down.result.status.code == .unavailable)
        #expect(down.result.status.message.contains("127.0.0.1:\(port)"), "\(down.result.status.message)")
        #expect(Self.greeting(after) == "Hello, Di!", "\(after.result.status)")
        #expect(chat.result.status.isOK, "\(chat.result.status)")
        #expect(
            chat.messages.compactMap { MockFixtures.json("demo.v1.ChatMessage", $0)?["text"]?.stringValue }
                == texts.map { "echo: \($0)" })
        #expect(streamed.messages.count == 3, "\(streamed.result.status)")
        #expect(log.all.contains { $0.contains("passthrough to 127.0.0.1:\(port) failed for \(Self.sayHello)") })
    }
}

/// Answers any unary call with the `user-agent` it came with, as the response's bytes.
private final class AgentEcho: ServerCallHandler, @unchecked Sendable {
    func received(_ message: ByteBuffer, call: ServerCall) {
        call.respond(ByteBuffer(string: call.requestMetadata.first("user-agent")?.text ?? "none"))
    }

    func receivedEnd(call: ServerCall) {}
}
