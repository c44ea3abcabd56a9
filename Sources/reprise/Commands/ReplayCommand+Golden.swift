import ArgumentParser
import Engine
import Foundation
import Metrics
import ProtoCodec
import Recording
import Replay

/// The golden check's side of `reprise replay`: outputs for CI (results, JUnit, summary, report), the
/// terminal's grouped differences, `--learn` and `--update`.
extension ReplayCommand {
    /// The outputs asked for, opened or checked before any call goes out.
    struct Outputs {
        var results: ResultsFile?
        var junit: JUnitReport?
        var sinks: [any CallRecordSink] {
            var sinks: [any CallRecordSink] = []
            if let results { sinks.append(results) }
            if let junit { sinks.append(junit) }
            return sinks
        }
    }

    func openOutputs(plan: ReplayPlan) throws -> Outputs {
        do {
            var outputs = Outputs()
            if let reportPath { try OutputPath.check(reportPath, option: "--report") }
            if let path = self.outputs.summaryExport { try OutputPath.check(path, option: "--summary-export") }
            for output in self.outputs.outputs {
                // Parsed when the flags were validated.
                if let option = try? OutputOption.parse(output) { try OutputPath.check(option.path, option: "--out") }
            }
            if let learn = golden.learn { try OutputPath.check(learn, option: "--learn") }
            if golden.update { try OutputPath.check(recording, option: "--update") }
            if let junit = golden.junit { outputs.junit = try JUnitReport(path: junit, plan: plan) }
            if let results = golden.results {
                try OutputPath.check(results, option: "--results")
                outputs.results = try ResultsFile(path: results)
            }
            return outputs
        } catch {
            throw ReplayFailure(error)
        }
    }

    func finishOutputs(_ outputs: Outputs, plan: ReplayPlan, result: ReplayResult, schedule: Schedule) throws {
        do {
            try outputs.results?.finish()
            try outputs.junit?.write(elapsed: result.elapsed)
            if let path = self.outputs.summaryExport {
                let keys = ReplaySummaryKeys(
                    segment: try executionSlice(), golden: golden.check ? GoldenTotals(result) : nil)
                try Self.addReplayKeys(keys, toSummary: path)
            }
        } catch {
            throw ReplayFailure(error)
        }
        if let path = reportPath {
            let html = ReplayReport(plan: plan, result: result, target: target, schedule: schedule).html()
            do {
                try AtomicFile.write(Array(html.utf8), to: path)
                warn("report written to \(path)")
            } catch {
                throw ReplayFailure(.unwritableOutput, "cannot write the report \(path): \(error)")
            }
        }
    }

    /// The replayer's options from the flags (schedule, connections, TLS, metadata), without checks.
    func replayOptions(schedule: Schedule, stop: Replayer.StopSignal) throws -> Replayer.Options {
        var options = Replayer.Options()
        options.schedule = schedule
        options.connections = connections
        options.freshConnections = freshConnections
        do { options.segment = try executionSlice() } catch { throw ReplayFailure(error) }
        if let tick { options.tick = Self.duration(tick)! }
        options.connect = try tls.connectParams(timeout: .milliseconds(Int64(connectTimeout * 1000)))
        if let gracefulStop { options.gracefulStop = Self.duration(gracefulStop)! }
        if let maxDuration { options.maxDuration = Self.duration(maxDuration)! }
        options.metadata = try CallCommand.metadata(headers, option: "--header")
        options.stop = stop
        return options
    }

    // MARK: --learn

    /// Replays every call, then again compared with the first replay's answers: what differs between two
    /// answers to the same request is noise, written as proposed rules.
    func learn(
        plan: ReplayPlan, schema: ClientSchema?, rules: CompareRules, to path: String, interrupt: ReplayInterrupt
    )
        async throws -> ReplayExitCode
    {
        let stop = Replayer.StopSignal()
        interrupt.install(stop: stop)
        let scheduleValue = try schedule(calls: plan.calls.count)
        var first = try replayOptions(schedule: scheduleValue, stop: stop)
        first.checker = GoldenChecker(schema: schema, rules: rules)
        let capture = ResponseCapture(count: plan.calls.count)
        first.recordSinks = [capture]
        if !quiet { warn("learning: replaying \(plan.calls.count) calls twice against \(target)") }
        let firstResult: ReplayResult
        let secondResult: ReplayResult
        do {
            firstResult = try await Replayer(plan: plan, target: target, options: first).run()
            if interrupt.interrupted { throw ReplayFailure(.interrupted, "interrupted: no rules learned") }
            if firstResult.unreachedCalls > 0 {
                throw ReplayFailure(
                    .unreachable, "\(firstResult.unreachedCalls) calls never reached \(target): no rules learned")
            }
            var second = try replayOptions(schedule: scheduleValue, stop: stop)
            second.checker = GoldenChecker(schema: schema, rules: rules)
            secondResult = try await Replayer(plan: capture.plan(replacing: plan), target: target, options: second)
                .run()
        } catch let error as ReplayError {
            throw ReplayFailure(error)
        }
        if interrupt.interrupted { throw ReplayFailure(.interrupted, "interrupted: no rules learned") }
        if secondResult.unreachedCalls > 0 {
            throw ReplayFailure(
                .unreachable, "\(secondResult.unreachedCalls) calls never reached \(target): no rules learned")
        }
        var text = try writeLearned(
            from: secondResult, to: path,
            source: "\(recording) replayed twice against \(target), \(secondResult.finished) calls each time",
            heading: "two replays of \(secondResult.finished) calls")
        if firstResult.mismatchedCalls > 0 {
            text += "the first replay also differs from the recording in \(firstResult.mismatchedCalls) calls "
            text += "(replay with --rules \(path) to see what is left)\n"
        }
        StandardStream.output.write(text)
        return .matched
    }

    /// Compares the recording with a second recording of the same traffic: identical requests whose answers
    /// differ between the two show the noise.
    func learn(plan: ReplayPlan, from other: String, schema: ClientSchema?, rules: CompareRules, to path: String)
        throws -> ReplayExitCode
    {
        let second: ReplayPlan
        do {
            second = try ReplayPlan(recording: try Recording.load(path: other), schema: plan.pool)
        } catch let error as ReplayError {
            throw ReplayFailure(ReplayExitCode(error), "--learn-from \(other): \(error)")
        } catch {
            throw ReplayFailure(.unreadableInput, "--learn-from \(error)")
        }
        let comparison = RuleLearner.compare(plan, with: second, checker: GoldenChecker(schema: schema, rules: rules))
        if comparison.paired == 0 {
            throw ReplayFailure(
                .unreadableInput,
                "--learn-from \(other): no call has the same method and request bytes as a call of \(recording)")
        }
        let text = try writeLearned(
            from: comparison.result, to: path,
            source: "\(recording) compared with \(other), \(comparison.paired) calls with identical requests",
            heading: "\(comparison.paired) pairs of calls with identical requests (\(comparison.unpaired) calls "
                + "without a partner)")
        StandardStream.output.write(text)
        return .matched
    }

    /// Writes the rules `result`'s differences propose and returns the lines saying what was learned.
    private func writeLearned(from result: ReplayResult, to path: String, source: String, heading: String) throws
        -> String
    {
        let (proposals, notLearned) = RuleLearner.proposals(from: result)
        let yaml = RuleLearner.yaml(proposals, notLearned: notLearned, source: source)
        do {
            try AtomicFile.write(Array(yaml.utf8), to: path)
        } catch {
            throw ReplayFailure(.unwritableOutput, "--learn \(path): \(error)")
        }
        if proposals.isEmpty, notLearned.isEmpty {
            return "learned no rules from \(heading): nothing differed (\(path) says so)\n"
        }
        var text =
            "learned \(proposals.count) rule\(proposals.count == 1 ? "" : "s") from \(heading), written to \(path):\n"
        for proposal in proposals {
            text +=
                "  \(proposal.method):\(proposal.path)  differed in \(proposal.differed) of \(proposal.calls) calls\n"
        }
        for group in notLearned {
            text += "  not learned: \(group.method) \(group.kind.rawValue) \(group.path) (\(group.calls) calls)\n"
        }
        return text
    }

    // MARK: --update

    /// Rewrites the recording with the new answers of the calls that differ.
    func accept(capture: ResponseCapture, plan: ReplayPlan, schema: ClientSchema?, result: ReplayResult) throws
        -> ReplayExitCode
    {
        let update: GoldenUpdate
        do {
            update = try GoldenUpdate(recordingAt: recording, plan: plan, capture: capture, schema: schema)
            if update.updatedCalls.isEmpty {
                warn("--update: every call matches \(recording); nothing to change")
                return .matched
            }
            try update.write(to: recording)
        } catch {
            throw ReplayFailure(error)
        }
        let calls = update.updatedCalls.map(String.init).joined(separator: ", ")
        let count = update.updatedCalls.count
        warn(
            "--update: rewrote \(count) call\(count == 1 ? "" : "s") of \(recording) with the replayed answers "
                + "(call\(count == 1 ? "" : "s") \(calls))")
        return .matched
    }

    // MARK: Summary export

    /// Adds replay's own keys to the summary `--summary-export` wrote: the segment it ran and the golden
    /// check's totals (``ReplaySummaryKeys``), for `reprise metrics merge`.
    static func addReplayKeys(_ keys: ReplaySummaryKeys, toSummary path: String) throws(ReplayError) {
        guard keys.segment != nil || keys.golden != nil else { return }
        guard let data = FileManager.default.contents(atPath: path),
            case .object(var summary)? = try? ProtoCodec.JSONValue(parsing: data)
        else {
            throw ReplayError(.unwritableOutput, "--summary-export \(path): cannot read it back to add replay's keys")
        }
        keys.add(to: &summary)
        do {
            try AtomicFile.write(Array(ProtoCodec.JSONValue.object(summary).jsonString(pretty: true).utf8), to: path)
        } catch {
            throw ReplayError(.unwritableOutput, "--summary-export \(path): \(error)")
        }
    }

    // MARK: Terminal

    static func resultLines(_ result: ReplayResult, plan: ReplayPlan, checked: Bool) -> String {
        var text = "\n"
        text += String(
            format: "replayed %d call%@ in %.3f s (recorded over %.3f s)", result.finished,
            result.finished == 1 ? "" : "s", result.elapsed.seconds, plan.span.seconds)
        if result.dropped > 0 { text += ", \(result.dropped) dropped" }
        if result.interrupted > 0 {
            text += ", \(result.interrupted) cancelled while still in flight at the end of the graceful stop"
        }
        text += "\n"
        let looping = result.started > plan.calls.count
        let connections = result.connections
        if connections.lost > 0 {
            text +=
                "connections: \(connections.lost) lost, \(connections.reconnected) replaced, "
                + "\(connections.failedAttempts) failed attempts to reconnect\n"
        }
        if connections.renewed > 0 {
            text += "connections: \(connections.renewed) more opened fresh as later recorded connections began\n"
        }
        let calls = Dictionary(result.methods.map { ($0.method, $0.calls) }, uniquingKeysWith: { a, _ in a })
        func where_(_ recordedCall: Int, _ iteration: Int) -> String {
            looping ? "call \(recordedCall), iteration \(iteration)" : "call \(recordedCall)"
        }
        if checked {
            if result.mismatchedCalls == 0 {
                text += "golden check: every call matches the recording\n"
            } else {
                text +=
                    "golden check: \(result.mismatchedCalls) of \(result.finished) calls differ from the recording\n"
            }
            var method = ""
            for group in result.differenceGroups {
                if group.method != method {
                    method = group.method
                    text += "  \(method)\n"
                }
                text += "    \(group.place): differs in \(group.calls) of \(calls[group.method] ?? group.calls) calls\n"
                for example in group.examples {
                    text +=
                        "      \(where_(example.recordedCall, example.iteration)): recorded \(example.expected), "
                        + "replayed \(example.actual)\n"
                }
            }
            if result.ungroupedDifferences > 0 {
                text += "  … and \(result.ungroupedDifferences) more differences in other places\n"
            }
        }
        if result.failedCalls > 0 {
            text += "\(result.failedCalls) calls did not end with their recorded status:\n"
            for group in result.failureGroups {
                text += "  \(group.described): \(group.calls) call\(group.calls == 1 ? "" : "s")\n"
                for example in group.examples {
                    text +=
                        "    \(example.method) \(where_(example.recordedCall, example.iteration)), "
                        + "recorded \(example.expected)\n"
                }
            }
        }
        if checked, !result.unusedRules.isEmpty {
            text += "rules that matched nothing: \(result.unusedRules.joined(separator: ", "))\n"
        }
        return text
    }
}
