import Synchronization

/// Everything that says how the golden check compares a call with its recording: fields to skip, numbers
/// that may move a little, repeated fields whose order does not matter, values that need only keep a shape,
/// whether status messages count.
/// From `--ignore` flags, a `--rules` file (``RulesFile``), or both.
public struct CompareRules: Sendable {
    /// Fields never compared.
    public var ignore: [IgnoreRule] = []
    /// Numeric fields compared within a tolerance.
    public var tolerances: [ToleranceRule] = []
    /// Repeated fields compared as sets or matched by a key field.
    public var repeated: [RepeatedRule] = []
    /// Fields whose replayed value need only match a regular expression.
    public var matches: [MatchRule] = []
    /// Whether the status message must match too (off: only the code).
    public var compareStatusMessage = true
    /// Response header keys compared (none by default: servers stamp dates, hosts and ids there).
    public var headers: [String] = []
    /// Trailer keys compared.
    public var trailers: [String] = []

    /// Whether a check needs the replayed calls' headers and trailers.
    public var comparesMetadata: Bool { !headers.isEmpty || !trailers.isEmpty }

    /// No rules: everything compared exactly.
    public init() {}

    /// Only these ignore rules.
    public init(ignore: [IgnoreRule], compareStatusMessage: Bool = true) {
        self.ignore = ignore
        self.compareStatusMessage = compareStatusMessage
    }

    /// `self` with `other`'s rules added (flags and a file combine); the status message is compared only
    /// when both say so.
    public func adding(_ other: CompareRules) -> CompareRules {
        var merged = self
        merged.ignore += other.ignore
        merged.tolerances += other.tolerances
        merged.repeated += other.repeated
        merged.matches += other.matches
        merged.compareStatusMessage = compareStatusMessage && other.compareStatusMessage
        merged.headers += other.headers.filter { !headers.contains($0) }
        merged.trailers += other.trailers.filter { !trailers.contains($0) }
        return merged
    }

    /// Every rule as written, in the order ``RuleUsage`` counts them: ignores, tolerances, repeated, matches.
    public var descriptions: [String] {
        ignore.map(\.description) + tolerances.map(\.pattern.description) + repeated.map(\.pattern.description)
            + matches.map(\.pattern.description)
    }

    /// The first ignore rule covering `path` of message `message`, by index.
    func ignoring(_ path: [String], message: Int, method: String) -> Int? {
        ignore.firstIndex { $0.covers(path, message: message, method: method) }
    }

    /// The first tolerance covering `path`, with its index in ``descriptions``.
    func tolerance(_ path: [String], message: Int, method: String) -> (index: Int, rule: ToleranceRule)? {
        guard let index = tolerances.firstIndex(where: { $0.pattern.covers(path, message: message, method: method) })
        else { return nil }
        return (ignore.count + index, tolerances[index])
    }

    /// The first repeated-field rule covering `path`, with its index in ``descriptions``.
    func repeatedRule(_ path: [String], message: Int, method: String) -> (index: Int, rule: RepeatedRule)? {
        guard let index = repeated.firstIndex(where: { $0.pattern.covers(path, message: message, method: method) })
        else { return nil }
        return (ignore.count + tolerances.count + index, repeated[index])
    }

    /// The first match rule covering `path`, with its index in ``descriptions``.
    func matchRule(_ path: [String], message: Int, method: String) -> (index: Int, rule: MatchRule)? {
        guard let index = matches.firstIndex(where: { $0.pattern.covers(path, message: message, method: method) })
        else { return nil }
        return (ignore.count + tolerances.count + repeated.count + index, matches[index])
    }

    /// Whether the status message of `method`'s calls is compared: on unless turned off, or ignored by a
    /// `status.message` rule (whose index is returned, to count it as used).
    func statusMessageRule(method: String) -> (compare: Bool, rule: Int?) {
        guard compareStatusMessage else { return (false, nil) }
        if let index = ignore.firstIndex(where: { $0.isStatusMessage && $0.applies(to: method) }) {
            return (false, index)
        }
        return (true, nil)
    }

    /// The ignore rule that skips metadata `key` of `part` (`headers` or `trailers`) for `method`, if any:
    /// `headers.x-served-by`, `trailers.*`.
    func metadataIgnoreRule(_ part: String, _ key: String, method: String) -> Int? {
        ignore.firstIndex {
            $0.segments.count == 2 && $0.segments[0] == part && ($0.segments[1] == key || $0.segments[1] == "*")
                && $0.applies(to: method)
        }
    }
}

/// A numeric field that may differ by up to an absolute amount or a fraction of the larger value.
public struct ToleranceRule: Sendable, Hashable {
    /// Where it applies.
    public var pattern: IgnoreRule
    /// The largest difference allowed, if any.
    public var absolute: Double?
    /// The largest difference allowed as a fraction of the larger magnitude (0.01: one percent), if any.
    public var relative: Double?

    /// A tolerance from its parts.
    public init(pattern: IgnoreRule, absolute: Double? = nil, relative: Double? = nil) {
        self.pattern = pattern
        self.absolute = absolute
        self.relative = relative
    }

    /// Whether two numbers are close enough (either bound suffices).
    func accepts(_ left: Double, _ right: Double) -> Bool {
        let difference = abs(left - right)
        if let absolute, difference <= absolute { return true }
        if let relative, difference <= relative * max(abs(left), abs(right)) { return true }
        return false
    }
}

/// A repeated field whose order does not matter: compared as a set (each element matched by equality), or
/// element by element matched by the value of a key field.
public struct RepeatedRule: Sendable, Hashable {
    /// How elements are paired.
    public enum Match: Sendable, Hashable {
        /// Any order; each recorded element must have an equal replayed one.
        case set
        /// Elements with the same value of this field (a JSON or proto name) are compared with each other.
        case key(String)
    }

    /// Where it applies.
    public var pattern: IgnoreRule
    /// How elements are paired.
    public var match: Match

    /// A rule from its parts.
    public init(pattern: IgnoreRule, match: Match) {
        self.pattern = pattern
        self.match = match
    }
}

/// A field whose value changes from call to call but keeps a shape (an id, a token, a timestamp): the
/// replayed value passes when the whole of it matches a regular expression, whatever was recorded. Strings
/// are matched as they are; numbers and booleans as their JSON text.
public struct MatchRule: Sendable, Hashable {
    /// Where it applies.
    public var pattern: IgnoreRule
    /// The regular expression as written.
    public let source: String
    private let compiled: Compiled

    /// A compiled expression, shared by the checkers of every event loop. `Regex` is not `Sendable` (its
    /// output type may not be), but matching only reads the compiled program, whose lazy lowering the
    /// string-processing library guards with an atomic.
    private final class Compiled: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>
        init(_ regex: Regex<AnyRegexOutput>) { self.regex = regex }
    }

    /// A rule from a path and a regular expression; throws the expression's problem when it does not parse.
    public init(pattern: IgnoreRule, regex source: String) throws {
        self.pattern = pattern
        self.source = source
        compiled = Compiled(try Regex(source))
    }

    /// Whether all of `text` matches.
    func accepts(_ text: String) -> Bool {
        (try? compiled.regex.wholeMatch(in: text)) != nil
    }

    public static func == (left: MatchRule, right: MatchRule) -> Bool {
        left.pattern == right.pattern && left.source == right.source
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(source)
    }
}

/// How often each rule was used during a run (shared by the checkers on every event loop), so rules that
/// matched nothing can be listed at the end. Counted only when a rule changes a comparison, off the fast
/// path of calls whose bytes are as recorded.
public final class RuleUsage: Sendable {
    private let counts: Mutex<[Int]>

    /// Counters for `count` rules.
    public init(count: Int) { counts = Mutex(Array(repeating: 0, count: count)) }

    func use(_ index: Int) { counts.withLock { $0[index] += 1 } }

    /// Times each rule was used, in ``CompareRules/descriptions`` order.
    public var uses: [Int] { counts.withLock { $0 } }
}
