import NIOCore

extension RuleLearner {
    /// Two recordings of the same traffic compared call by call: calls with the same method and the same
    /// request bytes are paired in order, and the second one's answers checked against the first's, as a
    /// replay would be. The result's difference groups feed ``proposals(from:)``.
    public static func compare(_ first: ReplayPlan, with second: ReplayPlan, checker: GoldenChecker) -> (
        result: ReplayResult, paired: Int, unpaired: Int
    ) {
        var partners: [PairKey: [PlannedCall]] = [:]
        for call in second.calls.reversed() where call.expected.code != nil {
            partners[PairKey(call), default: []].append(call)
        }
        var methodIndex: [String: Int] = [:]
        var methodNames: [String] = []
        for call in first.calls where methodIndex[call.methodName] == nil {
            methodIndex[call.methodName] = methodNames.count
            methodNames.append(call.methodName)
        }
        var tally = LoopTally(methodNames: methodNames)
        var paired = 0
        var unpaired = 0
        for call in first.calls {
            let key = PairKey(call)
            guard call.expected.code != nil, let partner = partners[key]?.popLast() else {
                unpaired += 1
                continue
            }
            paired += 1
            let outcome = CallOutcome(
                call: call.index, iteration: call.index, code: partner.expected.code,
                message: partner.expected.message, responses: partner.expected.responses.map { ByteBuffer(bytes: $0) })
            let mismatches = checker.check(call, outcome)
            let method = methodIndex[call.methodName]!
            let failed = mismatches.contains { $0.isFailure }
            if !mismatches.isEmpty {
                tally.keep(
                    CallDifference(
                        call: call.index, recordedCall: call.recordedCall, method: call.methodName,
                        iteration: call.index, mismatches: mismatches),
                    method: method, limit: 0)
            }
            tally.record(
                method: method, verdict: failed ? .failed : mismatches.isEmpty ? .asRecorded : .differ,
                status: partner.expected.code ?? 17, offset: 0, latency: 0)
        }
        unpaired += partners.values.reduce(0) { $0 + $1.count }
        var result = ReplayResult()
        LoopTally.merge([tally], limit: 0, into: &result)
        result.finished = paired
        return (result, paired, unpaired)
    }

    /// Calls are the same request when method and request bytes are.
    private struct PairKey: Hashable {
        var method: String
        var requests: [[UInt8]]

        init(_ call: PlannedCall) {
            method = call.method
            requests = call.requests.map(\.bytes)
        }
    }
}
