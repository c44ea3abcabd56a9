import Engine
import Foundation
import GRPCWire
import Recording
import Testing

@testable import Replay

/// What the recording says is what goes on the wire: the order of the client's messages relative to the
/// server's, deadlines, connections, recorded errors, and connections that die mid-run.
@Suite(.timeLimit(.minutes(2))) struct FidelityTests {
    private func replay(
        _ recording: Recording, against address: String, check: Bool = true,
        _ configure: (inout Replayer.Options) -> Void = { _ in }
    ) async throws -> ReplayResult {
        let plan = try ReplayPlan(recording: recording, inferKinds: true)
        let replayer = try Replayer(
            plan: plan, target: address,
            options: .with {
                // A rate schedule: nothing paces the stream, so only causality can hold a message back.
                $0.schedule = .constantRate(perSecond: 100, limit: .iterations(plan.calls.count), maxInFlight: 100)
                $0.connect.plaintext = true
                if check { $0.checker = GoldenChecker(schema: nil) }
                configure(&$0)
            })
        return try await replayer.run()
    }

    @Test func aBidirectionalReplaySendsEachMessageAfterTheServerMessagesThatPrecededIt() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        let chat = script.call("/witness.W/Echo", kind: "bidi", at: 0)
        script.message(chat, "request", [1], at: 1_000)
        script.message(chat, "response", [1], at: 2_000)
        script.message(chat, "request", [2], at: 3_000)
        script.message(chat, "response", [2], at: 4_000)
        script.message(chat, "request", [3], at: 5_000)
        script.message(chat, "response", [3], at: 6_000)
        script.finish(chat, code: 0, at: 7_000)
        let result = try await replay(try script.recording(), against: server.address)
        await server.stop()
        let log = try #require(server.calls.first)
        // The server answers each message 150 ms late; had the replay sent on its recorded clock the three
        // requests would all have arrived first.
        #expect(
            log.events == [.received(1), .sent(1), .received(2), .sent(2), .received(3), .halfClosed, .sent(3)],
            "\(log.events)")
        #expect(result.mismatchedCalls == 0, "\(result.differences)")
        #expect(result.failedCalls == 0)
    }

    @Test func aServerThatAnswersLessThanRecordedDoesNotHangTheCall() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        // Recorded: the server answered the second message twice. Replayed, it answers once: the third message
        // waits for a response that never comes, and must go after the wait limit all the same, even when
        // the wait of the step before it ended in time.
        let chat = script.call("/witness.W/Echo", kind: "bidi", at: 0)
        script.message(chat, "request", [1], at: 1_000)
        script.message(chat, "response", [1], at: 2_000)
        script.message(chat, "request", [2], at: 3_000)
        script.message(chat, "response", [2], at: 4_000)
        script.message(chat, "response", [2], at: 5_000)
        script.message(chat, "request", [3], at: 6_000)
        script.message(chat, "response", [3], at: 7_000)
        script.finish(chat, code: 0, at: 8_000)
        let started = ContinuousClock.now
        let result = try await replay(try script.recording(), against: server.address) {
            $0.causalWaitLimit = .milliseconds(600)  // the first wait ends in 150 ms, well within it
        }
        await server.stop()
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(result.finished == 1)
        let log = try #require(server.calls.first)
        #expect(log.events.contains(.received(3)) && log.events.contains(.halfClosed), "\(log.events)")
        // It differs (one response fewer), and says so.
        #expect(result.differences.first?.mismatches.first?.kind == .messageCount)
    }

    @Test func aLateHalfCloseIsReplayedAfterTheResponsesThatPrecededIt() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        let chat = script.call("/witness.W/Echo", kind: "bidi", at: 0)
        script.message(chat, "request", [1], at: 1_000)
        script.message(chat, "response", [1], at: 2_000)
        script.message(chat, "request", [2], at: 3_000)
        script.message(chat, "response", [2], at: 4_000)
        script.event("half_close", chat, at: 5_000)
        script.finish(chat, code: 0, at: 6_000)
        let result = try await replay(try script.recording(), against: server.address)
        await server.stop()
        let log = try #require(server.calls.first)
        // Without the recorded half-close the replay would end its side right after the second request,
        // before the server's second answer.
        #expect(log.events == [.received(1), .sent(1), .received(2), .sent(2), .halfClosed], "\(log.events)")
        #expect(result.mismatchedCalls == 0 && result.failedCalls == 0, "\(result.differences)")
    }

    @Test func aCancelIsReplayedWhereTheClientCancelled() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        let hold = script.call("/witness.W/Hold", kind: "bidi", at: 0)
        script.message(hold, "request", [1], at: 1_000)
        script.message(hold, "response", [1], at: 2_000)
        script.message(hold, "request", [2], at: 3_000)
        script.message(hold, "response", [2], at: 4_000)
        script.event("cancel", hold, at: 5_000, #""error_code":8"#)
        script.event("end", hold, at: 5_000, #""outcome":"reset","by":"client","error_code":8"#)
        let result = try await replay(try script.recording(), against: server.address)
        try await Task.sleep(for: .milliseconds(200))  // the RST_STREAM reaches the server's handler
        await server.stop()
        let log = try #require(server.calls.first)
        #expect(log.events == [.received(1), .sent(1), .received(2), .sent(2), .cancelled], "\(log.events)")
        // The replay cancelled as recorded: CANCELLED is the outcome the recording expects.
        #expect(result.statusCounts[1] == 1)
        #expect(result.mismatchedCalls == 0 && result.failedCalls == 0, "\(result.differences)")
    }

    /// A cancel that came with the call's deadline is left to the replayed deadline: under a rate schedule
    /// (which does not pace steps) a cancel step would go out at once, and the server would be spared the
    /// 300 ms the recorded call held it.
    @Test func aCancelAtTheDeadlineIsLeftToTheDeadline() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        script.heldThenCancelled(at: 300_400_000, timeout: 300_000_000)
        let plan = try ReplayPlan(recording: try script.recording(), inferKinds: true)
        #expect(plan.calls.first?.cancelledAtDeadline == true)
        #expect(Replayer.steps(of: try #require(plan.calls.first)).count == 1, "only the request")
        let result = try await replay(try script.recording(), against: server.address)
        await server.stop()
        #expect(result.statusCounts[4] == 1, "ended by the deadline: \(result.statusCounts)")
        #expect(result.latency.percentile(0.5) >= 250_000_000, "held \(result.latency.percentile(0.5)) ns")
        #expect(result.mismatchedCalls == 0 && result.failedCalls == 0, "\(result.differences)")
    }

    /// A cancel the client made mid-call keeps its time under a rate schedule, which paces nothing else:
    /// the recorded call held the server 300 ms before the client gave up, and so does the replay.
    @Test func aMidCallCancelKeepsItsTimeUnderARate() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        script.heldThenCancelled(at: 300_000_000)
        let result = try await replay(try script.recording(), against: server.address)
        await server.stop()
        #expect(result.statusCounts[1] == 1, "cancelled: \(result.statusCounts)")
        #expect(result.latency.percentile(0.5) >= 250_000_000, "held \(result.latency.percentile(0.5)) ns")
        #expect(result.mismatchedCalls == 0 && result.failedCalls == 0, "\(result.differences)")
    }

    @Test func aUnaryErrorWithAResponseMessageIsComparedAndCountsAsRecorded() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        script.unary("/witness.W/NotFound", request: [9], response: [7, 7], code: 5, message: "gone", at: 0)
        let changed = script.unary(
            "/witness.W/NotFound", request: [9], response: [7, 8], code: 5, message: "gone", at: 10_000)
        let result = try await replay(try script.recording(), against: server.address)
        await server.stop()
        // The message that came with NOT_FOUND is kept and compared: the first call matches, the second
        // differs by its bytes, and neither is a failure (the status is the recorded one).
        #expect(result.failedCalls == 0)
        #expect(result.mismatchedCalls == 1)
        let difference = try #require(result.differences.first)
        #expect(difference.recordedCall == changed)
        #expect(difference.mismatches.map(\.kind) == [.bytes])
        #expect(result.methods.first?.asRecorded == 1)
        #expect(result.statusCounts[5] == 2)
    }

    @Test func deadlinesGoOutAsRecordedAndNoneWhenNoneWasRecorded() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        script.unary("/witness.W/Unary", at: 0, timeout: 5_000_000_000)
        script.unary("/witness.W/Unary", at: 10_000)
        let result = try await replay(try script.recording(), against: server.address) {
            $0.connections = 1  // one connection: the calls arrive in order
        }
        await server.stop()
        #expect(result.mismatchedCalls == 0, "\(result.differences)")
        let logs = server.calls
        try #require(logs.count == 2)
        let deadline = try #require(logs[0].deadline)
        #expect(deadline > .seconds(4) && deadline <= .seconds(5))
        #expect(logs[1].deadline == nil)
    }

    @Test func eachCallCarriesTheUserAgentItsClientSent() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        let python = "grpc-python/1.85.1 grpc-c/48.0.0 (linux; chttp2)"
        script.unary("/witness.W/Unary", at: 0, metadata: [#"["user-agent","\#(python)"]"#, #"["x-team","blue"]"#])
        script.unary("/witness.W/Unary", at: 10_000, metadata: [#"["user-agent","grpc-go/1.70.0"]"#])
        script.unary("/witness.W/Unary", at: 20_000)
        script.unary("/witness.W/Unary", at: 30_000, metadata: [#"["user-agent","\#(python)"]"#])
        let recording = try script.recording()
        let result = try await replay(recording, against: server.address) {
            $0.connections = 1  // one connection, so one header template per method serves every agent
        }
        #expect(result.mismatchedCalls == 0, "\(result.differences)")
        #expect(
            server.calls.map(\.userAgent) == [python, "grpc-go/1.70.0", Client.Configuration().userAgent, python])

        // Given with -H, one agent replaces the recorded ones for every call.
        let before = server.calls.count
        _ = try await replay(recording, against: server.address) {
            $0.connections = 1
            $0.metadata = ["user-agent": "nightly-replay/2"]
        }
        await server.stop()
        #expect(server.calls.dropFirst(before).map(\.userAgent) == Array(repeating: "nightly-replay/2", count: 4))
    }

    @Test func aCallThatFailsBeforeReachingTheServerIsADifference() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        // Recorded: the server answered DEADLINE_EXCEEDED to a 1 ns deadline. Replayed, the deadline is spent
        // before the request leaves: the same code, but made by the client.
        script.unary(
            "/witness.W/Unary", response: nil, code: 4, message: "context deadline exceeded", at: 0, timeout: 1)
        let result = try await replay(try script.recording(), against: server.address)
        await server.stop()
        #expect(server.calls.isEmpty)
        #expect(result.mismatchedCalls == 1)
        #expect(result.failedCalls == 1)
        #expect(result.differences.first?.mismatches.first?.kind == .failure)
    }

    @Test func eachRecordedConnectionReplaysOnAConnectionOfItsOwn() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        for index in 0..<6 {
            script.unary("/witness.W/Unary", at: Int64(index) * 10_000, connection: index % 3 + 1)
        }
        let recording = try script.recording()
        let recorded = try await replay(recording, against: server.address)
        let asRecorded = Set(server.calls.compactMap(\.clientPort))
        let overridden = try await replay(recording, against: server.address) { $0.connections = 1 }
        let ports = server.calls.compactMap(\.clientPort)
        await server.stop()
        #expect(recorded.finished == 6 && overridden.finished == 6)
        #expect(asRecorded.count == 3)
        #expect(Set(ports.suffix(6)).count == 1)
    }

    /// Recorded connections that were never in use at the same time take turns on one replay connection:
    /// a replay holds open as many connections as the recording had in use at once, not one per recorded
    /// connection opened at the start (20,000 one-call clients would pass the open-file limit).
    @Test func connectionsUsedOneAfterAnotherTakeTurnsOnAReplayConnection() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        // Connection 1 spans 0-103 µs and 2 spans 50-53 µs (they overlap); 3, 4 and 5 come after both, one
        // after another; 5 has two calls.
        let recordedConnections = [1, 2, 1, 3, 4, 5, 5]
        let times: [Int64] = [0, 50_000, 100_000, 200_000, 300_000, 400_000, 410_000]
        for (connection, time) in zip(recordedConnections, times) {
            script.unary("/witness.W/Unary", at: time, connection: connection)
        }
        let plan = try ReplayPlan(recording: try script.recording(), inferKinds: true)
        let lanes = ConnectionLanes(plan.calls)
        #expect(lanes.count == 2)
        #expect(lanes.lane[1] != lanes.lane[2])
        #expect(lanes == ConnectionLanes(plan.calls))  // the same for every segment of a distributed run

        let result = try await replay(try script.recording(), against: server.address)
        let ports = server.calls.compactMap(\.clientPort)
        await server.stop()
        #expect(result.finished == 7)
        #expect(ports.count == 7)
        #expect(Set(ports).count == 2, "\(ports)")
        #expect(ports[0] == ports[2], "one recorded connection, one replay connection")
        #expect(ports[0] != ports[1], "connections in use at once, apart")
        #expect(ports[5] == ports[6])
    }

    /// With fresh connections the server sees each recorded connection as a connection of its own, as the
    /// recorded clients made them, while no more are open at once than the recording had.
    @Test func freshConnectionsGiveEachRecordedConnectionItsOwn() async throws {
        // As above: 1 and 2 overlap; 3, 4 and 5 come after both, one after another; 5 has two calls. Each
        // call has a method of its own (the witness answers UNIMPLEMENTED with the path, as recorded), so
        // the server's log says which call came on which connection. Replayed as recorded, the calls come
        // 10 to 100 µs apart, faster than a connection opens: later recorded connections queue behind the
        // one being opened on their lane and each still gets its own.
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        let recordedConnections = [1, 2, 1, 3, 4, 5, 5]
        let times: [Int64] = [0, 50_000, 100_000, 200_000, 300_000, 400_000, 410_000]
        for (index, (connection, time)) in zip(recordedConnections, times).enumerated() {
            let path = "/witness.W/Call\(index)"
            script.unary(path, response: nil, code: 12, message: path, at: time, connection: connection)
        }
        let result = try await replay(try script.recording(), against: server.address) {
            $0.schedule = .asRecorded(speed: 1)
            $0.freshConnections = true
        }
        let calls = server.calls
        await server.stop()
        #expect(result.finished == 7)
        #expect(result.failedCalls == 0 && result.mismatchedCalls == 0, "\(result.failureGroups) \(result.differences)")
        let port = Dictionary(calls.map { ($0.path, $0.clientPort ?? -1) }, uniquingKeysWith: { a, _ in a })
        let ports = (0..<7).map { port["/witness.W/Call\($0)"] ?? -1 }
        #expect(!ports.contains(-1), "\(calls.map(\.path))")
        #expect(Set(ports).count == 5, "one connection per recorded connection: \(ports)")
        #expect(ports[0] == ports[2] && ports[5] == ports[6], "a recorded connection's calls share one: \(ports)")
        #expect(result.connections.renewed == 3, "two lanes opened at the start, three more: \(result.connections)")
        #expect(result.connections.lost == 0)
    }

    /// A recorded connection whose call is still in flight when the next one on its lane begins (the server
    /// is slower now than when recorded) is not cut short: it closes once that call has ended.
    @Test func aFreshConnectionLeavesTheCallsOfThePreviousOneToFinish() async throws {
        let server = try await WitnessServer.start()  // echoes each message 150 ms late
        var script = ScriptedRecording()
        let chat = script.call("/witness.W/Echo", kind: "bidi", at: 0, connection: 1)
        script.message(chat, "request", [1], at: 1_000)
        script.message(chat, "response", [1], at: 2_000)
        script.finish(chat, code: 0, at: 3_000)
        script.unary("/witness.W/Unary", at: 10_000_000, connection: 2)  // recorded 10 ms later
        let result = try await replay(try script.recording(), against: server.address) {
            $0.schedule = .asRecorded(speed: 1)
            $0.freshConnections = true
        }
        let calls = server.calls
        await server.stop()
        #expect(result.finished == 2)
        #expect(result.failedCalls == 0 && result.mismatchedCalls == 0, "\(result.failureGroups) \(result.differences)")
        let echo = try #require(calls.first { $0.path == "/witness.W/Echo" })
        let unary = try #require(calls.first { $0.path == "/witness.W/Unary" })
        #expect(echo.events == [.received(1), .halfClosed, .sent(1)], "\(echo.events)")
        #expect(echo.clientPort != unary.clientPort)
        #expect(result.connections.renewed == 1)
    }

    @Test func freshConnectionsFollowTheRecordingSoNotWithGivenConnectionsNorVirtualUsers() throws {
        var script = ScriptedRecording()
        script.unary("/witness.W/Unary", at: 0)
        let plan = try ReplayPlan(recording: try script.recording(), inferKinds: true)
        for configure in [
            { (options: inout Replayer.Options) in options.connections = 2 },
            { (options: inout Replayer.Options) in options.schedule = .virtualUsers(count: 2, limit: .iterations(4)) },
        ] {
            let error = #expect(throws: ReplayError.self) {
                try Replayer(
                    plan: plan, target: "127.0.0.1:1",
                    options: .with {
                        $0.freshConnections = true
                        configure(&$0)
                    })
            }
            #expect(error?.message.contains("fresh connections follow the recording's connections") == true)
        }
    }

    @Test func laneCountIsTheMostConnectionsInUseAtOnce() throws {
        var script = ScriptedRecording()
        // Ten clients one after another, then three at once.
        for index in 0..<10 { script.unary("/witness.W/Unary", at: Int64(index) * 10_000, connection: 100 + index) }
        for index in 0..<3 { script.unary("/witness.W/Unary", at: 200_000 + Int64(index), connection: 200 + index) }
        let lanes = ConnectionLanes(try ReplayPlan(recording: try script.recording(), inferKinds: true).calls)
        #expect(lanes.count == 3)
        #expect(Set((0..<10).map { lanes.lane[100 + $0] }).count == 1)
        #expect(Set((0..<3).map { lanes.lane[200 + $0] }) == [0, 1, 2])
    }

    @Test func aServerThatRestartsOnTheSamePortIsReconnectedAndTheFailuresInBetweenAreCounted() async throws {
        var server = try await WitnessServer.start()
        let port = server.server.port
        var script = ScriptedRecording()
        script.unary("/witness.W/Unary", at: 0)
        let recording = try script.recording()
        let plan = try ReplayPlan(recording: recording, inferKinds: true)
        let replayer = try Replayer(
            plan: plan, target: server.address,
            options: .with {
                $0.schedule = .constantRate(perSecond: 50, limit: .duration(.seconds(3)), maxInFlight: 100)
                $0.connect.plaintext = true
                $0.checker = GoldenChecker(schema: nil)
            })
        async let running = replayer.run()
        try await Task.sleep(for: .milliseconds(800))
        await server.stop()
        try await Task.sleep(for: .milliseconds(700))
        server = try await WitnessServer.start(port: port)
        let result = try await running
        await server.stop()
        #expect(result.connections.lost >= 1)
        #expect(result.connections.reconnected >= 1)
        // The calls while the server was down failed (UNAVAILABLE), and are reported as such ...
        #expect(result.failedCalls > 0)
        #expect(result.statusCounts[14] + result.statusCounts[17] == result.failedCalls)
        // ... and calls went through again once it was back.
        #expect(!server.calls.isEmpty)
        let last = try #require(result.timeline.buckets.last { $0.calls > 0 })
        #expect(last.asRecorded > 0)
        #expect(result.finished == result.started)
    }

    @Test func callsRecordedWithoutAnEndAreSkippedNotCompared() throws {
        var script = ScriptedRecording()
        let done = script.unary("/witness.W/Unary", at: 0)
        let cut = script.call("/witness.W/Unary", kind: "unary", at: 3_000)
        script.message(cut, "request", [1], at: 4_000)
        let plan = try ReplayPlan(recording: try script.recording(), inferKinds: true)
        #expect(plan.calls.map(\.recordedCall) == [done])
        #expect(plan.unfinished == 1)
        #expect(plan.skipped.first?.contains("no end") == true)
    }

    @Test func theStoreOfOutcomesDoesNotGrowWithTheNumberOfCalls() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        script.unary("/witness.W/Unary", response: [9, 9, 9], at: 0)  // every replayed call differs
        let recording = try script.recording()
        func run(_ calls: Int) async throws -> ReplayResult {
            try await replay(recording, against: server.address) {
                $0.schedule = .virtualUsers(count: 4, limit: .iterations(calls))
                $0.keepMismatches = 10
            }
        }
        let small = try await run(40)
        let large = try await run(400)
        await server.stop()
        #expect(small.mismatchedCalls == 40 && large.mismatchedCalls == 400)
        #expect(small.differences.count == 10 && large.differences.count == 10)
        #expect(large.methods.count == 1 && large.methods[0].samples.count == MethodTally.sampleLimit)
        #expect(large.latency.counts.count == small.latency.counts.count)
        #expect(large.timeline.buckets.count <= Timeline.capacity)
    }

    @Test func aTimelineOfAnHourHoldsAsManyBucketsAsOneOfAMinute() {
        var minute = Timeline()
        var hour = Timeline()
        for second in 0..<60 { minute.record(offset: Int64(second) * 1_000_000_000, latency: 1_000_000, .asRecorded) }
        for second in 0..<3_600 { hour.record(offset: Int64(second) * 1_000_000_000, latency: 1_000_000, .failed) }
        #expect(minute.buckets.count <= Timeline.capacity)
        #expect(hour.buckets.count <= Timeline.capacity)
        #expect(hour.buckets.reduce(0) { $0 + $1.failed } == 3_600)
        var merged = minute
        merged.merge(hour)
        #expect(merged.buckets.reduce(0) { $0 + $1.calls } == 3_660)
        #expect(merged.width == hour.width)
        // Dropped calls are counted beside the calls made, through the widening and the merge.
        var drops = Timeline()
        for second in 0..<600 { drops.recordDrop(offset: Int64(second) * 1_000_000_000) }
        merged.merge(drops)
        #expect(merged.buckets.reduce(0) { $0 + $1.dropped } == 600)
        #expect(merged.buckets.reduce(0) { $0 + $1.calls } == 3_660)
        #expect(merged.buckets.count <= Timeline.capacity)
    }

    @Test func theReportWritesNumbersForPeopleNeverInExponentForm() {
        let cases: [(Double, String)] = [
            (0.76, "0.76"), (106.2, "106"), (999.4, "999"), (999.6, "1,000"), (1_970.4, "1,970"),
            (38_200, "38,200"), (1_234_567, "1,234,567"), (0, "0"), (-2_500, "-2,500"),
        ]
        for (value, text) in cases { #expect(ReplayReport.display(value) == text, "\(value)") }
    }

    @Test(arguments: [
        ("0/4", 0, 4), ("3/4", 3, 4), ("1/4:2/4", 1, 4), ("25%:50%", 1, 4), ("0.5:1", 1, 2), ("0:1", 0, 1),
    ])
    func segmentsParseToOneSliceOfN(text: String, index: Int, count: Int) throws {
        let segment =
            text.contains(":") ? try ExecutionSegment(k6: text) : try ExecutionSegment(parsing: text)
        #expect(segment.index == index && segment.count == count)
    }

    /// A --method that matches no recorded call names the recording's methods, so a typo is seen at once.
    @Test func aMethodFilterThatMatchesNothingNamesTheRecordedMethods() throws {
        let recording = try Recording.load(path: GoldenRecording.path)
        let error = #expect(throws: ReplayError.self) {
            try ReplayPlan(recording: recording, methods: ["demo.v1.Demo/SayHelo"])
        }
        #expect(
            error?.message.hasPrefix(
                "no recorded call matches --method demo.v1.Demo/SayHelo; the recording's methods are "
                    + "demo.v1.Demo/SayHello, ") == true, "\(String(describing: error))")
    }

    @Test func segmentsTogetherRunEveryIterationAndEveryUserOnce() throws {
        let segments = try (0..<4).map { try ExecutionSegment(index: $0, count: 4) }
        #expect(segments.map { $0.share(of: 10) }.reduce(0, +) == 10)
        #expect(segments.map { $0.users(of: 7) }.reduce(0, +) == 7)
        var seen = Set<Int>()
        for segment in segments {
            for local in 0..<segment.share(of: 10) { #expect(seen.insert(segment.iteration(local)).inserted) }
        }
        #expect(seen == Set(0..<10))
        #expect(throws: ReplayError.self) { try ExecutionSegment(k6: "1/3:3/4") }
        // Slices count from 0 (a Kubernetes completion index does): 4/4 is one past the last, and says so.
        let pastTheLast = #expect(throws: ReplayError.self) { try ExecutionSegment(parsing: "4/4") }
        #expect(
            pastTheLast?.message == "there is no slice 4 of 4: slices count from 0, so it must be from 0 to 3",
            "\(String(describing: pastTheLast))")
    }
}

extension ScriptedRecording {
    /// A `Hold` stream: one request and its answer, then the client's cancel (its reset) at `time`, with
    /// the deadline `timeout` if given.
    mutating func heldThenCancelled(at time: Int64, timeout: Int64? = nil) {
        let hold = call("/witness.W/Hold", kind: "bidi", at: 0, timeout: timeout)
        message(hold, "request", [1], at: 1_000)
        message(hold, "response", [1], at: 2_000)
        event("cancel", hold, at: time, #""error_code":8"#)
        event("end", hold, at: time, #""outcome":"reset","by":"client","error_code":8"#)
    }
}
