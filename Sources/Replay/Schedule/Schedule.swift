import Metrics

/// When replayed calls start.
///
/// - `asRecorded(speed:)`: each call at its recorded offset divided by `speed` (2 = twice as fast),
///   requests within a stream spaced the same way; concurrency is whatever the recording had.
/// - `constantRate`: calls start at a fixed rate, open-loop (k6's constant-arrival-rate); a call that
///   would exceed `maxInFlight` is dropped and counted in `dropped_iterations`.
/// - `rampingRate`: the rate moves linearly through stages (k6's ramping-arrival-rate).
/// - `virtualUsers`: N users each start the next call when their last one ends (closed loop).
///
/// Open-loop and closed-loop schedules take the recorded calls in order, again and again, until
/// `iterations` calls have started or `duration` has passed.
public enum Schedule: Sendable, Hashable {
    case asRecorded(speed: Double)
    case constantRate(perSecond: Double, limit: Limit, maxInFlight: Int)
    case rampingRate(startRate: Double, stages: [Stage], maxInFlight: Int)
    case virtualUsers(count: Int, limit: Limit)

    /// How long the schedule starts calls for, when a duration sets it (nil when a count of calls does:
    /// it ends when the last one has started).
    public var scheduledDuration: Duration? {
        switch self {
        case .constantRate(_, .duration(let duration), _), .virtualUsers(_, .duration(let duration)): duration
        case .rampingRate(_, let stages, _): stages.reduce(Duration.zero) { $0 + $1.duration }
        case .asRecorded, .constantRate, .virtualUsers: nil
        }
    }

    /// When an open or closed loop stops.
    public enum Limit: Sendable, Hashable {
        /// After this many calls (one pass over the recording when equal to its call count).
        case iterations(Int)
        /// After this long.
        case duration(Duration)
    }

    /// One stage of a ramp: reach `target` calls per second over `duration`.
    public struct Stage: Sendable, Hashable {
        /// How long the stage lasts.
        public var duration: Duration
        /// The rate at its end.
        public var target: Double

        /// A stage from its parts.
        public init(duration: Duration, target: Double) {
            self.duration = duration
            self.target = target
        }
    }

    /// The start times of an open-loop schedule (nil for `asRecorded`, which uses each call's own offset, and
    /// for `virtualUsers`).
    var openLoopClock: OpenLoopClock? {
        switch self {
        case .asRecorded, .virtualUsers: nil
        case .constantRate(let rate, .iterations(let count), _): .constant(rate: rate, calls: count, end: .max)
        case .constantRate(let rate, .duration(let duration), _):
            .constant(rate: rate, calls: .max, end: duration.nanosecondsClamped)
        case .rampingRate(let startRate, let stages, _): .ramp(startRate: startRate, stages: stages)
        }
    }

    /// When the calls of an open-loop schedule start, in whole nanoseconds from 0 (truncated), with what a
    /// constant rate's times depend on worked out once: a replay asks for every call's, and the 128-bit
    /// arithmetic of a `Duration` per call was a tenth of a microsecond of it.
    enum OpenLoopClock: Sendable {
        /// `calls` at most, none at or after `end` nanoseconds (nor after 292 years).
        case constant(rate: Double, calls: Int, end: Int64)
        case ramp(startRate: Double, stages: [Stage])

        /// The start of call `call`; nil once the schedule is over.
        @inline(__always)
        func start(of call: Int) -> Int64? {
            switch self {
            case .constant(let rate, let calls, let end):
                guard call < calls else { return nil }
                // Nanoseconds first, so a whole number of them (call 3 at 10,000/s: 300,000) comes out exact;
                // past `Int64` (a slow rate's far calls), never.
                let nanoseconds = Double(call) * 1e9 / rate
                guard nanoseconds < 9.2e18 else { return nil }
                let at = Int64(nanoseconds)
                return at < end ? at : nil
            case .ramp(let startRate, let stages):
                return Schedule.rampStart(of: call, startRate: startRate, stages: stages)?.nanosecondsClamped
            }
        }
    }

    /// The time the `n`th call starts under a piecewise-linear rate: the time where the integral of the
    /// rate reaches `n`. Within a stage the rate is r(t) = a + (b - a) t / T, so the count is
    /// a t + (b - a) t² / 2T; solved for t.
    static func rampStart(of call: Int, startRate: Double, stages: [Stage]) -> Duration? {
        var needed = Double(call)
        var elapsed = 0.0
        var from = startRate
        for stage in stages {
            let length = stage.duration.seconds
            let to = stage.target
            let inStage = (from + to) / 2 * length
            if needed < inStage {
                let slope = length > 0 ? (to - from) / length : 0
                let t: Double
                if abs(slope) < 1e-12 {
                    t = from > 0 ? needed / from : 0
                } else {
                    // slope/2 t² + from t - needed = 0
                    let discriminant = max(0, from * from + 2 * slope * needed)
                    t = (-from + discriminant.squareRoot()) / slope
                }
                return .seconds(elapsed + min(max(t, 0), length))
            }
            needed -= inStage
            elapsed += length
            from = to
        }
        return nil
    }

    /// A short description for progress lines and reports.
    public var summary: String {
        switch self {
        case .asRecorded(let speed):
            return speed == 1 ? "as recorded" : "as recorded, \(Self.number(speed))x speed"
        case .constantRate(let rate, let limit, _):
            return "\(Self.number(rate)) calls/s, \(limit.summary)"
        case .rampingRate(let start, let stages, _):
            let steps = stages.map { "\(Self.number($0.target))/s over \($0.duration)" }.joined(separator: ", ")
            return "ramp from \(Self.number(start))/s: \(steps)"
        case .virtualUsers(let count, let limit):
            return "\(count) virtual users, \(limit.summary)"
        }
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension Schedule.Limit {
    var summary: String {
        switch self {
        case .iterations(let count): "\(count) calls"
        case .duration(let duration): "for \(duration)"
        }
    }
}
