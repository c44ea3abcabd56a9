/// A `--out` value: where samples go. Reprise writes k6's `json=FILE` and `csv=FILE` (gzipped when FILE
/// ends in `.gz`).
public enum OutputOption: Sendable, Equatable {
    /// k6's JSON lines output to a file.
    case json(path: String)
    /// k6's CSV output to a file.
    case csv(path: String, timeFormat: CSVOutput.TimeFormat)

    /// The file the output writes.
    public var path: String {
        switch self {
        case .json(let path), .csv(let path, _): path
        }
    }

    /// Parses `json=FILE`, `csv=FILE` or k6's `csv=fileName=FILE,timeFormat=unix|unix_nano|rfc3339`.
    public static func parse(_ text: String) throws -> OutputOption {
        guard let equals = text.firstIndex(of: "=") else {
            throw MetricsError(
                .invalidOption,
                "invalid --out '\(text)': write json=FILE or csv=FILE (FILE ending in .gz is gzipped)")
        }
        let kind = String(text[..<equals])
        let argument = String(text[text.index(after: equals)...])
        switch kind {
        case "json":
            return .json(path: try fileName(argument, in: text, example: "json=results.json"))
        case "csv":
            return try csv(argument, in: text)
        default:
            throw MetricsError(
                .invalidOption,
                "unsupported output '\(kind)' in --out '\(text)': Reprise writes json=FILE (k6's JSON lines) and "
                    + "csv=FILE (k6's CSV)")
        }
    }

    /// k6's CSV argument: a file name, or `key=value` pairs separated by commas.
    private static func csv(_ argument: String, in text: String) throws -> OutputOption {
        guard argument.contains("=") else {
            return .csv(path: try fileName(argument, in: text, example: "csv=results.csv"), timeFormat: .unix)
        }
        var path: String?
        var timeFormat = CSVOutput.TimeFormat.unix
        for pair in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else {
                throw MetricsError(.invalidOption, "invalid --out '\(text)': '\(pair)' is not key=value")
            }
            switch parts[0] {
            case "fileName", "file_name":
                path = try fileName(parts[1], in: text, example: "csv=fileName=results.csv")
            case "timeFormat":
                guard let format = CSVOutput.TimeFormat(rawValue: parts[1]) else {
                    let known = CSVOutput.TimeFormat.allCases.map(\.rawValue).joined(separator: ", ")
                    throw MetricsError(
                        .invalidOption, "invalid --out '\(text)': timeFormat '\(parts[1])' is not one of \(known)")
                }
                timeFormat = format
            case "saveInterval", "save_interval":
                throw MetricsError(
                    .invalidOption,
                    "invalid --out '\(text)': saveInterval is not supported; samples are written as they are "
                        + "flushed, every second")
            default:
                throw MetricsError(
                    .invalidOption,
                    "invalid --out '\(text)': unknown key '\(parts[0])'; csv takes fileName and timeFormat")
            }
        }
        guard let path else {
            throw MetricsError(.invalidOption, "invalid --out '\(text)': csv needs fileName=FILE")
        }
        return .csv(path: path, timeFormat: timeFormat)
    }

    private static func fileName(_ name: String, in text: String, example: String) throws -> String {
        guard !name.isEmpty, name != "-" else {
            throw MetricsError(.invalidOption, "invalid --out '\(text)': give a file name, as in \(example)")
        }
        return name
    }

    /// Opens the output, giving it the run's thresholds for its metric descriptions.
    public func open(thresholds: [ThresholdSet]) throws -> any MetricsOutput {
        switch self {
        case .json(let path): try JSONLinesOutput(path: path, thresholds: thresholds)
        case .csv(let path, let timeFormat): try CSVOutput(path: path, timeFormat: timeFormat)
        }
    }
}
