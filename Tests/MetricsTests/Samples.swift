import Foundation
import TestSupport

@testable import Metrics

/// Deterministic sample sets and helpers shared by the metrics tests.
enum Samples {
    /// Durations in nanoseconds from about 20 µs to 200 ms, skewed low like call latencies (seeded).
    static func durations(count: Int, seed: UInt64) -> [Int64] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)
            return Int64(20_000 * pow(10_000, unit * unit)) + Int64(state % 1000)
        }
    }

    /// Runs the venv's Python with `script`, feeding `input` on stdin, and returns stdout.
    static func python(_ script: String, input: String) throws -> String {
        try Subprocess.check([try Repository.python(), "-c", script], input: Data(input.utf8)).stdoutText
    }
}
