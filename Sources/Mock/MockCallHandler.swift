import GRPCProtocol
import GRPCWire
import NIOCore
import Synchronization

/// One call to the mock, on its event loop: gathers the request until it can be matched (the end of the
/// request, or the first message of a bidirectional stream), then plays the recorded answer step by step:
/// each message once the client messages before it arrived and its recorded pause passed, then the status.
/// A bidirectional stream's later messages are followed through the recorded conversations: where they
/// part from the one being played and go on as another's, the answer goes on from that one. A miss is
/// refused with the reason, or handed to the passthrough server.
final class MockCallHandler: ServerCallHandler {
    private let mock: MockContext
    private let book: MethodBook?
    private let counters: MockStatistics.Counters?
    private var requests = RequestMessages()
    private var received = 0
    private var halfClosed = false
    private var answer: RecordedAnswer?
    /// The set `answer` came from, while a bidirectional stream's messages are followed.
    private var following: AnswerSet?
    private var nextStep = 0
    /// The pause before the next step (message or status) is over.
    private var paused = false
    private var timer: NIOScheduledCallback?
    private var relay: PassthroughCall?

    /// Why this method is not served at all (reflection without a schema): refused with UNIMPLEMENTED, as a
    /// server without the service refuses it, unless a passthrough server takes it.
    private let unserved: String?

    init(mock: MockContext, book: MethodBook?, counters: MockStatistics.Counters?, unserved: String? = nil) {
        self.mock = mock
        self.book = book
        self.counters = counters
        self.unserved = unserved
    }

    func received(_ message: ByteBuffer, call: ServerCall) {
        if let relay { return relay.forward(message) }
        received += 1
        guard answer == nil else {
            if following != nil { follow(message, call) }
            return advance(call)
        }
        requests.append(message)
        // A method never recorded is a miss whatever comes next: a streaming client waiting for an answer
        // to its first message (reflection) gets it now.
        if book?.matchesFirstMessage ?? true, received == 1 { match(call) }
    }

    func receivedEnd(call: ServerCall) {
        halfClosed = true
        if let relay { return relay.end() }
        if answer == nil { match(call) } else { advance(call) }
    }

    func cancelled(call: ServerCall, status: GRPCStatus) {
        timer?.cancel()
        timer = nil
        relay?.cancel()
    }

    private func match(_ call: ServerCall) {
        guard let book else {
            if let unserved { return miss(call, reason: unserved, code: .unimplemented) }
            if let first = mock.unanswered[call.path] {
                return miss(
                    call, reason: "\(call.path) was recorded, but none of its calls has an answer to serve: \(first)")
            }
            return miss(call, reason: "\(call.path) was never recorded (\(mock.recordedMethodsText))")
        }
        switch book.match(requests: requests, metadata: call.requestMetadata) {
        case .answer(let answer, let set):
            counters?.matched.wrappingAdd(1, ordering: .relaxed)
            self.answer = answer
            if book.matchesFirstMessage { following = set } else { requests = RequestMessages() }
            if let headers = answer.headers { call.sendHeaders(headers) }
            advance(call)
        case .miss(let reason):
            miss(call, reason: reason)
        }
    }

    private func miss(_ call: ServerCall, reason: String, code: StatusCode? = nil) {
        let passthrough = mock.passthrough
        if let counters {
            counters.missed.wrappingAdd(1, ordering: .relaxed)
            if passthrough != nil { counters.passedThrough.wrappingAdd(1, ordering: .relaxed) }
        } else {
            mock.statistics.countUnknown(call.path, passedThrough: passthrough != nil)
        }
        if let passthrough {
            mock.log("miss: \(reason); passing it through to \(passthrough.target)")
            relay = passthrough.start(
                serverCall: call, kind: book?.kind, requests: requests.all, halfClosed: halfClosed)
            requests = RequestMessages()
            return
        }
        mock.log("miss: \(reason)")
        call.finish(GRPCStatus(code: code ?? mock.missCode, message: "reprise mock: \(reason)"))
    }

    /// A bidirectional stream's next message: still the conversation being answered, another recorded one
    /// (answer from it on: its steps that come after this message), or none (go on as recorded, and say
    /// so once, as for a stream longer than every recorded one). Messages are kept only while some recorded
    /// conversation is that long.
    private func follow(_ message: ByteBuffer, _ call: ServerCall) {
        guard let book, let set = following else { return }
        if received > book.maxRequests {
            mock.log(
                "drift: a stream of \(call.path) went on past the longest recorded conversation "
                    + "(\(book.maxRequests) messages); answering on as \(answer?.origin ?? "recorded")")
            return stopFollowing()
        }
        requests.append(message)
        // The usual case, without gathering the messages: the same bytes as the conversation's.
        if received <= set.requests.count, set.requests[received - 1] == message { return }
        switch book.continuation(of: set, received: requests.all, metadata: call.requestMetadata) {
        case .same: break
        case .switched(let other):
            let next = other.take()
            following = other
            answer = next
            nextStep = next.steps.firstIndex { $0.gate.requests >= received } ?? next.steps.count
            timer?.cancel()
            timer = nil
            paused = false
        case .diverged(let reason):
            mock.log("drift: \(reason); answering on as \(answer?.origin ?? "recorded")")
            stopFollowing()
        }
    }

    private func stopFollowing() {
        following = nil
        requests = RequestMessages()
    }

    /// Sends every step whose turn has come; stops at one that waits for the client or for its pause.
    private func advance(_ call: ServerCall) {
        guard let answer, timer == nil, !call.isFinished else { return }
        while nextStep < answer.steps.count {
            let step = answer.steps[nextStep]
            guard ready(step.gate), pauseOver(step.gate, call) else { return }
            call.send(step.message)
            nextStep += 1
        }
        guard let status = answer.status, ready(answer.statusGate), pauseOver(answer.statusGate, call) else { return }
        call.finish(status)
    }

    private func ready(_ gate: RecordedAnswer.Gate) -> Bool {
        (halfClosed || received >= gate.requests) && (halfClosed || !gate.halfClose)
    }

    /// Whether the step's pause is over; starts it (on the event loop's timer) when it has not begun.
    private func pauseOver(_ gate: RecordedAnswer.Gate, _ call: ServerCall) -> Bool {
        guard gate.delay > .zero else { return true }
        if paused {
            paused = false
            return true
        }
        do {
            timer = try call.eventLoop.assumeIsolated().scheduleCallback(
                in: gate.delay, handler: PauseOver(handler: self, call: call))
        } catch {
            // The loop is shutting down: nothing will be sent anyway.
        }
        return false
    }

    fileprivate func resume(_ call: ServerCall) {
        timer = nil
        paused = true
        advance(call)
    }
}

/// Ends a recorded pause between two steps of an answer.
private struct PauseOver: NIOScheduledCallbackHandler {
    let handler: MockCallHandler
    let call: ServerCall

    func handleScheduledCallback(eventLoop: some EventLoop) { handler.resume(call) }
}
