/// An error from the metrics layer that a person reads: a bad threshold, an unknown metric, a file that
/// does not parse. `description` says what was wrong, where, and what to do.
public struct MetricsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, for logs and tests.
        public let name: String
        /// Creates a code.
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A threshold expression or metric selector that does not follow k6's grammar.
        public static let thresholdSyntax = Code("thresholdSyntax")
        /// A threshold on a metric that the run does not define.
        public static let unknownMetric = Code("unknownMetric")
        /// An aggregation the metric's type does not support (`p(95)` on a counter).
        public static let unsupportedAggregation = Code("unsupportedAggregation")
        /// A metric defined twice with different types, or with an invalid name.
        public static let invalidMetric = Code("invalidMetric")
        /// A check or group name that is not allowed.
        public static let invalidName = Code("invalidName")
        /// A command-line option value that does not parse.
        public static let invalidOption = Code("invalidOption")
        /// A summary file that cannot be read or merged.
        public static let invalidSummary = Code("invalidSummary")
        /// A file that cannot be written.
        public static let io = Code("io")
    }

    /// What kind of problem this is.
    public var code: Code
    /// The full message: what, where, what to do.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
