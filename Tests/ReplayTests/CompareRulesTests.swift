import ProtoCodec
import Testing

@testable import Replay

/// The field comparison under rules, on JSON trees: what each rule lets through and what it does not, and
/// the rules file's errors with their line numbers.
@Suite struct CompareRulesTests {
    private func differences(_ recorded: String, _ replayed: String, _ rules: CompareRules = CompareRules())
        throws -> [String]
    {
        let diff = JSONDiff(rules: rules, method: "pkg.S/M", message: 0, usage: nil)
        return diff.differences(try JSONValue(parsing: recorded), try JSONValue(parsing: replayed)).map {
            "\(FieldPath.render($0.path)) \($0.expected?.jsonString() ?? "(absent)") \($0.actual?.jsonString() ?? "(absent)")"
        }
    }

    private func rules(_ yaml: String) throws -> CompareRules { try RulesFile.parse(yaml, name: "rules.yaml") }

    @Test func aRemovedListElementIsAbsentNotNull() throws {
        #expect(try differences(#"{"a":[1,2]}"#, #"{"a":[1]}"#) == ["a[1] 2 (absent)"])
        #expect(try differences(#"{"a":[1]}"#, #"{"a":[1,null]}"#) == ["a[1] (absent) null"])
    }

    @Test func setsIgnoreOrderButNotChangedOrMissingElements() throws {
        let set = try rules("repeated:\n  - {path: tags, as: set}\n")
        #expect(try differences(#"{"tags":["a","b","c"]}"#, #"{"tags":["c","a","b"]}"#, set).isEmpty)
        #expect(
            try differences(#"{"tags":["a","b","c"]}"#, #"{"tags":["c","a","x"]}"#, set) == [
                #"tags[1] "b" (absent)"#, #"tags[2] (absent) "x""#,
            ])
        #expect(try differences(#"{"tags":["a","a"]}"#, #"{"tags":["a"]}"#, set) == [#"tags[1] "a" (absent)"#])
    }

    @Test func keyedElementsAreComparedFieldByFieldUnderTheRecordedIndex() throws {
        let keyed = try rules("repeated:\n  - path: items\n    key: id\n")
        let recorded = #"{"items":[{"id":"x","n":1},{"id":"y","n":2}]}"#
        #expect(try differences(recorded, #"{"items":[{"id":"y","n":2},{"id":"x","n":1}]}"#, keyed).isEmpty)
        #expect(
            try differences(recorded, #"{"items":[{"id":"y","n":3},{"id":"x","n":1}]}"#, keyed) == ["items[1].n 2 3"])
        #expect(
            try differences(recorded, #"{"items":[{"id":"x","n":1}]}"#, keyed) == [
                #"items[1] {"id":"y","n":2} (absent)"#
            ])
    }

    @Test func tolerancesAcceptCloseNumbersOnly() throws {
        let absolute = try rules("tolerance:\n  - {path: load, absolute: 0.5}\n")
        #expect(try differences(#"{"load":1.0}"#, #"{"load":1.4}"#, absolute).isEmpty)
        #expect(try differences(#"{"load":1.0}"#, #"{"load":1.6}"#, absolute) == ["load 1.0 1.6"])
        let relative = try rules("tolerance:\n  - {path: big, relative: 0.01}\n")
        // 64-bit integers are strings in proto3 JSON and still compare as numbers.
        #expect(try differences(#"{"big":"1000"}"#, #"{"big":"1009"}"#, relative).isEmpty)
        #expect(try differences(#"{"big":"1000"}"#, #"{"big":"1011"}"#, relative) == [#"big "1000" "1011""#])
        #expect(try differences(#"{"other":1.0}"#, #"{"other":1.1}"#, absolute) == ["other 1.0 1.1"])
    }

    @Test func matchRulesPassValuesOfTheRightShapeOnly() throws {
        let uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        let shaped = try rules(
            "matches:\n  - path: requestId\n    regex: '\(uuid)'\n  - {path: \"items[*].count\", regex: '[1-9][0-9]*'}\n"
        )
        let recorded = #"{"requestId":"6f1c2d3e-0000-4000-8000-00000000000a","items":[{"count":3}]}"#
        #expect(
            try differences(
                recorded, #"{"requestId":"0b9e7c1a-1111-4111-8111-11111111111b","items":[{"count":12}]}"#, shaped
            )
            .isEmpty)
        // The whole value must match, not a part of it; numbers are matched as their JSON text.
        #expect(
            try differences(
                recorded, #"{"requestId":"id-0b9e7c1a-1111-4111-8111-11111111111b","items":[{"count":0}]}"#, shaped)
                == [
                    #"requestId "6f1c2d3e-0000-4000-8000-00000000000a" "id-0b9e7c1a-1111-4111-8111-11111111111b""#,
                    "items[0].count 3 0",
                ])
        // A field the replay left out does not match anything; fields no rule names compare as usual.
        #expect(
            try differences(#"{"requestId":"x","n":1}"#, #"{"n":2}"#, shaped) == [#"requestId "x" (absent)"#, "n 1 2"])
        // Objects and lists at a matched path are compared as usual.
        #expect(try differences(#"{"requestId":{"a":1}}"#, #"{"requestId":{"a":2}}"#, shaped) == ["requestId.a 1 2"])
        // A failed match carries the expression, for the check to name it; a rule that let a value through
        // counts as used.
        let usage = RuleUsage(count: shaped.descriptions.count)
        let diff = JSONDiff(rules: shaped, method: "pkg.S/M", message: 0, usage: usage)
        let failed = diff.differences(
            try JSONValue(parsing: recorded), try JSONValue(parsing: #"{"requestId":"nope","items":[{"count":7}]}"#))
        #expect(failed.map(\.wanted) == [uuid])
        #expect(usage.uses == [0, 1])
    }

    @Test func headerAndTrailerKeysAreReadLowerCasedAndCombineWithoutRepeats() throws {
        let file = try RulesFile.parse("compare_headers: [X-Api-Version]\ncompare_trailers: x-cache\n", name: "r")
        #expect(file.headers == ["x-api-version"] && file.trailers == ["x-cache"])
        var flags = CompareRules()
        flags.headers = ["x-api-version", "x-region"]
        let merged = file.adding(flags)
        #expect(merged.headers == ["x-api-version", "x-region"])
        #expect(merged.comparesMetadata && !CompareRules().comparesMetadata)
    }

    @Test func methodSectionsApplyToTheirMethodsOnly() throws {
        let scoped = try rules("methods:\n  pkg.S/Other:\n    ignore: [id]\n  pkg.S/*:\n    ignore: [name]\n")
        #expect(try differences(#"{"id":1,"name":"a"}"#, #"{"id":2,"name":"b"}"#, scoped) == ["id 1 2"])
    }

    @Test(arguments: [
        ("ignore:\n  - a\ntolerence: []\n", "rules.yaml:3:1: unknown key 'tolerence'"),
        ("tolerance:\n  - path: x\n", "rules.yaml:2:5: tolerance: give absolute, relative or both"),
        ("repeated:\n  - path: x\n    as: list\n", "rules.yaml:3:9: as: expected 'set'"),
        ("ignore:\n  - items[2\n", "rules.yaml:2:5: items[2: expected [METHOD:]PATH"),
        ("ignore: [a\n", "rules.yaml:2:1:"),
        ("methods:\n  NoSlash:\n    ignore: [a]\n", "rules.yaml:2:3: methods: expected pkg.Service/Method"),
        ("compare_status_message: maybe\n", "rules.yaml:1:25: compare_status_message: expected true or false"),
        ("compare_headers: [':status']\n", "rules.yaml:1:19: compare_headers: expected metadata keys"),
        ("matches:\n  - path: id\n", "rules.yaml:2:5: matches: give regex: EXPRESSION"),
        ("ignore:\n  - \"*:responses[*].id\"\n", "rules.yaml:2:5: *:responses[*].id: '*' before ':' is not a method"),
        ("matches:\n  - path: id\n    regex: '[a-'\n", "rules.yaml:3:12: regex: '[a-' is not a regular expression"),
        ("matches:\n  - path: id\n    pattern: x\n", "rules.yaml:3:5: matches: unknown key 'pattern'"),
    ])
    func rulesFileErrorsNameTheLine(yaml: String, message: String) {
        #expect {
            try RulesFile.parse(yaml, name: "rules.yaml")
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func learnedFieldsWithAKnownShapeBecomeMatchRules() throws {
        var id = DifferenceGroup(method: "pkg.S/M", kind: .field, path: "responses[0].requestId")
        id.add(
            .init(
                recordedCall: 1, iteration: 0, expected: #""6f1c2d3e-0000-4000-8000-00000000000a""#,
                actual: #""0b9e7c1a-1111-4111-8111-11111111111b""#))
        var count = DifferenceGroup(method: "pkg.S/M", kind: .field, path: "responses[0].total")
        count.add(.init(recordedCall: 1, iteration: 0, expected: #""17""#, actual: #""18""#))
        var mixed = DifferenceGroup(method: "pkg.S/M", kind: .field, path: "responses[0].note")
        mixed.add(.init(recordedCall: 1, iteration: 0, expected: #""17""#, actual: #""n/a""#))
        var result = ReplayResult()
        result.differenceGroups = [id, count, mixed]
        let (proposals, _) = RuleLearner.proposals(from: result)
        #expect(proposals.map(\.path) == ["responses[*].note", "responses[*].requestId", "responses[*].total"])
        #expect(proposals.map { $0.shape != nil } == [false, true, true])
        let yaml = RuleLearner.yaml(proposals, notLearned: [], source: "a test")
        #expect(yaml.contains("every value seen was a UUID"), "\(yaml)")
        #expect(yaml.contains("every value seen was an integer"), "\(yaml)")
        let rules = try RulesFile.parse(yaml, name: "learned.yaml")
        #expect(rules.ignore.map(\.description) == ["pkg.S/M:responses[*].note"])
        #expect(
            rules.matches.map(\.pattern.description) == [
                "pkg.S/M:responses[*].requestId", "pkg.S/M:responses[*].total",
            ])
        // What was learned lets new values of the shape through, and not others.
        let diff = JSONDiff(rules: rules, method: "pkg.S/M", message: 0, usage: nil)
        let recorded = try JSONValue(parsing: #"{"requestId":"6f1c2d3e-0000-4000-8000-00000000000a","total":"17"}"#)
        #expect(
            diff.differences(
                recorded, try JSONValue(parsing: #"{"requestId":"aaaaaaaa-0000-4000-8000-00000000000a","total":"99"}"#)
            ).isEmpty)
        #expect(
            diff.differences(recorded, try JSONValue(parsing: #"{"requestId":"","total":"x"}"#)).map(\.path)
                == [["requestId"], ["total"]])
    }

    @Test func aLearnedFileReadsBackAsTheRulesItProposes() throws {
        var group = DifferenceGroup(method: "pkg.S/M", kind: .field, path: "responses[0].items[3].at")
        group.add(.init(recordedCall: 1, iteration: 0, expected: #""t1""#, actual: #""t2""#))
        var result = ReplayResult()
        result.differenceGroups = [group, DifferenceGroup(method: "pkg.S/M", kind: .messageCount, path: "")]
        var tally = MethodTally(method: "pkg.S/M")
        tally.differ = 4
        result.methods = [tally]
        let (proposals, notLearned) = RuleLearner.proposals(from: result)
        #expect(proposals.map(\.path) == ["responses[*].items[*].at"])
        #expect(notLearned.map(\.kind) == [.messageCount])
        let yaml = RuleLearner.yaml(proposals, notLearned: notLearned, source: "a test")
        #expect(yaml.contains(#"# differed in 1 of 4 calls, e.g. "t1" then "t2""#), "\(yaml)")
        let rules = try RulesFile.parse(yaml, name: "learned.yaml")
        #expect(rules.ignore.map(\.description) == ["pkg.S/M:responses[*].items[*].at"])
    }
}
