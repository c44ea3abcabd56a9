/// Reads thresholds from the command line (`--threshold 'METRIC=EXPR'`) and from k6-style JSON options.
public enum ThresholdParser {
    /// Parses repeated `--threshold` values into sets, merging values for the same selector in order.
    ///
    /// Each value is `METRIC=EXPR`, where METRIC may carry a tag filter (`grpc_req_duration{method:Get}`)
    /// and EXPR is a short-form expression (`p(95)<200`), a long-form JSON object
    /// (`{"threshold":"p(95)<200","abortOnFail":true,"delayAbortEval":"10s"}`), or a JSON array of either.
    public static func parse(arguments: [String]) throws -> [ThresholdSet] {
        var sets: [ThresholdSet] = []
        for argument in arguments {
            let (selectorText, expressionText) = try split(argument)
            let selector = try MetricSelector.parse(selectorText)
            let definitions = try parseDefinitions(expressionText, context: "--threshold '\(argument)'")
            if let index = sets.firstIndex(where: { $0.selector.key == selector.key }) {
                sets[index].definitions += definitions
            } else {
                sets.append(ThresholdSet(selector: selector, definitions: definitions))
            }
        }
        return sets
    }

    /// Parses k6's `thresholds` option: `{"metric": ["p(95)<200", {"threshold": ..., "abortOnFail": ...}]}`.
    public static func parse(json text: String, context: String = "thresholds") throws -> [ThresholdSet] {
        let document = try JSONParser.parse(text, context: context)
        guard let members = document.objectMembers else {
            throw MetricsError(.thresholdSyntax, "\(context) must be a JSON object of metric names to threshold lists")
        }
        return try members.map { member in
            let selector = try MetricSelector.parse(member.key)
            return ThresholdSet(
                selector: selector,
                definitions: try definitions(member.value, context: "\(context) for '\(member.key)'"))
        }
    }

    /// Splits `METRIC=EXPR` at the `=` that ends the metric (after a `{...}` filter, if any).
    static func split(_ argument: String) throws -> (String, String) {
        var searchStart = argument.startIndex
        if let open = argument.firstIndex(of: "{"), let equals = argument.firstIndex(of: "="), open < equals,
            let close = argument[open...].firstIndex(of: "}")
        {
            searchStart = close
        }
        guard let equals = argument[searchStart...].firstIndex(of: "=") else {
            throw MetricsError(
                .thresholdSyntax,
                "invalid --threshold '\(argument)': write METRIC=EXPRESSION, such as 'grpc_req_duration=p(95)<200'")
        }
        let metric = String(argument[..<equals]).trimmingSpaces
        let expression = String(argument[argument.index(after: equals)...]).trimmingSpaces
        guard !metric.isEmpty, !expression.isEmpty else {
            throw MetricsError(
                .thresholdSyntax,
                "invalid --threshold '\(argument)': both the metric and the expression are needed, as in"
                    + " 'checks=rate>0.99'")
        }
        return (metric, expression)
    }

    private static func parseDefinitions(_ text: String, context: String) throws -> [ThresholdDefinition] {
        guard let first = text.first, first == "{" || first == "[" else {
            return [try ThresholdDefinition(text)]
        }
        return try definitions(try JSONParser.parse(text, context: context), context: context)
    }

    private static func definitions(_ value: JSONValue, context: String) throws -> [ThresholdDefinition] {
        switch value {
        case .array(let elements): return try elements.map { try definition($0, context: context) }
        default: return [try definition(value, context: context)]
        }
    }

    /// One threshold: a string, or `{threshold, abortOnFail, delayAbortEval}` like k6's long form.
    static func definition(_ value: JSONValue, context: String) throws -> ThresholdDefinition {
        if let source = value.stringValue { return try ThresholdDefinition(source) }
        guard let members = value.objectMembers else {
            throw MetricsError(
                .thresholdSyntax, "\(context): a threshold must be a string or an object, not \(value.kindName)")
        }
        var definition: ThresholdDefinition?
        var abortOnFail = false
        var delay: Duration?
        for (key, member) in members {
            switch key {
            case "threshold":
                guard let source = member.stringValue else {
                    throw MetricsError(
                        .thresholdSyntax, "\(context): \"threshold\" must be a string such as \"p(95)<200\"")
                }
                definition = try ThresholdDefinition(source)
            case "abortOnFail":
                guard let flag = member.boolValue else {
                    throw MetricsError(.thresholdSyntax, "\(context): \"abortOnFail\" must be true or false")
                }
                abortOnFail = flag
            case "delayAbortEval":
                switch member {
                case .null: delay = nil
                case .string(let text): delay = try GoDuration.parse(text)
                case .number(let milliseconds, _): delay = .nanoseconds(Int64(milliseconds * 1_000_000))
                default:
                    throw MetricsError(
                        .thresholdSyntax, "\(context): \"delayAbortEval\" must be a duration such as \"10s\"")
                }
            default:
                throw MetricsError(
                    .thresholdSyntax,
                    "\(context): unknown key \"\(key)\"; a long-form threshold has threshold, abortOnFail and"
                        + " delayAbortEval")
            }
        }
        guard var result = definition else {
            throw MetricsError(
                .thresholdSyntax, "\(context): a long-form threshold needs \"threshold\": \"EXPRESSION\"")
        }
        result.abortOnFail = abortOnFail
        result.delayAbortEval = delay
        return result
    }
}
