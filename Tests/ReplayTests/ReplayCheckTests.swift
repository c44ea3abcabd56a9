import Engine
import Foundation
import ProtoCodec
import Recording
import Testing

@testable import Replay

/// Replays of the golden recording against the demo server: as recorded it matches call for call; an
/// edited recording (what a changed server looks like) is reported field by field, status by status.
@Suite(.timeLimit(.minutes(2))) struct ReplayCheckTests {
    private func replay(_ recording: Recording, rules: [IgnoreRule] = [], speed: Double = 20) async throws
        -> (ReplayPlan, ReplayResult)
    {
        let target = try await DemoTarget.start()
        let plan = try ReplayPlan(recording: recording)
        let schema = try ClientSchema(pool: try #require(plan.pool))
        let replayer = try Replayer(
            plan: plan, target: target.address,
            options: .with {
                $0.schedule = .asRecorded(speed: speed)
                $0.connect.plaintext = true
                $0.checker = GoldenChecker(schema: schema, rules: rules)
            })
        let result = try await replayer.run()
        await target.stop()
        return (plan, result)
    }

    @Test func theGoldenRecordingMatchesTheDemoServerCallForCall() async throws {
        let recording = try GoldenRecording.load()
        let (plan, result) = try await replay(recording)
        #expect(plan.calls.count == recording.calls.count)
        #expect(Set(plan.calls.map(\.kind)) == [.unary, .serverStreaming, .clientStreaming, .bidi])
        // What "recorded over" says: from the first call's start to the last call's end.
        let ends = recording.calls.compactMap { $0.end?.time }
        let lastEnd = try #require(ends.max())
        #expect(plan.span == .nanoseconds(lastEnd - recording.calls[0].start.time))
        #expect(result.finished == plan.calls.count)
        #expect(result.started == plan.calls.count)
        #expect(result.differences.isEmpty, "\(result.differences)")
        #expect(result.failedCalls == 0)
        // The recorded NOT_FOUND errors come back as NOT_FOUND: failures are compared, not excused, and a
        // recorded error that comes back unchanged counts as a call as recorded.
        let failing = plan.calls.filter { $0.expected.code == 5 }
        #expect(!failing.isEmpty)
        #expect(result.statusCounts[5] == failing.count)
        let fail = try #require(result.methods.first { $0.method == "demo.v1.Demo/Fail" })
        #expect(fail.asRecorded == fail.calls)
    }

    @Test func aChangedResponseFieldIsReportedWithItsPathAndBothValues() async throws {
        let hello = try #require(try GoldenRecording.calls(to: "/demo.v1.Demo/SayHello").first)
        // The recording now says the server answered "Hello, Zed!" to the first SayHello.
        let edited = try GoldenRecording.edited(GoldenRecording.helloAnswers("Zed", call: hello))
        let (plan, result) = try await replay(edited)
        #expect(result.mismatchedCalls == 1)
        let difference = try #require(result.differences.first)
        #expect(plan.calls[difference.call].recordedCall == hello)
        #expect(difference.recordedCall == hello)
        #expect(
            difference.mismatches == [
                Mismatch(
                    .field, path: "responses[0].message", expected: #""Hello, Zed!""#,
                    actual: #""Hello, Reprise!""#)
            ])
    }

    @Test func ignoreRulesSkipFieldsThatAlwaysDiffer() async throws {
        let hello = try #require(try GoldenRecording.calls(to: "/demo.v1.Demo/SayHello").first)
        let edited = try GoldenRecording.edited(GoldenRecording.helloAnswers("Zed", call: hello))
        let (_, result) = try await replay(edited, rules: [try IgnoreRule(parsing: "demo.v1.Demo/SayHello:message")])
        #expect(result.differences.isEmpty)
        // A rule for another method does not hide it.
        let (_, other) = try await replay(edited, rules: [try IgnoreRule(parsing: "demo.v1.Demo/Echo:message")])
        #expect(other.mismatchedCalls == 1)
    }

    /// A recording whose connection failed during a stream (the server went away after its first message)
    /// holds no status and only part of the answer: the replayed answer is compared up to where the
    /// recording stops, so a server that now answers in full is as recorded, and one whose first message
    /// changed still differs.
    @Test func anAnswerCutShortByItsConnectionIsComparedUpToWhereTheRecordingStops() async throws {
        let countdown = try #require(try GoldenRecording.calls(to: "/demo.v1.Demo/Countdown").first)
        func cutShort(firstAnswer: String?) throws -> Recording {
            var responses = 0
            var lines: [String] = []
            for line in try GoldenRecording.editedLines({ _ in }) {
                guard line.contains("\"call\":\(countdown),"), case .object(var object) = try JSONValue(parsing: line)
                else {
                    lines.append(line)
                    continue
                }
                switch object["type"]?.stringValue {
                case "message" where object["dir"] == "response":
                    responses += 1
                    guard responses == 1 else { continue }
                    if let firstAnswer { object["raw"] = .string(firstAnswer) }
                case "trailers": continue
                case "end":
                    object["outcome"] = "error"
                    object["error"] = "the server connection closed before the call ended"
                default: break
                }
                lines.append(JSONValue.object(object).jsonString())
            }
            return try Recording(parsing: Array((lines.joined(separator: "\n") + "\n").utf8), name: "cut.jsonl")
        }
        let (plan, result) = try await replay(try cutShort(firstAnswer: nil))
        let call = try #require(plan.calls.first { $0.recordedCall == countdown })
        #expect(call.answerCutShort == "the server connection closed before the call ended")
        #expect(call.expected.responses.count == 1)
        #expect(plan.calls.count { $0.answerCutShort != nil } == 1)
        #expect(result.differences.isEmpty, "\(result.differences)")

        // {"number": 9} where the server says 3.
        let (_, changed) = try await replay(try cutShort(firstAnswer: "CAk="))
        let difference = try #require(changed.differences.first)
        #expect(difference.recordedCall == countdown)
        #expect(difference.mismatches.map(\.path) == ["responses[0].number"], "\(difference.mismatches)")
    }

    @Test func aDifferentStatusIsReportedByName() async throws {
        let fail = try #require(try GoldenRecording.calls(to: "/demo.v1.Demo/Fail").first)
        let edited = try GoldenRecording.edited { line in
            if line["type"] == "trailers", line["call"]?.int64Value == Int64(fail) { line["code"] = 0 }
        }
        let (_, result) = try await replay(edited)
        let mismatches = try #require(result.differences.first?.mismatches)
        #expect(result.mismatchedCalls == 1)
        // Both statuses with their messages: the recording kept its message, the server sent its own.
        let status = try #require(mismatches.first)
        #expect(mismatches.count == 1)
        #expect(status.kind == .status)
        #expect(status.expected.hasPrefix("OK (0)"))
        #expect(status.actual.hasPrefix("NOT_FOUND (5) \""), "\(status.actual)")
        #expect(result.failureGroups.first?.status == "NOT_FOUND (5)")
    }

    /// The recorded Sleep call ended when its 100 ms deadline passed, with no status: the client reset it
    /// (the demo recording predates `cancel` events, so its end is that cancel). Replayed as recorded it
    /// ends the same way; a server that now answers inside the deadline is a status difference.
    @Test func aCallTheClientGaveUpOnIsNotMatchedByAServerThatAnswers() async throws {
        let sleep = try #require(try GoldenRecording.calls(to: "/demo.v1.Demo/Sleep").first)
        let (asRecordedPlan, asRecorded) = try await replay(try GoldenRecording.load(), speed: 1)
        let planned = try #require(asRecordedPlan.calls.first { $0.recordedCall == sleep })
        #expect(planned.cancelledAtDeadline)
        #expect(asRecorded.differences.isEmpty, "\(asRecorded.differences)")
        #expect(asRecorded.failedCalls == 0)

        // Sleep for 0 s: the server answers OK at once.
        let edited = try GoldenRecording.edited { line in
            if line["type"] == "message", line["call"]?.int64Value == Int64(sleep), line["dir"] == "request" {
                line["raw"] = "CgA="
                line["json"] = ["duration": "0s"]
            }
        }
        let (_, result) = try await replay(edited, speed: 1)
        let difference = try #require(result.differences.first)
        #expect(result.differences.count == 1)
        #expect(difference.recordedCall == sleep)
        #expect(
            difference.mismatches.first
                == Mismatch(.status, expected: "no status (the deadline passed first)", actual: "OK (0)"))
        // And the answer the recording never got.
        #expect(difference.mismatches.dropFirst().map(\.kind) == [.messageCount, .extraMessage])
        #expect(result.failedCalls == 1)
    }

    @Test func aMissingStreamMessageIsAMessageCountDifference() async throws {
        let countdown = try #require(try GoldenRecording.calls(to: "/demo.v1.Demo/Countdown").first)
        var dropped = false
        let edited = try GoldenRecording.edited { line in
            // Turn the first response of the countdown into a request-side line of another call: the recording
            // then holds two responses where the server sends three.
            if !dropped, line["type"] == "message", line["call"]?.int64Value == Int64(countdown),
                line["dir"] == "response"
            {
                line["dir"] = "request"
                dropped = true
            }
        }
        let (_, result) = try await replay(edited)
        let mismatches = try #require(result.differences.first?.mismatches)
        #expect(mismatches.first == Mismatch(.messageCount, expected: "2", actual: "3"))
        // The extra message is shown whole, at a path that works as a rule.
        let extra = try #require(mismatches.first { $0.kind == .extraMessage })
        #expect(extra.path == "responses[2]")
        #expect(extra.actual.hasPrefix("{"), "\(extra.actual)")
    }
}
