/// One threshold on a metric: the expression and k6's long-form options.
public struct ThresholdDefinition: Hashable, Sendable {
    /// The parsed expression; `expression.source` is the text as written.
    public var expression: ThresholdExpression
    /// Whether a failure stops the run (after `delayAbortEval`).
    public var abortOnFail: Bool
    /// How long the run must have lasted before a failure may abort it; `nil` means at once.
    public var delayAbortEval: Duration?

    /// Creates a definition.
    public init(expression: ThresholdExpression, abortOnFail: Bool = false, delayAbortEval: Duration? = nil) {
        self.expression = expression
        self.abortOnFail = abortOnFail
        self.delayAbortEval = delayAbortEval
    }

    /// Parses the short form (`"p(95)<200"`).
    public init(_ source: String) throws {
        self.init(expression: try ThresholdExpression.parse(source))
    }

    /// The expression as written.
    public var source: String { expression.source }
}
