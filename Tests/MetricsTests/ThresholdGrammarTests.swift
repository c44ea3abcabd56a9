import Testing

@testable import Metrics

@Suite struct ThresholdGrammarTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var source: String
        var aggregation: ThresholdAggregation
        var comparison: ComparisonOperator
        var bound: Double
        var testDescription: String { source }
    }

    static let valid: [Valid] = [
        Valid(source: "p(95)<200", aggregation: .percentile(95), comparison: .less, bound: 200),
        Valid(source: "p(99.9) <= 300.5", aggregation: .percentile(99.9), comparison: .lessOrEqual, bound: 300.5),
        Valid(source: "avg<100", aggregation: .avg, comparison: .less, bound: 100),
        Valid(source: " med > 1 ", aggregation: .med, comparison: .greater, bound: 1),
        Valid(source: "min>=0", aggregation: .min, comparison: .greaterOrEqual, bound: 0),
        Valid(source: "max==5", aggregation: .max, comparison: .equal, bound: 5),
        Valid(source: "rate===1", aggregation: .rate, comparison: .strictlyEqual, bound: 1),
        Valid(source: "count!=0", aggregation: .count, comparison: .notEqual, bound: 0),
        Valid(source: "value>1e3", aggregation: .value, comparison: .greater, bound: 1000),
        Valid(source: "rate>0.99", aggregation: .rate, comparison: .greater, bound: 0.99),
        Valid(source: "p(0)>=0", aggregation: .percentile(0), comparison: .greaterOrEqual, bound: 0),
        Valid(source: "p(100)<-1", aggregation: .percentile(100), comparison: .less, bound: -1),
    ]

    @Test(arguments: valid)
    func validExpressionParses(_ case: Valid) throws {
        let expression = try ThresholdExpression.parse(`case`.source)
        #expect(expression.aggregation == `case`.aggregation)
        #expect(expression.comparison == `case`.comparison)
        #expect(expression.bound == `case`.bound)
        #expect(expression.source == `case`.source)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var source: String
        var mentions: String
        var testDescription: String { source }
    }

    static let invalid: [Invalid] = [
        Invalid(source: "p95<200", mentions: "'p95' on the left is not an aggregation"),
        Invalid(source: "p(95)", mentions: "no comparison operator"),
        Invalid(source: "p(95) << 200", mentions: "'< 200' on the right is not a number"),
        Invalid(source: "avg < fast", mentions: "'fast' on the right is not a number"),
        Invalid(source: "<200", mentions: "nothing on the left is not an aggregation"),
        Invalid(source: "p(abc)<1", mentions: "'abc' in p(abc) is not a number"),
        Invalid(source: "p(101)<1", mentions: "outside 0...100"),
        Invalid(source: "average<1", mentions: "use count or rate (counter)"),
        Invalid(source: "avg=<100", mentions: "'avg=' on the left"),
        Invalid(source: "avg<0x10", mentions: "'0x10' on the right is not a number"),
        Invalid(source: "avg<NaN", mentions: "'NaN' on the right is not a number"),
        Invalid(source: "", mentions: "no comparison operator"),
    ]

    @Test(arguments: invalid)
    func invalidExpressionIsAClearError(_ case: Invalid) {
        let error = #expect(throws: MetricsError.self) { try ThresholdExpression.parse(`case`.source) }
        #expect(error?.code == .thresholdSyntax)
        #expect(error?.message.contains("invalid threshold expression '\(`case`.source)'") == true)
        #expect(error?.message.contains(`case`.mentions) == true, "\(error?.message ?? "")")
    }

    @Test(arguments: [
        ("grpc_req_duration", "grpc_req_duration", [(String, String)]()),
        ("grpc_req_duration{method:SayHello}", "grpc_req_duration", [("method", "SayHello")]),
        (
            "grpc_req_duration{method: SayHello, status:0}", "grpc_req_duration",
            [("method", "SayHello"), ("status", "0")]
        ),
        ("checks{group: ::auth}", "checks", [("group", "::auth")]),
        ("grpc_req_duration{name:'/a.B/C'}", "grpc_req_duration", [("name", "/a.B/C")]),
    ])
    func selectorParsesTagFilters(_ text: String, _ name: String, _ tags: [(String, String)]) throws {
        let selector = try MetricSelector.parse(text)
        #expect(selector.name == name)
        #expect(selector.tags == TagSet(tags))
        #expect(selector.key == text)
    }

    @Test(arguments: [
        ("grpc_req_duration{method:Get", "has no partner"),
        ("grpc_req_duration}", "has no partner"),
        ("grpc_req_duration}{", "closing brace comes before"),
        ("grpc_req_duration{a:b}x", "must be the last character"),
        ("grpc_req_duration{method}", "has no ':'"),
        ("grpc_req_duration{method:}", "has no value after ':'"),
        ("{method:Get}", "metric name before '{' is empty"),
    ])
    func malformedSelectorIsAClearError(_ text: String, _ mentions: String) {
        let error = #expect(throws: MetricsError.self) { try MetricSelector.parse(text) }
        #expect(error?.message.contains("invalid metric '\(text)'") == true)
        #expect(error?.message.contains(mentions) == true, "\(error?.message ?? "")")
    }

    @Test func commandLineThresholdsGroupBySelectorInOrder() throws {
        let sets = try ThresholdParser.parse(arguments: [
            "grpc_req_duration=p(95)<200",
            "checks=rate>0.99",
            "grpc_req_duration=avg<100",
            "grpc_req_duration{status:0}={\"threshold\":\"p(99)<300\",\"abortOnFail\":true,\"delayAbortEval\":\"10s\"}",
            "grpc_reqs=[\"count>10\",{\"threshold\":\"rate>1\"}]",
        ])
        #expect(
            sets.map(\.selector.key) == ["grpc_req_duration", "checks", "grpc_req_duration{status:0}", "grpc_reqs"])
        #expect(sets[0].definitions.map(\.source) == ["p(95)<200", "avg<100"])
        let longForm = sets[2].definitions[0]
        #expect(longForm.source == "p(99)<300")
        #expect(longForm.abortOnFail)
        #expect(longForm.delayAbortEval == .seconds(10))
        #expect(sets[3].definitions.map(\.source) == ["count>10", "rate>1"])
    }

    @Test(arguments: [
        ("grpc_req_duration", "write METRIC=EXPRESSION"),
        ("=p(95)<1", "both the metric and the expression"),
        ("grpc_req_duration={\"threshold\":1}", "\"threshold\" must be a string"),
        ("grpc_req_duration={\"threshold\":\"avg<1\",\"abort\":true}", "unknown key \"abort\""),
        ("grpc_req_duration={\"threshold\":\"avg<1\",\"delayAbortEval\":\"soon\"}", "invalid duration 'soon'"),
        ("grpc_req_duration={\"abortOnFail\":true}", "needs \"threshold\""),
        ("grpc_req_duration={\"threshold\":\"avg<1\"", "is not valid JSON"),
    ])
    func badCommandLineThresholdIsAClearError(_ argument: String, _ mentions: String) {
        let error = #expect(throws: MetricsError.self) { try ThresholdParser.parse(arguments: [argument]) }
        #expect(error?.message.contains(mentions) == true, "\(error?.message ?? "")")
    }

    @Test func k6OptionsJSONParses() throws {
        let sets = try ThresholdParser.parse(
            json: """
                {"grpc_req_duration": ["p(95)<200", {"threshold": "avg<100", "abortOnFail": true, "delayAbortEval": 2500}],
                 "checks": ["rate>0.99"]}
                """)
        #expect(sets.count == 2)
        #expect(sets[0].definitions[1].delayAbortEval == .milliseconds(2500))
        #expect(sets[1].selector.name == "checks")
    }

    @Test func thresholdOnUnknownMetricFailsAtStartUp() throws {
        let registry = MetricsRegistry()
        let sets = try ThresholdParser.parse(arguments: ["grpc_req_durations=p(95)<200"])
        let error = #expect(throws: MetricsError.self) { try ThresholdEvaluator(registry: registry, sets: sets) }
        #expect(error?.code == .unknownMetric)
        #expect(error?.message.contains("no metric named 'grpc_req_durations'") == true)
        #expect(error?.message.contains("grpc_req_duration,") == true)
    }

    @Test(arguments: [
        ("grpc_reqs=p(95)<1", "grpc_reqs is a counter, which does not support 'p'; use count, rate"),
        ("checks=avg<1", "checks is a rate, which does not support 'avg'; use rate"),
        ("vus=count>1", "vus is a gauge, which does not support 'count'; use value"),
        (
            "grpc_req_duration=rate<1",
            "grpc_req_duration is a trend, which does not support 'rate'; use avg, min, med, max, p(N)"
        ),
    ])
    func aggregationInvalidForTheMetricTypeFailsAtStartUp(_ argument: String, _ mentions: String) throws {
        let registry = MetricsRegistry()
        let sets = try ThresholdParser.parse(arguments: [argument])
        let error = #expect(throws: MetricsError.self) { try ThresholdEvaluator(registry: registry, sets: sets) }
        #expect(error?.code == .unsupportedAggregation)
        #expect(error?.message.contains(mentions) == true, "\(error?.message ?? "")")
    }

    @Test(arguments: [
        ("10s", Duration.seconds(10)), ("1m30s", .seconds(90)), ("500ms", .milliseconds(500)), ("1.5h", .seconds(5400)),
        ("250", .milliseconds(250)), ("2us", .microseconds(2)), ("0", .zero),
    ])
    func k6DurationsParse(_ text: String, _ expected: Duration) throws {
        #expect(try GoDuration.parse(text) == expected)
    }

    @Test(arguments: [
        (Duration.seconds(10), "10s"), (.seconds(90), "1m30s"), (.milliseconds(1500), "1.5s"),
        (.milliseconds(250), "250ms"),
        (.seconds(3600), "1h0m0s"),
    ])
    func durationsFormatLikeGo(_ duration: Duration, _ expected: String) {
        #expect(GoDuration.format(duration) == expected)
    }
}
