import GRPCProtocol
import NIOCore

/// Call deadlines on one timer per connection. Calls with a deadline sit in a list ordered by deadline
/// (linked through the calls themselves); the timer is armed for the earliest and, when it fires, expires
/// what is due and re-arms for the next.
///
/// A call that ends early just leaves the list: the timer stays where it is and, if it fires for a call
/// long gone, it only re-arms. With one timeout for every call (k6 gives each invoke 2 minutes) deadlines
/// arrive in order, so inserting and removing are O(1) and the timer is touched about once per timeout,
/// instead of scheduling and cancelling an event-loop task per call.
extension ClientConnectionHandler {
    func trackDeadline(_ call: ClientCall) {
        guard let deadline = call.deadline, !call.inDeadlineList else { return }
        var before = deadlineTail
        while let candidate = before, let candidateDeadline = candidate.deadline, candidateDeadline > deadline {
            before = candidate.deadlinePrevious
        }
        if let before {
            call.deadlineNext = before.deadlineNext
            call.deadlinePrevious = before
            before.deadlineNext = call
        } else {
            call.deadlineNext = deadlineHead
            call.deadlinePrevious = nil
            deadlineHead = call
        }
        if let next = call.deadlineNext { next.deadlinePrevious = call } else { deadlineTail = call }
        call.inDeadlineList = true
        if deadlineTimerAt.map({ deadline < $0 }) ?? true { armDeadlineTimer(at: deadline) }
    }

    func untrackDeadline(_ call: ClientCall) {
        guard call.inDeadlineList else { return }
        call.inDeadlineList = false
        let next = call.deadlineNext
        let previous = call.deadlinePrevious
        if let previous { previous.deadlineNext = next } else { deadlineHead = next }
        if let next { next.deadlinePrevious = previous } else { deadlineTail = previous }
        call.deadlineNext = nil
        call.deadlinePrevious = nil
    }

    private func armDeadlineTimer(at deadline: NIODeadline) {
        guard let context else { return }
        deadlineTimer?.cancel()
        deadlineTimerAt = deadline
        deadlineTimer = try? context.eventLoop.assumeIsolated().scheduleCallback(
            at: deadline, handler: DeadlineTimer(handler: self))
    }

    func cancelDeadlineTimer() {
        deadlineTimer?.cancel()
        deadlineTimer = nil
        deadlineTimerAt = nil
    }

    fileprivate func deadlineTimerFired() {
        deadlineTimer = nil
        deadlineTimerAt = nil
        guard let context else { return }
        let now = context.eventLoop.now
        while let head = deadlineHead, let deadline = head.deadline, deadline <= now {
            untrackDeadline(head)
            head.finishLocally(GRPCStatus(code: .deadlineExceeded, message: "context deadline exceeded"))
        }
        // Calls started from the callbacks above may have armed the timer for a later deadline than the
        // earliest one still waiting: the timer must follow the head of the list.
        if let head = deadlineHead, let deadline = head.deadline, deadlineTimerAt.map({ deadline < $0 }) ?? true {
            armDeadlineTimer(at: deadline)
        }
    }
}

/// The connection's deadline timer; a value so scheduling it allocates nothing of its own.
private struct DeadlineTimer: NIOScheduledCallbackHandler {
    let handler: ClientConnectionHandler

    func handleScheduledCallback(eventLoop: some EventLoop) {
        handler.deadlineTimerFired()
    }
}
