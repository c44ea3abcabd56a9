import NIOCore
import ProtoCodec
import Synchronization

/// The recorded calls of one method that got the same request (same messages, same matched headers):
/// answered in recorded order, then the last again, or round and round (`cycle`).
final class AnswerSet: Sendable {
    /// The request messages matched on (a bidirectional stream's are followed one by one as they come).
    let requests: [ByteBuffer]
    /// The same, decoded, when the schema knows the method.
    let requestJSON: [JSONValue]?
    /// The values of the matched headers, in `MockConfiguration.matchHeaders` order.
    let headerValues: [String]
    let answers: [RecordedAnswer]
    private let cycle: Bool
    private let next = Atomic<Int>(0)

    init(
        requests: [ByteBuffer], requestJSON: [JSONValue]?, headerValues: [String], answers: [RecordedAnswer],
        cycle: Bool
    ) {
        precondition(!answers.isEmpty, "an answer set holds at least one answer")
        self.requests = requests
        self.requestJSON = requestJSON
        self.headerValues = headerValues
        self.answers = answers
        self.cycle = cycle
    }

    /// The answer for this call, advancing the sequence.
    func take() -> RecordedAnswer {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        if cycle { return answers[index % answers.count] }
        return answers[min(index, answers.count - 1)]
    }

    /// The first recorded answer, to name it in a miss.
    var first: RecordedAnswer { answers[0] }
}
