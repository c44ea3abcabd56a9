import Foundation
import Testing

@testable import Metrics

@Suite struct PercentileTests {
    static let percentiles: [Double] = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100]

    /// The documented accuracy of a sample taken from the histogram: 0.5 µs rounding plus half a bucket,
    /// which is at most value/2048 (values in ms).
    static func tolerance(_ value: Double) -> Double { 0.0005 + abs(value) / 2048 + 1e-9 }

    @Test(arguments: [(1, UInt64(1)), (2, 2), (7, 3), (1000, 4), (25_000, 5)])
    func percentilesMatchNumpyOnTheSameSamples(count: Int, seed: UInt64) throws {
        let samples = Samples.durations(count: count, seed: seed)
        var trend = TrendAccumulator()
        for sample in samples { trend.record(sample) }

        let script = """
            import sys, numpy as np
            x = np.array([int(v) for v in sys.stdin.read().split()], dtype=np.float64) / 1e6
            ps = [\(Self.percentiles.map { String($0) }.joined(separator: ","))]
            print(" ".join(repr(float(np.percentile(x, p, method="linear"))) for p in ps))
            print(repr(float(x.mean())), repr(float(x.min())), repr(float(x.max())))
            """
        let output = try Samples.python(script, input: samples.map(String.init).joined(separator: " "))
        let lines = output.split(separator: "\n")
        let expected = lines[0].split(separator: " ").map { Double($0)! }
        for (p, numpy) in zip(Self.percentiles, expected) {
            let ours = trend.percentile(p / 100)
            #expect(abs(ours - numpy) <= Self.tolerance(numpy), "p(\(p)): ours \(ours) ms, numpy \(numpy) ms")
        }
        let stats = lines[1].split(separator: " ").map { Double($0)! }
        #expect(abs(trend.avg - stats[0]) <= 1e-9 * max(1, stats[0]))
        #expect(trend.min == stats[1])
        #expect(trend.max == stats[2])
        #expect(trend.med == trend.percentile(0.5))
    }

    @Test func belowTwoMillisecondsPercentilesAreExactToTheMicrosecond() throws {
        // Whole microseconds below 2.048 ms land in unit-wide buckets: no error at all.
        let samples: [Int64] = (1...500).map { Int64($0 * 3 + 17) * 1000 }
        var trend = TrendAccumulator()
        for sample in samples.shuffled() { trend.record(sample) }
        let sorted = samples.sorted().map { Double($0) / 1e6 }
        for p in Self.percentiles {
            let position = p / 100 * Double(sorted.count - 1)
            let lower = sorted[Int(position.rounded(.down))]
            let upper = sorted[Int(position.rounded(.up))]
            let exact = lower + (upper - lower) * (position - position.rounded(.down))
            #expect(abs(trend.percentile(p / 100) - exact) < 1e-12, "p(\(p))")
        }
    }

    @Test func emptyAndSingleSampleTrendsFollowK6() {
        var trend = TrendAccumulator()
        #expect(trend.percentile(0.95) == 0)
        #expect(trend.avg == 0 && trend.min == 0 && trend.max == 0)
        trend.record(value: 33.75)
        #expect(trend.percentile(0.95) == 33.75)
        #expect(trend.med == 33.75)
        #expect(trend.avg == 33.75)
    }
}
