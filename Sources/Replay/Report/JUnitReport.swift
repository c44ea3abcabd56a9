import Foundation
import Metrics
import Synchronization

/// `--junit FILE.xml`: a JUnit report CI systems read, with a test suite per method and a test case per
/// recorded call. A call that differs fails with its differences; one whose status is not as recorded fails
/// with both statuses; one that never reached the server is an error; one the run never got to (stopped
/// early) is skipped. Calls replayed several times (looping schedules) are one test case that fails when any
/// iteration differs, naming the first few. Memory: a small record per recorded call.
public final class JUnitReport: CallRecordSink {
    private struct Case {
        var runs = 0
        var failed = 0
        var errors = 0
        var nanoseconds: Int64 = 0
        /// The first few different failures, each with the first iterations that failed so (up to
        /// ``iterationsNamed``) and how many did.
        var firstFailures: [(iterations: [Int], times: Int, text: String, error: Bool)] = []
    }

    /// Different failures described per test case.
    static let failuresShown = 3
    /// Iterations named per failure; the rest are counted.
    static let iterationsNamed = 5

    /// The file's path.
    public let path: String
    private let plan: ReplayPlan
    private let cases: Mutex<[Case]>

    /// A report for `plan`'s calls, written to `path` by ``write(elapsed:)``; the path is checked now.
    public init(path: String, plan: ReplayPlan) throws(ReplayError) {
        try OutputPath.check(path, option: "--junit")
        self.path = path
        self.plan = plan
        cases = Mutex(Array(repeating: Case(), count: plan.calls.count))
    }

    public func record(_ call: CallRecord) {
        let failure: String?
        switch call.verdict {
        case .matched: failure = nil
        case .differs, .failed:
            failure =
                call.mismatches.isEmpty
                ? "status \(GoldenChecker.statusText(call.code, call.message)), recorded "
                    + GoldenChecker.recordedText(call.recordedCode, call.recordedMessage, end: call.recordedEnd)
                : call.mismatches.map(\.description).joined(separator: "\n")
        }
        let error = call.failure != nil
        cases.withLock { cases in
            cases[call.call].runs += 1
            cases[call.call].nanoseconds += call.latencyNanoseconds
            guard let failure else { return }
            if error { cases[call.call].errors += 1 } else { cases[call.call].failed += 1 }
            // A call replayed many times mostly fails the same way each time: one entry names the iterations.
            if let same = cases[call.call].firstFailures.firstIndex(where: { $0.text == failure }) {
                cases[call.call].firstFailures[same].times += 1
                if cases[call.call].firstFailures[same].iterations.count < Self.iterationsNamed {
                    cases[call.call].firstFailures[same].iterations.append(call.iteration)
                }
            } else if cases[call.call].firstFailures.count < Self.failuresShown {
                cases[call.call].firstFailures.append(([call.iteration], 1, failure, error))
            }
        }
    }

    /// Writes the XML file (through a temporary file and a rename, so a reader never sees half of it).
    public func write(elapsed: Duration) throws(ReplayError) {
        let xml = xml(elapsed: elapsed)
        do {
            try AtomicFile.write(Array(xml.utf8), to: path)
        } catch {
            throw ReplayError(.unwritableOutput, "--junit \(path): \(error)")
        }
    }

    /// The report as XML text.
    func xml(elapsed: Duration) -> String {
        let cases = cases.withLock { $0 }
        var byMethod: [String: [Int]] = [:]
        for (index, call) in plan.calls.enumerated() { byMethod[call.methodName, default: []].append(index) }
        func counts(_ indices: [Int]) -> (tests: Int, failures: Int, errors: Int, skipped: Int, seconds: Double) {
            var result = (tests: indices.count, failures: 0, errors: 0, skipped: 0, seconds: 0.0)
            for index in indices {
                let item = cases[index]
                if item.runs == 0 {
                    result.skipped += 1
                } else if item.errors > 0 {
                    result.errors += 1
                } else if item.failed > 0 {
                    result.failures += 1
                }
                result.seconds += Double(item.nanoseconds) / 1e9
            }
            return result
        }
        let all = counts(Array(plan.calls.indices))
        var text = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        text +=
            #"<testsuites name="reprise replay" tests="\#(all.tests)" failures="\#(all.failures)" "#
            + #"errors="\#(all.errors)" skipped="\#(all.skipped)" time="\#(Self.seconds(elapsed.seconds))">"# + "\n"
        for method in byMethod.keys.sorted() {
            let indices = byMethod[method]!
            let suite = counts(indices)
            text +=
                #"  <testsuite name="\#(Self.escape(method))" tests="\#(suite.tests)" failures="\#(suite.failures)" "#
                + #"errors="\#(suite.errors)" skipped="\#(suite.skipped)" time="\#(Self.seconds(suite.seconds))">"#
                + "\n"
            for index in indices {
                let call = plan.calls[index]
                let item = cases[index]
                text +=
                    #"    <testcase name="call \#(call.recordedCall)" classname="\#(Self.escape(method))" "#
                    + #"time="\#(Self.seconds(Double(item.nanoseconds) / 1e9))""#
                if item.runs == 0 {
                    text += ">\n      <skipped message=\"not replayed: the run stopped first\"/>\n    </testcase>\n"
                    continue
                }
                guard let first = item.firstFailures.first else {
                    text += "/>\n"
                    continue
                }
                let bad = first.error ? item.errors : item.failed
                let element = first.error ? "error" : "failure"
                let summary =
                    first.error
                    ? "never reached the server"
                    : "differs from the recording" + (item.runs > 1 ? " in \(bad) of \(item.runs) iterations" : "")
                var body = ""
                for failure in item.firstFailures {
                    if item.runs > 1 {
                        let more = failure.times - failure.iterations.count
                        body +=
                            (failure.times > 1 ? "iterations " : "iteration ")
                            + failure.iterations.map(String.init).joined(separator: ", ")
                            + (more > 0 ? " and \(more) more" : "") + ":\n"
                    }
                    body += failure.text + "\n"
                }
                text +=
                    ">\n      <\(element) message=\"\(Self.escape(summary))\" type=\"\(first.error ? "unreachable" : "golden")\">"
                    + Self.escape(body) + "</\(element)>\n    </testcase>\n"
            }
            text += "  </testsuite>\n"
        }
        text += "</testsuites>\n"
        return text
    }

    private static func seconds(_ value: Double) -> String { String(format: "%.6f", value) }

    /// Text as XML character data or an attribute value; characters XML 1.0 cannot carry become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
