/// The thresholds on one metric or sub-metric, in the order they were given.
public struct ThresholdSet: Hashable, Sendable {
    /// Which metric (or sub-metric) they apply to.
    public var selector: MetricSelector
    /// The thresholds.
    public var definitions: [ThresholdDefinition]

    /// Creates a set.
    public init(selector: MetricSelector, definitions: [ThresholdDefinition]) {
        self.selector = selector
        self.definitions = definitions
    }

    /// Parses a selector and short-form expressions: `try ThresholdSet("grpc_req_duration", ["p(95)<200"])`.
    public init(_ selector: String, _ expressions: [String]) throws {
        self.init(
            selector: try MetricSelector.parse(selector), definitions: try expressions.map(ThresholdDefinition.init))
    }
}
