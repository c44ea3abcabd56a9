import ArgumentParser
import Engine
import Foundation
import GRPCWire
import Metrics
import MetricsExporter
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
            field (skip fields that always differ with --ignore or a --rules file; --learn proposes the rules, \
            --update accepts a deliberate change). --results and --junit write every call's outcome for CI.

            \(ReplayExitCode.help)

              reprise replay recordings/demo.jsonl --target 127.0.0.1:50051 \\
                  --plaintext --speed 10
              reprise replay calls.jsonl --target 127.0.0.1:50051 --plaintext \\
                  --rate 200 --duration 30s --no-check \\
                  --threshold 'grpc_req_duration=p(99)<50' --report report.html
            """)

    @Argument(help: ArgumentHelp("The recording (JSON Lines, from reprise record or import).", valueName: "recording"))
    var recording: String

    @Option(
        name: .customLong("target"),
        help: ArgumentHelp(
            "The server to replay against, host:port (not needed with --learn-from).", valueName: "address"))
    var targetOption: String?

    /// The server, `host:port`.
    var target: String { targetOption ?? "" }

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Replay as recorded, this many times faster (default 1).", valueName: "factor"))
    var speed: Double?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Start calls at this fixed rate per second (open loop).", valueName: "per-second"))
    var rate: Double?

    @Option(
        name: .customLong("start-rate"),
        parsing: .unconditional,
        help: ArgumentHelp("The rate a ramp starts from (with --stage).", valueName: "per-second"))
    var startRate: Double?

    @Option(
        name: .customLong("stage"),
        help: ArgumentHelp("A ramp stage DURATION:TARGET, e.g. 30s:200 (repeatable).", valueName: "stage"))
    var stages: [String] = []

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Run this many virtual users, each calling when its last call ends.", valueName: "n"))
    var vus: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Stop rate and user schedules after this many calls.", valueName: "n"))
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
            "The least time between a rate schedule's wake-ups (default 1500us): calls due within half of it "
                + "either side start together, at most half a tick late or early. Longer costs less CPU per call, "
                + "as the loop sleeps less often between answers (at 10,000 calls/s, 10ms costs about a "
                + "quarter less and 1ms about a tenth more).",
            valueName: "duration"))
    var tick: String?

    @Option(
        name: .customLong("graceful-stop"),
        help: ArgumentHelp(
            "How long calls in flight when the schedule ends may take before they are cancelled and counted "
                + "(default 30s, as k6's gracefulStop).", valueName: "duration"))
    var gracefulStop: String?

    @Option(
        name: .customLong("max-duration"),
        help: ArgumentHelp(
            "How long --vus with --iterations may run before it starts no more calls (default 10m, as k6's "
                + "maxDuration); calls in flight then have --graceful-stop.", valueName: "duration"))
    var maxDuration: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Spread the calls over this many connections, round robin (default: as recorded: as many as the recording had in use at once, each recorded connection's calls on one).",
            valueName: "k"))
    var connections: Int?

    @Flag(
        name: .customLong("fresh-connections"),
        help: ArgumentHelp(
            "Give each recorded connection a connection of its own, opened when its first call is due and "
                + "closed once its last has ended, so the server sees the recording's connections come and go "
                + "(no more open at once than the recording had; without it they take turns on one). Not with "
                + "--connections or --vus."))
    var freshConnections = false

    @Option(
        name: .customLong("connect-timeout"),
        parsing: .unconditional,
        help: ArgumentHelp("Seconds each connection may take to be ready.", valueName: "seconds"))
    var connectTimeout: Double = 30

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

    @OptionGroup(title: "Golden check") var golden: GoldenOptions

    @OptionGroup var outputs: RunOutputOptions

    @Option(
        name: .customLong("report"),
        help: ArgumentHelp("Write an HTML report: latency over time, distribution, differences.", valueName: "file"))
    var reportPath: String?

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    func validate() throws {
        if targetOption == nil, golden.learnFrom == nil {
            throw ValidationError("Missing expected argument '--target <address>'.")
        }
        if let targetOption { _ = try ServerAddress(targetOption, option: "--target") }
        CallCommand.warnAboutReserved(
            try CallCommand.metadata(headers, option: "--header"), option: "--header", command: "replay")
        let modes = [speed != nil, rate != nil, !stages.isEmpty, vus != nil].filter { $0 }.count
        if modes > 1 { throw ValidationError("Pick one schedule: --speed, --rate, --stage or --vus.") }
        if let speed, !(speed > 0) { throw ValidationError("--speed must be above 0; got \(speed).") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be above 0; got \(rate).") }
        if let vus, vus < 1 { throw ValidationError("--vus must be at least 1; got \(vus).") }
        if let iterations, iterations < 1 {
            throw ValidationError("--iterations must be at least 1; got \(iterations).")
        }
        if startRate != nil, stages.isEmpty { throw ValidationError("--start-rate needs --stage.") }
        if iterations != nil || duration != nil, modes == 0 || speed != nil {
            throw ValidationError("--iterations and --duration go with --rate, --stage or --vus.")
        }
        if iterations != nil, duration != nil { throw ValidationError("Give --iterations or --duration, not both.") }
        if let connections, connections < 1 { throw ValidationError("--connections must be at least 1.") }
        if freshConnections, connections != nil {
            throw ValidationError("Give --fresh-connections or --connections, not both.")
        }
        if freshConnections, vus != nil {
            throw ValidationError(
                "--fresh-connections follows the recording's connections, which virtual users do not (each keeps "
                    + "one): use it with an as-recorded or rate schedule.")
        }
        if segment != nil, executionSegment != nil {
            throw ValidationError("Give --segment or --execution-segment, not both.")
        }
        do { _ = try executionSlice() } catch { throw ValidationError(error.message) }
        if maxInFlight < 1 { throw ValidationError("--max-in-flight must be at least 1.") }
        if let gracefulStop, Self.duration(gracefulStop) == nil {
            throw ValidationError("--graceful-stop \(gracefulStop): expected a duration such as 30s or 1m.")
        }
        if let maxDuration, Self.duration(maxDuration) == nil {
            throw ValidationError("--max-duration \(maxDuration): expected a duration such as 10m or 90s.")
        }
        if connectTimeout <= 0 { throw ValidationError("--connect-timeout must be positive.") }
        if let tick {
            guard let length = Self.duration(tick) else {
                throw ValidationError("--tick \(tick): expected a duration such as 500us or 1ms.")
            }
            // Calls due within half a tick start together: a tick of seconds would start them in bursts.
            if length > .seconds(1) {
                throw ValidationError(
                    "--tick \(tick): at most 1s (a bare number is seconds); calls start up to half a tick early or late."
                )
            }
            if vus != nil {
                throw ValidationError("--tick paces timed schedules; --vus starts each call when the last ends.")
            }
        }
        if let duration, Self.duration(duration) == nil {
            throw ValidationError("--duration \(duration): expected a duration such as 500ms, 30s or 2m.")
        }
        if let duration, Self.duration(duration) == .zero {
            throw ValidationError("--duration \(duration): a run needs some time; give more than 0.")
        }
        for stage in stages where Self.stage(stage) == nil {
            throw ValidationError("--stage \(stage): expected DURATION:TARGET such as 30s:200.")
        }
    }

    func run() async throws {
        let interrupt = ReplayInterrupt()
        let status: ReplayExitCode
        do {
            status = try await replay(interrupt: interrupt)
        } catch let failure as ReplayFailure {
            // One line, as every command's error (README); progress and warnings keep the command's name.
            StandardStream.error.write("Error: \(failure.description)\n")
            throw ExitCode(interrupt.interrupted ? ReplayExitCode.interrupted.rawValue : failure.status.rawValue)
        }
        if interrupt.interrupted {
            warn("interrupted: the run is incomplete and does not pass")
            throw ExitCode(ReplayExitCode.interrupted.rawValue)
        }
        if status != .matched { throw ExitCode(status.rawValue) }
    }

    private func replay(interrupt: ReplayInterrupt) async throws -> ReplayExitCode {
        let loaded: Recording
        do {
            loaded = try Recording.load(path: recording)
        } catch {
            throw ReplayFailure(.unreadableInput, "\(error)")
        }
        var clientSchema: ClientSchema?
        if !schema.isEmpty {
            do {
                clientSchema = try ClientSchema(pool: try schema.pool())
            } catch {
                throw ReplayFailure(.unreadableInput, "\(error)")
            }
        }
        let plan: ReplayPlan
        do {
            plan = try ReplayPlan(
                recording: loaded, methods: methods, schema: clientSchema?.pool, inferKinds: true)
        } catch {
            throw ReplayFailure(ReplayExitCode(error), "\(recording): \(error)")
        }
        for issue in loaded.warnings { warn("\(issue)") }
        if let given = clientSchema?.pool, let embedded = loaded.header.schema, let recorded = try? embedded.makePool()
        {
            let drift = SchemaDrift.differences(
                recorded: recorded, given: given, methods: Array(Set(plan.calls.map(\.method))).sorted())
            if !drift.isEmpty {
                warn(
                    "the schema given reads the recording differently from the one it was decoded with (fields are "
                        + "compared as the schema given reads them): " + drift.prefix(10).joined(separator: "; ")
                        + (drift.count > 10 ? "; and \(drift.count - 10) more" : ""))
            }
        }
        for note in plan.skipped.prefix(20) { warn("skipped \(note)") }
        if plan.skipped.count > 20 { warn("skipped \(plan.skipped.count - 20) more calls") }
        if plan.unfinished > 0 {
            warn(
                plan.unfinished == 1
                    ? "1 recorded call has no end (the recording stopped while it ran): it is not replayed"
                    : "\(plan.unfinished) recorded calls have no end (the recording stopped while they ran): "
                        + "they are not replayed")
        }
        let cutShort = plan.calls.filter { $0.answerCutShort != nil }
        if golden.check, let first = cutShort.first, let reason = first.answerCutShort {
            let call = "call \(first.recordedCall) (\(first.methodName))"
            warn(
                (cutShort.count == 1
                    ? "recorded \(call) lost its connection before the server's status (\(reason)): "
                        + "it is replayed, and its answer compared up to where the recording stops"
                    : "\(cutShort.count) recorded calls lost their connection before the server's status, the first "
                        + "\(call) (\(reason)): each is replayed, and its answer compared up to where "
                        + "the recording stops"))
        }
        let rules: CompareRules
        do { rules = try golden.rules() } catch { throw ReplayFailure(error) }
        let outputs = try openOutputs(plan: plan)
        warnAboutWhatGoesOutUnlikeTheRecording(plan)
        let checkSchema: ClientSchema?
        do {
            checkSchema = try clientSchema ?? plan.pool.map { try ClientSchema(pool: $0) }
        } catch {
            throw ReplayFailure(.unreadableInput, "\(recording): the schema cannot be used: \(error)")
        }
        if let learnPath = golden.learn, let other = golden.learnFrom {
            return try learn(plan: plan, from: other, schema: checkSchema, rules: rules, to: learnPath)
        }
        if let learnPath = golden.learn {
            return try await learn(plan: plan, schema: checkSchema, rules: rules, to: learnPath, interrupt: interrupt)
        }
        let metricsRun: MetricsRun
        let stop = Replayer.StopSignal()
        do {
            metricsRun = try MetricsRun(
                configuration: try self.outputs.configuration(),
                onAbort: { abort in
                    StandardStream.error.write("reprise replay: \(abort), stopping\n")
                    stop.stop()
                })
        } catch {
            throw ReplayFailure(.unwritableOutput, "\(error)")
        }
        let scheduleValue = try schedule(calls: plan.calls.count)
        var options = try replayOptions(schedule: scheduleValue, stop: stop)
        options.metrics = metricsRun.registry
        let quiet = self.quiet
        options.progress = { progress in
            metricsRun.tick(elapsed: progress.elapsed)
            if !quiet { StandardStream.error.write(Self.progressLine(progress) + "\n") }
        }
        if golden.check { options.checker = GoldenChecker(schema: checkSchema, rules: rules) }
        options.recordSinks = outputs.sinks
        let capture = golden.update ? ResponseCapture(count: plan.calls.count) : nil
        if let capture { options.recordSinks.append(capture) }
        let replayer: Replayer
        do {
            replayer = try Replayer(plan: plan, target: target, options: options)
        } catch {
            throw ReplayFailure(ReplayExitCode(error), "\(recording): \(error)")
        }
        if !quiet {
            warn(
                "replaying \(plan.calls.count) calls from \(recording) against \(target), \(scheduleValue.summary), "
                    + "\(replayer.connectionCount) connection\(replayer.connectionCount == 1 ? "" : "s")"
                    + (options.freshConnections
                        ? " at a time, a fresh one for each of its \(replayer.recordedConnectionCount) recorded connections"
                        : options.connections == nil && replayer.recordedConnectionCount != replayer.connectionCount
                            ? " (the most of its \(replayer.recordedConnectionCount) recorded connections in use at once)"
                            : "")
                    + (options.segment == .whole ? "" : ", segment \(options.segment)"))
        }
        interrupt.install(stop: stop)
        let endpoint: MetricsHTTPServer?
        do {
            endpoint = try await self.outputs.startMetricsEndpoint(
                registry: metricsRun.registry, name: "reprise replay")
        } catch let error as CommandError {
            throw ReplayFailure(error.status, error.description)
        }
        let result: ReplayResult
        do {
            result = try await replayer.run()
            try? await endpoint?.stop()
        } catch {
            try? await endpoint?.stop()
            throw ReplayFailure(error)
        }
        let report: RunReport
        do {
            report = try metricsRun.finish(elapsed: result.elapsed)
        } catch {
            throw ReplayFailure(.unwritableOutput, "cannot write the run's outputs: \(error)")
        }
        var text = report.text
        if !text.hasSuffix("\n") { text += "\n" }
        text += Self.resultLines(result, plan: plan, checked: golden.check)
        if result.stoppedEarly { text += "stopped early: the summary covers the calls made until then\n" }
        if result.reachedMaxDuration {
            text += "stopped at --max-duration with calls still to make: the summary covers the calls made\n"
        }
        StandardStream.output.write(text)
        try finishOutputs(outputs, plan: plan, result: result, schedule: scheduleValue)
        if let failure = report.failureMessage {
            StandardStream.error.write("reprise replay: \(failure)\n")
        }
        if result.unreachedCalls > 0 || result.finished == 0 && result.started > 0 {
            if golden.update {
                warn("not updating \(recording): calls never reached the server, so their answers are unknown")
            }
            warn("\(result.unreachedCalls) calls never reached the server at \(target)")
            return .unreachable
        }
        if let capture, !interrupt.interrupted {
            return try accept(capture: capture, plan: plan, schema: checkSchema, result: result)
        }
        if golden.check, result.mismatchedCalls > 0 { return .differences }
        if report.exitCode != 0 { return .thresholds }
        return .matched
    }

    func warn(_ text: String) {
        StandardStream.error.write("reprise replay: \(text)\n")
    }

    /// The schedule the flags ask for.
    func schedule(calls: Int) throws -> Schedule {
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

    /// Calls that cannot go out exactly as recorded, said once the run's inputs and outputs are known to be
    /// good: requests recorded with redacted metadata or fields, and methods no schema knows.
    private func warnAboutWhatGoesOutUnlikeTheRecording(_ plan: ReplayPlan) {
        if plan.redactedCalls > 0 {
            // Metadata given with -H replaces the recorded key, so a redacted one given again is not missing.
            let given = Set((try? CallCommand.metadata(headers, option: "--header"))?.keys ?? [])
            let metadata = plan.redactedMetadata.filter { !given.contains($0) }
            let parts =
                (metadata.isEmpty ? [] : ["metadata " + metadata.joined(separator: ", ")])
                + (plan.redactedFields.isEmpty ? [] : ["fields " + plan.redactedFields.joined(separator: ", ")])
            if !parts.isEmpty {
                warn(
                    "\(plan.redactedCalls) of \(plan.calls.count) calls were recorded with their request's "
                        + parts.joined(separator: " and ") + " redacted: they go out without them, so their answers "
                        + "may differ" + (metadata.isEmpty ? "" : "; give metadata with -H 'key: value'"))
            }
        }
        if golden.check, !plan.unknownMethods.isEmpty {
            let names = plan.unknownMethods
            warn(
                "\(names.count == 1 ? "1 method is" : "\(names.count) methods are") in no schema ("
                    + names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
                    + "): their calls go out as recorded and their messages are compared byte for byte; for "
                    + "field-level checks, give -I/--proto or --protoset")
        }
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
    func executionSlice() throws(ReplayError) -> ExecutionSegment {
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
}
