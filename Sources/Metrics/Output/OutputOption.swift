/// A `--out` value: where samples go. Reprise supports k6's `json=FILE` (gzipped when FILE ends in `.gz`).
public enum OutputOption: Sendable, Equatable {
    /// k6's JSON lines output to a file.
    case json(path: String)

    /// Parses `json=FILE`.
    public static func parse(_ text: String) throws -> OutputOption {
        guard let equals = text.firstIndex(of: "=") else {
            throw MetricsError(
                .invalidOption, "invalid --out '\(text)': write json=FILE (FILE ending in .gz is gzipped)")
        }
        let kind = String(text[..<equals])
        let argument = String(text[text.index(after: equals)...])
        switch kind {
        case "json":
            guard !argument.isEmpty, argument != "-" else {
                throw MetricsError(
                    .invalidOption, "invalid --out '\(text)': json needs a file name, as in json=results.json")
            }
            return .json(path: argument)
        default:
            throw MetricsError(
                .invalidOption,
                "unsupported output '\(kind)' in --out '\(text)': Reprise writes json=FILE (k6's JSON lines)")
        }
    }

    /// Opens the output, giving it the run's thresholds for its metric descriptions.
    public func open(thresholds: [ThresholdSet]) throws -> any MetricsOutput {
        switch self {
        case .json(let path): try JSONLinesOutput(path: path, thresholds: thresholds)
        }
    }
}
