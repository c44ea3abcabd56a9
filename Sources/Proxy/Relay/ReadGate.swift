import NIOCore
import Synchronization

/// Stops every connection of the proxy from reading while the recorder is behind: the recorder closes the
/// gate when its queue passes its high-water mark and opens it below the low one, so a disk slower than
/// the traffic slows the traffic down instead of losing events or growing memory without bound.
final class ReadGate: Sendable {
    private struct State {
        var isOpen = true
        var waiters: [@Sendable () -> Void] = []
        var closings = 0
    }

    private let state = Mutex(State())

    /// Whether reading may go on.
    var isOpen: Bool { state.withLock { $0.isOpen } }

    /// How many times the gate closed.
    var closings: Int { state.withLock { $0.closings } }

    func close() {
        state.withLock {
            if $0.isOpen { $0.closings += 1 }
            $0.isOpen = false
        }
    }

    func open() {
        let waiters = state.withLock { state -> [@Sendable () -> Void] in
            state.isOpen = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter() }
    }

    /// Runs `waiter` when the gate opens (now, when it is open).
    func whenOpen(_ waiter: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.isOpen { return true }
            state.waiters.append(waiter)
            return false
        }
        if runNow { waiter() }
    }
}

/// Holds a channel's reads while the recorder's gate is closed, or while the connection holds them itself:
/// a client connection waits for its server connection before it reads anything, and a side whose bytes
/// the other side cannot take yet waits until it can. Holds nest; reads go on once every hold is released.
final class ReadGateHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = NIOAny

    private let gate: ReadGate
    private var holds: Int
    private var pendingRead = false
    private var waiting = false
    private var context: ChannelHandlerContext?

    init(gate: ReadGate, held: Bool) {
        self.gate = gate
        self.holds = held ? 1 : 0
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func read(context: ChannelHandlerContext) {
        if holds == 0, gate.isOpen {
            context.read()
            return
        }
        pendingRead = true
        if holds == 0 { waitForGate(context: context) }
    }

    /// Holds reads until a matching ``release()``.
    func hold() { holds += 1 }

    /// Lifts one hold; reads go on once none is left (and the gate is open).
    func release() {
        holds = max(holds - 1, 0)
        guard holds == 0, pendingRead, let context else { return }
        if gate.isOpen {
            pendingRead = false
            context.read()
        } else {
            waitForGate(context: context)
        }
    }

    private func waitForGate(context: ChannelHandlerContext) {
        guard !waiting else { return }
        waiting = true
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        gate.whenOpen {
            loop.execute {
                let handler = handler.value
                handler.waiting = false
                guard handler.pendingRead, handler.holds == 0, let context = handler.context else { return }
                if handler.gate.isOpen {
                    handler.pendingRead = false
                    context.read()
                } else {
                    handler.waitForGate(context: context)
                }
            }
        }
    }
}
