import GRPCProtocol
import GRPCWire
import Metrics
import NIOCore

/// Receives the end of raw calls, on the runner's event loop.
public protocol RawCallHandler: AnyObject {
    /// The runner's call ended; read its status and responses now, the runner is reused afterwards.
    func rawCallFinished(_ runner: RawCallRunner)
}

/// Runs raw calls one at a time on one event loop, stepping through each call's script as its responses
/// arrive: the replayer's unit of work. A runner is reused from call to call, so a replayed call costs no
/// engine allocation beyond the wire's own call and, for paced or causally waiting streams, their timers.
///
/// Confined to `eventLoop`: create it anywhere, then use it only there.
public final class RawCallRunner: ClientCallDelegate, @unchecked Sendable {
    /// The loop the runner's calls live on.
    public let eventLoop: any EventLoop
    /// Whether response messages are kept for ``responses`` (a check needs them; a load run does not).
    public var keepResponses: Bool
    /// Whether response headers and trailers are kept (a check that compares them needs them).
    public var keepMetadata = false
    /// How much faster than recorded the steps' `notBefore` times pass; nil ignores them (no pacing), but
    /// for a cancel's, which then passes as recorded.
    public var pacing: Double?
    /// How long a step waits for the responses it follows before it goes ahead anyway: a server that
    /// answers less than it did when recorded must not hang the call.
    public var causalWaitLimit: TimeAmount = .seconds(5)
    /// Free for the owner: which planned call, which iteration.
    public var tag = 0
    /// Free for the owner.
    public var iteration = 0
    /// Free for the owner: which connection, which user.
    public var lane = 0

    /// The call's status once it finished.
    public private(set) var status = GRPCStatus.ok
    /// The response messages, when kept, in order.
    public private(set) var responses: [ByteBuffer] = []
    /// The response headers, when kept.
    public private(set) var responseHeaders = Metadata()
    /// The trailing metadata (without the status), when kept.
    public private(set) var trailers = Metadata()
    /// How many response messages arrived.
    public private(set) var responseCount = 0
    /// Whether the request reached the server (its HEADERS went out); a status made before that is
    /// the client's own failure.
    public private(set) var reachedServer = false
    /// Whether the status came from the server (its trailers), not from this side (a deadline, a cancel,
    /// a failure) or a reset.
    public private(set) var statusFromServer = false
    /// When the call should have started (`NIODeadline` uptime nanoseconds), or when it did if that was
    /// earlier.
    public private(set) var intendedStart: UInt64 = 0
    /// When it did start.
    public private(set) var startedAt: UInt64 = 0
    /// When it ended.
    public private(set) var finishedAt: UInt64 = 0
    /// Whether a call is running.
    public private(set) var isRunning = false

    private let metrics: LoopMetrics?
    private var handler: (any RawCallHandler)?
    private var call: RawCall?
    private var wireCall: ClientCall?
    private var nextStep = 0
    private var expectedStatus: ExpectedStatus?
    private var pacingTimer: Scheduled<Void>?
    private var stallTimer: Scheduled<Void>?
    private var stalledStep = -1
    private var waitReleased = -1

    /// A runner on `eventLoop` recording k6's gRPC metrics into `metrics`; calls end at `handler`.
    public init(
        eventLoop: any EventLoop, metrics: EngineMetrics?, handler: any RawCallHandler, keepResponses: Bool = true
    ) {
        self.eventLoop = eventLoop
        self.metrics = metrics?.loop(eventLoop)
        self.handler = handler
        self.keepResponses = keepResponses
    }

    /// Lets go of the handler (which usually owns the runner): call once the run is over.
    public func release() { handler = nil }

    /// Cancels the call in flight (RST_STREAM), finishing it with CANCELLED and `message` (on the loop).
    public func interrupt(_ message: String) {
        guard isRunning else { return }
        wireCall?.cancel(message: message)
    }

    /// Starts `call` on `connection` (nil: no connection right now, so it fails at once with `unavailable`).
    /// `intendedStart` is when the schedule wanted it to start; its duration is measured from there, so a
    /// late start shows as latency (an early one is measured from its actual start, never shorter than it
    /// took). An end as `expectedStatus` says is not counted as failed (nil: only OK is not).
    public func start(
        _ call: RawCall, on connection: ClientConnection?, intendedStart: UInt64, expectedStatus: ExpectedStatus?,
        unavailable: GRPCStatus
    ) {
        eventLoop.preconditionInEventLoop()
        precondition(!isRunning, "a RawCallRunner runs one call at a time")
        isRunning = true
        self.call = call
        self.expectedStatus = expectedStatus
        startedAt = NIODeadline.now().uptimeNanoseconds
        self.intendedStart = min(intendedStart, startedAt)
        nextStep = 0
        responseCount = 0
        reachedServer = false
        statusFromServer = false
        stalledStep = -1
        waitReleased = -1
        responses.removeAll(keepingCapacity: true)
        if keepMetadata {
            responseHeaders = Metadata()
            trailers = Metadata()
        }
        if call.isStream, let series = call.series, let metrics { metrics.sink.add(series.series.streams, 1) }
        guard let connection else {
            finish(unavailable)
            return
        }
        if call.isSingleRequest, case .send(let bytes) = call.steps[0].action {
            nextStep = 2
            wireCall = connection.startCall(path: call.path, request: bytes, options: call.options, delegate: self)
            if call.isStream, let series = call.series, let metrics {
                metrics.sink.add(series.series.messagesSent, 1)
            }
        } else {
            wireCall = connection.makeCall(path: call.path, options: call.options, delegate: self)
            advance()
        }
    }

    /// Takes every step that is due: its responses have arrived and its time has come.
    private func advance() {
        guard let call, let wireCall, !wireCall.isFinished else { return }
        let now = pacing == nil && !call.hasTimedCancel ? 0 : NIODeadline.now().uptimeNanoseconds
        while nextStep < call.steps.count {
            guard isDue(nextStep, of: call, now: now) else { return }
            let step = call.steps[nextStep]
            nextStep += 1
            switch step.action {
            case .send(let bytes):
                // A half-close due right behind the message rides on its frame (END_STREAM on the DATA),
                // as the client sent it.
                var endStream = false
                if nextStep < call.steps.count, case .halfClose = call.steps[nextStep].action,
                    isDue(nextStep, of: call, now: now, arm: false)
                {
                    endStream = true
                    nextStep += 1
                }
                wireCall.send(bytes, endStream: endStream)
                if call.isStream, let series = call.series, let metrics {
                    metrics.sink.add(series.series.messagesSent, 1)
                }
            case .halfClose:
                wireCall.end()
            case .cancel:
                wireCall.cancel()
                return
            }
            if wireCall.isFinished { return }
        }
    }

    /// Whether step `index` may happen now; if not and `arm` is set, the timer that will retry is armed.
    private func isDue(_ index: Int, of call: RawCall, now: UInt64, arm: Bool = true) -> Bool {
        if responseCount < call.steps[index].afterResponses, waitReleased != index {
            if arm { armStallTimer() }
            return false
        }
        guard call.notBefore[index] > 0 else { return true }
        // Unpaced schedules (rates, users) still keep a cancel's time: when the client gave up is the
        // work the server was given, not a gap to close up.
        let speed: Double
        if let pacing {
            speed = pacing
        } else if case .cancel = call.steps[index].action {
            speed = 1
        } else {
            return true
        }
        let due = startedAt &+ UInt64(Double(call.notBefore[index]) / speed)
        guard due > now else { return true }
        if arm, pacingTimer == nil {
            pacingTimer = eventLoop.scheduleTask(in: .nanoseconds(Int64(due - now))) { [self] in
                pacingTimer = nil
                advance()
            }
        }
        return false
    }

    /// One timer at a time: when it fires and the same step still waits, the step goes ahead; when another
    /// step waits by then, that step's wait starts.
    private func armStallTimer() {
        guard stallTimer == nil, stalledStep != nextStep else { return }
        stalledStep = nextStep
        let step = nextStep
        stallTimer = eventLoop.scheduleTask(in: causalWaitLimit) { [self] in
            stallTimer = nil
            guard isRunning else { return }
            // The step went ahead meanwhile: a later one may be waiting now, and gets a wait of its own.
            if nextStep == step { waitReleased = step }
            advance()
        }
    }

    public func callReceivedHeaders(_ call: ClientCall, headers: Metadata) {
        if keepMetadata { responseHeaders = headers }
    }

    public func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) {
        responseCount += 1
        if keepResponses { responses.append(message) }
        if let raw = self.call, raw.isStream, let series = raw.series, let metrics {
            metrics.sink.add(series.series.messagesReceived, 1)
        }
        if let raw = self.call, nextStep < raw.steps.count { advance() }
    }

    public func callFinished(_ call: ClientCall, result: CallResult) {
        reachedServer = call.streamID != nil
        statusFromServer = result.fromServer
        if keepMetadata { trailers = result.trailers }
        finish(result.status)
    }

    private func finish(_ status: GRPCStatus) {
        self.status = status
        finishedAt = NIODeadline.now().uptimeNanoseconds
        pacingTimer?.cancel()
        pacingTimer = nil
        stallTimer?.cancel()
        stallTimer = nil
        wireCall = nil
        if let series = call?.series, let metrics {
            // An expected end counts only from a call that reached the server: one that failed before is
            // the client's own failure, whatever its status.
            let failed =
                expectedStatus.map {
                    !(reachedServer && $0.isMet(by: status.code.rawValue, fromServer: statusFromServer))
                } ?? !status.isOK
            series.record(
                metrics.sink, status: status, nanoseconds: Int64(finishedAt &- intendedStart), failed: failed)
        }
        call = nil
        isRunning = false
        handler?.rawCallFinished(self)
    }
}
