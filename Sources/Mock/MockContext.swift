import GRPCProtocol

/// What every call of one mock shares: counters, the miss status, the log and the passthrough.
final class MockContext: Sendable {
    let statistics: MockStatistics
    let missCode: StatusCode
    let log: @Sendable (String) -> Void
    let passthrough: PassthroughRelay?
    /// `recorded methods: /a.B/C, ...`, for misses on a method the recording does not have.
    let recordedMethodsText: String
    /// Methods recorded only in calls with no answer to serve, and how the first of them ended.
    let unanswered: [String: String]

    init(
        statistics: MockStatistics, missCode: StatusCode, log: @escaping @Sendable (String) -> Void,
        passthrough: PassthroughRelay?, methods: [String], unanswered: [String: String] = [:]
    ) {
        self.unanswered = unanswered
        self.statistics = statistics
        self.missCode = missCode
        self.log = log
        self.passthrough = passthrough
        let shown = methods.prefix(10).joined(separator: ", ")
        recordedMethodsText =
            methods.isEmpty
            ? "the recording has no calls" : "recorded methods: \(shown)\(methods.count > 10 ? ", ..." : "")"
    }
}
