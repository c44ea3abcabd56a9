import Engine
import Testing

@testable import Replay

/// Schedules against the demo server: how many calls start, in which order, and what gets dropped; and the
/// arithmetic of ramps.
@Suite(.timeLimit(.minutes(2))) struct ScheduleTests {
    private func run(_ schedule: Schedule, connections: Int = 1) async throws -> (ReplayPlan, ReplayResult) {
        let target = try await DemoTarget.start()
        let plan = try ReplayPlan(recording: try GoldenRecording.load())
        let replayer = try Replayer(
            plan: plan, target: target.address,
            options: .with {
                $0.schedule = schedule
                $0.connections = connections
                $0.connect.plaintext = true
            })
        let result = try await replayer.run()
        await target.stop()
        return (plan, result)
    }

    /// Calls per method that iterations `0..<count` of the plan make (iteration i replays call i mod n).
    private func expectedMethods(_ plan: ReplayPlan, iterations: Int) -> [String: Int] {
        (0..<iterations).reduce(into: [:]) { counts, iteration in
            counts[plan.calls[iteration % plan.calls.count].methodName, default: 0] += 1
        }
    }

    private func methods(_ result: ReplayResult) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: result.methods.map { ($0.method, $0.calls) })
    }

    @Test func aConstantRateRunsTheRecordingInOrderForTheGivenNumberOfCalls() async throws {
        let (plan, result) = try await run(
            .constantRate(perSecond: 500, limit: .iterations(70), maxInFlight: 1_000), connections: 2)
        #expect(result.started == 70)
        #expect(result.finished == 70)
        #expect(methods(result) == expectedMethods(plan, iterations: 70))
        #expect(result.dropped == 0)
    }

    @Test func virtualUsersStopAtTheIterationLimit() async throws {
        let (plan, result) = try await run(.virtualUsers(count: 3, limit: .iterations(40)))
        #expect(result.started == 40)
        #expect(result.finished == 40)
        #expect(methods(result) == expectedMethods(plan, iterations: 40))
    }

    @Test func callsBeyondMaxInFlightAreDroppedNotQueued() async throws {
        // 32 calls at once with room for one: most arrive while another is still running.
        let schedule = Schedule.constantRate(perSecond: 100_000, limit: .iterations(32), maxInFlight: 1)
        let (plan, result) = try await run(schedule)
        #expect(result.dropped > 0)
        #expect(result.finished + result.dropped == 32)
        #expect(result.started == result.finished)
        // The timeline keeps them where they were due, apart from the calls made, and the report draws them.
        #expect(result.timeline.buckets.reduce(0) { $0 + $1.dropped } == result.dropped)
        #expect(result.timeline.buckets.reduce(0) { $0 + $1.calls } == result.finished)
        let page = ReplayReport(plan: plan, result: result, target: "127.0.0.1:1", schedule: schedule).html()
        #expect(page.contains("dropped per second (too many in flight)"))
        #expect(page.contains(##"stroke="#6e7781" stroke-width="2" stroke-dasharray="6 4"/>"##))
    }

    @Test func aDurationLimitStopsVirtualUsers() async throws {
        let (_, result) = try await run(.virtualUsers(count: 2, limit: .duration(.milliseconds(500))))
        // No call starts after the limit (each user finishes the call it is in); how many start before it
        // depends on how busy the machine is. The timeline's buckets are a tenth of a second wide.
        #expect(result.finished > 0)
        #expect(result.timeline.width == 100_000_000)
        #expect(result.timeline.buckets.count <= 5)
        #expect(result.elapsed < .seconds(30))
    }

    @Test(arguments: [
        (0, 0.0), (5, 10.0.squareRoot()), (50, nil as Double?),
    ])
    func rampStartTimesFollowTheIntegralOfTheRate(call: Int, seconds: Double?) {
        // 0 → 10 calls/s over 10 s: 50 calls; the nth starts where t²/2 = n.
        let start = Schedule.rampStart(of: call, startRate: 0, stages: [.init(duration: .seconds(10), target: 10)])
        if let seconds {
            let got = try! #require(start)
            let value = Double(got.components.seconds) + Double(got.components.attoseconds) / 1e18
            #expect(abs(value - seconds) < 1e-6)
        } else {
            #expect(start == nil)
        }
    }

    @Test func aFlatStageStartsCallsEvenly() {
        let stages: [Schedule.Stage] = [.init(duration: .seconds(2), target: 4)]
        let starts = (0..<9).map { Schedule.rampStart(of: $0, startRate: 4, stages: stages) }
        #expect(starts[..<8].map { $0! } == (0..<8).map { Duration.milliseconds(250 * $0) })
        #expect(starts[8] == nil)
    }

    @Test func aConstantRateStartsCallsOnWholeNanosecondsUpToItsLimit() throws {
        let clock = try #require(
            Schedule.constantRate(perSecond: 10_000, limit: .duration(.seconds(1)), maxInFlight: 1).openLoopClock)
        #expect((0..<10_000).allSatisfy { clock.start(of: $0) == Int64($0) * 100_000 })
        #expect(clock.start(of: 10_000) == nil)  // at 1 s exactly: the limit is not included
        // A rate whose times are not whole nanoseconds: truncated, and the last one before 1 s still in.
        let thirds = try #require(
            Schedule.constantRate(perSecond: 3, limit: .duration(.seconds(1)), maxInFlight: 1).openLoopClock)
        #expect((0..<4).map { thirds.start(of: $0) } == [0, 333_333_333, 666_666_666, nil])
        let counted = try #require(
            Schedule.constantRate(perSecond: 1_000, limit: .iterations(5), maxInFlight: 1).openLoopClock)
        #expect((0..<6).map { counted.start(of: $0) } == [0, 1_000_000, 2_000_000, 3_000_000, 4_000_000, nil])
        // A slow rate's far calls lie past what nanoseconds in an Int64 can say: the schedule ends there.
        let slow = try #require(
            Schedule.constantRate(perSecond: 0.001, limit: .iterations(.max), maxInFlight: 1).openLoopClock)
        #expect(slow.start(of: 9_000_000) == 9_000_000_000_000_000_000)  // 9e9 s
        #expect(slow.start(of: 10_000_000) == nil)
        #expect(Schedule.virtualUsers(count: 1, limit: .iterations(1)).openLoopClock == nil)
        let ramp = try #require(
            Schedule.rampingRate(startRate: 4, stages: [.init(duration: .seconds(2), target: 4)], maxInFlight: 1)
                .openLoopClock)
        #expect((0..<9).map { ramp.start(of: $0) } == (0..<8).map { Int64($0) * 250_000_000 } + [nil])
    }
}
