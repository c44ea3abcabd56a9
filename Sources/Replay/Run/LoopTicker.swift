import NIOCore
import NIOPosix

#if os(Linux)
    import CTimerFD
    import Glibc
#endif

/// The schedule clock of one loop's open-loop schedule: fires on the loop for the next call that is due,
/// never sooner than a tick after now, and while calls keep coming due it goes on firing on a grid of
/// ticks without being set again.
///
/// On Linux it is a timerfd that repeats by itself, read by the event loop like a socket, so a steady rate
/// costs no timer system call per firing. swift-nio's scheduled callbacks, used before, re-arm the loop's
/// own timerfd on most wake-ups of a busy loop: `SelectorEpoll.whenReady` compares `now() + timeAmount`
/// (where `timeAmount` came from an earlier `now()`) with the deadline it armed and arms again whenever the
/// sum comes out smaller, about three `timerfd_settime` per firing at 10,000 calls/s with answers waking
/// the loop in between. Elsewhere, or if the timerfd cannot be made, the ticker uses scheduled callbacks.
///
/// Confined to `eventLoop`.
final class LoopTicker: NIOScheduledCallbackHandler, @unchecked Sendable {
    private let eventLoop: any EventLoop
    private let tick: UInt64
    private let window: UInt64
    private var fire: (() -> Void)?
    private var callback: NIOScheduledCallback?
    private var stopped = false
    #if os(Linux)
        /// The timerfd until it is given up (-1 then); the channel reading it owns it once registered.
        private var descriptor: CInt = -1
        private var channel: (any Channel)?
        /// Firings come at `gridStart + k * tick` while `running`.
        private var gridStart: UInt64 = 0
        private var running = false
    #endif

    /// A stopped ticker that calls `fire` on `eventLoop` at most once per `tick` nanoseconds once told
    /// when; a firing within `window` of a call's time counts as that call's firing.
    init(eventLoop: any EventLoop, tick: UInt64, window: UInt64, fire: @escaping () -> Void) {
        self.eventLoop = eventLoop
        self.tick = max(tick, 1)
        self.window = window
        self.fire = fire
        #if os(Linux)
            let descriptor = timerfd_create(CLOCK_MONOTONIC, CInt(TFD_NONBLOCK | TFD_CLOEXEC))
            guard descriptor >= 0 else { return }
            self.descriptor = descriptor
            NIOPipeBootstrap(group: eventLoop)
                .channelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(Reader(ticker: self))
                    }
                }
                .takingOwnershipOfDescriptor(input: descriptor)
                .hop(to: eventLoop)
                .whenComplete { [self] result in
                    switch result {
                    case .success(let channel):
                        self.channel = channel
                        if stopped { channel.close(promise: nil) }
                    case .failure:
                        // Not closed here: swift-nio may already have (a second close could hit a reused
                        // number); one descriptor left open in this rare case is the lesser harm.
                        giveUpDescriptor()
                    }
                }
        #endif
    }

    /// Makes the ticker fire for a call due at `due` (uptime nanoseconds, with `now` the time): at the
    /// grid's next firing when that is within the window of it, which costs nothing, else at `due` but at
    /// least a tick from now, where the grid starts again. False if the loop is shutting down.
    func fire(for due: UInt64, now: UInt64) -> Bool {
        guard !stopped else { return false }
        let at = max(due, now &+ tick)
        #if os(Linux)
            if descriptor >= 0 {
                if running, due <= nextGridFiring(after: now) &+ window { return true }
                if arm(at: at) { return true }
                giveUpDescriptor()
            }
        #endif
        callback?.cancel()
        callback = try? eventLoop.scheduleCallback(at: .uptimeNanoseconds(at), handler: self)
        return callback != nil
    }

    /// No firing from now on; the timerfd is closed.
    func stop() {
        guard !stopped else { return }
        stopped = true
        fire = nil
        callback?.cancel()
        callback = nil
        #if os(Linux)
            running = false
            channel?.close(promise: nil)
        #endif
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        callback = nil
        if !stopped { fire?() }
    }

    #if os(Linux)
        private func nextGridFiring(after now: UInt64) -> UInt64 {
            guard now >= gridStart else { return gridStart }
            return gridStart &+ ((now &- gridStart) / tick &+ 1) &* tick
        }

        /// Arms the timerfd to fire at `time` and every tick after it.
        private func arm(at time: UInt64) -> Bool {
            var spec = itimerspec()
            spec.it_value = timespec(tv_sec: Int(time / 1_000_000_000), tv_nsec: Int(time % 1_000_000_000))
            spec.it_interval = timespec(tv_sec: Int(tick / 1_000_000_000), tv_nsec: Int(tick % 1_000_000_000))
            guard timerfd_settime(descriptor, CInt(TFD_TIMER_ABSTIME), &spec, nil) == 0 else { return false }
            gridStart = time
            running = true
            return true
        }

        /// Falls back to scheduled callbacks (the timerfd's channel could not be made, or arming failed); a
        /// firing the grid still owed comes from a callback.
        private func giveUpDescriptor() {
            let owed = running ? nextGridFiring(after: NIODeadline.now().uptimeNanoseconds) : nil
            descriptor = -1
            running = false
            channel?.close(promise: nil)
            channel = nil
            if let owed, !stopped {
                callback = try? eventLoop.scheduleCallback(at: .uptimeNanoseconds(owed), handler: self)
            }
        }

        fileprivate func expired() {
            if !stopped { fire?() }
        }

        /// Reads the timerfd's expiry counts (several expiries read as one firing).
        private final class Reader: ChannelInboundHandler {
            typealias InboundIn = ByteBuffer
            private let ticker: LoopTicker

            init(ticker: LoopTicker) { self.ticker = ticker }

            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                ticker.expired()
            }

            func errorCaught(context: ChannelHandlerContext, error: any Error) {
                if ticker.channel === context.channel { ticker.giveUpDescriptor() }
            }
        }
    #endif
}
