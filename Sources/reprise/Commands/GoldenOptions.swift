import ArgumentParser
import Replay

/// `reprise replay`'s golden-check options: what is compared, and what the check writes for CI.
struct GoldenOptions: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Compare every response with the recording (golden check).")
    var check = true

    @Option(
        name: .customLong("ignore"),
        help: ArgumentHelp(
            "A field not compared: [METHOD:]PATH as the check prints it, e.g. createTime, responses[0].id, "
                + "items[*].etag, **.etag, status.message (repeatable).",
            valueName: "rule"))
    var ignoreRules: [String] = []

    @Flag(name: .customLong("ignore-status-message"), help: "Compare status codes only, not their messages.")
    var ignoreStatusMessage = false

    @Option(
        name: .customLong("rules"),
        help: ArgumentHelp(
            "A YAML rules file: ignore, tolerance, repeated (set or key), matches (regex), methods, compare_status_message.",
            valueName: "file"))
    var rulesFile: String?

    @Option(
        name: .customLong("results"),
        help: ArgumentHelp("Write one JSON line per replayed call, as calls end.", valueName: "file.jsonl"))
    var results: String?

    @Option(
        name: .customLong("junit"),
        help: ArgumentHelp(
            "Write a JUnit XML report: a test suite per method, a test case per recorded call.",
            valueName: "file.xml"))
    var junit: String?

    @Option(
        name: .customLong("learn"),
        help: ArgumentHelp(
            "Replay every call twice and write the fields that differ between the two as proposed rules.",
            valueName: "file.yaml"))
    var learn: String?

    @Option(
        name: .customLong("learn-from"),
        help: ArgumentHelp(
            "With --learn: compare the recording with this second recording of the same traffic instead of "
                + "replaying twice (no target needed).",
            valueName: "recording"))
    var learnFrom: String?

    @Flag(
        help: ArgumentHelp(
            "Rewrite the recording with the replayed responses of the calls that differ (refused when calls "
                + "never reached the server)."))
    var update = false

    func validate() throws {
        for rule in ignoreRules {
            do { _ = try IgnoreRule(parsing: rule) } catch { throw ValidationError("--ignore \(error.message)") }
        }
        if !check, junit != nil || learn != nil || update || rulesFile != nil {
            throw ValidationError("--junit, --learn, --update and --rules need the check: drop --no-check.")
        }
        if learn != nil, update { throw ValidationError("Give --learn or --update, not both.") }
        if learnFrom != nil, learn == nil { throw ValidationError("--learn-from goes with --learn FILE.yaml.") }
    }

    /// The rules from the flags and the file, combined.
    func rules() throws(ReplayError) -> CompareRules {
        var rules = CompareRules()
        for text in ignoreRules { rules.ignore.append(try IgnoreRule(parsing: text)) }
        rules.compareStatusMessage = !ignoreStatusMessage
        if let rulesFile { rules = rules.adding(try RulesFile.load(path: rulesFile)) }
        return rules
    }
}
