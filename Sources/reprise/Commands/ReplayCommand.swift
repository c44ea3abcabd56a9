import ArgumentParser
import Engine
import Foundation
import GRPCWire
import Metrics
import Recording
import Replay

/// `reprise replay`: sends a recording's calls to a server again, at the recorded pace, faster, at a fixed
/// or ramping rate, or with virtual users; checks each response against the recording (golden files) and
/// prints k6's end-of-test summary.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recording against a server: load test and golden-file check in one.",
        discussion: """
            Calls go out with their recorded metadata and request bytes, on the schedule you pick: as recorded \
            (--speed 10: ten times faster), --rate N calls per second, a ramp (--start-rate and --stage), or \
            --vus N virtual users. Rate and user schedules go through the recording in order, again and again, \
            for --iterations calls (default: one pass) or --duration.

            Every response is compared with the recording: status code and message, message count, and each \
            field (skip fields that always differ with --ignore). The exit status is 1 when a call differs, \
            99 when a threshold failed, 0 otherwise.

              reprise replay recordings/demo.jsonl --target 127.0.0.1:50051 --plaintext --speed 10
              reprise replay calls.jsonl --target 127.0.0.1:50051 --plaintext --rate 200 --duration 30s \\
                  --no-check --threshold 'grpc_req_duration=p(99)<50' --report report.html
            """)

    @Argument(help: ArgumentHelp("The recording (JSON Lines, from reprise record or import).", valueName: "recording"))
    var recording: String

    @Option(help: ArgumentHelp("The server to replay against, host:port.", valueName: "address"))
    var target: String

    @Option(help: ArgumentHelp("Replay as recorded, this many times faster (default 1).", valueName: "factor"))
    var speed: Double?

    @Option(help: ArgumentHelp("Start calls at this fixed rate per second (open loop).", valueName: "per-second"))
    var rate: Double?

    @Option(
        name: .customLong("start-rate"),
        help: ArgumentHelp("The rate a ramp starts from (with --stage).", valueName: "per-second"))
    var startRate: Double?

    @Option(
        name: .customLong("stage"),
        help: ArgumentHelp("A ramp stage DURATION:TARGET, e.g. 30s:200 (repeatable).", valueName: "stage"))
    var stages: [String] = []

    @Option(help: ArgumentHelp("Run this many virtual users, each calling when its last call ends.", valueName: "n"))
    var vus: Int?

    @Option(help: ArgumentHelp("Stop rate and user schedules after this many calls.", valueName: "n"))
    var iterations: Int?

    @Option(
        help: ArgumentHelp(
            "Stop rate and user schedules after this long (k6 duration: 30s, 2m).", valueName: "duration"))
    var duration: String?

    @Option(
        name: .customLong("max-in-flight"),
        help: ArgumentHelp("Calls a rate schedule keeps in flight before it drops calls.", valueName: "n"))
    var maxInFlight = 1_000

    @Option(
        help: ArgumentHelp(
            "The least time between a rate schedule's wake-ups (default 500us): calls due in between start "
                + "together. Longer saves CPU at high rates; starts are then up to this late.",
            valueName: "duration"))
    var tick: String?

    @Option(
        help: ArgumentHelp(
            "Spread the calls over this many connections, round robin (default: one per recorded connection).",
            valueName: "k"))
    var connections: Int?

    @Option(
        help: ArgumentHelp(
            "Run slice i of n (from 0) of the schedule: n processes with 0/n to n-1/n run the whole test once.",
            valueName: "i/n"))
    var segment: String?

    @Option(
        name: .customLong("execution-segment"),
        help: ArgumentHelp("The same slice in k6's syntax, e.g. 1/4:2/4 or 25%:50%.", valueName: "from:to"))
    var executionSegment: String?

    @Option(
        name: .customLong("method"),
        help: ArgumentHelp(
            "Replay only calls to this method, pkg.Service/Method or pkg.Service/* (repeatable).",
            valueName: "method"))
    var methods: [String] = []

    @Option(
        name: [.customShort("H"), .customLong("header")],
        help: ArgumentHelp(
            "Metadata 'key: value' for every call, replacing the recorded value (repeatable).",
            valueName: "header"))
    var headers: [String] = []

    @OptionGroup var tls: CallTLSOptions
    @OptionGroup var schema: SchemaOptions

    @Flag(inversion: .prefixedNo, help: "Compare every response with the recording (golden check).")
    var check = true

    @Option(
        name: .customLong("ignore"),
        help: ArgumentHelp(
            "A response field not compared: [METHOD:]PATH such as createTime or items.*.etag.",
            valueName: "rule"))
    var ignoreRules: [String] = []

    @Flag(name: .customLong("ignore-status-message"), help: "Compare status codes only, not their messages.")
    var ignoreStatusMessage = false

    @OptionGroup var outputs: RunOutputOptions

    @Option(
        name: .customLong("report"),
        help: ArgumentHelp("Write an HTML report: latency over time, distribution, differences.", valueName: "file"))
    var reportPath: String?

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    func validate() throws {
        let modes = [speed != nil, rate != nil, !stages.isEmpty, vus != nil].filter { $0 }.count
        if modes > 1 { throw ValidationError("Pick one schedule: --speed, --rate, --stage or --vus.") }
        if let speed, !(speed > 0) { throw ValidationError("--speed must be above 0.") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be above 0.") }
        if let vus, vus < 1 { throw ValidationError("--vus must be at least 1.") }
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1.") }
        if startRate != nil, stages.isEmpty { throw ValidationError("--start-rate needs --stage.") }
        if iterations != nil || duration != nil, modes == 0 || speed != nil {
            throw ValidationError("--iterations and --duration go with --rate, --stage or --vus.")
        }
        if iterations != nil, duration != nil { throw ValidationError("Give --iterations or --duration, not both.") }
        if let connections, connections < 1 { throw ValidationError("--connections must be at least 1.") }
        if segment != nil, executionSegment != nil {
            throw ValidationError("Give --segment or --execution-segment, not both.")
        }
        do { _ = try executionSlice() } catch { throw ValidationError(error.message) }
        if maxInFlight < 1 { throw ValidationError("--max-in-flight must be at least 1.") }
        for rule in ignoreRules {
            do { _ = try IgnoreRule(parsing: rule) } catch { throw ValidationError(error.message) }
        }
        if let tick, Self.duration(tick) == nil {
            throw ValidationError("--tick \(tick): expected a duration such as 500us or 1ms.")
        }
        if let duration, Self.duration(duration) == nil {
            throw ValidationError("--duration \(duration): expected a duration such as 500ms, 30s or 2m.")
        }
        for stage in stages where Self.stage(stage) == nil {
            throw ValidationError("--stage \(stage): expected DURATION:TARGET such as 30s:200.")
        }
    }

    func run() async throws {
        let loaded: Recording
        do {
            loaded = try Recording.load(path: recording)
        } catch {
            throw CommandError("\(error)")
        }
        var clientSchema: ClientSchema?
        if !schema.isEmpty {
            do {
                clientSchema = try ClientSchema(pool: try schema.pool())
            } catch {
                throw CommandError("\(error)")
            }
        }
        let plan: ReplayPlan
        do {
            plan = try ReplayPlan(recording: loaded, methods: methods, schema: clientSchema?.pool, inferKinds: !check)
        } catch {
            throw CommandError("\(recording): \(error)")
        }
        for issue in loaded.warnings { warn("\(issue)") }
        for note in plan.skipped.prefix(20) { warn("skipped \(note)") }
        if plan.skipped.count > 20 { warn("skipped \(plan.skipped.count - 20) more calls") }
        if plan.unfinished > 0 {
            warn(
                plan.unfinished == 1
                    ? "1 recorded call has no end (the recording stopped while it ran): it is not replayed"
                    : "\(plan.unfinished) recorded calls have no end (the recording stopped while they ran): "
                        + "they are not replayed")
        }
        let metricsRun: MetricsRun
        let stop = Replayer.StopSignal()
        do {
            metricsRun = try MetricsRun(
                configuration: try outputs.configuration(),
                onAbort: { abort in
                    FileHandle.standardError.write(Data("reprise replay: \(abort), stopping\n".utf8))
                    stop.stop()
                })
        } catch {
            throw CommandError("\(error)")
        }
        let rules = try ignoreRules.map { rule throws in try IgnoreRule(parsing: rule) }
        let scheduleValue = try schedule(calls: plan.calls.count)
        let quiet = self.quiet
        var options = Replayer.Options()
        options.schedule = scheduleValue
        options.connections = connections
        options.segment = try executionSlice()
        if let tick { options.tick = Self.duration(tick)! }
        options.connect = try tls.connectParams(timeout: .seconds(30))
        options.metadata = try CallCommand.metadata(headers, option: "--header")
        options.metrics = metricsRun.registry
        options.stop = stop
        options.progress = { progress in
            metricsRun.tick(elapsed: progress.elapsed)
            if !quiet { FileHandle.standardError.write(Data((Self.progressLine(progress) + "\n").utf8)) }
        }
        let replayer: Replayer
        do {
            if check {
                let checkSchema = try clientSchema ?? plan.pool.map { try ClientSchema(pool: $0) }
                options.checker = GoldenChecker(
                    schema: checkSchema, rules: rules, compareStatusMessage: !ignoreStatusMessage)
            }
            replayer = try Replayer(plan: plan, target: target, options: options)
        } catch let error as ReplayError {
            throw CommandError("\(recording): \(error)")
        }
        if !quiet {
            warn(
                "replaying \(plan.calls.count) calls from \(recording) against \(target), \(scheduleValue.summary), "
                    + "\(replayer.connectionCount) connection\(replayer.connectionCount == 1 ? "" : "s")"
                    + (options.segment == .whole ? "" : ", segment \(options.segment)"))
        }
        let interrupt = ReplayInterrupt()
        interrupt.install(stop: stop)
        let result: ReplayResult
        do {
            result = try await replayer.run()
        } catch {
            throw CommandError("\(error)")
        }
        let report: RunReport
        do {
            report = try metricsRun.finish(elapsed: result.elapsed)
        } catch {
            throw CommandError("cannot write the run's outputs: \(error)")
        }
        var text = report.text
        if !text.hasSuffix("\n") { text += "\n" }
        text += Self.resultLines(result, plan: plan, checked: check)
        if result.stoppedEarly { text += "stopped early: the summary covers the calls made until then\n" }
        FileHandle.standardOutput.write(Data(text.utf8))
        if let path = reportPath {
            let html = ReplayReport(plan: plan, result: result, target: target, schedule: scheduleValue).html()
            do {
                try html.write(toFile: path, atomically: true, encoding: .utf8)
                warn("report written to \(path)")
            } catch {
                throw CommandError("cannot write the report \(path): \(error.localizedDescription)")
            }
        }
        if let failure = report.failureMessage {
            FileHandle.standardError.write(Data("reprise replay: \(failure)\n".utf8))
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        if check, result.mismatchedCalls > 0 { throw ExitCode(1) }
    }

    private func warn(_ text: String) {
        FileHandle.standardError.write(Data("reprise replay: \(text)\n".utf8))
    }

    /// The schedule the flags ask for.
    private func schedule(calls: Int) throws -> Schedule {
        let limit: Schedule.Limit =
            if let duration { .duration(Self.duration(duration)!) } else { .iterations(iterations ?? calls) }
        if let rate { return .constantRate(perSecond: rate, limit: limit, maxInFlight: maxInFlight) }
        if !stages.isEmpty {
            return .rampingRate(
                startRate: startRate ?? 0, stages: stages.compactMap(Self.stage), maxInFlight: maxInFlight)
        }
        if let vus { return .virtualUsers(count: vus, limit: limit) }
        return .asRecorded(speed: speed ?? 1)
    }

    /// A k6 duration (`500ms`, `30s`, `1m30s`, `2d`) or plain seconds; nil when it does not parse or is
    /// negative.
    static func duration(_ text: String) -> Duration? {
        if let seconds = Double(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        guard let duration = try? K6Duration.parse(text), duration >= .zero else { return nil }
        return duration
    }

    /// `30s:200` → a stage.
    static func stage(_ text: String) -> Schedule.Stage? {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let length = duration(parts[0]), let target = Double(parts[1]), target >= 0 else {
            return nil
        }
        return Schedule.Stage(duration: length, target: target)
    }

    /// The slice `--segment` or `--execution-segment` asks for; the whole test without either.
    private func executionSlice() throws(ReplayError) -> ExecutionSegment {
        do {
            if let segment { return try ExecutionSegment(parsing: segment) }
        } catch {
            throw ReplayError("--segment \(segment!): \(error.message)")
        }
        do {
            if let executionSegment { return try ExecutionSegment(k6: executionSegment) }
        } catch {
            throw ReplayError("--execution-segment \(executionSegment!): \(error.message)")
        }
        return .whole
    }

    static func progressLine(_ progress: ReplayProgress) -> String {
        let seconds = progress.elapsed.seconds
        var line = String(format: "%6.1fs  %d started, %d done", seconds, progress.started, progress.finished)
        line += ", \(progress.failed) not as recorded, \(progress.mismatched) differ"
        if progress.dropped > 0 { line += ", \(progress.dropped) dropped" }
        return line
    }

    static func resultLines(_ result: ReplayResult, plan: ReplayPlan, checked: Bool) -> String {
        var text = "\n"
        text += String(
            format: "replayed %d calls in %.3f s (recorded over %.3f s)", result.finished, result.elapsed.seconds,
            plan.span.seconds)
        if result.dropped > 0 { text += ", \(result.dropped) dropped" }
        text += "\n"
        let connections = result.connections
        if connections.lost > 0 {
            text +=
                "connections: \(connections.lost) lost, \(connections.reconnected) replaced, "
                + "\(connections.failedAttempts) failed attempts to reconnect\n"
        }
        if result.failedCalls > 0 {
            let statuses = result.statusCounts.enumerated().filter { $0.element > 0 }.map { code, count in
                "\(code == 17 ? "never reached the server" : GoldenChecker.codeName(code)): \(count)"
            }
            text += "\(result.failedCalls) calls did not end with their recorded status (replayed statuses: "
            text += statuses.joined(separator: ", ") + ")\n"
        }
        guard checked else { return text }
        if result.mismatchedCalls == 0 {
            text += "golden check: every call matches the recording\n"
            return text
        }
        text += "golden check: \(result.mismatchedCalls) of \(result.finished) calls differ from the recording\n"
        let shown = result.differences.prefix(20)
        for difference in shown {
            text += "  call \(difference.recordedCall) \(difference.method):\n"
            for mismatch in difference.mismatches.prefix(10) { text += "    \(mismatch)\n" }
            if difference.mismatches.count > 10 { text += "    … and \(difference.mismatches.count - 10) more\n" }
        }
        if result.mismatchedCalls > shown.count {
            text += "  … and \(result.mismatchedCalls - shown.count) more calls\n"
        }
        return text
    }
}
