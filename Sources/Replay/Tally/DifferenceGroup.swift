import ProtoCodec

/// The calls of one method that differ from their recordings in the same way (the same kind at the same
/// path): how many, and a few examples. Grouped so a run says "responses[0].fetchedAt differs in 31 of 40
/// calls" instead of listing 31 calls.
public struct DifferenceGroup: Sendable, Hashable {
    /// One call that differed this way.
    public struct Example: GroupExample {
        /// The call id in the recording.
        public var recordedCall: Int
        /// The replay's sequence number of the call.
        public var iteration: Int
        /// The recorded value.
        public var expected: String
        /// The replayed value.
        public var actual: String

        func showsTheSame(as other: Example) -> Bool {
            recordedCall == other.recordedCall && expected == other.expected && actual == other.actual
        }
    }

    /// `pkg.Service/Method`.
    public let method: String
    /// What differs.
    public let kind: Mismatch.Kind
    /// Where (``FieldPath``'s syntax, usable in `--ignore`); empty for the message count.
    public let path: String
    /// Calls that differed this way.
    public var calls = 0
    /// The first few of them.
    public var examples: [Example] = []

    /// Examples kept per group.
    public static let exampleLimit = 3

    /// Where it differs, as the check prints it: the kind, then the path when there is one
    /// (`field responses[0].id`, `message count`).
    public var place: String { path.isEmpty ? kind.rawValue : "\(kind.rawValue) \(path)" }

    /// Groups in the order reports show them: by method, the most calls first, then by path.
    static func inReportOrder(_ groups: some Sequence<DifferenceGroup>) -> [DifferenceGroup] {
        groups.sorted { ($0.method, -$0.calls, $0.path) < ($1.method, -$1.calls, $1.path) }
    }

    /// An empty group.
    public init(method: String, kind: Mismatch.Kind, path: String) {
        self.method = method
        self.kind = kind
        self.path = path
    }

    mutating func add(_ example: Example) {
        calls += 1
        examples.keep(example)
    }

    mutating func merge(_ other: DifferenceGroup) {
        calls += other.calls
        examples = examples.merged(with: other.examples)
    }
}

/// The calls that ended with the same unexpected status and message (or never reached the server for the
/// same reason): how many, and a few examples.
public struct FailureGroup: Sendable, Hashable {
    /// One call that failed this way.
    public struct Example: GroupExample {
        /// `pkg.Service/Method`.
        public var method: String
        /// The call id in the recording.
        public var recordedCall: Int
        /// The replay's sequence number of the call.
        public var iteration: Int
        /// The recorded status.
        public var expected: String

        func showsTheSame(as other: Example) -> Bool {
            method == other.method && recordedCall == other.recordedCall && expected == other.expected
        }
    }

    /// The replayed status (`UNAVAILABLE (14)`), or `never reached the server`.
    public let status: String
    /// The status message, or why the call never reached the server.
    public let message: String
    /// Calls that failed this way.
    public var calls = 0
    /// The first few of them.
    public var examples: [Example] = []

    /// An empty group.
    public init(status: String, message: String) {
        self.status = status
        self.message = message
    }

    /// The status with its message as a JSON string, when it has one: `UNAVAILABLE (14) "reset"`.
    public var described: String {
        message.isEmpty ? status : "\(status) \(JSONValue.string(message).jsonString())"
    }

    /// Groups in the order reports show them: the most calls first, then by status and message.
    static func inReportOrder(_ groups: some Sequence<FailureGroup>) -> [FailureGroup] {
        groups.sorted { (-$0.calls, $0.status, $0.message) < (-$1.calls, $1.status, $1.message) }
    }

    mutating func add(_ example: Example) {
        calls += 1
        examples.keep(example)
    }

    mutating func merge(_ other: FailureGroup) {
        calls += other.calls
        examples = examples.merged(with: other.examples)
    }
}

/// A group's example: a call that differed or failed in the group's way.
protocol GroupExample: Sendable, Hashable {
    /// The replay's sequence number of the call.
    var iteration: Int { get }
    /// Whether `other` is the same recorded call with the same values (another iteration of it).
    func showsTheSame(as other: Self) -> Bool
}

extension Array where Element: GroupExample {
    /// Keeps `example` unless ``DifferenceGroup/exampleLimit`` are kept or one already shows the same (a
    /// call replayed many times differs the same way each time: one example says it).
    mutating func keep(_ example: Element) {
        if count < DifferenceGroup.exampleLimit, !contains(where: { $0.showsTheSame(as: example) }) {
            append(example)
        }
    }

    /// The first examples of both, by iteration, as ``keep(_:)`` keeps them.
    func merged(with other: [Element]) -> [Element] {
        var merged: [Element] = []
        for example in (self + other).sorted(by: { $0.iteration < $1.iteration }) { merged.keep(example) }
        return merged
    }
}
